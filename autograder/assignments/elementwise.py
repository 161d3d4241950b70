"""Assignment 1: element-wise backward passes, then un-broadcasting."""

from __future__ import annotations

from ..spec import Arg, Assignment, Test

UNARY = "minigrad.ops.unary"
ARITH = "minigrad.ops.arithmetic"


def _unary(name: str, cls: str, points: float, reference, arg: Arg) -> Test:  # noqa: ANN001
    return Test(
        name=name,
        symbol=cls,
        kind="function",
        points=points,
        reference=reference,
        args=(arg,),
        library=f"{UNARY}:{cls}",
        swap_in=f"{UNARY}:{cls}",
    )


ASSIGNMENT = Assignment(
    name="01_elementwise",
    tests=(
        _unary("exp", "Exp", 1, lambda x: x.exp(), Arg(-2, 2)),
        _unary("log", "Log", 1, lambda x: x.log(), Arg(0.5, 3)),
        _unary("sin", "Sin", 1, lambda x: x.sin(), Arg(-3, 3)),
        _unary("sigmoid", "Sigmoid", 2, lambda x: x.sigmoid(), Arg(-4, 4)),
        _unary("tanh", "Tanh", 2, lambda x: x.tanh(), Arg(-2, 2)),
        Test(
            name="pow",
            symbol="Pow",
            kind="function",
            points=2,
            reference=lambda x, n: x**n,
            args=(Arg(-2.5, 2.5, kinks=(0.0,)), Arg(number=True, choices=(3.0, 2.0, -1.0, 4.0))),
            library=f"{ARITH}:Pow",
            swap_in=f"{ARITH}:Pow",
            options={"arg_names": ["x", "exponent"]},
        ),
        Test(
            name="unbroadcast",
            symbol="unbroadcast",
            kind="unbroadcast",
            points=2,
            library="minigrad.autograd.engine:sum_to",
            swap_in="minigrad.autograd.engine:sum_to",
        ),
        Test(
            name="mul",
            symbol="Mul",
            kind="function",
            points=3,
            reference=lambda a, b: a * b,
            args=(Arg(-2, 2), Arg(-2, 2)),
            broadcast=True,
            library=f"{ARITH}:Mul",
            swap_in=f"{ARITH}:Mul",
        ),
        Test(
            name="div",
            symbol="Div",
            kind="function",
            points=3,
            reference=lambda a, b: a / b,
            args=(Arg(-2, 2), Arg(-2, 2, kinks=(0.0,))),
            broadcast=True,
            library=f"{ARITH}:Div",
            swap_in=f"{ARITH}:Div",
        ),
    ),
)
