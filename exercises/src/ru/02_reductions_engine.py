# %% [markdown]
# # Задание 2: редукции, матричное произведение и движок обратного прохода
#
# В задании 1 каждая операция сохраняла форму своего входа. Теперь вы напишете обратный проход
# операций, которые меняют форму, а затем движок, который выполняет обратные проходы всех узлов
# графа в правильном порядке:
#
# 1. редукции `Sum`, `Mean` (по любым измерениям, с `keepdim` и без) и `Max` (по одному
#    измерению);
# 2. матричное произведение `MatMul`, в том числе для батчей;
# 3. `SoftmaxCrossEntropy`, функцию потерь классификатора: softmax вместе с перекрёстной
#    энтропией, у которых на удивление простой общий градиент;
# 4. `backward(root)`, сам движок.
#
# **Правила** (те же, что и раньше). Каждую производную записывайте сами через операции над
# тензорами. Обратный проход, который вызывает собственную реализацию своей операции в minigrad
# или запускает `backward()` / `autograd.grad`, баллов не приносит. Не изменяйте ячейки с
# проверками.
#
# Ячейки с проверками запускают *видимые проверки*; грейдер преподавателя запускает ещё и
# скрытые (другие формы и измерения, несмежные в памяти тензоры, другие графы) и начисляет
# частичные баллы за каждое свойство, называя ошибку одной фразой.

# %% [locked] id=setup

import minigrad as torch
from autograder import check, run_node
from minigrad.autograd import Function


def reduced_dims(dim, ndim):
    """The dims a reduction over `dim` removes (None: all of them), sorted and non-negative:
    reduced_dims(-1, 3) == (2,), reduced_dims((2, 0), 3) == (0, 2)."""
    if dim is None:
        return tuple(range(ndim))
    dims = dim if isinstance(dim, (tuple, list)) else (dim,)
    return tuple(sorted(d % ndim for d in dims))


def unbroadcast(grad, shape):
    """Assignment 1's answer: sum `grad` back to `shape` (after broadcasting)."""
    lead = grad.dim() - len(shape)
    if lead > 0:
        grad = grad.sum(dim=tuple(range(lead)))
    dims = tuple(i for i, n in enumerate(shape) if n == 1 and grad.shape[i] != 1)
    if dims:
        grad = grad.sum(dim=dims, keepdim=True)
    return grad


# %% [markdown]
# ## 1. Редукции
#
# `Sum.apply(x, dim, keepdim)` складывает элементы `x` по `dim`: `None` (по всем измерениям),
# целому числу (возможно, отрицательному: счёт с конца) или кортежу целых чисел. Каждый элемент
# `x` входит ровно один раз ровно в один элемент выхода, поэтому градиент элемента `x` равен
# входящему градиенту того элемента выхода, куда он попал: это `grad_output`, *разнесённый
# обратно* по свёрнутым (редуцированным) измерениям.
#
# `grad_output` имеет форму выхода. При `keepdim=True` свёрнутые измерения остаются на
# месте с размером 1, и `grad_output.expand(x_shape)` растягивает его. При `keepdim=False` этих
# измерений нет, и их сначала нужно вернуть (`.unsqueeze(d)`, по возрастанию `d`), иначе при
# растягивании измерения сопоставятся неправильно. Готовая функция `reduced_dims(dim, x.dim())`
# превращает любой `dim` в отсортированный кортеж неотрицательных номеров измерений.
#
# Напишите `restore(grad, shape, dims, keepdim)` (она делает ровно это) и `Sum`. Обратный
# проход возвращает по градиенту на каждый аргумент `forward`: здесь градиент по `x`, затем
# `None` для `dim` и `None` для `keepdim`.


# %% [solution] id=sum
def restore(grad, shape, dims, keepdim):
    """`grad` (формы выхода) с возвращёнными свёрнутыми измерениями `dims`, растянутый до
    `shape`."""
    ### BEGIN SOLUTION
    if not keepdim:
        for d in dims:
            grad = grad.unsqueeze(d)
    return grad.expand(shape)
    ### END SOLUTION


class Sum(Function):
    @staticmethod
    def forward(ctx, x, dim, keepdim):
        ### BEGIN SOLUTION
        ctx.shape, ctx.dims, ctx.keepdim = x.shape, reduced_dims(dim, x.dim()), keepdim
        return x.sum() if dim is None else x.sum(dim=dim, keepdim=keepdim)
        ### END SOLUTION

    @staticmethod
    def backward(ctx, grad_output):
        ### BEGIN SOLUTION
        return restore(grad_output, ctx.shape, ctx.dims, ctx.keepdim), None, None
        ### END SOLUTION


