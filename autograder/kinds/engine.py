"""Tests of a student's backward engine, ``backward(root)``.

A case is a small program (plain data, ``meta["graph"]``) that builds a graph from minigrad's own
element-wise ops (ops this assignment does not grade, so their backward is never blocked): trees,
a tensor used twice, diamonds whose two paths have different lengths (where a depth-first
pre-order or a breadth-first order runs a node too early), a ladder of diamonds (2^k paths: an
engine that runs a node once per path would never finish) and a chain of thousands of nodes (a
recursive traversal hits Python's recursion limit; 3,000 in the visible checks, about 10,000 in
the hidden ones).

The probe builds the graph, wraps every node's ``apply`` to record the order of the calls (and
stops the engine when a node runs more than ``MAX_CALLS`` times), runs the student's engine on the
root, and returns the leaves' ``.grad``, the calls, and which other tensors got a ``.grad``. The
judge rebuilds the same graph in the trusted process, differentiates it with minigrad's engine,
and checks the calls against the graph's edges.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..cases import Case
from ..spec import Test
from ..verdict import Property
from . import common

UNARY = ("exp", "sin", "cos", "tanh", "neg")
BINARY = ("mul", "add", "sub")
MAX_CALLS = 4  # a node run more often than this stops the engine (one run per path explodes)
CHAIN = 10_000  # the hidden chain's length (about); Python's recursion limit is 1,000
CHAIN_VISIBLE = 3_000
NAMES = ["values", "accumulate", "order", "once", "deep", "leaves"]
PROPERTY = {"basic": "values", "accumulate": "accumulate", "order": "order", "once": "once",
            "deep": "deep"}  # fmt: skip

ORDER = (
    "your engine runs a node before every node that uses its result has run, so the gradient "
    "it passes on is incomplete: process the nodes in topological order (a node runs only once "
    "all its consumers have run, e.g. the reverse of a depth-first post-order)"
)
ONCE = (
    "your engine runs a node's backward more than once (once per path that reaches it): first "
    "collect every gradient a node receives, then run it once with their sum"
)
ACCUMULATE = (
    "a tensor used twice must receive the sum of both gradients: your engine keeps only one of "
    "them (add with +, do not overwrite)"
)
EXISTING = (
    "a leaf that already has a .grad must get the new gradient added to it (leaf.grad + g), as "
    "backward() does: yours replaces it"
)
RECURSION = (
    "your engine hits Python's recursion limit on a chain of {n} nodes: compute the order with "
    "an explicit stack (a list you append to and pop from) instead of recursion"
)
NONLEAF = (
    "your engine writes .grad into a tensor that is not a leaf (the root or an intermediate "
    "result): only leaves get a .grad, as with backward()"
)
CONSTANT = "your engine writes .grad into a leaf that does not require grad"
LIBRARY = (
    "your engine calls minigrad's own engine (backward() or autograd.grad): walk the graph "
    "yourself, with grad_fn, next_functions and run_node"
)


class TooManyCalls(BaseException):
    """Raised into the student's engine when one node has run more than MAX_CALLS times (a
    BaseException, so a bare ``except Exception`` in the engine does not swallow it)."""


# -- graphs as data ------------------------------------------------------------------------


class GraphBuilder:
    """Writes a graph description: ``[op, inputs, param]`` entries, leaf values as arrays."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self.entries: list[list[Any]] = []
        self.arrays: dict[str, np.ndarray] = {}

    def _add(self, op: str, ins: list[int], param: Any = None) -> int:
        self.entries.append([op, ins, param])
        return len(self.entries) - 1

    def leaf(self, name: str, requires_grad: bool = True, value: float | None = None) -> int:
        k = len(self.entries)
        v = self.rng.uniform(-1.5, 1.5) if value is None else value
        self.arrays[f"leaf{k}"] = np.asarray(v, dtype=np.float64)
        return self._add("leaf", [], {"name": name, "requires_grad": requires_grad})

    def op(self, name: str, *ins: int) -> int:
        return self._add(name, list(ins))

    def scale(self, a: int, c: float) -> int:
        return self._add("scale", [a], float(c))

    def chain(self, a: int, n: int) -> int:
        k = len(self.entries)
        self.arrays[f"chain{k}"] = self.rng.uniform(0.9995, 1.0005, size=n)
        return self._add("chain", [a], n)

    def existing(self, leaf: int) -> None:
        """Give a leaf a ``.grad`` before the engine runs."""
        self.arrays[f"existing{leaf}"] = np.asarray(self.rng.uniform(-1, 1), dtype=np.float64)

    def case(self, label: str, category: str) -> Case:
        return Case(label, category, dict(self.arrays), {"graph": self.entries})


