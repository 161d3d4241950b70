# Глава 5, исходник: собирается командой `python notebooks/build.py --edition ru` (синтаксис ячеек описан в build.py).
# ruff: noqa: E402, E501, F401, F811, B018

# %% [markdown]
# # Глава 5. Операции in-place и листья
#
# Операция **in-place** («на месте») меняет числа тензора прямо там, где они лежат, вместо того
# чтобы создавать новый тензор. Это экономит память, и именно так обновляются веса; но старые
# числа могут ещё понадобиться autograd для обратного прохода. В этой главе мы выясним, какие
# операции работают на месте, какие из них PyTorch запрещает и почему, как срезы делят память со
# своим тензором, и научимся читать и исправлять ошибки, которые вам обязательно встретятся.
# А в конце нарисуем графы.
#
# Как и во всех главах, `minigrad` выступает вместо PyTorch под именем `torch`: код здесь — это
# код PyTorch, и печатает он то же, что напечатал бы PyTorch. Ячейки, которые начинаются с
# `# NBVAL_CHECK_OUTPUT`, проверяются тестами курса.

# %%
import time

from selfcheck import answer

import minigrad as torch

nn = torch.nn

# %% [markdown]
# ## 1. Какие операции работают на месте?
#
# * методы, имя которых заканчивается **подчёркиванием**: `add_`, `mul_`, `zero_`, `fill_`,
#   `requires_grad_` и другие (`add` без подчёркивания возвращает новый тензор);
# * составные присваивания `+=`, `-=`, `*=`, `/=`;
# * присваивание по индексу или в срез: `t[0] = 5.`, `t[1:] = ...`.
#
# Встроенная функция Python `id()` показывает, ссылается ли имя по-прежнему на тот же объект.
# Операции in-place объект сохраняют, а `x = x + 1` создаёт новый тензор и перевешивает на него
# имя `x`.

# %%
# NBVAL_CHECK_OUTPUT
x = torch.ones(1)
id0 = id(x)
x += 1
print(x, id(x) == id0)
x.add_(1)
print(x, id(x) == id0)
x = x + 1
print(x, id(x) == id0)

# %% [markdown]
# Методы in-place возвращают сам тензор, поэтому их вызовы можно выстраивать в цепочку
# (`t.add_(1).mul_(2)`) и сразу печатать результат:

# %%
# NBVAL_CHECK_OUTPUT
t = torch.tensor([1.0, 2.0, 3.0])
print(t.add_(1), t.mul_(2), t.sub_(0.5))
r = t.zero_()
print(r is t, t)

# %% [markdown]
# Обратите внимание: все три напечатанных тензора одинаковы. Это один и тот же объект `t`, а
# `print` печатает его, когда все три операции уже выполнены.
#
# **Самопроверка 5.1.** Каждый раз начиная с нового `x = torch.ones(3)`: какие из операций
# `x.mul_(2)`, `x *= 2`, `x = x * 2`, `x = x.mul(2)` оставляют `id(x)` прежним? Ответьте
# четырьмя значениями `True`/`False`.

# %%
answer("5.1", ...)

# %% [verify]
import selfcheck


def _same_id(step):
    x = torch.ones(3)
    before = id(x)
    return id(step(x)) == before


selfcheck.expect(
    "5.1",
    (
        _same_id(lambda x: x.mul_(2)),
        _same_id(lambda x: x.__imul__(2)),
        _same_id(lambda x: x * 2),
        _same_id(lambda x: x.mul(2)),
    ),
)
del _same_id

# %% [markdown]
# ## 2. Лист, который требует градиента, нельзя менять на месте
#
# Эта ячейка намеренно завершается ошибкой:

# %% tags=["raises-exception"]
w = torch.tensor(1.0, requires_grad=True)
w += 1