# %% [tests] id=test_sum
check("sum", Sum)
### BEGIN HIDDEN TESTS
check("sum", Sum, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# `Mean` — это сумма, делённая на число усреднённых вместе элементов, то есть на произведение
# размеров свёрнутых измерений (оно равно `x.numel()`, только когда сворачиваются все
# измерения).


# %% [solution] id=mean
class Mean(Function):
    @staticmethod
    def forward(ctx, x, dim, keepdim):
        ### BEGIN SOLUTION
        ctx.shape, ctx.dims, ctx.keepdim = x.shape, reduced_dims(dim, x.dim()), keepdim
        ctx.count = 1
        for d in ctx.dims:
            ctx.count *= x.shape[d]
        return x.mean() if dim is None else x.mean(dim=dim, keepdim=keepdim)
        ### END SOLUTION

    @staticmethod
    def backward(ctx, grad_output):
        ### BEGIN SOLUTION
        return restore(grad_output / ctx.count, ctx.shape, ctx.dims, ctx.keepdim), None, None
        ### END SOLUTION


# %% [tests] id=test_mean
check("mean", Mean)
### BEGIN HIDDEN TESTS
check("mean", Mean, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# `Max.apply(x, dim, keepdim)` возвращает наибольшее значение вдоль одного измерения `dim`
# (целое число). На выход влияет только тот элемент, который *и есть* максимум, поэтому он
# получает весь входящий градиент, а все остальные элементы получают 0.
# `x.max(dim=dim, keepdim=True).values` даёт максимумы с сохранённым измерением, а
# `x == values` отмечает, где они стоят (одинаковых значений в проверках не бывает). Если
# умножить вещественный тензор на булев, значения сохранятся там, где стоит `True`, а
# остальные станут нулями.


# %% [solution] id=max
class Max(Function):
    @staticmethod
    def forward(ctx, x, dim, keepdim):
        ### BEGIN SOLUTION
        values = x.max(dim=dim, keepdim=True).values
        ctx.save_for_backward(x == values)
        ctx.dim, ctx.keepdim = dim, keepdim
        return values if keepdim else values.squeeze(dim)
        ### END SOLUTION

    @staticmethod
    def backward(ctx, grad_output):
        ### BEGIN SOLUTION
        (is_max,) = ctx.saved_tensors
        g = grad_output if ctx.keepdim else grad_output.unsqueeze(ctx.dim)
        return g * is_max, None, None
        ### END SOLUTION


# %% [tests] id=test_max
check("max", Max)
### BEGIN HIDDEN TESTS
check("max", Max, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# ## 2. Матричное произведение
#
# Для `out = a @ b`, где `a` формы `(m, k)` и `b` формы `(k, n)`:
# $\frac{\partial L}{\partial a} = \frac{\partial L}{\partial \text{out}}\, b^T$ и
# $\frac{\partial L}{\partial b} = a^T \frac{\partial L}{\partial \text{out}}$. Формы
# сходятся только одним способом, и по ним формулы легко запомнить.
#
# `MatMul` должен работать и на батчах: `a` формы `(batch, m, k)` с `b` формы `(batch, k, n)`
# или с `b` формы `(k, n)` (одна и та же матрица для каждого элемента батча). Используйте
# `.transpose(-1, -2)` (он меняет местами два последних измерения любого тензора) и вспомните,
# чему научило задание 1 про вход, растянутый трансляцией: готовая функция `unbroadcast`
# суммирует градиент обратно к форме входа.


# %% [solution] id=matmul
class MatMul(Function):
    @staticmethod
    def forward(ctx, a, b):
        ### BEGIN SOLUTION
        ctx.save_for_backward(a, b)
        return a @ b
        ### END SOLUTION

    @staticmethod
    def backward(ctx, grad_output):
        ### BEGIN SOLUTION
        a, b = ctx.saved_tensors
        grad_a = grad_output @ b.transpose(-1, -2)
        grad_b = a.transpose(-1, -2) @ grad_output
        return unbroadcast(grad_a, a.shape), unbroadcast(grad_b, b.shape)
        ### END SOLUTION


# %% [tests] id=test_matmul
check("matmul", MatMul)
### BEGIN HIDDEN TESTS
check("matmul", MatMul, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# ## 3. Softmax и перекрёстная энтропия
#
# Классификатор выдаёт `logits` формы `(N, C)`: по одной оценке на каждый пример и класс. Если
# `target` содержит правильный класс каждого примера (целочисленный тензор формы `(N,)`), то
# функция потерь равна среднему по батчу значению $-\log \text{softmax}(z_i)_{t_i}$.
#
# Если вычислять softmax и перекрёстную энтропию вместе, их общий градиент по логитам
# получается на удивление простым: `grad_output`, умноженный на
# $\frac{1}{N}(\text{softmax}(z) - \text{onehot}(t))$. `target` градиента не получает (`None`).
#
# Позаботьтесь о численной устойчивости: в арифметике с плавающей точкой `exp(1000)` равно
# `inf`. Softmax не меняется, если из всех логитов строки вычесть одно и то же число, поэтому
# сначала вычтите из каждой строки её максимум. Пригодятся `z.max(dim=1, keepdim=True).values`,
# `.exp()`, `.log()`, `.sum(dim=1, keepdim=True)`, `torch.arange(N)` и индексирование двумя
# тензорами индексов: `logp[torch.arange(N), target]` выбирает по одному элементу в каждой
# строке (это работает и слева от `=`).


# %% [solution] id=softmax_cross_entropy
class SoftmaxCrossEntropy(Function):
    @staticmethod
    def forward(ctx, logits, target):
        ### BEGIN SOLUTION
        shifted = logits - logits.max(dim=1, keepdim=True).values
        logp = shifted - shifted.exp().sum(dim=1, keepdim=True).log()
        n = logits.shape[0]
        ctx.save_for_backward(logp.exp(), target)
        return -logp[torch.arange(n), target].mean()
        ### END SOLUTION

    @staticmethod
    def backward(ctx, grad_output):
        ### BEGIN SOLUTION
        probs, target = ctx.saved_tensors
        n = probs.shape[0]
        onehot = torch.zeros_like(probs)
        onehot[torch.arange(n), target] = 1.0
        return grad_output * (probs - onehot) / n, None
        ### END SOLUTION


# %% [tests] id=test_softmax_cross_entropy
check("softmax_cross_entropy", SoftmaxCrossEntropy)
### BEGIN HIDDEN TESTS
check("softmax_cross_entropy", SoftmaxCrossEntropy, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# ## 4. Движок обратного прохода
#
# `loss.backward()` обходит граф, записанный во время прямого прохода, от функции потерь назад к
# листьям. Каждый тензор, созданный операцией, знает узел, который его создал: `t.grad_fn`.
# Каждый узел знает узлы своих входов: `node.next_functions`, кортеж пар `(input_node, 0)`, где
# на месте узла стоит `None`, если входу градиент не нужен. У листа графа, которому нужен
# градиент, тоже есть узел, `AccumulateGrad`, и его `.variable` и есть этот лист (это
# единственный узел с атрибутом `variable`). Готовая функция `run_node(node, grad)` выполняет
# обратный проход одного узла и возвращает градиенты для его входов в виде пар
# `(input_node, gradient)` (`help(run_node)`).
#
# Напишите `backward(root)` для корня из одного элемента: после вызова у каждого листа, которому
# нужен градиент, `.grad` увеличивается на d root / d leaf, а больше ни у кого `.grad` нет. Ваш
# движок должен
#
# - выполнять каждый узел **один раз** и только после **всех** узлов, которые используют его
#   результат (*топологический порядок*): если тензор используется дважды, его узел должен
#   сначала получить оба градиента и выполниться один раз на их **сумме**;
# - начинать с `torch.ones_like(root)` в качестве градиента корня;
# - прибавлять к `.grad` листа, если он уже есть (`leaf.grad = leaf.grad + g`), как это делает
#   `backward()`;
# - справляться с цепочкой из 10 000 узлов: Python останавливает рекурсию на глубине 1000,
#   поэтому вместо рекурсии используйте цикл и список в роли стека.
#
# Один из способов: обход в глубину, который добавляет узел в список, когда узлы всех его
# входов уже добавлены (обратный порядок обхода, post-order), даёт порядок, в котором каждый
# узел стоит после своих входов. Пройдите этот список с конца, храня словарь, который
# сопоставляет узлу сумму полученных им градиентов.


# %% [solution] id=engine
def backward(root):
    ### BEGIN SOLUTION
    order, seen = [], set()
    stack = [(root.grad_fn, False)]
    while stack:
        node, expanded = stack.pop()
        if expanded:
            order.append(node)  # после всех узлов, от которых он зависит
            continue
        if node in seen:
            continue
        seen.add(node)
        stack.append((node, True))
        for child, _ in node.next_functions:
            if child is not None and child not in seen:
                stack.append((child, False))
    grads = {root.grad_fn: torch.ones_like(root)}
    for node in reversed(order):
        grad = grads.pop(node, None)
        if grad is None:
            continue
        if hasattr(node, "variable"):
            leaf = node.variable
            leaf.grad = grad.clone() if leaf.grad is None else leaf.grad + grad
            continue
        for child, g in run_node(node, grad):
            grads[child] = g if child not in grads else grads[child] + g
    ### END SOLUTION


# %% [tests] id=test_engine
check("engine", backward)
### BEGIN HIDDEN TESTS
check("engine", backward, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# ## Попробуйте
#
# Ниже `a` используется дважды. Ваш движок и движок minigrad должны дать одно и то же:

# %% id=try
x = torch.tensor(0.5, requires_grad=True)
a = x.sin()
backward(a * a.exp() + a)
print(x.grad)

x2 = torch.tensor(0.5, requires_grad=True)
a2 = x2.sin()
(a2 * a2.exp() + a2).backward()
print(x2.grad)