def expand(graph: list, arrays: dict[str, np.ndarray]) -> list[tuple[str, list[int], Any]]:
    """The flat list of ops (a chain becomes its scalings); inputs index into this list."""
    flat: list[tuple[str, list[int], Any]] = []
    where: list[int] = []  # description index -> flat index
    for k, (op, ins, param) in enumerate(graph):
        ins = [where[i] for i in ins]
        if op == "leaf":
            flat.append(("leaf", [], (arrays[f"leaf{k}"], param["name"], param["requires_grad"])))
        elif op == "chain":
            prev = ins[0]
            for c in arrays[f"chain{k}"]:
                flat.append(("scale", [prev], float(c)))
                prev = len(flat) - 1
        else:
            flat.append((op, ins, param))
        where.append(len(flat) - 1)
    return flat


def build(flat: list[tuple[str, list[int], Any]]) -> list[Any]:
    """The tensors of the graph, in order (the root is the last)."""
    import minigrad

    ts: list[Any] = []
    with minigrad.enable_grad():
        for op, ins, param in flat:
            if op == "leaf":
                value, _, requires_grad = param
                ts.append(minigrad.tensor(value.copy(), requires_grad=requires_grad))
            elif op == "scale":
                ts.append(ts[ins[0]] * param)
            elif op == "neg":
                ts.append(-ts[ins[0]])
            elif op in UNARY:
                ts.append(getattr(ts[ins[0]], op)())
            elif op == "mul":
                ts.append(ts[ins[0]] * ts[ins[1]])
            elif op == "add":
                ts.append(ts[ins[0]] + ts[ins[1]])
            elif op == "sub":
                ts.append(ts[ins[0]] - ts[ins[1]])
            else:
                raise ValueError(f"unknown op {op!r}")
    return ts


def _requires_grad(flat: list) -> list[bool]:
    out: list[bool] = []
    for op, ins, param in flat:
        out.append(param[2] if op == "leaf" else any(out[i] for i in ins))
    return out


# -- cases -----------------------------------------------------------------------------------


def _unary(rng: np.random.Generator) -> str:
    return ("sin", "cos", "tanh", "neg")[int(rng.integers(4))]


def _tree(rng: np.random.Generator, label: str) -> Case:
    """No sharing: every tensor is used once. Also a constant (a leaf without grad)."""
    g = GraphBuilder(rng)
    r = rng
    x, y, z = g.leaf("x"), g.leaf("y"), g.leaf("z")
    w = g.leaf("w", requires_grad=False)
    a = g.op("mul", x, y) if r.random() < 0.5 else g.op("sub", x, y)
    b = g.op(_unary(r), a)
    c = g.op("exp", g.op(_unary(r), z))
    d = g.op("add", b, c) if r.random() < 0.5 else g.op("add", c, b)
    g.op("mul", d, w)
    return g.case(label, "basic")


def _square(rng: np.random.Generator, label: str) -> Case:
    """``x * x``: one node with two edges to the same leaf."""
    g = GraphBuilder(rng)
    x, y = g.leaf("x"), g.leaf("y")
    g.op("add", g.op("mul", x, x), g.op("sin", y))
    return g.case(label, "accumulate")


def _diamond(rng: np.random.Generator, label: str) -> Case:
    """An intermediate result used by two nodes whose paths to the root have the same length."""
    g = GraphBuilder(rng)
    x, y = g.leaf("x"), g.leaf("y")
    a = g.op("tanh", x)
    g.op("add", g.op("mul", g.op("sin", a), g.op("cos", a)), y)
    return g.case(label, "accumulate")