# %% [markdown]
# Сообщение `a leaf Variable that requires grad is being used in an in-place operation`
# означает: «лист, который требует градиента, используется в операции in-place» (`Variable` —
# старое название тензора в PyTorch).
#
# Почему так? Лист, требующий градиента, — это величина, для которой вам нужна производная
# $\partial\,\text{loss}/\partial w$. Любая операция, в которой участвовал `w`, могла сохранить
# его значение для обратного прохода, и `.grad`, который попадёт в `w`, относится именно к этому
# значению. Если бы `w` можно было менять на месте во время записи графа, само это изменение
# пришлось бы сделать частью графа, а у листа нет истории, к которой его можно было бы
# присоединить. Поэтому PyTorch отказывает — при любом методе in-place — и оставляет `w` как был:

# %%
# NBVAL_CHECK_OUTPUT
for op in ["add_", "mul_", "fill_"]:
    try:
        getattr(w, op)(2)
    except RuntimeError as e:
        print(op, "->", e)
print(w)

# %% [markdown]
# Как это исправить, зависит от того, что вы хотели сделать:
#
# * **обновить вес** (шаг оптимизации) — делайте это там, где ничего не записывается, внутри
#   `torch.no_grad()`; `w` останется тем же листом (глава 4);
# * **вычислить из `w` что-то новое** — запишите это обычной операцией, которая создаёт новый
#   тензор: `w2 = w + 1`.

# %%
# NBVAL_CHECK_OUTPUT
w = torch.tensor([1.0, 2.0], requires_grad=True)
loss = (w * w).sum()
loss.backward()
with torch.no_grad():
    w -= 0.1 * w.grad
print(w)
print(w.is_leaf, w.requires_grad, w.grad_fn)

# %% [markdown]
# ### `y = x` — это не копия
#
# Присваивание лишь даёт тому же тензору второе имя. `y *= 1` меняет память `x`, так что это та
# же запрещённая операция над тем же листом. Эта ячейка намеренно завершается ошибкой:

# %% tags=["raises-exception"]
x = torch.tensor(1.0, requires_grad=True)
y = x
print(y is x)
y *= 1

# %% [markdown]
# ## 3. Нелистовые тензоры менять на месте можно — пока не затёрто сохранённое значение
#
# Вычисленный тензор можно изменить на месте: такая операция записывается в граф, как любая
# другая, и становится новым `grad_fn` этого тензора.

# %%
# NBVAL_CHECK_OUTPUT
x = torch.tensor(1.0, requires_grad=True)
y = 2 * x
print(y, y.is_leaf)
y += 2
print(y)
y.log_()
print(y)
y.backward()
print(x.grad)  # d log(2x + 2)/dx = 2 / (2x + 2) = 0.5

# %% [markdown]
# Но autograd мог **сохранить** старое значение. Чтобы продифференцировать `z = y * y`, ему
# нужен `y`; если `y` изменится до вызова `backward()`, сохранённое значение будет потеряно.
# Поэтому у каждого тензора есть **счётчик версий** (`t._version`), который увеличивается при
# каждой операции in-place. Autograd запоминает версию каждого сохранённого значения и
# отказывается продолжать, если она изменилась:

# %%
# NBVAL_CHECK_OUTPUT
x = torch.tensor([1.0, 2.0], requires_grad=True)
y = x * 2
z = y * y  # сохраняет y (версия 0)
print(y._version)
y.add_(1)
print(y._version)

# %% [markdown]
# Эта ячейка намеренно завершается ошибкой:

# %% tags=["raises-exception"]
z.sum().backward()

# %% [markdown]
# Разберём сообщение по частям. Начало, `one of the variables needed for gradient computation
# has been modified by an inplace operation`, означает: «одна из переменных, нужных для
# вычисления градиента, изменена операцией in-place». Дальше сказано, какая именно:
#
# * `[minigrad.FloatTensor [2]]` (в PyTorch — `torch.FloatTensor`): тип и форма сохранённого
#   тензора, здесь это наш `y`;
# * `which is output 0 of Add` («нулевой выход операции Add»): операция, которая теперь его
#   порождает, — наш `add_`;
# * `is at version 1; expected version 0` («сейчас версия 1, а ожидалась версия 0»): после
#   сохранения тензор изменили один раз.
#
# Исправление — не затирать то, что ещё понадобится: написать `y = y + 1` (это новый тензор) или
# менять не сам тензор, а его `clone()`.
#
# Менять на месте значение, которое никто не сохранял, можно: чтобы вычислить градиент
# `b = a + 1`, само `a` не нужно.

