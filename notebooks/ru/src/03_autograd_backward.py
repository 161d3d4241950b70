# Глава 3, исходник: собирается командой `python notebooks/build.py --edition ru` (синтаксис ячеек описан в build.py).
# ruff: noqa: E402, E501, F401, F811, B018

# %% [markdown]
# # Глава 3. Autograd и `backward()`
#
# Обучить сеть — значит понемногу сдвигать её числа (веса) в ту сторону, где функция потерь
# меньше. Это направление задают **производные** функции потерь по каждому весу, а вычислять их
# вручную для миллионов весов немыслимо. За вас это делает **autograd** — механизм
# автоматического дифференцирования в PyTorch:
#
# 1. вы помечаете тензоры, по которым нужны производные, флагом `requires_grad=True`;
# 2. вычисляете с ними как обычно, а PyTorch записывает каждую операцию в граф (глава 2);
# 3. вызываете `.backward()` у (скалярного) результата: PyTorch проходит граф в обратном
#    направлении, применяя цепное правило, и для каждого помеченного тензора `t` записывает
#    $\partial\,\text{результат} / \partial\,t$ в `t.grad`.
#
# Как и во всех главах, `minigrad` выступает вместо PyTorch под именем `torch`: код здесь — это
# код на PyTorch, и печатает он то же, что напечатал бы PyTorch. Ячейки, которые начинаются с
# `# NBVAL_CHECK_OUTPUT`, проверяются тестами курса.

# %%
from selfcheck import answer

import minigrad as torch

# %% [markdown]
# ## 1. `requires_grad` и как он распространяется
#
# Тензор, созданный с `requires_grad=True`, просит autograd отслеживать его. Любой результат,
# вычисленный хотя бы из одного такого тензора, тоже требует градиента; результат вычислений
# только над тензорами без этого флага — нет.

# %%
# NBVAL_CHECK_OUTPUT
a = torch.tensor([1.0, 2.0])
b = torch.tensor([3.0, 4.0], requires_grad=True)
print(a)
print(b)
print((a + a).requires_grad, (a + b).requires_grad, (b * 0).requires_grad)
print(a + b)
print(a.sum() + b.sum())

# %% [markdown]
# Обратите внимание:
#
# * у тензора, который вы создали сами с `requires_grad=True`, при печати виден
#   `requires_grad=True`;
# * у тензора, *вычисленного* из него, вместо этого печатается `grad_fn=<...>` — имя операции,
#   которая его получила; этот же узел потом отправит градиенты обратно;
# * `b * 0` всё равно требует градиента: autograd смотрит на то, откуда значение взялось, а не
#   на само значение.
#
# Требовать градиента могут только тензоры с плавающей точкой (производные имеют смысл для
# вещественных чисел). Эта ячейка падает намеренно:

# %% tags=["raises-exception"]
torch.tensor([1, 2], requires_grad=True)

# %% [markdown]
# Чтобы исправить ошибку, создайте тензор с плавающей точкой:
# `torch.tensor([1., 2.], requires_grad=True)`.
#
# ## 2. `grad_fn` и `is_leaf`
#
# Каждый результат помнит в `.grad_fn` операцию, которая его породила. У тензоров, которые вы
# создаёте сами, `grad_fn = None`; их называют **листьями** графа (листовыми тензорами). С них
# граф начинается, и только их `.grad` заполняет `backward()`.

# %%
x = torch.ones(2, 2, requires_grad=True)
y = x + 2
print(y)
print(y.grad_fn)  # объект-узел; его адрес меняется от запуска к запуску

# %%
# NBVAL_CHECK_OUTPUT
print(x.grad_fn, type(y.grad_fn).__name__)
print(x.is_leaf, y.is_leaf)

# %% [markdown]
# Тензор, который не требует градиента, всегда считается листом, даже если он получен
# вычислением: отслеживать в нём нечего.
#
# **Самопроверка 3.1.** Какие из тензоров `p, q, r, s, u` ниже — листья? Ответьте пятью
# логическими значениями в этом порядке, например `(True, False, True, False, True)`. Сначала
# предскажите ответ, потом проверьте его через `.is_leaf`.

