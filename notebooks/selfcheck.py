# ruff: noqa: E501 (the table of questions below keeps one question per line)
"""Self-check questions for the chapter notebooks: instant feedback, answers kept out of sight.

In a notebook::

    from selfcheck import answer, check_function
    answer("3.2", my_guess)                    # prints "Right! ..." or "Not quite: <hint>"
    check_function(Cube, lambda x: x ** 3)      # tests a custom autograd Function

Answers are stored as salted SHA-256 hashes of a normalised value, so reading this file does not
give them away. Normalisation is lenient: a tensor, a list, a tuple, a ``Size`` and a plain number
with the same values all match (``tensor([12.])``, ``[12.0]`` and ``12`` are the same answer);
numbers are compared to 5 significant digits; ``torch.float32``, ``"float32"`` and ``torch.float``
are the same dtype; ``<AddBackward0 ...>``, its type and ``"AddBackward0"`` are the same node name.

Works with minigrad and with real PyTorch (nothing here imports either at module level).

Maintainers: ``python notebooks/selfcheck.py QID 'VALUE'`` prints the hash for a Python literal
(``python notebooks/selfcheck.py 3.2 '[-12.0]'``); ``build.py`` re-checks every stored hash
against the value the notebook computes (its ``[verify]`` cells).
"""

from __future__ import annotations

import hashlib
import importlib
import json
import math
import os

__all__ = ["answer", "check_function"]

_SALT = "minigrad-course/selfcheck/v1"
_ALIASES = {"float": "float32", "double": "float64", "long": "int64", "int": "int32",
            "half": "float16", "cfloat": "complex64"}  # fmt: skip

# qid -> (accepted hashes, hint when wrong, remark when right)
QUESTIONS: dict[str, tuple[tuple[str, ...], str, str]] = {
    # chapter 1: tensors
    "1.1": (("9eddd926c02cca1b",), "the rank is the number of sizes you passed; the number of elements is their product.", ""),
    "1.2": (("f11be0f246d3c54e",), "[batch, channels, height, width]; grayscale means one channel.", ""),
    "1.3": (("fdf257ef771b1fe3",), "an integer tensor times a Python float is promoted to the default float dtype.", "Promotion picks the default float type, not float64."),
    "1.4": (("91a44cb6c5cfad9f",), "from_numpy shares the array's memory, torch.tensor copies it.", ""),
    "1.5": (("6d04387817a0e797",), "line the shapes up from the right: (4, 1, 3) and (_, 2, 1); each pair is equal or contains a 1.", ""),
    "1.6": (("42ddae7c40081a19",), "stack adds a new axis of length 2 at position dim=1.", ""),
    "1.7": (("f0cb7147a69bc621",), "cat keeps the rank and adds the lengths of axis 1.", ""),
    "1.8": (("c9604be23c2f976b",), "block 1 starts at 12; ':' keeps all 3 rows, 0 picks the first column of each.", ""),
    "1.9": (("f79332d85df53ec7",), "axes 0 and 1 stay, axes 2 and 3 are merged into one.", ""),
    # chapter 2: computational graphs
    "2.1": (("484f26d203318160",), "a has two consumers, b and c: add (dL/db) * w1 and (dL/dc) * w2, with dL/db = -5 and dL/dc = -40.", "-15 + 40: what arrives from both consumers adds up."),
    "2.2": (("557378425a04ab6b",), "dz/dx = 2x at x = 4; dz/dy = 2 cos(2y), and cos(2 pi) = 1.", ""),
    "2.3": (("2bb36dd7f11912f6",), "each diamond doubles the number of paths: 2 to the power of the depth.", "2^10, while backward() visits only 31 nodes."),
    # chapter 3: autograd and backward
    "3.1": (("abff7c52d1603696",), "leaves are tensors you made yourself, and every tensor that does not require grad.", ""),
    "3.2": (("f001f78c81af7fff",), "plug x = 2, y = -4 into 2(x + y) + 2y and 2(x + y) + 2x.", ""),
    "3.3": (("79dc8899585cfb85",), "without the 1/4 of the mean, the derivative is 3 * 2 * (x + 2) at x = 1.", ""),
    "3.4": (("34d7fedb0fbcef2a",), "d(x**3)/dx = 3x**2 = 12 at x = 2, and backward adds into .grad each time.", "12 + 12: gradients accumulate."),
    "3.5": (("c895b0ca95a04b36",), "y = x**2 has Jacobian diag(2x); v^T J multiplies v element-wise by 2x.", ""),
    # chapter 4: stopping the graph
    "4.1": (("eca2edb64f59bfd8",), "only the first factor x is tracked; the detached factor is the constant 3.", ""),
    "4.2": (("5d1a7fc18270ac82",), "x - lr * f'(x) with x = 5, lr = 0.25 and f'(5) = 2 * (5 - 2).", ""),
    "4.3": (("c6a300ca3867b1b8",), "y is x itself: z = x + x * x, so the gradient is 1 + 2x, and y.grad is x.grad.", ""),
    "4.4": (("e59711c365ed0947",), "y is a constant copy: only the direct path z = x + ... reaches x.", ""),
    "4.5": (("994af7dd2c6f33b6",), "clone() is an operation with derivative 1: both paths reach x, 1 + 2y.", ""),
    # chapter 5: in-place operations and leaves
    "5.1": (("18097556de9b9be9",), "in-place methods (trailing underscore) and augmented assignment keep the object; x = ... rebinds the name.", ""),
    "5.2": (("d17e553127328088",), "b is the original leaf; a = a * a only moved the name a. d(a*a)/da = 2a at a = 3.", ""),
    "5.3": (("2265af6dac5b44d7",), "s.sum() = 1 + x + x^2, whose derivative is 1 + 2x.", ""),
    # chapter 6: learning
    "6.1": (("a0a47cc2abd94d85",), "the single equivalent layer maps 2 inputs to 1 output: Linear(2, 1), its weight and its bias.", "Five layers of weights, and the network is just Linear(2, 1)."),
    "6.2": (("bb3ba38351c75048",), "Linear(2, 3) has 2 * 3 weights and 3 biases, Linear(3, 1) has 3 weights and 1 bias; ReLU has none.", ""),
    "6.3": (("82604503d2e083da",), "the step is x - lr * 2x = (1 - 2 lr) x: which lr makes that 0?", ""),
    "6.4": (("a3fcde83f92a4e7b",), "the chain to w1 contains the factor dout/dh = w2.", "No gradient reaches the first layer through a zero weight."),
    "6.5": (("af2b84ead23edd76",), "identical neurons get identical gradients and take identical steps.", "Sixteen copies of one neuron."),
    # chapter 7: inside minigrad
    "7.1": (("7c2ea0839376d8a9",), "the output's node runs first; then both u's and v's nodes are ready, and the newest (created last) runs first.", ""),
}  # fmt: skip