# %%
# NBVAL_CHECK_OUTPUT
x = torch.tensor([1.0, 2.0], requires_grad=True)
a = x * 3
b = a + 1
a.add_(10)
b.sum().backward()
print(x.grad)
print(a, b)

# %% [markdown]
# ## 4. Если переприсвоить имя листа, лист потеряется
#
# `x = x + 1` — не операция in-place: она создаёт новый тензор и перевешивает на него *имя* `x`.
# Сам лист никуда не делся (его держит граф) и получает градиент; но ваше имя теперь указывает на
# нелистовой тензор, у которого `.grad` остаётся `None`.

# %%
# NBVAL_CHECK_OUTPUT
x = torch.tensor([1.0, 2.0], requires_grad=True)
old = x
x = x + 1
print(x.is_leaf, old.is_leaf, x is old)
x = x * 2
x.sum().backward()
print(old.grad)
print(type(x.grad_fn).__name__)

# %% [markdown]
# **Самопроверка 5.2.** После `a = torch.tensor(3., requires_grad=True)`, `b = a`, `a = a * a`,
# `a.backward()`: чему равен `b.grad`?

# %%
answer("5.2", ...)

# %% [verify]
_a = torch.tensor(3.0, requires_grad=True)
_b = _a
_a = _a * _a
_a.backward()
selfcheck.expect("5.2", _b.grad)
del _a, _b

# %% [markdown]
# ## 5. Срезы делят память с тензором
#
# Индексирование целыми числами и срезами, `view`, `reshape` (когда это возможно) и `detach()`
# возвращают **представления** (views): новые объекты-тензоры, которые смотрят в ту же самую
# память. Запись через представление меняет исходный тензор.

# %%
# NBVAL_CHECK_OUTPUT
t = torch.arange(6.0)
v = t.view(2, 3)
row = v[1]
row[0] = 100.0
print(t)
print(v)
c = t.clone()  # настоящая копия
c[0] = -1.0
print(t[0], c[0])

# %% [markdown]
# Значит, срез листа, который требует градиента, — это часть самого листа, и изменение среза на
# месте меняет лист. Эта ячейка намеренно завершается ошибкой:

# %% tags=["raises-exception"]
x = torch.ones(2, 2, requires_grad=True)
x[0].add_(1)

# %% [markdown]
# Сообщение почти то же, что в разделе 2, только речь в нём о представлении листа:
# `a view of a leaf Variable that requires grad is being used in an in-place operation`.
#
# ### Присваивание в срез листа
#
# `w[0] = 1.` — это изменение `w` на месте через срез. Для листа, который требует градиента, оно
# запрещено (эта ячейка намеренно завершается ошибкой)…

# %% tags=["raises-exception"]
w = torch.ones(3, requires_grad=True)
w[0] = 1.0

# %% [markdown]
# …а под `no_grad`, как и любое обновление весов, разрешено:

# %%
# NBVAL_CHECK_OUTPUT
with torch.no_grad():
    w[0] = 5.0
print(w)
print(w.is_leaf, w.grad_fn)

# %% [markdown]
# ## 6. Заполнение тензора значениями, которые требуют градиента: `CopySlices`
#
# Записать значение, требующее градиента, в обычный тензор можно, и эта запись попадает в граф:
# тензор становится нелистовым, его `grad_fn` — `CopySlices` («копирование в срез»), и градиенты
# текут обратно к тому, что в него записали.

# %%
# NBVAL_CHECK_OUTPUT
x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
y = torch.zeros(4, 3)
print(y.requires_grad, y.is_leaf)
for i in range(4):
    y[i] = x**i
