# %% [markdown]
# # Задание 1: обратный проход поэлементных операций
#
# Каждая операция в minigrad — это `Function` с методами `forward` и `backward`, в точности как
# `torch.autograd.Function`. В этом задании вы сами напишете:
#
# 1. обратный проход функций одного аргумента: `Exp`, `Log`, `Sin`, `Sigmoid`, `Tanh` и `Pow`
#    (возведение тензора в степень, заданную числом);
# 2. `unbroadcast`, функцию, которая суммирует градиент обратно к форме входа, растянутого
#    трансляцией (broadcasting);
# 3. обратный проход функций двух аргументов `Mul` и `Div`, у которых входы могут быть разной
#    формы, лишь бы эти формы были совместимы при трансляции.
#
# Метод `backward(ctx, grad_output)` получает градиент функции потерь по выходу функции и
# возвращает градиент по каждому входу `forward` (`None` для входа, являющегося обычным числом).
# Это цепное правило, применённое к одному звену вычислительного графа.
#
# **Правила.** Каждую производную записывайте сами через операции над тензорами (`*`, `/`,
# `.exp()`, ...). Обратный проход, который вызывает собственную реализацию этой операции в
# minigrad или получает свой градиент через `backward()` / `autograd.grad`, баллов не
# приносит. Не изменяйте ячейки с проверками.
#
# Каждая ячейка с проверкой запускает *видимые проверки*: их можно запускать сколько угодно.
# Грейдер преподавателя запускает ещё и скрытые проверки на других входах (другие формы,
# несмежные в памяти тензоры, трансляция) и начисляет частичные баллы за каждое проверенное
# свойство, называя ошибку одной фразой.

# %% [locked] id=setup

import minigrad as torch
from autograder import check
from minigrad.autograd import Function

# %% [markdown]
# ## 1. Функции одного аргумента
#
# `forward(ctx, x)` вычисляет результат и сохраняет то, что понадобится в `backward`, через
# `ctx.save_for_backward(...)`; `backward(ctx, grad_output)` достаёт сохранённое из
# `ctx.saved_tensors` и возвращает `grad_output`, умноженный на локальную производную.
#
# Образец того, как выглядит ответ, — `Exp`: $\frac{d}{dx} e^x = e^x$, поэтому функция
# сохраняет свой выход. Допишите её, а затем сделайте то же самое для `Log` ($\frac{1}{x}$) и
# `Sin` ($\cos x$).


# %% [solution] id=exp
class Exp(Function):
    @staticmethod
    def forward(ctx, x):
        ### BEGIN SOLUTION
        y = x.exp()
        ctx.save_for_backward(y)
        return y
        ### END SOLUTION

    @staticmethod
    def backward(ctx, grad_output):
        ### BEGIN SOLUTION
        (y,) = ctx.saved_tensors
        return grad_output * y
        ### END SOLUTION


# %% [tests] id=test_exp
check("exp", Exp)
### BEGIN HIDDEN TESTS
check("exp", Exp, hidden=True)
### END HIDDEN TESTS


# %% [solution] id=log
class Log(Function):
    @staticmethod
    def forward(ctx, x):
        ### BEGIN SOLUTION
        ctx.save_for_backward(x)
        return x.log()
        ### END SOLUTION

    @staticmethod
    def backward(ctx, grad_output):
        ### BEGIN SOLUTION
        (x,) = ctx.saved_tensors
        return grad_output / x
        ### END SOLUTION


# %% [tests] id=test_log
check("log", Log)
### BEGIN HIDDEN TESTS
check("log", Log, hidden=True)
### END HIDDEN TESTS


# %% [solution] id=sin
class Sin(Function):
    @staticmethod
    def forward(ctx, x):
        ### BEGIN SOLUTION
        ctx.save_for_backward(x)
        return x.sin()
        ### END SOLUTION

    @staticmethod
    def backward(ctx, grad_output):
        ### BEGIN SOLUTION
        (x,) = ctx.saved_tensors
        return grad_output * x.cos()
        ### END SOLUTION


