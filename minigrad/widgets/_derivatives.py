"""Forward and local-derivative formulas of the ops a learner types, as text and as numbers.

``rule('MulBackward0')`` knows that ``a*b`` has ``∂/∂a = b``; :func:`local` fills in the
operands' symbols and values: ``∂(x*y)/∂x = y = -4``. The explorer checks the number against
what the engine really sent, so a wrong rule here shows up in the tests.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from minigrad.viz.labels import fmt_array, fmt_scalar


@dataclass(frozen=True)
class Operand:
    """One input of an op: what to call it, its value if known, and whether it is a number."""

    symbol: str
    value: np.ndarray | None
    constant: bool = False


@dataclass(frozen=True)
class Args:
    """Operands ``a`` (slot 0) and ``b`` (slot 1) as text (``A``, ``B``: parenthesised when
    compound) and values ``va``, ``vb``; ``out`` is the op's result."""

    a: str
    b: str
    va: np.ndarray | None
    vb: np.ndarray | None
    out: np.ndarray | None

    @property
    def A(self) -> str:  # noqa: N802 - the wrapped form of ``a``
        return wrap(self.a)

    @property
    def B(self) -> str:  # noqa: N802
        return wrap(self.b)


Text = Callable[[Args], str]
Value = Callable[[Args], np.ndarray]
Rule = tuple[Text, tuple[tuple[Text, Value], ...]]  # forward text, then (text, value) per slot
ONE_A: tuple[Text, Value] = (lambda s: "1", lambda s: np.ones_like(s.va))
ONE_B: tuple[Text, Value] = (lambda s: "1", lambda s: np.ones_like(s.vb))
NEG_A: tuple[Text, Value] = (lambda s: "-1", lambda s: -np.ones_like(s.va))
NEG_B: tuple[Text, Value] = (lambda s: "-1", lambda s: -np.ones_like(s.vb))


def _pow_text(s: Args) -> str:
    n = s.vb
    if n is not None and np.ndim(n) == 0 and float(n) == 2:
        return f"2*{s.A}"
    m = fmt_scalar(float(n) - 1) if n is not None and np.ndim(n) == 0 else f"({s.b} - 1)"
    return f"{s.B}*{s.A}**{m}"


def _pow_value(s: Args) -> np.ndarray:
    return s.vb * s.va ** (s.vb - 1)


def _unary(fwd: str, text: str, value: Value) -> Rule:
    """A one-input function: ``fwd`` and ``text`` are templates of ``{a}`` and ``{A}``."""
    return (lambda s: fwd.format(a=s.a, A=s.A), ((lambda s: text.format(a=s.a, A=s.A), value),))


RULES: dict[str, Rule] = {
    "AddBackward0": (lambda s: f"{s.a} + {s.b}", (ONE_A, ONE_B)),
    "SubBackward0": (lambda s: f"{s.a} - {s.B}", (ONE_A, NEG_B)),
    "RsubBackward1": (lambda s: f"{s.b} - {s.A}", (NEG_A,)),
    "MulBackward0": (lambda s: f"{s.A}*{s.B}", (
        (lambda s: s.b, lambda s: s.vb * np.ones_like(s.va)),
        (lambda s: s.a, lambda s: s.va * np.ones_like(s.vb)))),
    "DivBackward0": (lambda s: f"{s.A}/{s.B}", (
        (lambda s: f"1/{s.B}", lambda s: 1 / s.vb * np.ones_like(s.va)),
        (lambda s: f"-{s.A}/{s.B}²", lambda s: -s.va / s.vb**2))),
    "NegBackward0": (lambda s: f"-{s.A}", (NEG_A,)),
    "PowBackward0": (lambda s: f"{s.A}**{s.B}", ((_pow_text, _pow_value),)),
    "PowBackward1": (lambda s: f"{s.A}**{s.B}", (
        (_pow_text, _pow_value),
        (lambda s: f"{s.A}**{s.B}*log({s.a})", lambda s: s.va**s.vb * np.log(s.va)))),
    "PowBackward2": (lambda s: f"{s.B}**{s.A}", (
        (lambda s: f"{s.B}**{s.A}*log({s.b})", lambda s: s.vb**s.va * np.log(s.vb)),)),
    "ReciprocalBackward0": _unary("1/{A}", "-1/{A}²", lambda s: -1 / s.va**2),
    "SinBackward0": _unary("sin({a})", "cos({a})", lambda s: np.cos(s.va)),
    "CosBackward0": _unary("cos({a})", "-sin({a})", lambda s: -np.sin(s.va)),
    "ExpBackward0": _unary("exp({a})", "exp({a})", lambda s: np.exp(s.va)),
    "LogBackward0": _unary("log({a})", "1/{A}", lambda s: 1 / s.va),
    "TanhBackward0": _unary("tanh({a})", "1 - tanh({a})²", lambda s: 1 - np.tanh(s.va) ** 2),
    "SigmoidBackward0": _unary("sigmoid({a})", "sigmoid({a})*(1 - sigmoid({a}))",
                               lambda s: _sigmoid(s.va) * (1 - _sigmoid(s.va))),
    "ReluBackward0": _unary("relu({a})", "1 if {A} > 0 else 0",
                            lambda s: (s.va > 0).astype(s.va.dtype)),
    "SqrtBackward0": _unary("sqrt({a})", "1/(2*sqrt({a}))", lambda s: 0.5 / np.sqrt(s.va)),
    "AbsBackward0": _unary("abs({a})", "sign({a})", lambda s: np.sign(s.va)),
    "SumBackward0": _unary("sum({a})", "1", lambda s: np.ones_like(s.va)),
    "MeanBackward0": (lambda s: f"mean({s.a})", (
        (lambda s: f"1/{np.size(s.va)}", lambda s: np.ones_like(s.va) / np.size(s.va)),)),
}  # fmt: skip


