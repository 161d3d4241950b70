# %% [markdown]
# # Задание 3: нейронная сеть своими руками
#
# Когда есть обратные проходы и движок, можно обучать сеть. В этом задании вы соберёте части
# небольшого классификатора, а затем обучите его на наборе данных «две луны» (*two moons*):
#
# 1. `LinearFunction`, слой `x @ weight.T + bias`, с его обратным проходом;
# 2. `BCEWithLogits`, бинарную перекрёстную энтропию, вычисленную численно устойчиво;
# 3. `sgd_step`, один шаг градиентного спуска;
# 4. `MLP`, двухслойную сеть, и её инициализацию;
# 5. `train`, цикл обучения.
#
# **Правила** (те же, что и раньше). Каждую производную записывайте сами через операции над
# тензорами; обратный проход, который вызывает собственную реализацию своей операции в
# minigrad, баллов не приносит (а вот сам `loss.backward()` здесь разрешён: это движок
# minigrad). Не изменяйте ячейки с проверками. Грейдер преподавателя ещё и обучает вашу сеть
# на наборе данных, сгенерированном с вашим личным скрытым зерном генератора, и измеряет её
# точность на точках, которых она никогда не видела.

# %% [locked] id=setup

import minigrad as torch
from autograder import check
from minigrad.autograd import Function

# %% [markdown]
# ## 1. Линейный слой
#
# `LinearFunction.apply(x, weight, bias)` вычисляет `x @ weight.T + bias`, где `x` формы
# `(N, in)` (батч из N примеров), `weight` формы `(out, in)` и `bias` формы `(out,)`. Его
# обратный проход возвращает три градиента. Смещение прибавляется к каждому примеру батча,
# поэтому его градиент суммируется по батчу.


# %% [solution] id=linear
class LinearFunction(Function):
    @staticmethod
    def forward(ctx, x, weight, bias):
        ### BEGIN SOLUTION
        ctx.save_for_backward(x, weight)
        return x @ weight.t() + bias
        ### END SOLUTION

    @staticmethod
    def backward(ctx, grad_output):
        ### BEGIN SOLUTION
        x, weight = ctx.saved_tensors
        return grad_output @ weight, grad_output.t() @ x, grad_output.sum(dim=0)
        ### END SOLUTION