# %% [tests] id=test_sin
check("sin", Sin)
### BEGIN HIDDEN TESTS
check("sin", Sin, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# Производные `Sigmoid` и `Tanh` проще и дешевле всего выражаются через их *выход*:
# $\sigma'(x) = \sigma(x)\,(1 - \sigma(x))$ и $\tanh'(x) = 1 - \tanh(x)^2$.


# %% [solution] id=sigmoid
class Sigmoid(Function):
    @staticmethod
    def forward(ctx, x):
        ### BEGIN SOLUTION
        s = 1 / (1 + (-x).exp())
        ctx.save_for_backward(s)
        return s
        ### END SOLUTION

    @staticmethod
    def backward(ctx, grad_output):
        ### BEGIN SOLUTION
        (s,) = ctx.saved_tensors
        return grad_output * s * (1 - s)
        ### END SOLUTION


# %% [tests] id=test_sigmoid
check("sigmoid", Sigmoid)
### BEGIN HIDDEN TESTS
check("sigmoid", Sigmoid, hidden=True)
### END HIDDEN TESTS


# %% [solution] id=tanh
class Tanh(Function):
    @staticmethod
    def forward(ctx, x):
        ### BEGIN SOLUTION
        t = x.tanh()
        ctx.save_for_backward(t)
        return t
        ### END SOLUTION

    @staticmethod
    def backward(ctx, grad_output):
        ### BEGIN SOLUTION
        (t,) = ctx.saved_tensors
        return grad_output * (1 - t * t)
        ### END SOLUTION


# %% [tests] id=test_tanh
check("tanh", Tanh)
### BEGIN HIDDEN TESTS
check("tanh", Tanh, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# `Pow(x, n)` возводит тензор в степень `n`, где `n` — обычное число, а не тензор. Её
# `backward` возвращает два значения, по одному на каждый аргумент `forward`: градиент по `x`
# и `None` для `n`. Обычное число можно сохранить в контексте как атрибут (`ctx.n = n`).


# %% [solution] id=pow
class Pow(Function):
    @staticmethod
    def forward(ctx, x, n):
        ### BEGIN SOLUTION
        ctx.save_for_backward(x)
        ctx.n = n
        return x**n
        ### END SOLUTION

    @staticmethod
    def backward(ctx, grad_output):
        ### BEGIN SOLUTION
        (x,) = ctx.saved_tensors
        return grad_output * ctx.n * x ** (ctx.n - 1), None
        ### END SOLUTION


# %% [tests] id=test_pow
check("pow", Pow)
### BEGIN HIDDEN TESTS
check("pow", Pow, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# ## 2. Отмена трансляции (un-broadcast)
#
# Когда `a` формы `(3,)` умножается на `b` формы `(2, 3)`, numpy транслирует `a` до формы
# `(2, 3)`: каждый элемент `a` используется дважды. Поэтому его градиент должен сложить вклады
# из всех мест, куда элемент был скопирован, и снова иметь форму `a`, то есть `(3,)`.
#
# Напишите `unbroadcast(grad, shape)`: просуммируйте `grad` по ведущим измерениям, которые
# добавила трансляция, а затем по тем измерениям, где у `shape` размер 1, а у `grad` нет
# (сохраняя их: `keepdim=True`). `grad.sum(dim=(0, 2), keepdim=True)` суммирует сразу по
# нескольким измерениям.


# %% [solution] id=unbroadcast
def unbroadcast(grad, shape):
    ### BEGIN SOLUTION
    lead = grad.dim() - len(shape)
    if lead > 0:
        grad = grad.sum(dim=tuple(range(lead)))
    dims = tuple(i for i, n in enumerate(shape) if n == 1 and grad.shape[i] != 1)
    if dims:
        grad = grad.sum(dim=dims, keepdim=True)
    return grad
    ### END SOLUTION


# %% [tests] id=test_unbroadcast
check("unbroadcast", unbroadcast)
### BEGIN HIDDEN TESTS
check("unbroadcast", unbroadcast, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# ## 3. Функции двух аргументов
#
# `Mul` и `Div` принимают два тензора, формы которых могут различаться, но совместимы при
# трансляции. Верните по градиенту на каждый вход, причём каждый — формы *своего* входа:
# здесь пригодится ваша `unbroadcast`.


# %% [solution] id=mul
class Mul(Function):
    @staticmethod
    def forward(ctx, a, b):
        ### BEGIN SOLUTION
        ctx.save_for_backward(a, b)
        return a * b
        ### END SOLUTION

    @staticmethod
    def backward(ctx, grad_output):
        ### BEGIN SOLUTION
        a, b = ctx.saved_tensors
        return unbroadcast(grad_output * b, a.shape), unbroadcast(grad_output * a, b.shape)
        ### END SOLUTION


# %% [tests] id=test_mul
check("mul", Mul)
### BEGIN HIDDEN TESTS
check("mul", Mul, hidden=True)
### END HIDDEN TESTS


# %% [solution] id=div
class Div(Function):
    @staticmethod
    def forward(ctx, a, b):
        ### BEGIN SOLUTION
        ctx.save_for_backward(a, b)
        return a / b
        ### END SOLUTION

    @staticmethod
    def backward(ctx, grad_output):
        ### BEGIN SOLUTION
        a, b = ctx.saved_tensors
        grad_a = grad_output / b
        grad_b = -grad_output * a / (b * b)
        return unbroadcast(grad_a, a.shape), unbroadcast(grad_b, b.shape)
        ### END SOLUTION


# %% [tests] id=test_div
check("div", Div)
### BEGIN HIDDEN TESTS
check("div", Div, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# ## Попробуйте
#
# Ваши функции встраиваются в движок minigrad так же, как его собственные: `Mul.apply(a, b)`
# добавляет узел в граф, а `.backward()` вызывает ваш `backward`. Сравните с результатом
# minigrad:

# %% id=try
a = torch.randn(2, 3, requires_grad=True)
b = torch.randn(3, requires_grad=True)
Mul.apply(a, Sigmoid.apply(b)).sum().backward()
print(a.grad)
print(b.grad)