# The words around the hints, per language. An edition in another language (``ru/selfcheck.py``)
# sets ``LANG`` and adds its own hints to ``HINTS``; the questions and answers stay the same.
LANG = "en"
HINTS: dict[str, dict[str, tuple[str, str]]] = {}  # language -> qid -> (hint, remark)
PHRASES: dict[str, dict[str, str]] = {
    "en": {
        "no_question": "There is no question {qid!r}: check the spelling of the question number.",
        "unanswered": "Question {qid}: replace ... with your answer, then run this cell again.",
        "right": "Right!",
        "not_quite": "Not quite: {why}",
        "no_forward": "Not yet: forward() is not written (it raises NotImplementedError).",
        "forward_raised": "Not quite: forward() raised {error}",
        "forward_shape": "Not quite: forward() should return a tensor of shape {want}, got {got}.",
        "forward_values": "Not quite: forward() computes the wrong values.",
        "forward_ok": "forward: right values.",
        "no_backward": "Not yet: backward() is not written (it raises NotImplementedError).",
        "backward_raised": "Not quite: backward() raised {error}",
        "backward_values": "Not quite: backward() disagrees with finite differences. It must "
        "return grad_output times the derivative of forward at the saved input.",
        "backward_ok": "backward: matches finite differences. Right!",
    },
}


def _say(key: str, **fields: object) -> None:
    print((PHRASES.get(LANG, {}).get(key) or PHRASES["en"][key]).format(**fields))


# ----- normalisation ------------------------------------------------------------------------
def _number(v: float) -> str:
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    s = format(float(v), ".5g")
    return "0" if s == "-0" else s


def _flatten(v: object) -> list:
    if isinstance(v, (list, tuple)):
        out = []
        for item in v:
            out.extend(_flatten(item))
        return out
    return [v]


def _canon(v: object) -> object:
    """A JSON-able, lenient canonical form of an answer."""
    if v is None:
        return "none"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return _number(v)
    if isinstance(v, str):
        return _canon_text(v)
    if isinstance(v, type):
        return _canon_text(v.__name__)
    if callable(getattr(v, "name", None)) and hasattr(v, "next_functions"):  # a grad_fn node
        return _canon_text(v.name())
    if hasattr(v, "tolist") and hasattr(v, "shape"):  # a tensor or an ndarray
        return _canon(v.tolist())
    if hasattr(v, "is_floating_point") and not isinstance(v, (list, tuple)):  # a dtype
        return _canon_text(str(v))
    if isinstance(v, (list, tuple)):
        flat = [_canon(x) for x in _flatten(v)]
        return flat[0] if len(flat) == 1 else flat
    return _canon_text(str(v))