print(y)
print(y.is_leaf, type(y.grad_fn).__name__)
y.sum().backward()
print(x.grad)  # d/dx (1 + x + x^2 + x^3) = 1 + 2x + 3x^2

# %% [markdown]
# ### Ошибка с `CopySlices` и исправление через `clone()`
#
# А теперь ловушка. Вычислим второй элемент `s` из первого: `s[1] = s[0] * x`. Эта ячейка
# намеренно завершается ошибкой (на `backward()`):

# %% tags=["raises-exception"]
x = torch.tensor(1.0, requires_grad=True)
s = torch.ones(2)
s[1] = s[0] * x
print(s)
s.sum().backward()

# %% [markdown]
# Что произошло? `s[0]` — это *представление* `s`. Чтобы продифференцировать `s[0] * x` по `x`,
# autograd сохранил это представление (градиент по `x` равен `s[0]`, умноженному на входящий
# градиент). Затем присваивание `s[1] = ...` записало данные в `s` и тем самым увеличило версию
# `s` и всех его представлений, включая сохранённое `s[0]`. При `backward()` версия сохранённого
# представления (1) уже не совпадает с ожидаемой (0). В сообщении это представление названо
# `output 0 of AsStrided` — `AsStrided` здесь общее имя для представления — и у него форма `[]`:
# это один элемент.
#
# Заметьте, что значение `s[0]` при этом даже не изменилось: autograd следит только за версиями, на
# сами числа он не смотрит. Исправление — умножать на **копию** `s[0]`, которую присваивание
# `s[1] = ...` не затрагивает.

# %%
# NBVAL_CHECK_OUTPUT
x = torch.tensor(1.0, requires_grad=True)
s = torch.ones(2)
s[1] = s[0].clone() * x
print(s)
s.sum().backward()
print(x.grad)
print(type(s.grad_fn).__name__, s.is_leaf, s.requires_grad)

# %% [markdown]
# **Самопроверка 5.3.** Пусть `x = torch.tensor(2., requires_grad=True)`, `s = torch.ones(3)`,
# `s[1] = s[0].clone() * x`, `s[2] = s[1].clone() * x`. Чему равен `x.grad` после
# `s.sum().backward()`? ($s = [1, x, x^2]$.)

# %%
answer("5.3", ...)

# %% [verify]
_x = torch.tensor(2.0, requires_grad=True)
_s = torch.ones(3)
_s[1] = _s[0].clone() * _x
_s[2] = _s[1].clone() * _x
_s.sum().backward()
selfcheck.expect("5.3", _x.grad)
del _x, _s

# %% [markdown]
# ## 7. Собирать тензор присваиванием в срезы медленно; `cat` и `stack` — быстро
#
# Заполнять тензор построчно можно, но каждое присваивание добавляет в граф узел `CopySlices`,
# и на обратном проходе каждый такой узел обрабатывает градиент **всего** тензора: для $n$ строк
# это порядка $n^2$ строк работы вместо $n$. Если же собрать строки в список и один раз соединить
# их с помощью `torch.stack` (или `torch.cat`), в граф попадёт всего один узел. Значения и
# градиенты в обоих случаях одинаковы:


# %%
# NBVAL_CHECK_OUTPUT
def by_slices(x, n):
    out = torch.zeros(n, x.shape[0])
    for i in range(n):
        out[i] = x * i
    return out


def by_stack(x, n):
    return torch.stack([x * i for i in range(n)])


x1 = torch.ones(3, requires_grad=True)
x2 = torch.ones(3, requires_grad=True)
a, b = by_slices(x1, 4), by_stack(x2, 4)
print(torch.equal(a, b), type(a.grad_fn).__name__, type(b.grad_fn).__name__)
a.sum().backward()
b.sum().backward()
print(x1.grad, x2.grad)