def _existing(rng: np.random.Generator, label: str) -> Case:
    g = GraphBuilder(rng)
    x, y = g.leaf("x"), g.leaf("y")
    g.op("mul", g.op("exp", x), g.op(_unary(rng), y))
    g.existing(x)
    return g.case(label, "accumulate")


def _lopsided(rng: np.random.Generator, label: str, short_first: bool, long: int = 2) -> Case:
    """``a`` reaches the root directly and through ``long`` more nodes: a depth-first pre-order
    or a breadth-first order runs ``a`` before its second consumer."""
    g = GraphBuilder(rng)
    x, y = g.leaf("x"), g.leaf("y")
    a = g.op("sin", x)
    p = g.op("mul", a, y)
    for _ in range(long - 1):
        p = g.op(_unary(rng) if rng.random() < 0.7 else "exp", p)
    g.op("add", a, p) if short_first else g.op("add", p, a)
    return g.case(label, "order")


def _ladder(rng: np.random.Generator, label: str, k: int) -> Case:
    """k diamonds in a row: 2^k paths from the root to x."""
    g = GraphBuilder(rng)
    y = g.leaf("x", value=float(rng.uniform(0.3, 0.7)))
    for _ in range(k):
        y = g.op("mul", g.op("sin", y), g.op("cos", y))
        y = g.scale(y, 2.0)  # sin(y) cos(y) = sin(2y) / 2: keep the values from shrinking
    return g.case(label, "once")


def _deep(rng: np.random.Generator, label: str, n: int) -> Case:
    g = GraphBuilder(rng)
    x = g.leaf("x")
    g.op("sin", g.chain(x, n))
    return g.case(label, "deep")


def cases(test: Test, rng: np.random.Generator, hidden: bool) -> list[Case]:
    if not hidden:
        return [
            _tree(rng, "a tree"),
            _square(rng, "x * x"),
            _diamond(rng, "a diamond"),
            _existing(rng, "a leaf with a .grad already"),
            _lopsided(rng, "two paths of different lengths", short_first=True),
            _lopsided(rng, "two paths of different lengths (other order)", short_first=False),
            _ladder(rng, "12 diamonds in a row", 12),
            _deep(rng, f"a chain of {CHAIN_VISIBLE} nodes", CHAIN_VISIBLE),
        ]
    flip = bool(rng.random() < 0.5)
    return [
        _tree(rng, "hidden tree"),
        _diamond(rng, "hidden diamond") if rng.random() < 0.5 else _square(rng, "hidden square"),
        _existing(rng, "hidden existing .grad"),
        _lopsided(rng, "hidden paths 0", short_first=flip, long=int(rng.integers(2, 5))),
        _lopsided(rng, "hidden paths 1", short_first=not flip, long=int(rng.integers(2, 5))),
        _ladder(rng, "hidden ladder", int(rng.integers(10, 15))),
        _deep(rng, "hidden chain", CHAIN + int(rng.integers(-500, 500))),
    ]


# -- probe (sandboxed) -----------------------------------------------------------------------


def probe(test: Test, obj: Any, case: Case) -> Case:
    import minigrad

    obs = Case(case.label, case.category, meta={"error": None})
    if not callable(obj) or isinstance(obj, type):
        obs.meta["error"] = f"{test.symbol} is not a function"
        return obs
    if common.is_reference(obj, test):
        obs.meta["error"] = common.REFERENCE_ERROR.format(symbol=test.symbol)
        return obs
    flat = expand(case.meta["graph"], case.arrays)
    ts = build(flat)
    calls: list[int] = []
    counts = [0] * len(flat)

    def wrap(node: Any, k: int) -> None:
        original = node.apply

        def apply(grads: Any) -> Any:
            calls.append(k)
            counts[k] += 1
            if counts[k] > MAX_CALLS:
                raise TooManyCalls(k)
            return original(grads)

        node.apply = apply

    for k, t in enumerate(ts):
        if t.grad_fn is not None:
            wrap(t.grad_fn, k)
    for k in range(len(flat)):
        if f"existing{k}" in case.arrays:
            ts[k].grad = minigrad.tensor(case.arrays[f"existing{k}"].copy())
    with common.capture_error(obs, "backward engine"):
        try:
            obj(ts[-1])
        except TooManyCalls as e:
            obs.meta["too_many"] = int(e.args[0])
    obs.meta["calls"] = calls
    obs.meta["other_grads"] = []
    for k, (op, _, param) in enumerate(flat):
        g = ts[k]._grad
        if op == "leaf" and param[2]:
            if g is not None:
                try:
                    obs.arrays[f"grad{k}"] = common.as_array(g, f"{param[1]}.grad")
                except TypeError as e:
                    obs.meta["error"] = obs.meta["error"] or str(e)
        elif g is not None:
            obs.meta["other_grads"].append(k)
    return obs