# %%
p = torch.tensor([1.0, 2.0], requires_grad=True)
q = torch.tensor([3.0, 4.0])
r = p * 2
s = q * 2
u = r.sum()
answer("3.1", ...)

# %% [verify]
import selfcheck

selfcheck.expect("3.1", (p.is_leaf, q.is_leaf, r.is_leaf, s.is_leaf, u.is_leaf))

# %% [markdown]
# ## 3. `backward()` и `.grad`: первый пример
#
# Возьмём $f(x, y) = (x + y)^2 + 2xy$ в точке $x = 2$, $y = -4$. Вручную:
#
# $$\frac{\partial f}{\partial x} = 2(x + y) + 2y, \qquad
#   \frac{\partial f}{\partial y} = 2(x + y) + 2x.$$
#
# **Самопроверка 3.2.** Чему равны $\partial f/\partial x$ и $\partial f/\partial y$ при
# $x = 2$, $y = -4$? Ответьте парой чисел, прежде чем запускать следующую ячейку.

# %%
answer("3.2", ...)

# %% [markdown]
# Теперь пусть то же самое сделает autograd: пометим `x` и `y`, вычислим `f` одной строкой,
# вызовем `f.backward()` и прочитаем `x.grad` и `y.grad`.

# %%
# NBVAL_CHECK_OUTPUT
x = torch.tensor([2.0], requires_grad=True)
y = torch.tensor([-4.0], requires_grad=True)
f = (x + y) ** 2 + 2 * x * y
f.backward()
print(f)
print(x.data, x.grad)
print(y.data, y.grad)

# %% [verify]
selfcheck.expect("3.2", (x.grad, y.grad))

# %% [markdown]
# Обратите внимание: `f` равно $(-2)^2 + 2 \cdot 2 \cdot (-4) = -12$; `x.grad` равен $-12$, а
# `y.grad` — $0$, как и при подсчёте вручную. `x.data` — это значение `x` без служебной
# информации autograd (подробнее о `.data` — в главе 4).
#
# ### То же вычисление по шагам
#
# Autograd не знает формулы целиком — он знает только мелкие шаги. Разбейте $f$ на именованные
# шаги, и получится цепное правило, применённое шаг за шагом:
#
# | шаг | локальные производные | при $x = 2, y = -4$ |
# |---|---|---|
# | $a = x + y$ | $\partial a/\partial x = 1,\ \partial a/\partial y = 1$ | $a = -2$ |
# | $b = a^2$ | $\partial b/\partial a = 2a$ | $2a = -4$ |
# | $c = 2xy$ | $\partial c/\partial x = 2y,\ \partial c/\partial y = 2x$ | $-8,\ 4$ |
# | $f = b + c$ | $\partial f/\partial b = 1,\ \partial f/\partial c = 1$ | |
#
# $\partial f/\partial x = 1 \cdot 2a \cdot 1 + 1 \cdot 2y = -4 - 8 = -12$ и
# $\partial f/\partial y = 1 \cdot 2a \cdot 1 + 1 \cdot 2x = -4 + 4 = 0$: каждый путь от `f` вниз
# к листу вносит вклад — произведение локальных производных вдоль этого пути, — и вклады всех
# путей складываются.

# %%
# NBVAL_CHECK_OUTPUT
x = torch.tensor([2.0], requires_grad=True)
y = torch.tensor([-4.0], requires_grad=True)
a = x + y
b = a**2
c = 2 * x * y
f = b + c
print(a, b, c)
print(f)
f.backward()
print(x.data, x.grad)
print(y.data, y.grad)
print([type(t.grad_fn).__name__ for t in (a, b, c, f)])

# %% [markdown]
# По именам видно, какой шаг представляет каждый узел: `a**2` — это узел `PowBackward0`, а
# `2 * x * y` заканчивается умножением. Вот граф со всеми значениями и градиентами, нарисованный
# minigrad (`minigrad.viz.draw` — собственная функция minigrad; для PyTorch похожие картинки
# рисует пакет `torchviz`). Градиенты текут от `f` внизу вверх, к листьям `x` и `y`.