# %% [markdown]
# Теперь замерим время прямого и обратного прохода для растущих $n$ (строки по 1000 чисел; берём
# лучший из двух запусков). Числа зависят от вашего компьютера (и от того, чем он ещё занят),
# поэтому этот вывод не проверяется. Важна тенденция: время для срезов (`slices`) растёт примерно
# как $n^2$, для `stack` — как $n$, так что их отношение (`ratio`) растёт вместе с $n$.


# %%
def timed(build, n, d=1000, repeat=2):
    best = float("inf")
    for _ in range(repeat):
        x = torch.ones(d, requires_grad=True)
        start = time.perf_counter()
        build(x, n).sum().backward()
        best = min(best, time.perf_counter() - start)
    return best


for n in (100, 200, 400):
    slow, fast = timed(by_slices, n), timed(by_stack, n)
    ratio = slow / fast
    print(f"n = {n}: slices {slow * 1e3:6.1f} ms, stack {fast * 1e3:5.1f} ms, ratio {ratio:4.1f}")

# %% [markdown]
# ## 8. Смотрим на граф
#
# С картинкой в операциях in-place разобраться проще. Функция `make_dot` из пакета `torchviz`
# рисует графы PyTorch с помощью Graphviz; в minigrad есть свой `make_dot` с тем же вызовом, а
# также функция `draw`, и обе рисуют прямо в ноутбуке, без установки Graphviz. (`minigrad.viz` —
# модуль minigrad; с PyTorch пишите `from torchviz import make_dot`.) Вот пример из документации
# самого torchviz: небольшая сеть, нарисованная вместе с именами параметров.

# %%
from minigrad.viz import draw, make_dot

torch.manual_seed(0)
model = nn.Sequential()
model.add_module("W0", nn.Linear(8, 16))
model.add_module("tanh", nn.Tanh())
model.add_module("W1", nn.Linear(16, 1))

x = torch.randn(1, 8)
y = model(x)
make_dot(y.mean(), params=dict(model.named_parameters()))

# %% [markdown]
# Голубые прямоугольники — параметры (листья) с их формами, жёлтые — узлы обратного прохода
# (`AddmmBackward0` — это линейный слой: матричное произведение плюс смещение; `TBackward0` —
# транспонирование матрицы весов, которое в нём используется), зелёный — выход.
# `make_dot(...).source` — это описание графа на языке DOT, для тех, у кого установлен Graphviz.
#
# `draw` показывает ещё и значения с градиентами. Вот исправленный пример с `CopySlices`:
# присваивание в `s` — отдельный узел графа (`CopySlices`, а рядом с ним `CopyBackwards` —
# копирование значения в срез), и градиент `x` приходит именно через него.

# %%
x = torch.tensor(1.0, requires_grad=True)
s = torch.ones(2)
s[1] = s[0].clone() * x
total = s.sum()
total.backward()
draw(total, names={"x": x, "s": s, "total": total})

# %% [markdown]
# ## Итоги
#
# * Операции in-place — это методы с подчёркиванием в конце имени, `+=` и его родственники,
#   присваивание по индексу или в срез. Они сохраняют идентичность тензора (`id`) и увеличивают
#   его счётчик версий.
# * Лист, который требует градиента (как и любое его представление), нельзя менять на месте,
#   пока идёт запись графа: обновляйте веса под `no_grad`. `y = x` — тот же самый тензор, а не
#   копия.
# * Нелистовые тензоры менять на месте можно, если только autograd не сохранил старое значение
#   для `backward()`: тогда вас остановит проверка версий. Пишите операции без in-place или
#   сначала делайте `clone()`.
# * `x = x + 1` перевешивает имя, и градиент листа достаётся старому тензору.
# * Срезы и представления делят память с тензором. `s[1] = s[0] * x` спотыкается о проверку
#   версий через представление; `s[0].clone()` это исправляет.
# * Собирайте тензоры через `torch.stack`/`torch.cat`, а не присваиванием в срезы в цикле.
#
# В главе 6 мы соберём всё вместе и обучим небольшую нейронную сеть, а в главе 7 заглянем внутрь
# minigrad и посмотрим, как всё это устроено.