# -- judge (trusted) -------------------------------------------------------------------------


def expected(flat: list, arrays: dict[str, np.ndarray]) -> dict[int, np.ndarray]:
    """Each grad-requiring leaf's .grad after backward(), by minigrad's engine."""
    import minigrad

    ts = build(flat)
    leaves = [k for k, (op, _, p) in enumerate(flat) if op == "leaf" and p[2]]
    grads = minigrad.autograd.grad(ts[-1], [ts[k] for k in leaves], allow_unused=True)
    out = {}
    for k, g in zip(leaves, grads):
        want = np.zeros(()) if g is None else g.numpy().astype(np.float64)
        if f"existing{k}" in arrays:
            want = want + arrays[f"existing{k}"]
        out[k] = want
    return out


def order_violation(flat: list, calls: list[int]) -> bool:
    """Whether some node ran before one of its consumers (or without it ever running)."""
    needs = _requires_grad(flat)
    consumers: dict[int, set[int]] = {}
    for j, (op, ins, _) in enumerate(flat):
        if op != "leaf" and needs[j]:
            for i in ins:
                if flat[i][0] != "leaf":
                    consumers.setdefault(i, set()).add(j)
    ran: set[int] = set()
    for k in calls:
        if not consumers.get(k, set()) <= ran:
            return True
        ran.add(k)
    return False


def judge(test: Test, cases_: list[Case], observations: list[Case]) -> list[Property]:
    found = common.Findings(NAMES)

    for case, obs in zip(cases_, observations):
        prop = PROPERTY[case.category]
        flat = expand(case.meta["graph"], case.arrays)
        err = obs.meta.get("error")
        if err and "RecursionError" in err:
            err = RECURSION.format(n=f"{len(flat):,}")
        elif err and "runs minigrad's autograd" in err:
            err = LIBRARY
        if obs.meta.get("too_many") is not None:
            found.fail("once", f"{ONCE} (stopped after one node ran {MAX_CALLS + 1} times)")
            continue
        if err:
            for p in NAMES if prop == "values" else [prop]:
                found.fail(p, err)
            continue
        calls = [int(k) for k in obs.meta.get("calls", [])]
        explained = False
        if len(set(calls)) < len(calls):
            found.fail("once", ONCE)
            explained = True
        elif order_violation(flat, calls):
            found.fail("order", ORDER)
            explained = True
        if obs.meta.get("other_grads"):
            nonleaf = any(flat[k][0] != "leaf" for k in obs.meta["other_grads"])
            found.fail("leaves", NONLEAF if nonleaf else CONSTANT)
        for k, want in expected(flat, case.arrays).items():
            name = flat[k][2][1]
            got = obs.arrays.get(f"grad{k}")
            if got is not None and common.close(got, want):
                continue
            if explained:
                break
            if got is None:
                sentence = f"after your engine ran, {name}.grad is None: {name} needs a gradient"
            elif f"existing{k}" in case.arrays:
                sentence = EXISTING
            elif case.category == "accumulate":
                sentence = ACCUMULATE
            else:
                sentence = common.value_problem(name, got, want, np.full_like(want, np.nan), {}, [])
            found.fail(prop, sentence)
            break
    found.carry("values", NAMES[1:])  # the other properties build on a working engine
    return found.properties()
