# Глава 4, исходник: собирается командой `python notebooks/build.py --edition ru` (синтаксис ячеек описан в build.py).
# ruff: noqa: E402, E501, F401, F811, B018

# %% [markdown]
# # Глава 4. Как остановить граф
#
# Autograd записывает в граф каждую операцию над тензорами, которым нужен градиент. Но часто
# это как раз **не** нужно: когда модель оценивают, когда обновляют сами веса, когда значение
# копируют, чтобы построить график или записать в лог, или когда величина должна считаться
# константой. В этой главе мы разберём инструменты, которые останавливают запись, и то, чем они
# отличаются друг от друга:
#
# * `torch.no_grad()` — блок кода, в котором ничего не записывается (а `torch.enable_grad()`
#   снова включает запись внутри такого блока);
# * `t.detach()` и `t.data` — те же числа, но отсоединённые от графа;
# * `t.clone()` — копия, которая остаётся *в* графе, и `t.detach().clone()` — копия вне графа.
#
# Как и во всех главах, `minigrad` выступает вместо PyTorch под именем `torch`: код здесь — это
# код PyTorch, и печатает он то же, что напечатал бы PyTorch. Ячейки, которые начинаются с
# `# NBVAL_CHECK_OUTPUT`, проверяются тестами курса.

# %%
from selfcheck import answer

import minigrad as torch

# %% [markdown]
# ## 1. `torch.no_grad()`
#
# Внутри блока `with torch.no_grad():` результаты операций — обычные тензоры: у них нет ни
# `grad_fn`, ни `requires_grad`, и в граф ничего не попадает. После выхода из блока запись
# возобновляется.

# %%
# NBVAL_CHECK_OUTPUT
x = torch.tensor([1.0, 2.0], requires_grad=True)
with torch.no_grad():
    y = x * 2
    print(torch.is_grad_enabled())
print(y)
print(y.requires_grad, y.is_leaf, y.grad_fn)
z = x * 2
print(z, torch.is_grad_enabled())

# %% [markdown]
# ### Зачем оценивать модель под `no_grad`
#
# Когда вы измеряете качество модели на тестовых данных, `backward()` от результата вызывать никто
# не будет. А запись графа всё равно чего-то стоит:
#
# * **памяти**: каждое умножение, каждая активация и так далее *сохраняют* свои входы или выходы
#   для обратного прохода, и всё это живёт, пока жив результат; на большой модели и большой
#   тестовой выборке памяти уходит гораздо больше, чем нужно под сами интересующие вас числа;
# * **времени**: на каждой операции создаются узлы графа;
# * **неприятных сюрпризов**: накапливаемая метрика (скажем, сумма значений функции потерь),
#   которая по-прежнему требует градиента, тянет за собой графы всех прошлых вычислений.
#
# Поэтому оценку модели оборачивают в `no_grad` или помечают функцию оценки декоратором
# `@torch.no_grad()`:

# %%
# NBVAL_CHECK_OUTPUT
w = torch.tensor([[1.0, -1.0]], requires_grad=True)  # линейная «модель»: out = inputs @ w.T


@torch.no_grad()
def evaluate(inputs):
    return inputs @ w.t()


out = evaluate(torch.tensor([[2.0, 1.0], [0.0, 3.0]]))
print(out, out.requires_grad)
print(torch.is_grad_enabled())  # декоратор отключал запись только внутри evaluate

# %% [markdown]
# ## 2. `enable_grad()` внутри `no_grad()`
#
# `torch.enable_grad()` снова включает запись внутри блока `no_grad`. Это нужно, например,
# во вспомогательной функции, которая обязана вычислить градиент, даже если её вызвали во время
# оценки модели. Такие блоки можно вкладывать друг в друга, и каждый при выходе восстанавливает
# прежний режим.

# %%
# NBVAL_CHECK_OUTPUT
x = torch.tensor(1.0, requires_grad=True)
with torch.no_grad():
    a = x * 2
    with torch.enable_grad():
        b = x * 2
        print(torch.is_grad_enabled())
    c = x * 2
print(a.requires_grad, b.requires_grad, c.requires_grad)
print(b)
b.backward()
print(x.grad)

# %% [markdown]
# `torch.set_grad_enabled(mode)` делает то же самое, но по флагу, который вы вычисляете сами,
# например: `with torch.set_grad_enabled(is_training):`.
#
# ## 3. `.detach()` и `.data`
#
# `t.detach()` возвращает тензор, который делит с `t` **одну и ту же память**, но не входит ни в
# какой граф: он не требует градиента, является листом и не имеет `grad_fn`. Запись в него
# меняет и `t`.