# %%
from minigrad.viz import draw

draw(f, names={"x": x, "y": y, "a": a, "b": b, "c": c, "f": f})

# %% [markdown]
# ### Пройдите по шагам
#
# `GraphExplorer` из главы 2 проигрывает это вычисление по одному узлу за раз. Нажимая **Шаг**,
# пройдите прямой проход (появляются значения), а затем обратный: каждый узел получает градиент
# снизу, умножает его на свою локальную производную по каждому входу (щёлкните по узлу, чтобы
# увидеть это произведение) и отправляет результат наверх. В конце щёлкните по `x`: он получил
# $-8$ через `2 * x` и $-4$ через `x + y`, а `x.grad` — их сумма, $-12$.

# %%
from minigrad.widgets import GraphExplorer

GraphExplorer("f = (x + y) ** 2 + 2 * x * y", {"x": 2.0, "y": -4.0})

# %% [markdown]
# У 0-мерных тензоров (обычных скаляров) при печати нет квадратных скобок, а `.item()` возвращает
# число Python:

# %%
# NBVAL_CHECK_OUTPUT
x = torch.tensor(2.0, requires_grad=True)
y = torch.tensor(-4.0, requires_grad=True)
f = (x + y) ** 2 + 2 * x * y
f.backward()
print(f, x.grad, y.grad)
print(f.item(), x.grad.item(), y.grad.item())

# %% [markdown]
# ## 4. Тензоры на входе, тензоры на выходе: `out = z.mean()` даёт 4.5
#
# Классический пример из учебника PyTorch: начнём с тензора 2 × 2 из единиц.

# %%
# NBVAL_CHECK_OUTPUT
x = torch.ones(2, 2, requires_grad=True)
y = x + 2
z = y * y * 3
out = z.mean()
print(y)
print(z, out)
out.backward()
print(x.grad)

# %% [markdown]
# Почему 4.5? $\text{out} = \frac14 \sum_i 3 (x_i + 2)^2$, поэтому
# $\frac{\partial\,\text{out}}{\partial x_i} = \frac14 \cdot 3 \cdot 2 (x_i + 2) = \frac32 (x_i + 2)
# = 4.5$ при $x_i = 1$. Градиент имеет ту же форму, что и `x`: по одной частной производной на
# каждый элемент.
#
# **Самопроверка 3.3.** Чему был бы равен `x.grad[0, 0]`, если бы вместо `z.mean()` было
# `out = z.sum()`?

# %%
answer("3.3", ...)

# %% [verify]
_x = torch.ones(2, 2, requires_grad=True)
((_x + 2) * (_x + 2) * 3).sum().backward()
selfcheck.expect("3.3", _x.grad[0, 0])
del _x

# %% [markdown]
# ## 5. Включить отслеживание позже: `requires_grad_()`
#
# `t.requires_grad_(True)` включает отслеживание для уже существующего листа. Подчёркивание в
# конце имени — соглашение PyTorch для методов, которые «меняют сам тензор» (методов *in-place*,
# см. главу 5). Такой метод возвращает тот же тензор, поэтому вызовы можно выстраивать в
# цепочку: `torch.tensor(3.).requires_grad_()`.

# %%
# NBVAL_CHECK_OUTPUT
torch.manual_seed(0)
a = torch.randn(2, 2)
a = (a * 3) / (a - 1)
print(a.requires_grad)
a.requires_grad_(True)
print(a.requires_grad, a.is_leaf)
b = (a * a).sum()
print(type(b.grad_fn).__name__)

# %% [markdown]
# ## 6. Константы в графе
#
# Тензоры, которые не требуют градиента, участвуют в вычислении как **константы**: autograd
# использует их значения, но градиент по ним не вычисляет, так что их `.grad` остаётся `None`.

