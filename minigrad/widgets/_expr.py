"""The small expression language the explorers accept, parsed with ``ast`` and checked first.

``f = (x + y) ** 2 + 2 * x * y`` or several lines (or ``;``-separated statements) of
``name = expression``; the last statement is the result. Allowed: names, numbers, ``+ - * / **``,
unary minus and calls of ``FUNCTIONS`` with one argument. Everything else (attributes, indexing,
lambdas, imports, keywords...) is a ``ValueError`` before anything runs.
"""

from __future__ import annotations

import ast
import math
import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import minigrad as torch
from minigrad import Tensor
from minigrad.autograd.function import Node

FUNCTIONS: dict[str, Callable[[Tensor], Tensor]] = {
    "sin": torch.sin, "cos": torch.cos, "exp": torch.exp, "log": torch.log,
    "tanh": torch.tanh, "sigmoid": torch.sigmoid, "relu": torch.relu, "sqrt": torch.sqrt,
    "abs": torch.abs, "sum": torch.sum, "mean": torch.mean,
}  # fmt: skip
CONSTANTS = {"pi": math.pi, "e": math.e}
MAX_CHARS = 2000
MAX_NODES = 400
_BINOPS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
           ast.Div: operator.truediv, ast.Pow: operator.pow}  # fmt: skip
_OPERATORS = (*_BINOPS, ast.USub, ast.UAdd)
_ALLOWED = (ast.Module, ast.Assign, ast.Expr, ast.Name, ast.Constant, ast.BinOp, ast.UnaryOp,
            ast.Call, ast.Load, ast.Store, ast.USub, ast.UAdd, *_BINOPS)  # fmt: skip
_HELP = "use names, numbers, + - * / **, unary minus and " + ", ".join(FUNCTIONS)


@dataclass(frozen=True)
class Program:
    """Checked statements ``(target or None, expression)``; ``inputs``: names read before they
    are assigned, in order of first use (``pi`` and ``e`` are constants, never inputs)."""

    source: str
    statements: tuple[tuple[str | None, ast.expr], ...]
    inputs: tuple[str, ...]
    output: str | None  # the last statement's target


@dataclass
class Evaluation:
    """What running a program made: the result, its named tensors, and for the explorers the
    source text of every sub-expression and the plain number each new node used (and whether
    it was written first: ``2 * x`` records ``mul(x, 2)``, which should still read ``2*x``)."""

    output: Any
    env: dict[str, Any]
    texts: list[tuple[str, Tensor]] = field(default_factory=list)
    constants: dict[Node, float] = field(default_factory=dict)
    number_first: set[Node] = field(default_factory=set)


def parse(source: str) -> Program:
    """Check ``source`` and return its statements; ValueError says what is not allowed."""
    if not isinstance(source, str):
        raise TypeError(f"the expression must be a string, not {type(source).__name__}")
    if len(source) > MAX_CHARS:
        raise ValueError(f"the expression is too long ({len(source)} > {MAX_CHARS} characters)")
    try:
        tree = ast.parse(source.strip(), mode="exec")
    except SyntaxError as e:
        raise ValueError(f"could not parse the expression: {e.msg} (line {e.lineno})") from None
    except (RecursionError, MemoryError):
        raise ValueError("the expression is nested too deeply") from None
    nodes = list(ast.walk(tree))
    if len(nodes) > MAX_NODES:
        raise ValueError(f"the expression is too big (more than {MAX_NODES} parts)")
    for node in nodes:
        _check(node)
    if not tree.body:
        raise ValueError("the expression is empty")
    statements, inputs, assigned = [], {}, set()
    for stmt in tree.body:
        value = stmt.value  # type: ignore[attr-defined]
        for name in _names(value):
            if name not in assigned and name not in CONSTANTS:
                inputs.setdefault(name, None)
        target = stmt.targets[0].id if isinstance(stmt, ast.Assign) else None  # type: ignore
        if target is not None:
            if target in inputs:
                raise ValueError(f"{target!r} is an input; give the result another name")
            assigned.add(target)
        statements.append((target, value))
    return Program(source, tuple(statements), tuple(inputs), statements[-1][0])


def _names(expr: ast.expr) -> list[str]:
    """Names read by ``expr`` in source order (function names excluded)."""
    funcs = {id(n.func) for n in ast.walk(expr) if isinstance(n, ast.Call)}
    found = [n for n in ast.walk(expr) if isinstance(n, ast.Name) and id(n) not in funcs]
    return [n.id for n in sorted(found, key=lambda n: (n.lineno, n.col_offset))]