# %%
# NBVAL_CHECK_OUTPUT
x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
d = x.detach()
print(d, d.requires_grad, d.is_leaf, d.grad_fn)
d[0] = 5.0  # память общая: x тоже меняется
print(x)
print(x.data)  # .data: те же числа, тоже без autograd

# %% [markdown]
# У `detach()` два повседневных применения. Первое: тензор, который требует градиента, нельзя
# напрямую передать в numpy (или в библиотеку для построения графиков), потому что numpy не умеет
# отслеживать градиенты. Эта ячейка намеренно завершается ошибкой:

# %% tags=["raises-exception"]
x.numpy()

# %% [markdown]
# PyTorch пишет `Can't call numpy() on Tensor that requires grad` («нельзя вызвать `numpy()` у
# тензора, который требует градиента») и тут же подсказывает решение:
# `Use tensor.detach().numpy() instead`, то есть сначала отсоединить тензор от графа:

# %%
# NBVAL_CHECK_OUTPUT
print(x.detach().numpy())

# %% [markdown]
# Второе: `detach()` внутри формулы превращает множитель в **константу** — через отсоединённую
# ветвь градиент не проходит.
#
# **Самопроверка 4.1.** Пусть `x = torch.tensor(3., requires_grad=True)` и
# `y = x * x.detach()`. Чему равен `x.grad` после `y.backward()`? (Без `detach` было бы
# $2x = 6$.)

# %%
x = torch.tensor(3.0, requires_grad=True)
y = x * x.detach()
y.backward()
answer("4.1", ...)

# %% [verify]
import selfcheck

selfcheck.expect("4.1", x.grad)

# %% [markdown]
# ### `.detach()` безопасен, `.data` — нет
#
# Оба делят память с исходным тензором, но только `detach()` держит autograd в курсе дела.
# Autograd ведёт учёт изменений каждого тензора на месте (подробнее — в главе 5): если значение,
# сохранённое для обратного прохода, с тех пор изменилось, `backward()` откажется считать
# заведомо неверный градиент. Изменение через `.detach()` в этом учёте видно. Эта ячейка
# намеренно завершается ошибкой:

# %% tags=["raises-exception"]
x = torch.tensor([1.0, 2.0], requires_grad=True)
y = x.exp()  # сохраняет свой выход y: d exp(x)/dx = exp(x) = y
y.detach().add_(1)
y.sum().backward()

# %% [markdown]
# Сообщение `one of the variables needed for gradient computation has been modified by an
# inplace operation` означает: «одна из переменных, нужных для вычисления градиента, изменена
# операцией in-place». Подробно мы разберём его в главе 5.
#
# А изменение через `.data` в учёт *не* попадает, поэтому тот же код с `.data` выполняется без
# ошибок — и молча даёт неверные градиенты ($e^x + 1$ вместо $e^x = [2.7183, 7.3891]$):

# %%
# NBVAL_CHECK_OUTPUT
x = torch.tensor([1.0, 2.0], requires_grad=True)
y = x.exp()
y.data.add_(1)  # autograd этого не замечает
y.sum().backward()
print(x.grad)  # неверно!

# %% [markdown]
# `.data` появился раньше, чем `.detach()`, и до сих пор встречается в старом коде; используйте
# вместо него `detach()` (или `no_grad()`).
#
# ## 4. Циклы: строить граф заново или обновлять лист под `no_grad`
#
# Каждый прямой проход строит новый граф, а `backward()` его освобождает. Цикл может на каждой
# итерации создавать новые листья:

# %%
# NBVAL_CHECK_OUTPUT
for i in range(4):
    x = torch.tensor(float(i), requires_grad=True)
    y = x**2 + 3 * x
    y.backward()
    print(i, y.item(), x.grad)  # dy/dx = 2x + 3

# %% [markdown]
# …а может держать **один** лист и менять его значение на месте. Именно так обучение
# обращается с весами. Менять лист на месте можно только там, где ничего не записывается, то
# есть внутри `no_grad` (почему — объясняет глава 5). А поскольку градиенты накапливаются, их
# нужно каждый раз обнулять:

# %%
# NBVAL_CHECK_OUTPUT
x = torch.tensor(0.0, requires_grad=True)
for i in range(4):
    with torch.no_grad():
        x.fill_(i)
    y = x**3
    y.backward()
    print(i, x, x.grad)  # dy/dx = 3x^2
    x.grad.zero_()
print(x.is_leaf, x.requires_grad)