# %%
# NBVAL_CHECK_OUTPUT
x = torch.ones(1, requires_grad=True)
a = torch.tensor(-4.0)
z = 8 * x + a
z.backward()
print(x, x.grad)
print(a, a.grad)
print(a.requires_grad, a.is_leaf, z.is_leaf)

# %% [markdown]
# Для $z = b x^2 + a x + 5$ производная $\partial z / \partial x = 2bx + a$ при $x = 1$, $a = -4$,
# $b = 3$ равна $2$:

# %%
# NBVAL_CHECK_OUTPUT
x = torch.ones(1, requires_grad=True)
a = torch.tensor([-4.0])
b = torch.tensor(3.0)
z = b * x * x + a * x + 5
z.backward()
print(z, x.grad)
print(a.grad, b.grad)

# %% [markdown]
# ## 7. Градиенты накапливаются: обнуляйте их
#
# `backward()` не перезаписывает `.grad`, а **прибавляет** к нему. Запустите обратный проход три
# раза — и градиенты сложатся:

# %%
# NBVAL_CHECK_OUTPUT
x = torch.tensor(3.0, requires_grad=True)
for i in range(3):
    y = x * x  # d(x*x)/dx = 2x = 6
    y.backward()
    print(i, x.grad)

# %% [markdown]
# Накопление градиентов бывает полезно: функция потерь, разбитая на части, или несколько
# маленьких батчей, которые считаются одним большим, — каждая часть добавляет свою долю. Но в
# обычном цикле обучения на каждом шаге нужен свежий градиент. Старый либо обнуляют на месте,
# либо удаляют совсем; `optimizer.zero_grad()` делает второе.

# %%
# NBVAL_CHECK_OUTPUT
x.grad.zero_()
print(x.grad)
(x * 5).backward()
print(x.grad)
x.grad = None
print(x.grad)
(x * 7).backward()
print(x.grad)

# %% [markdown]
# **Самопроверка 3.4.** Начав с `x = torch.tensor(2., requires_grad=True)`, вы дважды
# запускаете `(x ** 3).backward()`, не обнуляя градиент. Чему равен `x.grad`?

# %%
answer("3.4", ...)

# %% [verify]
_x = torch.tensor(2.0, requires_grad=True)
(_x**3).backward()
(_x**3).backward()
selfcheck.expect("3.4", _x.grad)
del _x

# %% [markdown]
# ## 8. Граф используется один раз: `retain_graph`
#
# Чтобы вычислить производную `y * y`, autograd нужно значение `y`, поэтому прямой проход
# *сохраняет* его в графе. `backward()` освобождает сохранённые значения, как только они
# использованы (они бывают большими). Поэтому второй `backward()` по тому же графу завершается
# ошибкой. Эта ячейка падает намеренно:

# %% tags=["raises-exception"]
y = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
z = (y * y).sum()
z.backward()
print(y.grad)
z.backward()

# %% [markdown]
# Если действительно нужно пройти по одному графу дважды, сохраните его: передайте
# `retain_graph=True` во все вызовы `backward`, кроме последнего. Но обычно правильнее заново
# выполнить прямой проход — цикл обучения так и делает.

# %%
# NBVAL_CHECK_OUTPUT
y = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
z = (y * y).sum()
z.backward(retain_graph=True)
print(y.grad)
z.backward()  # работает — и градиент накапливается
print(y.grad)

# %% [markdown]
# (Граф, в котором только сложения и суммы, ничего не сохраняет, поэтому второй обратный проход
# по нему случайно срабатывает. Не полагайтесь на это.)
#
# ## 9. Градиенты промежуточных результатов: `retain_grad()`
#
# `.grad` получают только листья. Градиент промежуточного результата передаётся дальше и
# забывается — ради экономии памяти. Если его прочитать, получится `None` и предупреждение с
# объяснением (в предупреждении упоминается временный файл, имя которого меняется от запуска к
# запуску, поэтому вывод этой ячейки не проверяется):