def _canon_text(s: str) -> object:
    s = s.strip().strip("'\"").replace(" ", "").lower()
    s = s.strip("<>").replace("torch.", "").replace("minigrad.", "")
    s = _ALIASES.get(s, s)
    try:
        return _number(float(s))
    except ValueError:
        return s


def _hash(qid: str, value: object) -> str:
    payload = json.dumps(_canon(value), separators=(",", ":"))
    return hashlib.sha256(f"{_SALT}|{qid}|{payload}".encode()).hexdigest()[:16]


# ----- the learner's side ---------------------------------------------------------------------
def answer(qid: str, value: object) -> None:
    """Print whether ``value`` answers question ``qid``; ``...`` means "not answered yet"."""
    if qid not in QUESTIONS:
        _say("no_question", qid=qid)
        return
    hashes, hint, remark = QUESTIONS[qid]
    hint, remark = HINTS.get(LANG, {}).get(qid, (hint, remark))
    if value is Ellipsis:
        _say("unanswered", qid=qid)
    elif _hash(qid, value) in hashes:
        print(PHRASES.get(LANG, PHRASES["en"])["right"] + (f" {remark}" if remark else ""))
    else:
        _say("not_quite", why=hint)


def check_function(fn: type, reference, shape: tuple[int, ...] = (3, 2), seed: int = 0) -> bool:
    """Check a custom autograd ``Function`` class: its forward against ``reference`` (a plain
    function of one tensor), its backward against finite differences (``gradcheck``). Prints
    what is right and what is wrong; returns True when both are right."""
    lib = importlib.import_module(_library_of(fn))
    gen = __import__("numpy").random.default_rng(seed)
    data = gen.uniform(0.5, 1.5, size=shape) * gen.choice([-1.0, 1.0], size=shape)
    x = lib.tensor(data, dtype=lib.float64, requires_grad=True)
    try:
        out = fn.apply(x)
    except NotImplementedError:
        _say("no_forward")
        return False
    except Exception as e:  # report, don't crash the notebook
        _say("forward_raised", error=f"{type(e).__name__}: {e}")
        return False
    want = reference(x.detach())
    if not isinstance(out, type(x)) or tuple(out.shape) != tuple(want.shape):
        got = tuple(out.shape) if hasattr(out, "shape") else type(out).__name__
        _say("forward_shape", want=tuple(want.shape), got=got)
        return False
    if not lib.allclose(out.detach(), want, rtol=1e-6, atol=1e-9):
        _say("forward_values")
        return False
    _say("forward_ok")
    try:
        ok = lib.autograd.gradcheck(fn.apply, (x,), raise_exception=False)
    except NotImplementedError:
        _say("no_backward")
        return False
    except Exception as e:
        _say("backward_raised", error=f"{type(e).__name__}: {e}")
        return False
    if not ok:
        _say("backward_values")
        return False
    _say("backward_ok")
    return True


def _library_of(fn: type) -> str:
    for base in type.mro(fn):
        root = base.__module__.split(".")[0]
        if root in ("minigrad", "torch"):
            return root
    raise TypeError("check_function expects a subclass of torch.autograd.Function")


# ----- the maintainer's side ------------------------------------------------------------------
def expect(qid: str, value: object) -> None:
    """Used by ``build.py`` (``[verify]`` cells): fail loudly if the stored hash of ``qid`` does
    not accept ``value``, the answer the notebook itself computes."""
    got = _hash(qid, value)
    record = os.environ.get("SELFCHECK_RECORD")
    if record:  # build.py --record FILE: collect the hashes of new or changed questions
        with open(record, "a", encoding="utf-8") as f:
            f.write(f"{qid} {got} {_canon(value)!r}\n")
        return
    if qid not in QUESTIONS or got not in QUESTIONS[qid][0]:
        raise AssertionError(f"selfcheck {qid}: the stored answer does not accept {value!r} "
                             f"(its hash is {got})")  # fmt: skip


if __name__ == "__main__":
    import ast
    import sys

    if len(sys.argv) != 3:
        sys.exit("usage: python notebooks/selfcheck.py QID 'PYTHON_LITERAL'")
    print(_hash(sys.argv[1], ast.literal_eval(sys.argv[2])))