# %% [markdown]
# ### Градиентный спуск для одного числа
#
# Найдём минимум $f(x) = (x - 2)^2$, начав с $x = 5$: будем делать шаги против градиента,
# $x \leftarrow x - \eta\, f'(x)$, со скоростью обучения $\eta = 0.25$. Само обновление
# записывать в граф не нужно (оно не входит в функцию, которую мы дифференцируем), поэтому оно
# выполняется под `no_grad`, и `x` остаётся тем же самым листом.
#
# **Самопроверка 4.2.** $f'(x) = 2(x - 2)$. Чему будет равен `x` после первого шага? Сначала
# предскажите ответ, потом запустите цикл.

# %%
answer("4.2", ...)

# %%
# NBVAL_CHECK_OUTPUT
x = torch.tensor(5.0, requires_grad=True)
lr = 0.25
for step in range(5):
    f = (x - 2) ** 2
    f.backward()
    with torch.no_grad():
        x -= lr * x.grad
    x.grad.zero_()
    print(step, round(f.item(), 6), x)

# %% [verify]
_x = torch.tensor(5.0, requires_grad=True)
((_x - 2) ** 2).backward()
with torch.no_grad():
    _x -= 0.25 * _x.grad
selfcheck.expect("4.2", _x)
del _x

# %% [markdown]
# Каждый шаг вдвое сокращает расстояние до минимума в точке 2. Ошибиться здесь можно двумя
# способами:
#
# * `x -= lr * x.grad` **без** `no_grad` — это изменение на месте листа, который требует
#   градиента: PyTorch такое запрещает (глава 5);
# * `x = x - lr * x.grad` выполнится, но сделает `x` новым, **нелистовым** тензором, вычисленным
#   из старого. При следующем `backward()` его `.grad` останется `None`, а граф будет расти с
#   каждым шагом.

# %%
# NBVAL_CHECK_OUTPUT
x = torch.tensor(5.0, requires_grad=True)
f = (x - 2) ** 2
f.backward()
x = x - lr * x.grad  # выполняется, но...
print(x, x.is_leaf)

# %% [markdown]
# ### Наглядно: исследователь градиентного спуска
#
# `GradientDescentExplorer` из minigrad выполняет тот же цикл (с помощью autograd) и рисует его:
# график $f$, касательную в текущей точке `x` и шаг, к которому она ведёт. Проходите прогон по
# шагу (кнопка **▶|**) или запустите его целиком (кнопка **▶**) и подвигайте ползунок скорости
# обучения. При 0.25 каждый шаг, как и выше, вдвое сокращает расстояние до 2; при 0.5 уже первый
# шаг попадает точно в 2; между 0.5 и 1 шаги перескакивают через минимум и идут зигзагом; а выше
# 1 каждый шаг уводит всё дальше, и спуск расходится. К скорости обучения мы вернёмся в главе 6.

# %%
from minigrad.widgets import GradientDescentExplorer

GradientDescentExplorer("(x - 2)**2", x0=5.0, lr=0.25)

# %% [markdown]
# ## 5. Пять вариантов `z = x + y * y`
#
# Вот небольшая задачка, на которой хорошо видна разница между всеми этими инструментами. Во всех
# вариантах `x = torch.tensor(2., requires_grad=True)`, `z = x + y * y`, и мы вызываем
# `z.backward()`. Меняется только то, как получен `y`. Поскольку напрямую
# $\partial z / \partial x = 1$, а $\partial (y^2) / \partial y = 2y$, ответ зависит от того,
# связан ли `y` с `x` и если да, то как.
#
# **A. `y` — отдельный лист**, который требует градиента: два независимых входа.

# %%
# NBVAL_CHECK_OUTPUT
x = torch.tensor(2.0, requires_grad=True)
y = torch.tensor(3.0).requires_grad_(True)
z = x + y * y
z.backward()
print(x.grad, y.grad)  # 1 и 2y = 6
print(y.requires_grad, y.grad_fn)
print(z)

# %% [markdown]
# **B. `y = x`**: это не копия, а просто второе имя того же самого тензора, поэтому
# $z = x + x^2$ и $\partial z / \partial x = 1 + 2x$.
#
# **Самопроверка 4.3.** Чему равны `x.grad` и `y.grad` в варианте B? Ответьте парой значений,
# затем запустите ячейку.

# %%
answer("4.3", ...)

# %%
# NBVAL_CHECK_OUTPUT
x = torch.tensor(2.0, requires_grad=True)
y = x
z = x + y * y
z.backward()
print(x.grad, y.grad, y is x)
print(y.requires_grad, y.grad_fn)
print(z)

# %% [verify]
selfcheck.expect("4.3", (x.grad, y.grad))