# %%
x = torch.tensor(2.0, requires_grad=True)
y = x * x
z = 3 * y
z.backward()
print(x.grad, y.grad)

# %% [markdown]
# Попросите сохранить его *до* вызова `backward()` — с помощью `retain_grad()`:

# %%
# NBVAL_CHECK_OUTPUT
x = torch.tensor(2.0, requires_grad=True)
y = x * x
y.retain_grad()
z = 3 * y
z.retain_grad()
w = z + 1
w.backward()
print(x.grad, y.grad, z.grad)
print(y.retains_grad, x.retains_grad, y.is_leaf)

# %% [markdown]
# $\partial w/\partial z = 1$, $\partial w/\partial y = 3$, $\partial w/\partial x = 3 \cdot 2x = 12$.
#
# ## 10. `backward()` для нескалярного результата: произведение вектора на якобиан
#
# `backward()` без аргументов работает только для скаляра (значения функции потерь). Для
# вектора непонятно, градиент какой комбинации выходов вам нужен. Эта ячейка падает намеренно:

# %% tags=["raises-exception"]
x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
y = x * 2
y.backward()

# %% [markdown]
# Для $y = g(x)$, где $x \in \mathbb{R}^n$ и $y \in \mathbb{R}^m$, все частные производные
# образуют матрицу $m \times n$ — **якобиан** $J_{ij} = \partial y_i / \partial x_j$. Autograd
# никогда не строит $J$ целиком. Получив вектор $v$ той же формы, что и выход, `y.backward(v)`
# вычисляет **произведение вектора на якобиан** (vector-Jacobian product) $v^\top J$, то есть
# градиент скаляра $\sum_i v_i y_i$. Именно это и нужно цепному правилу, когда $v$ — градиент
# функции потерь по $y$.
#
# Здесь $y = 2x$, поэтому $J = 2I$ и $v^\top J = 2v$:

# %%
# NBVAL_CHECK_OUTPUT
x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
y = x * 2
v = torch.tensor([0.1, 1.0, 0.0001], dtype=torch.float)
y.backward(v)
print(x.grad)

# %% [markdown]
# Если $v$ состоит из одних единиц, получается градиент `y.sum()`:
# `y.backward(torch.ones_like(y))` и `y.sum().backward()` делают одно и то же.

# %%
# NBVAL_CHECK_OUTPUT
x1 = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
(x1**2).backward(torch.ones(3))
x2 = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
(x2**2).sum().backward()
print(x1.grad, x2.grad)

# %% [markdown]
# **Самопроверка 3.5.** `x = torch.tensor([1., 2., 3.], requires_grad=True)`, `y = x ** 2`,
# `y.backward(torch.tensor([1., 0., 0.5]))`. Чему равен `x.grad`?

# %%
answer("3.5", ...)

# %% [verify]
_x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
(_x**2).backward(torch.tensor([1.0, 0.0, 0.5]))
selfcheck.expect("3.5", _x.grad)
del _x

# %% [markdown]
# ## Итоги
#
# * `requires_grad=True` помечает листья, которые нужно отслеживать; результаты, вычисленные из
#   них, тоже требуют градиента и несут `grad_fn`.
# * `backward()` у скаляра заполняет `.grad` каждого листа, которому нужен градиент, значением
#   $\partial\,\text{выход}/\partial\,\text{лист}$ — по цепному правилу вдоль записанных шагов.
# * Тензоры, которые не требуют градиента, — это константы: `.grad` у них нет.
# * Градиенты **накапливаются**: обнуляйте их между шагами (`x.grad.zero_()` или
#   `x.grad = None`).
# * `backward()` освобождает то, что сохранил граф: для второго обратного прохода нужен
#   `retain_graph=True` (или новый прямой проход).
# * Промежуточные результаты сохраняют свой градиент, только если вызвать `retain_grad()`.
# * Для нескалярного `y` вызов `y.backward(v)` вычисляет произведение вектора на якобиан
#   $v^\top J$.
#
# В главе 4 — как *остановить* запись графа: `no_grad`, `detach` и другие средства.
