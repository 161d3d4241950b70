# Глава 7, исходный текст: собирается командой `python notebooks/build.py` (синтаксис ячеек описан в build.py).
# ruff: noqa: E402, E501, F401, F811, B018

# %% [markdown]
# # Глава 7. Внутри minigrad
#
# До сих пор autograd был для нас чёрным ящиком, который заполняет `.grad`. В этой главе мы его
# откроем. minigrad достаточно мала, чтобы её можно было прочитать целиком, и устроена так же,
# как PyTorch (только в гораздо меньшем масштабе), так что всё увиденное здесь верно и для
# PyTorch:
#
# 1. каждая операция — это **`Function`** с методами `forward` и `backward`;
# 2. вызов операции записывает **узел** (`grad_fn`), связанный с узлами её входов, и сохраняет
#    то, что понадобится при обратном проходе, в объекте контекста — **`ctx`**;
# 3. `backward()` запускает **движок** (engine), который обходит узлы в правильном порядке и
#    передаёт градиенты от каждого узла к его входам.
#
# Вы напишете собственную `Function`, проверите её с помощью `gradcheck` и посмотрите, в каком
# порядке работает движок. Эта глава — мост к упражнениям, в которых вы сами напишете обратные
# проходы операций minigrad.
#
# Как и во всех главах, `minigrad` выступает вместо PyTorch под именем `torch`. Кроме нескольких
# ячеек, которые читают исходный код самой minigrad (они помечены *только minigrad*), весь код
# без изменений работает и на PyTorch. Ячейки, которые начинаются с `# NBVAL_CHECK_OUTPUT`,
# проверяются тестами курса.

# %%
import inspect

from selfcheck import answer, check_function

import minigrad as torch

Function = torch.autograd.Function

# %% [markdown]
# ## 1. Граф состоит из узлов
#
# `grad_fn` каждого результата — это узел; `grad_fn.next_functions` перечисляет узлы входов
# операции, по одной паре `(node, index)` на каждый вход. Лист графа, которому нужен градиент,
# представлен узлом `AccumulateGrad` (этот узел будет *накапливать* градиент в `.grad` листа);
# вход, которому градиент не нужен, представлен значением `None`. Если идти по `next_functions`
# от выхода, можно обойти весь граф:


# %%
# NBVAL_CHECK_OUTPUT
def show(node, depth=0):
    """Print the graph below `node`, one node per line, inputs indented."""
    name = "None (a constant)" if node is None else type(node).__name__
    print("    " * depth + name)
    if node is not None:
        for next_node, _ in node.next_functions:
            show(next_node, depth + 1)


x = torch.tensor(1.0, requires_grad=True)
a = x * 3
b = a**2
c = a + b
d = c * a
show(d.grad_fn)

# %% [markdown]
# Обратите внимание: узел `a` (`MulBackward0` над `AccumulateGrad`) встречается трижды, потому
# что `a` используется три раза (в `b`, `c` и `d`). Это один и тот же узел, к которому ведут три
# пути: граф — не дерево. `None` обозначает константу `3` в `x * 3` — вход, которому градиент не
# нужен (а показатель степени в `a**2` вообще не упомянут: это обычное число, которое
# `PowBackward0` хранит у себя). Узел `AccumulateGrad` знает свой лист:

# %%
# NBVAL_CHECK_OUTPUT
acc = a.grad_fn.next_functions[0][0]
print(type(acc).__name__, acc.variable is x, acc.next_functions)

# %% [markdown]
# ## 2. Операция — это `Function`: `forward`, `backward`, `ctx`
#
# Новую операцию определяют как подкласс `torch.autograd.Function` с двумя статическими
# методами:
#
# * `forward(ctx, *inputs)` вычисляет результат. Он выполняется с выключенной записью графа,
#   поэтому операции внутри него не становятся узлами. Всё, что понадобится `backward`, он
#   сохраняет с помощью `ctx.save_for_backward(...)` (тензоры) или в атрибутах `ctx` (обычные
#   числа).
# * `backward(ctx, grad_output)` получает $\partial L / \partial\,\text{output}$ (градиент
#   итогового результата по выходу этой операции) и возвращает $\partial L / \partial\,\text{input}$
#   для каждого входа: `grad_output`, умноженный на локальную производную (одно звено цепного
#   правила). Сохранённые тензоры он берёт из `ctx.saved_tensors`.
#
# Операцию вызывают как `Square.apply(x)` и никогда не вызывают `forward` напрямую: узел
# создаёт именно `apply`. Вот $x^2$ с печатью, которая показывает, когда работает каждая из
# двух половин:


# %%
# NBVAL_CHECK_OUTPUT
class Square(Function):
    @staticmethod
    def forward(ctx, x):
        print("forward: got", x, "| recording:", torch.is_grad_enabled())
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx, grad_output):
        print("backward: got", grad_output)
        (x,) = ctx.saved_tensors
        return grad_output * 2 * x


x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
y = Square.apply(x)
print(y)
print("--- now backward")
y.sum().backward()
print(x.grad)

# %% [markdown]
# Обратите внимание:
#
# * `forward` выполняется сразу, с выключенной записью; `grad_fn` результата — узел
#   `SquareBackward`, названный по имени вашего класса;
# * `backward` выполняется только тогда, когда вызван `backward()`, и получает градиент `y.sum()`
#   по `y` — одни единицы;
# * он возвращает $1 \cdot 2x = [2, 4, 6]$, и это значение попадает в `x.grad`.
#
# Все операции minigrad написаны именно так. Вот, например, её умножение (*только minigrad*; на
# выходе — исходный код minigrad, а `binary` — вспомогательная функция, которая перемножает
# лежащие внутри массивы numpy). Каждый вход сохраняется, только если градиент нужен *другому*
# входу, ведь $\partial (ab)/\partial a = b$:

# %%
import minigrad.ops.arithmetic

print(inspect.getsource(minigrad.ops.arithmetic.Mul))

# %% [markdown]
# ## 3. Проверка обратного прохода: `gradcheck`
#
# Неправильный `backward` не приводит к падению программы: он молча выдаёт неверные градиенты.
# Стандартная проверка — сравнить его с **конечными разностями**: сдвинуть каждый элемент входа
# на крошечное $\varepsilon$ и посмотреть, как изменится выход,
# $\frac{f(x + \varepsilon) - f(x - \varepsilon)}{2\varepsilon}$.
# `torch.autograd.gradcheck(fn, inputs)` проделывает это для каждого элемента и возвращает
# `True`, если оба способа дают одно и то же. Входы берите типа `float64`: во `float32` ошибки
# округления в конечных разностях больше тех расхождений, которые мы ищем.


# %%
# NBVAL_CHECK_OUTPUT
class Square(Function):  # то же самое, только без печати
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        return grad_output * 2 * x


inputs = (torch.tensor([0.5, -1.25, 2.0], dtype=torch.float64, requires_grad=True),)
print(torch.autograd.gradcheck(Square.apply, inputs))

# %% [markdown]
# Обратный проход с ошибкой (здесь забыт множитель 2) проверку не проходит, и в сообщении об
# ошибке рядом показаны две матрицы Якоби: численная (`numerical`), полученная конечными
# разностями, и аналитическая (`analytical`), вычисленная вашим `backward`. Эта ячейка нарочно
# завершается ошибкой:


# %% tags=["raises-exception"]
class BadSquare(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        return grad_output * x  # забыли множитель 2


torch.autograd.gradcheck(BadSquare.apply, inputs)

# %% [markdown]
# ## 4. Сохранённые тензоры объясняют две знакомые ошибки
#
# То, что сохранил `forward`, хранится в узле, пока им не воспользуется `backward()`, а потом
# освобождается. Отсюда ошибка из главы 3: второй `backward()` по тому же графу обнаруживает,
# что сохранённых тензоров уже нет, — если только первый вызов не был сделан с
# `retain_graph=True`.
#
# Кроме того, каждый сохранённый тензор запоминается вместе со своей **версией** — отсюда ошибка
# из главы 5. Если после того, как `Square.apply` сохранила вход, изменить его на месте
# (in-place), `ctx.saved_tensors` откажется его отдавать. Эта ячейка нарочно завершается
# ошибкой:

# %% tags=["raises-exception"]
x = torch.tensor([1.0, 2.0], requires_grad=True)
y = x * 1  # не лист, поэтому его можно менять на месте
z = Square.apply(y)
y.add_(1)  # версия 0 -> 1
z.sum().backward()

# %% [markdown]
# Ваша собственная `Function` получает эту защиту бесплатно: она встроена в `apply` и в механизм
# сохранённых тензоров, а не в каждую отдельную операцию.
#
# ## 5. Движок: в каком порядке `backward()` запускает узлы?
#
# `backward()` должен вызвать `backward` каждого узла ровно один раз — и только после того, как
# узел получил градиенты от **всех** узлов, которые используют его выход. В нашем графе `a`
# используется в `b`, `c` и `d`, поэтому её узел должен дождаться трёх вкладов и сложить их,
# прежде чем передавать что-либо дальше. Движок minigrad (как и движок PyTorch) делает это в два
# шага:
#
# 1. **Подсчёт зависимостей.** Движок один раз обходит граф от выхода и считает для каждого узла,
#    сколько узлов пришлют ему градиент (для узла `a` — три).
# 2. **Запуск готовых узлов.** Движок начинает с узла выхода и градиента 1. Затем он раз за
#    разом берёт *готовый* узел (все, кто должен прислать ему градиент, уже отработали),
#    складывает полученные им градиенты, вызывает его `backward`, передаёт каждый результат узлу
#    соответствующего входа и уменьшает счётчик этого узла; узел, чей счётчик дошёл до 0,
#    становится готовым. Если готовых узлов несколько, первым запускается **самый новый**
#    (созданный при прямом проходе последним). Узлы `AccumulateGrad` прибавляют градиент к
#    `.grad`.
#
# Цикл и счётчик, никакой рекурсии: графы из сотни тысяч узлов — не проблема.
#
# За этим можно понаблюдать: `grad_fn.register_prehook(f)` вызывает `f(grad_outputs)`
# непосредственно перед запуском узла, а хук тензора (`x.register_hook`) получает градиент,
# который приходит в лист.

# %%
# NBVAL_CHECK_OUTPUT
x = torch.tensor(1.0, requires_grad=True)
a = x * 3
b = a**2
c = a + b
d = c * a


def announce(name, t):
    label = f"{type(t.grad_fn).__name__} (makes {name})"
    t.grad_fn.register_prehook(lambda grads: print(f"{label:26} receives", grads[0]))


for name, t in [("a", a), ("b", b), ("c", c), ("d", d)]:
    announce(name, t)
x.register_hook(lambda grad: print(f"{'AccumulateGrad (x)':26} receives", grad))
d.backward()
print(x.grad)

# %% [markdown]
# Проследите за числами ($x = 1$, поэтому $a = 3$, $b = 9$, $c = 12$, $d = 36$):
#
# * узел `d = c * a` получает 1 и отправляет $a = 3$ узлу `c`, а $c = 12$ — узлу `a`;
# * `c = a + b` передаёт свою тройку дальше — и `a`, и `b`;
# * `b = a ** 2` отправляет узлу `a` значение $3 \cdot 2a = 18$;
# * только теперь узел `a` получил вклады от всех трёх потребителей: он запускается один раз, с
#   суммой $12 + 3 + 18 = 33$, и отправляет $33 \cdot 3 = 99$ в `x`.
#
# Проверка: $d = (3x + 9x^2) \cdot 3x = 9x^2 + 27x^3$, поэтому $d'(1) = 18 + 81 = 99$.
#
# **Самопроверка 7.1.** Пусть `u = x * 2`, затем `v = x ** 2`, затем `out = u + v`. В каком
# порядке запустятся три узла при вызове `out.backward()`? Ответьте списком их имён в виде строк,
# например `["AddBackward0", "MulBackward0", "PowBackward0"]`, а потом проверьте себя с помощью
# прехуков.

# %%
answer("7.1", ...)

# %% [verify]
import selfcheck


def _engine_order():
    order = []
    x = torch.tensor(1.0, requires_grad=True)
    u = x * 2
    v = x**2
    out = u + v
    for t in (u, v, out):
        name = type(t.grad_fn).__name__
        t.grad_fn.register_prehook(lambda grads, name=name: order.append(name))
    out.backward()
    return order


selfcheck.expect("7.1", _engine_order())
del _engine_order

# %% [markdown]
# Ниже — сводка из начала файла с движком minigrad (*только minigrad*; она на английском).
# Весь файл занимает около 300 строк, и его стоит прочитать, когда вы ответите на вопрос
# самопроверки выше:

# %%
import minigrad.autograd.engine

print(minigrad.autograd.engine.__doc__)

# %% [markdown]
# ### Движок шаг за шагом
#
# `GraphExplorer` из главы 2 воспроизводит работу движка на графе из раздела 5 — по одному узлу
# за шаг, в том же порядке, в каком печатали прехуки. Щёлкните по узлу `a` и пройдите обратный
# проход по шагам: в разделе «Полученные градиенты» видно, как приходят 12, 3 и 18 и сколько
# вкладов узел ещё ждёт (это его счётчик зависимостей). Только когда счётчик дойдёт до 0, узел `a`
# запустится — один раз, с суммой 33. Строка состояния под рисунком сообщает, какой узел
# отработал и что он отправил какому входу.

# %%
from minigrad.widgets import GraphExplorer

GraphExplorer("a = x * 3\nb = a ** 2\nc = a + b\nd = c * a", {"x": 1.0})

# %% [markdown]
# ## 6. Ваша очередь: `Cube`
#
# Запишите $x^3$ в виде `Function`. Производная равна $3x^2$. Решите, что должен сохранить
# `forward`, а из `backward` верните `grad_output`, умноженный на локальную производную. Затем
# запустите ячейку проверки: она сравнит ваш `forward` с `x ** 3`, а ваш `backward` — с
# конечными разностями (с помощью `gradcheck`).


# %%
class Cube(Function):
    @staticmethod
    def forward(ctx, x):
        # ваш код: сохраните то, что нужно для backward, и верните x в кубе
        raise NotImplementedError

    @staticmethod
    def backward(ctx, grad_output):
        # ваш код: достаньте то, что сохранил forward, и верните grad_output, умноженный на 3 x^2
        raise NotImplementedError


# %%
check_function(Cube, lambda x: x**3)

# %% [markdown]
# <details><summary>Показать решение (сначала попробуйте сами!)</summary>
#
# ```python
# class Cube(Function):
#     @staticmethod
#     def forward(ctx, x):
#         ctx.save_for_backward(x)
#         return x ** 3
#
#     @staticmethod
#     def backward(ctx, grad_output):
#         (x,) = ctx.saved_tensors
#         return grad_output * 3 * x ** 2
# ```
#
# Можно сохранить и выход вместо входа, только формула получится другой; сохранить `x` проще
# всего.
# </details>


# %% [verify]
class _Cube(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x**3

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        return grad_output * 3 * x**2


class _WrongCube(_Cube):
    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        return grad_output * 3 * x


assert check_function(_Cube, lambda x: x**3)
assert not check_function(_WrongCube, lambda x: x**3)
assert not check_function(Cube, lambda x: x**3)
del _Cube, _WrongCube

# %% [markdown]
# ## 7. Дальше — упражнения
#
# Упражнения в папке `exercises/` курса — это задания для **nbgrader**: вы пишете обратные
# проходы операций самой minigrad в виде `Function`, в точности как `Cube`, а система проверки
# тестирует их на входах, которых вы не видите.
#
# * **Задание 1, поэлементные обратные проходы**: `Exp`, `Log`, `Sin`, `Sigmoid`, `Tanh`,
#   `Pow`; затем `unbroadcast`, которая суммирует градиент обратно до формы входа, прошедшего
#   трансляцию (это трансляция из главы 1, только в обратную сторону: обычно движок minigrad
#   делает это для всех операций в одном месте); затем `Mul` и `Div` для транслируемых форм.
# * Ячейки проверки сразу дают обратную связь и одной фразой называют типичную ошибку
#   (забытое обратное сведение трансляции, ошибку в знаке или в множителе).
# * Следующие задания продолжают тему: редукции (`Sum`, `Mean`, `Max`), матричное произведение
#   и сам движок — алгоритм из раздела 5, который вы напишете сами.
#
# Если преподаватель ещё не выдал задание, подготовьте студенческую версию сами: в папке
# `exercises/`, активировав окружение курса, выполните
# `nbgrader generate_assignment 01_elementwise_ru` и откройте
# `release/01_elementwise_ru/01_elementwise_ru.ipynb` (это русское издание задания; английское
# называется `01_elementwise`).
#
# ## Итоги
#
# * Каждая операция — это `Function`: `forward(ctx, ...)` вычисляет результат и сохраняет нужное
#   (`ctx.save_for_backward`), `backward(ctx, grad_output)` возвращает по одному градиенту на
#   каждый вход.
# * `Function.apply` записывает узел (`grad_fn`), связанный с узлами входов (`next_functions`);
#   листья представлены узлами `AccumulateGrad`.
# * Сохранённые тензоры освобождаются при `backward()` (отсюда `retain_graph`) и помнят свою
#   версию (отсюда ошибки при операциях in-place).
# * Движок подсчитывает зависимости, запускает каждый узел один раз, когда пришли все его
#   градиенты (из готовых — сначала самые новые), и накапливает градиенты в листьях.
# * Каждый написанный вручную `backward` проверяйте с помощью `gradcheck` во `float64`.