# %% [tests] id=test_linear
check("linear", LinearFunction)
### BEGIN HIDDEN TESTS
check("linear", LinearFunction, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# ## 2. Функция потерь
#
# Сеть выдаёт по одному *логиту* $z$ на пример; $\sigma(z) = 1 / (1 + e^{-z})$ — вероятность
# класса 1. При метках $t \in \{0, 1\}$ (вещественный тензор) бинарная перекрёстная энтропия
# одного примера равна $-t \log \sigma(z) - (1 - t) \log(1 - \sigma(z))
# = \log(1 + e^z) - t z$, а функция потерь — её среднее по батчу. Её градиент равен
# произведению `grad_output` на $(\sigma(z) - t) / N$; `target` получает `None`.
#
# $\log(1 + e^z)$ переполняется при больших $z$. Для численной устойчивости вычисляйте его как
# $\max(z, 0) + \log(1 + e^{-|z|})$ (`z.clamp(min=0)`, `z.abs()`, `.exp()`, `.log1p()`).


# %% [solution] id=bce
class BCEWithLogits(Function):
    @staticmethod
    def forward(ctx, logits, target):
        ### BEGIN SOLUTION
        ctx.save_for_backward(logits, target)
        softplus = logits.clamp(min=0) + (-logits.abs()).exp().log1p()
        return (softplus - target * logits).mean()
        ### END SOLUTION

    @staticmethod
    def backward(ctx, grad_output):
        ### BEGIN SOLUTION
        logits, target = ctx.saved_tensors
        return grad_output * (logits.sigmoid() - target) / logits.numel(), None
        ### END SOLUTION


# %% [tests] id=test_bce
check("bce", BCEWithLogits)
### BEGIN HIDDEN TESTS
check("bce", BCEWithLogits, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# ## 3. Один шаг градиентного спуска
#
# `sgd_step(params, lr)` сдвигает каждый параметр против его градиента, с шагом,
# пропорциональным скорости обучения `lr`: `p -= lr * p.grad`. Параметры — это листья графа,
# которым нужен градиент, поэтому менять их на месте, пока autograd записывает граф, нельзя
# (пропало бы то, что нужно обратному проходу): делайте это внутри `with torch.no_grad():`.
# И менять нужно сами тензоры: `p = p - lr * p.grad` всего лишь связывает имя `p` с новым
# тензором.


# %% [solution] id=sgd
def sgd_step(params, lr):
    ### BEGIN SOLUTION
    with torch.no_grad():
        for p in params:
            p -= lr * p.grad
    ### END SOLUTION


# %% [tests] id=test_sgd
check("sgd", sgd_step)
### BEGIN HIDDEN TESTS
check("sgd", sgd_step, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# ## 4. Сеть и её инициализация
#
# `MLP(n_in, n_hidden, n_out)` вычисляет `LinearFunction` (веса `w1`, `b1`), `tanh`, а затем
# снова `LinearFunction` (`w2`, `b2`). Её параметры должны быть **листьями** графа, которым
# нужен градиент: `torch.randn(h, n) * s` с `requires_grad=True` у `randn` — *не* лист (он
# вычислен операцией `*`), и `.grad` у него так и не появится; сначала масштабируйте, потом
# вызывайте `.requires_grad_()`.
#
# Если бы все скрытые нейроны начинали с одинаковых весов (например, нулевых), они вычисляли
# бы одно и то же, получали бы одинаковый градиент и так и оставались бы одинаковыми: задавайте
# веса случайно. Хороший масштаб — $1/\sqrt{\text{fan\_in}}$ (fan_in — число входов слоя);
# смещения можно начинать с нуля.


# %% [solution] id=mlp
class MLP:
    def __init__(self, n_in, n_hidden, n_out):
        ### BEGIN SOLUTION
        self.w1 = (torch.randn(n_hidden, n_in) / n_in**0.5).requires_grad_()
        self.b1 = torch.zeros(n_hidden, requires_grad=True)
        self.w2 = (torch.randn(n_out, n_hidden) / n_hidden**0.5).requires_grad_()
        self.b2 = torch.zeros(n_out, requires_grad=True)
        ### END SOLUTION

    def parameters(self):
        return [self.w1, self.b1, self.w2, self.b2]

    def __call__(self, x):
        ### BEGIN SOLUTION
        h = LinearFunction.apply(x, self.w1, self.b1).tanh()
        return LinearFunction.apply(h, self.w2, self.b2)
        ### END SOLUTION


# %% [tests] id=test_init
check("init", MLP)
### BEGIN HIDDEN TESTS
check("init", MLP, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# ## 5. Обучение
#
# `train(X, y)` получает входы `X` (формы `(N, 2)`) и метки `y` (вещественные, 0 или 1) и
# возвращает обученную `MLP(2, 16, 1)`. На каждом шаге вычислите логиты (у `model(X)` форма
# `(N, 1)`, а `.squeeze(1)` делает её `(N,)`) и функцию потерь, обнулите градиент каждого
# параметра (`p.grad = None`: `backward()` *прибавляет* к `.grad`), вызовите
# `loss.backward()`, а затем `sgd_step`. Около 500 шагов со скоростью обучения `lr=1.0`
# хватает, чтобы точность на новых точках была выше 90%.


# %% [solution] id=train
def train(X, y):
    ### BEGIN SOLUTION
    model = MLP(2, 16, 1)
    for _ in range(500):
        loss = BCEWithLogits.apply(model(X).squeeze(1), y)
        for p in model.parameters():
            p.grad = None
        loss.backward()
        sgd_step(model.parameters(), 1.0)
    return model
    ### END SOLUTION


# %% [tests] id=test_training
check("training", train)
### BEGIN HIDDEN TESTS
check("training", train, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# ## Попробуйте
#
# Доля новых точек, которые ваша сеть классифицирует правильно:

# %% id=try
X, y = torch.data.make_moons(n=200, noise=0.1, seed=1)
X_new, y_new = torch.data.make_moons(n=200, noise=0.1, seed=2)
model = train(X, y.float())
with torch.no_grad():
    print(((model(X_new).squeeze(1) > 0).long() == y_new).float().mean())