def _check(node: ast.AST) -> None:
    if isinstance(node, ast.Attribute):
        hint = f": write {node.attr}(...)" if node.attr in FUNCTIONS else f"; {_HELP}"
        raise ValueError(f"attribute access ({ast.unparse(node)}) is not allowed{hint}")
    if isinstance(node, ast.Call) and not isinstance(node.func, ast.Name):
        _check(node.func)  # name what is wrong with it (an attribute, a lambda...)
    if isinstance(node, (ast.BinOp, ast.UnaryOp)) and type(node.op) not in _OPERATORS:
        raise ValueError(f"the operator in {ast.unparse(node)} is not allowed; {_HELP}")
    if isinstance(node, ast.Lambda):
        raise ValueError(f"lambda is not allowed; {_HELP}")
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        raise ValueError("import is not allowed")
    if isinstance(node, ast.AugAssign):
        raise ValueError("augmented assignment (+=) is not allowed: write f = f + ...")
    if not isinstance(node, _ALLOWED):
        raise ValueError(f"{type(node).__name__} ({_text(node)}) is not allowed; {_HELP}")
    if isinstance(node, ast.Name) and node.id.startswith("_"):
        raise ValueError(f"names starting with '_' ({node.id}) are not allowed")
    if isinstance(node, ast.Constant) and (
        isinstance(node.value, bool) or not isinstance(node.value, (int, float))
    ):
        raise ValueError(f"only numbers are allowed as constants, not {node.value!r}")
    if isinstance(node, ast.Assign) and (
        len(node.targets) != 1 or not isinstance(node.targets[0], ast.Name)
    ):
        raise ValueError("assign to one plain name: f = ...")
    if isinstance(node, ast.Assign) and node.targets[0].id in FUNCTIONS:  # type: ignore
        raise ValueError(f"{node.targets[0].id!r} is a function name")  # type: ignore
    if isinstance(node, ast.Call):
        name = node.func.id if isinstance(node.func, ast.Name) else None
        if name not in FUNCTIONS:
            raise ValueError(f"calling {ast.unparse(node.func)} is not allowed; "
                             f"the functions are {', '.join(FUNCTIONS)}")  # fmt: skip
        if node.keywords or len(node.args) != 1:
            raise ValueError(f"{name}(...) takes exactly one argument and no keywords")


def _text(node: ast.AST) -> str:
    try:
        return ast.unparse(node)[:40]
    except Exception:  # an operator or context node has no source form
        return type(node).__name__


def leaves(
    program: Program, values: Mapping[str, Any] | None, dtype: Any = torch.float32
) -> dict[str, Tensor]:
    """One tensor with ``requires_grad=True`` per input of ``program``; ValueError names the
    missing ones."""
    values = dict(values or {})
    missing = [n for n in program.inputs if n not in values]
    if missing:
        example = ", ".join(f"{n!r}: 1.0" for n in missing)
        raise ValueError(f"no value for {', '.join(missing)}: pass values={{{example}}}")
    out = {}
    for name in program.inputs:
        v = values[name]
        v = v.detach().numpy() if isinstance(v, Tensor) else v
        out[name] = torch.tensor(v, dtype=dtype, requires_grad=True)
    return out


def evaluate(program: Program, inputs: Mapping[str, Any]) -> Evaluation:
    """Run ``program`` with ``inputs`` (tensors or numbers) through minigrad."""
    env = dict(inputs)
    ev = Evaluation(None, env)
    result: Any = None
    for target, expr in program.statements:
        result = _eval(expr, env, ev)
        if target is not None:
            env[target] = result
    ev.output = result
    return ev


def _eval(node: ast.expr, env: dict[str, Any], ev: Evaluation) -> Any:
    if isinstance(node, ast.Constant):
        return float(node.value)
    if isinstance(node, ast.Name):
        if node.id in env:
            return env[node.id]
        if node.id in CONSTANTS:
            return CONSTANTS[node.id]
        raise ValueError(f"unknown name {node.id!r}")
    if isinstance(node, ast.UnaryOp):
        a = _eval(node.operand, env, ev)
        out = -a if isinstance(node.op, ast.USub) else a
        return _note(node, out, ev)
    if isinstance(node, ast.BinOp):
        a, b = _eval(node.left, env, ev), _eval(node.right, env, ev)
        try:
            out = _BINOPS[type(node.op)](a, b)
        except ZeroDivisionError:
            raise ValueError(f"{ast.unparse(node)}: division by zero") from None
        except OverflowError:
            raise ValueError(f"{ast.unparse(node)}: the number is too large") from None
        if isinstance(out, complex):
            raise ValueError(f"{ast.unparse(node)} is not a real number")
        number = a if isinstance(b, Tensor) else b
        if isinstance(out, Tensor) and out.grad_fn is not None and not isinstance(number, Tensor):
            ev.constants.setdefault(out.grad_fn, number)
            if number is a:
                ev.number_first.add(out.grad_fn)
        return _note(node, out, ev)
    assert isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    fn, a = FUNCTIONS[node.func.id], _eval(node.args[0], env, ev)
    if isinstance(a, Tensor):
        return _note(node, fn(a), ev)
    return float(fn(torch.tensor(a, dtype=torch.float64)).item())


def _note(node: ast.expr, out: Any, ev: Evaluation) -> Any:
    if isinstance(out, Tensor) and out.grad_fn is not None:
        ev.texts.append((ast.unparse(node), out))
    return out