# %% [markdown]
# **C. `y` — константа** (`requires_grad=False`): градиента он не получает.

# %%
# NBVAL_CHECK_OUTPUT
x = torch.tensor(2.0, requires_grad=True)
y = torch.tensor(1.0)
z = x + y * y
z.backward()
print(x.grad, y.grad)
print(y.requires_grad, y.grad_fn)
print(z)

# %% [markdown]
# **D. `y = x.detach().clone()`**: копия *значения* `x`, отсоединённая от графа, — то есть
# константа, которая просто оказалась равна 2.
#
# **Самопроверка 4.4.** Чему равен `x.grad` в варианте D?

# %%
answer("4.4", ...)

# %%
# NBVAL_CHECK_OUTPUT
x = torch.tensor(2.0, requires_grad=True)
y = x.detach().clone()
z = x + y * y
z.backward()
print(x.grad, y.grad)
print(y.requires_grad, y.grad_fn)
print(z)

# %% [verify]
selfcheck.expect("4.4", x.grad)

# %% [markdown]
# **E. `y = x.clone()`**: копия в новой памяти, которая остаётся **в графе**. `clone` — такая же
# операция, как любая другая (её узел — `CloneBackward0`), с производной 1, поэтому градиенты
# проходят через `y` обратно к `x`.
#
# **Самопроверка 4.5.** Чему равен `x.grad` в варианте E?

# %%
answer("4.5", ...)

# %%
# NBVAL_CHECK_OUTPUT
x = torch.tensor(2.0, requires_grad=True)
y = x.clone()
z = x + y * y
z.backward()
print(x.grad)
print(y.requires_grad, y.is_leaf, y.grad_fn is not None, type(y.grad_fn).__name__)
print(z)

# %% [verify]
selfcheck.expect("4.5", x.grad)

# %% [markdown]
# В варианте E `y` не лист, поэтому `y.grad` равен `None` (и при обращении к нему PyTorch
# выдаёт предупреждение, как в главе 3): градиент прошёл *сквозь* `y` в `x`.
#
# | вариант | `y` — это | `x.grad` | `y.grad` | `y.requires_grad` | `y.grad_fn` |
# |---|---|---|---|---|---|
# | A | `torch.tensor(3.).requires_grad_(True)` | 1 | 6 | True | None |
# | B | `x` | 5 | 5 (это и есть `x`) | True | None |
# | C | `torch.tensor(1.)` | 1 | None | False | None |
# | D | `x.detach().clone()` | 1 | None | False | None |
# | E | `x.clone()` | 5 | None (не лист) | True | `CloneBackward0` |
#
# ## 6. Три копии `x`
#
# `clone()` под `no_grad` ничего не записывает, поэтому даёт то же, что и `detach().clone()`:
# независимую константу. Обычный `clone()` — это копия, сквозь которую проходят градиенты. У всех
# трёх копий своя собственная память: запись в них не затрагивает `x`.

# %%
# NBVAL_CHECK_OUTPUT
x = torch.tensor([1.0, 2.0], requires_grad=True)
with torch.no_grad():
    a = x.clone()
b = x.detach().clone()
c = x.clone()
for name, t in [("a", a), ("b", b), ("c", c)]:
    fn = None if t.grad_fn is None else type(t.grad_fn).__name__
    print(name, t, t.requires_grad, t.is_leaf, fn)
a[0] = 10.0
b[0] = 20.0
print(x)
print(a, b)

# %% [markdown]
# | выражение | своя память? | градиент доходит до `x`? | `requires_grad` |
# |---|---|---|---|
# | `x.detach()`, `x.data` | нет, общая с `x` | нет | False |
# | `x.detach().clone()` | да | нет | False |
# | `x.clone()` под `no_grad` | да | нет | False |
# | `x.clone()` | да | да (`CloneBackward0`) | True |
#
# ## Итоги
#
# * `with torch.no_grad():` (или `@torch.no_grad()`) ничего не записывает в граф: так оценивают
#   модель и обновляют веса; `torch.enable_grad()` снова включает запись внутри такого блока.
# * `detach()` даёт ту же память, но вне графа: это нужно для numpy, для графиков и чтобы сделать
#   величину константой. Предпочитайте его `.data`: изменений через `.data` autograd не видит.
# * Лист обновляют на месте под `no_grad`, а затем обнуляют его градиент; `x = x - ...` молча
#   превращает `x` в нелистовой тензор.
# * `clone()` копирует и остаётся в графе; `detach().clone()` копирует и выходит из графа.
#
# В главе 5 мы подробно разберём операции in-place: какие из них PyTorch разрешает и почему.
