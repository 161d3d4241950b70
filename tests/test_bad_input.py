"""Misuse gets PyTorch's error type and message, raised by minigrad itself (never an error
from deep inside numpy), and leaves the tensors involved unchanged."""

from __future__ import annotations

import traceback
from collections.abc import Callable

import numpy as np
import pytest

import minigrad as torch

x = torch.ones(2, 3, requires_grad=True)

# (call, exception type, exact str(e) as PyTorch 2.13 prints it)
CASES: dict[str, tuple[Callable[[], object], type, str]] = {
    "reshape_str": (lambda: x.reshape("a"), TypeError,
                    "reshape(): argument 'shape' (position 1) must be tuple of ints, not str"),
    "permute_str": (lambda: x.permute("a"), TypeError,
                    "permute(): argument 'dims' (position 1) must be tuple of ints, not str"),
    "matmul_int": (lambda: x @ 3, TypeError,
                   "unsupported operand type(s) for @: 'Tensor' and 'int'"),
    "masked_fill_shape": (lambda: x.masked_fill(torch.ones(3, 3) > 0, 0), RuntimeError,
                          "The size of tensor a (3) must match the size of tensor b (2) at "
                          "non-singleton dimension 0"),
    "chunk_zero": (lambda: x.chunk(0), RuntimeError,
                   "chunk expects `chunks` to be greater than 0, got: 0"),
    "full_str": (lambda: torch.full((2,), "a"), TypeError,
                 "full(): argument 'fill_value' (position 2) must be Number, not str"),
    "eye_negative": (lambda: torch.eye(-1), RuntimeError,
                     "n must be greater or equal to 0, got -1"),
    "view_infer_twice": (lambda: x.view(-1, -1), RuntimeError,
                         "only one dimension can be inferred"),
    "transpose_dim": (lambda: x.transpose(0, 5), IndexError,
                      "Dimension out of range (expected to be in range of [-2, 1], but got 5)"),
    "index_out_of_range": (lambda: x[torch.tensor([5])], IndexError,
                           "index 5 is out of bounds for dimension 0 with size 2"),
    "ragged_list": (lambda: torch.tensor([[1, 2], [3]]), ValueError,
                    "expected sequence of length 2 at dim 1 (got 1)"),
    "broadcast": (lambda: x + torch.ones(4), RuntimeError,
                  "The size of tensor a (3) must match the size of tensor b (4) at non-singleton "
                  "dimension 1"),
    "mm_shapes": (lambda: x.mm(torch.ones(2, 2)), RuntimeError,
                  "mat1 and mat2 shapes cannot be multiplied (2x3 and 2x2)"),
    "item_many": (lambda: x.item(), RuntimeError,
                  "a Tensor with 6 elements cannot be converted to Scalar"),
    "numpy_requires_grad": (lambda: x.numpy(), RuntimeError,
                            "Can't call numpy() on Tensor that requires grad. Use "
                            "tensor.detach().numpy() instead."),
    "cuda": (lambda: x.to("cuda"), AssertionError, "Torch not compiled with CUDA enabled"),
    "negative_size": (lambda: torch.randn(-2), RuntimeError,
                      "Trying to create tensor with negative dimension -2: [-2]"),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(CASES))
def test_misuse_raises_pytorchs_error_from_minigrad(name: str) -> None:
    call, exc_type, message = CASES[name]
    before = x.detach().clone()
    with pytest.raises(exc_type) as info:
        call()
    assert str(info.value) == message
    frames = traceback.extract_tb(info.value.__traceback__)
    assert not any("/numpy/" in f.filename for f in frames), "error came from inside numpy"
    assert torch.equal(x.detach(), before) and x._version == 0


def test_hints_are_notes_not_part_of_the_message() -> None:
    with pytest.raises(RuntimeError) as info:
        x.add_(1)
    assert str(info.value) == (
        "a leaf Variable that requires grad is being used in an in-place operation."
    )
    assert any("no_grad" in note for note in info.value.__notes__)
    assert np.array_equal(x.detach().numpy(), np.ones((2, 3), np.float32))