def _sigmoid(v: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-v))


def wrap(sym: str) -> str:
    """``x``, ``sin(x)`` and ``[1, 2]`` stay as they are, ``x + y`` and ``-4`` get
    parentheses."""
    if re.fullmatch(r"[A-Za-z_]\w*|\d+(\.\d*)?([eE][-+]?\d+)?|\[[^][]*\]", sym):
        return sym
    m = re.fullmatch(r"[A-Za-z_]\w*\((.*)\)|\((.*)\)", sym)
    if m and _balanced(m.group(1) if m.group(1) is not None else m.group(2)):
        return sym
    return f"({sym})"


def _balanced(s: str) -> bool:
    depth = 0
    for c in s:
        depth += {"(": 1, ")": -1}.get(c, 0)
        if depth < 0:
            return False
    return depth == 0


def num(v: np.ndarray) -> str:
    """A value as an operand: ``-4`` becomes ``(-4)`` so that ``2 + (-4)`` reads right."""
    s = fmt_array(v)
    return f"({s})" if s.startswith("-") else s


def _args(ops: dict[int, Operand], out: np.ndarray | None) -> Args:
    a, b = ops.get(0), ops.get(1)
    return Args(a.symbol if a else "?", b.symbol if b else "?",
                a.value if a else None, b.value if b else None, out)  # fmt: skip


def forward_text(name: str, ops: dict[int, Operand], out: np.ndarray | None) -> str | None:
    """``x + y = 2 + (-4) = -2`` for the op ``name`` (a grad_fn name), None if unknown."""
    if name not in RULES:
        return None
    formula = RULES[name][0]
    text = formula(_args(ops, out))
    if all(o.value is not None for o in ops.values()):
        vals = {k: Operand(num(o.value), o.value, o.constant) for k, o in ops.items()}
        with_values = formula(_args(vals, out))
        if with_values != text:
            text += f" = {with_values}"
    if out is not None:
        text += f" = {fmt_array(out)}"
    return text


def local(
    name: str, slot: int, ops: dict[int, Operand], out: np.ndarray | None
) -> tuple[str | None, np.ndarray | None]:
    """``('∂(x*y)/∂x = y = -4', array(-4.))``: the local derivative of op ``name`` for input
    ``slot``. The text is None for an op without a rule, the value None when unknown."""
    rule = RULES.get(name)
    if rule is None or slot >= len(rule[1]):
        return None, None
    s = _args(ops, out)
    text_of, value_of = rule[1][slot]
    me = ops.get(slot)
    head = f"∂({rule[0](s)})/∂{wrap(me.symbol) if me else '?'}"
    text = f"{head} = {text_of(s)}"
    value = None
    if all(o.value is not None for o in ops.values()):
        try:
            with np.errstate(all="ignore"):
                value = np.asarray(value_of(s))
        except (TypeError, ValueError):
            value = None
    if value is not None:
        shown = fmt_array(value)
        if shown != text_of(s):
            text += f" = {shown}"
    return text, value
