"""Gradients of every differentiable op, checked by the MyGrad-style factory in
`gradcheck_factory.py`: finite differences with random upstream gradients, shape/dtype/no-mutation
and graph-freed invariants, PyTorch parity (when torch is installed), gradcheck and gradgradcheck.

Each class is one op (or one dispatch path of an op); the factory adds its tests. Lambdas are
written once for minigrad and torch: tensors are arguments, library functions come from `T`.
"""

from __future__ import annotations

import numpy as np
import pytest
from gradcheck_factory import T, grad_test
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from strategies import (
    DENOMINATOR,
    DISTINCT,
    NONZERO,
    POSITIVE,
    REAL,
    SMALL,
    Domain,
    bool_masks,
    broadcastable_shapes,
    dim_tuples,
    dims,
    distinct_sizes,
    index_lists,
    shapes,
    single,
)

import minigrad

CONTIGUOUS = ("contiguous",)


# ----- shape helpers ---------------------------------------------------------------------------
def nd_shapes(min_dims: int = 1, max_dims: int = 3, min_side: int = 1, max_side: int = 4):
    return single(shapes(min_dims, max_dims, min_side, max_side))


def kw(**strategies):
    """kwargs=kw(dim=lambda s: dims(s[0]), keepdim=st.booleans()): values may depend on shapes."""
    return lambda s: st.fixed_dictionaries(
        {k: (v(s) if callable(v) else v) for k, v in strategies.items()}
    )


@st.composite
def broadcasting_into(draw, min_dims: int = 0, max_dims: int = 3):
    """(shape, other) where `other` broadcasts to `shape` without growing it (in-place ops,
    masked_fill masks)."""
    shape = draw(shapes(min_dims, max_dims))
    k = draw(st.integers(0, len(shape)))
    other = tuple(draw(st.sampled_from([n, 1])) for n in shape[k:])
    return shape, other


@st.composite
def same_shapes(draw, n: int, min_dims: int = 1, max_dims: int = 3):
    s = draw(shapes(min_dims, max_dims))
    return (s,) * n


@st.composite
def cat_shapes(draw, n: int = 3):
    """n shapes equal except along one dim."""
    base = draw(shapes(1, 3))
    d = draw(st.integers(0, len(base) - 1))
    sizes = draw(st.lists(st.integers(1, 3), min_size=n, max_size=n))
    return tuple(base[:d] + (k,) + base[d + 1 :] for k in sizes)


def cat_dim(s):
    nd = len(s[0])
    differ = [d for d in range(nd) if len({sh[d] for sh in s}) > 1]
    if differ:
        return st.sampled_from([differ[0], differ[0] - nd])
    return st.integers(-nd, nd - 1)


def unique_pair_dims(shape):
    nd = len(shape)
    return st.lists(st.integers(-nd, nd - 1), min_size=2, max_size=2).map(tuple)


def reduced_dims(s):
    """An int dim (positive or negative) or a tuple of distinct dims."""
    return st.one_of(dims(s[0]), dim_tuples(s[0]))


def permutations_of(shape):
    nd = len(shape)
    return st.permutations(range(nd)).flatmap(
        lambda p: st.tuples(*[st.sampled_from([d, d - nd]) for d in p]) if p else st.just(())
    )


# ----- arithmetic ------------------------------------------------------------------------------
@grad_test(lambda x, y: x + y, 2)
class TestAdd:
    pass


@grad_test(lambda x, y: T.add(x, y, alpha=0.5), 2)
class TestAddAlpha:
    pass


@grad_test(lambda x: 1.5 + x, 1)
class TestRadd:
    pass


@grad_test(lambda x, y: x - y, 2)
class TestSub:
    pass


@grad_test(lambda x, y: T.sub(x, y, alpha=-1.5), 2)
class TestSubAlpha:
    pass


@grad_test(lambda x: 2.5 - x, 1)
class TestRsub:
    pass


@grad_test(lambda x, y: x * y, 2)
class TestMul:
    pass


@grad_test(lambda x, y, z: x * y * z, 3, domain=SMALL, shapes=broadcastable_shapes(3))  # fmt: skip
class TestMulThree:
    pass


@grad_test(lambda x: -0.7 * x * 2.5, 1)
class TestMulScalar:
    pass


@grad_test(lambda x, y: x / y, 2, domain=(REAL, DENOMINATOR))
class TestDiv:
    pass


@grad_test(lambda x: x / 3.0, 1)
class TestDivScalar:
    pass


@grad_test(lambda x: 2 / x, 1, domain=DENOMINATOR)
class TestRdiv:
    pass


@grad_test(lambda x: -x, 1)
class TestNeg:
    pass


@grad_test(lambda x, p: x**p, 1, domain=POSITIVE,
           kwargs=kw(p=st.sampled_from([0.5, 2, -1, 3, 1.5, -0.5])))  # fmt: skip
class TestPowScalarPositiveBase:
    pass


@grad_test(lambda x, p: x**p, 1, domain=DENOMINATOR,
           kwargs=kw(p=st.sampled_from([2, -1, 3, -2])))  # fmt: skip
class TestPowScalarAnyBase:
    """Integer exponents of negative bases."""


@grad_test(lambda x: x**0, 1)
class TestPowZero:
    pass


@grad_test(lambda x, y: x**y, 2, domain=(POSITIVE, SMALL))
class TestPowTensor:
    pass


@grad_test(lambda x, b: b**x, 1, domain=SMALL,
           kwargs=kw(b=st.sampled_from([2.5, 0.5, 10.0])))  # fmt: skip
class TestRPow:
    pass


@grad_test(lambda x: x.reciprocal(), 1, domain=DENOMINATOR)
class TestReciprocal:
    pass


@grad_test(lambda x: x.square() + T.square(x), 1)
class TestSquare:
    pass


# ----- element-wise functions ------------------------------------------------------------------
@grad_test(lambda x: x.abs(), 1, domain=NONZERO)
class TestAbs:
    pass


@grad_test(lambda x: T.sqrt(x), 1, domain=POSITIVE)
class TestSqrt:
    pass


@grad_test(lambda x: x.rsqrt(), 1, domain=POSITIVE)
class TestRsqrt:
    pass


@grad_test(lambda x: x.exp(), 1)
class TestExp:
    pass


@grad_test(lambda x: T.log(x), 1, domain=POSITIVE)
class TestLog:
    pass


@grad_test(lambda x: x.log1p(), 1, domain=Domain(-0.8, 3.0))
class TestLog1p:
    pass


@grad_test(lambda x: x.sin(), 1)
class TestSin:
    pass


@grad_test(lambda x: T.cos(x), 1)
class TestCos:
    pass


@grad_test(lambda x: x.tanh(), 1)
class TestTanh:
    pass


@grad_test(lambda x: T.sigmoid(x), 1, domain=Domain(-6.0, 6.0))
class TestSigmoid:
    pass


@grad_test(lambda x: x.relu(), 1, domain=NONZERO)
class TestRelu:
    pass


@grad_test(lambda x, slope: T.nn.functional.leaky_relu(x, slope), 1, domain=NONZERO,
           kwargs=kw(slope=st.sampled_from([0.01, 0.2, -0.5])))  # fmt: skip
class TestLeakyRelu:
    pass


@grad_test(lambda x: x.clamp(min=-0.4), 1, domain=REAL.excluding(-0.4))
class TestClampMin:
    pass


@grad_test(lambda x: x.clamp(max=0.6), 1, domain=REAL.excluding(0.6))
class TestClampMax:
    pass


@grad_test(lambda x: T.clamp(x, -0.4, 0.6), 1, domain=REAL.excluding(-0.4, 0.6))
class TestClampBoth:
    pass


@grad_test(lambda x, lo: x.clamp(min=lo), 2, domain=DISTINCT, joint_distinct=True)
class TestClampTensorMin:
    pass


@grad_test(lambda x: x.sign() * 3.0, 1, domain=NONZERO)
class TestSign:
    """The gradient exists and is zero everywhere away from 0."""


# ----- selection -------------------------------------------------------------------------------
@grad_test(lambda x, y, mask: T.where(mask, x, y), 2, shapes=broadcastable_shapes(3),
           kwargs=kw(mask=lambda s: bool_masks(s[2])))  # fmt: skip
class TestWhere:
    pass


@grad_test(lambda x, y: T.maximum(x, y), 2, domain=DISTINCT, joint_distinct=True)
class TestMaximum:
    pass


@grad_test(lambda x, y: T.minimum(x, y), 2, domain=DISTINCT, joint_distinct=True)
class TestMinimum:
    pass


@grad_test(lambda x, y: T.max(x, y), 2, domain=DISTINCT, joint_distinct=True)
class TestMaxBinary:
    pass


@grad_test(lambda x, mask: x.masked_fill(mask, 0.7), 1, shapes=broadcasting_into(),
           kwargs=kw(mask=lambda s: bool_masks(s[1])))  # fmt: skip
class TestMaskedFill:
    pass


# ----- reductions ------------------------------------------------------------------------------
@grad_test(lambda x: x.sum(), 1)
class TestSumAll:
    pass


@grad_test(lambda x, dim, keepdim: x.sum(dim, keepdim=keepdim), 1, shapes=nd_shapes(),
           kwargs=kw(dim=reduced_dims, keepdim=st.booleans()))  # fmt: skip
class TestSumDim:
    pass


@grad_test(lambda x: T.mean(x), 1)
class TestMeanAll:
    pass


@grad_test(lambda x, dim, keepdim: x.mean(dim, keepdim), 1, shapes=nd_shapes(),
           kwargs=kw(dim=reduced_dims, keepdim=st.booleans()))  # fmt: skip
class TestMeanDim:
    pass


@grad_test(lambda x: x.max(), 1, domain=DISTINCT)
class TestMaxAll:
    pass


@grad_test(lambda x: T.min(x), 1, domain=DISTINCT)
class TestMinAll:
    pass


@grad_test(lambda x, dim, keepdim: x.max(dim, keepdim), 1, domain=DISTINCT, shapes=nd_shapes(),
           kwargs=kw(dim=lambda s: dims(s[0]), keepdim=st.booleans()), gradgrad=False)  # fmt: skip
class TestMaxDim:
    """(values, indices): only values carry a gradient; torch parity compares the indices.
    (gradgradcheck would treat the int64 indices as an output to differentiate: see
    TestMinDimValues for the second derivative.)"""


@grad_test(lambda x, dim: T.min(x, dim=dim).values, 1, domain=DISTINCT, shapes=nd_shapes(),
           kwargs=kw(dim=lambda s: dims(s[0])))  # fmt: skip
class TestMinDimValues:
    pass


@grad_test(lambda x, dim: x.softmax(dim), 1, shapes=nd_shapes(),
           kwargs=kw(dim=lambda s: dims(s[0])))  # fmt: skip
class TestSoftmax:
    pass


@grad_test(lambda x, dim: T.log_softmax(x, dim=dim), 1, shapes=nd_shapes(),
           kwargs=kw(dim=lambda s: dims(s[0])))  # fmt: skip
class TestLogSoftmax:
    pass


@grad_test(lambda x, dim, keepdim: T.logsumexp(x, dim, keepdim=keepdim), 1, shapes=nd_shapes(),
           kwargs=kw(dim=reduced_dims, keepdim=st.booleans()))  # fmt: skip
class TestLogsumexp:
    pass


@grad_test(lambda x: x.var(), 1, shapes=nd_shapes(min_side=2))
class TestVarAll:
    pass


@grad_test(lambda x, dim, keepdim, c: x.var(dim=dim, keepdim=keepdim, correction=c), 1,
           shapes=nd_shapes(min_side=2),
           kwargs=kw(dim=reduced_dims, keepdim=st.booleans(), c=st.sampled_from([0, 1])),
           )  # fmt: skip
class TestVarDim:
    pass


@grad_test(lambda x, dim, keepdim: x.std(dim, keepdim=keepdim), 1, shapes=nd_shapes(min_side=2),
           domain=DISTINCT, kwargs=kw(dim=reduced_dims, keepdim=st.booleans()))  # fmt: skip
class TestStdDim:
    """Distinct values: a zero std is a kink (see test_std_of_constant_values)."""


@grad_test(lambda x: T.std(x, unbiased=False), 1, shapes=nd_shapes(min_side=2), domain=DISTINCT)
class TestStdAll:
    pass


# ----- linear algebra: matmul in every dispatch, non-square shapes -----------------------------
@st.composite
def matmul_shapes(draw, kind: str):
    n, k, m = draw(distinct_sizes(3, 1, 4))
    a, b = draw(distinct_sizes(2, 2, 3))
    return {
        "1d@1d": ((k,), (k,)),
        "2d@1d": ((n, k), (k,)),
        "1d@2d": ((k,), (k, m)),
        "2d@2d": ((n, k), (k, m)),
        "3d@3d": ((b, n, k), (b, k, m)),
        "3d@2d": ((b, n, k), (k, m)),
        "2d@3d": ((n, k), (b, k, m)),
        "4d@3d": ((a, 1, n, k), (b, k, m)),
        "3d@1d": ((a, n, k), (k,)),
        "1d@3d": ((k,), (b, k, m)),
        "4d@1d": ((a, 1, n, k), (k,)),
    }[kind]


def _matmul(kind: str):
    return grad_test(lambda x, y: x @ y, 2, shapes=matmul_shapes(kind), domain=SMALL)


@_matmul("1d@1d")
class TestMatmulDot:
    pass


@_matmul("2d@1d")
class TestMatmulMv:
    pass


@_matmul("1d@2d")
class TestMatmulVecMat:
    pass


@_matmul("2d@2d")
class TestMatmulMm:
    pass


@_matmul("3d@3d")
class TestMatmulBatched:
    pass


@_matmul("3d@2d")
class TestMatmulBatchedBroadcastRight:
    pass


@_matmul("2d@3d")
class TestMatmulBatchedBroadcastLeft:
    pass


@_matmul("4d@3d")
class TestMatmulBatchBroadcast4d:
    pass


@_matmul("3d@1d")
class TestMatmulNdVec:
    pass


@_matmul("1d@3d")
class TestMatmulVecNd:
    pass


@_matmul("4d@1d")
class TestMatmul4dVec:
    pass


@grad_test(lambda x, y: T.matmul(x, y), 2, shapes=matmul_shapes("2d@2d"))
class TestMm:
    """torch.matmul spelled out; mm itself below."""


@grad_test(lambda x, y: x.mm(y), 2, shapes=matmul_shapes("2d@2d"))
class TestMmMethod:
    pass


@grad_test(lambda x, y: T.mv(x, y), 2, shapes=matmul_shapes("2d@1d"))
class TestMv:
    pass


@grad_test(lambda x, y: T.dot(x, y), 2, shapes=matmul_shapes("1d@1d"))
class TestDot:
    pass


@grad_test(lambda x, y: T.bmm(x, y), 2, shapes=matmul_shapes("3d@3d"))
class TestBmm:
    pass


@grad_test(lambda x, y: T.outer(x, y), 2,
           shapes=distinct_sizes(2).map(lambda s: ((s[0],), (s[1],))))  # fmt: skip
class TestOuter:
    pass


# ----- shapes ----------------------------------------------------------------------------------
@grad_test(lambda x: x.t(), 1, shapes=nd_shapes(1, 2))
class TestT:
    pass


@grad_test(lambda x, d: x.transpose(*d), 1, shapes=nd_shapes(1),
           kwargs=kw(d=lambda s: unique_pair_dims(s[0])))  # fmt: skip
class TestTranspose:
    pass


@grad_test(lambda x: x.T * 1.5, 1, shapes=nd_shapes(2, 2))
class TestTProperty:
    """(PyTorch deprecates .T on other than 2-D tensors.)"""


@grad_test(lambda x: x.mT, 1, shapes=nd_shapes(2, 4, max_side=3))
class TestMT:
    pass


@grad_test(lambda x, p: x.permute(p), 1, shapes=nd_shapes(0),
           kwargs=kw(p=lambda s: permutations_of(s[0])))  # fmt: skip
class TestPermute:
    pass


@st.composite
def regroupings(draw, shape):
    """Another shape with the same number of elements, maybe with a -1."""
    n = int(np.prod(shape))
    a = draw(st.sampled_from([d for d in range(1, n + 1) if n % d == 0]))
    b = draw(st.sampled_from([d for d in range(1, n // a + 1) if (n // a) % d == 0]))
    new = draw(st.sampled_from([[n], [a, n // a], [a, b, n // (a * b)], [n // a, 1, a]]))
    if draw(st.booleans()):
        new[draw(st.integers(0, len(new) - 1))] = -1
    return tuple(new)


@grad_test(lambda x, shape: x.view(shape), 1, layouts=CONTIGUOUS,
           kwargs=kw(shape=lambda s: regroupings(s[0])))  # fmt: skip
class TestView:
    """view() never copies, so only contiguous inputs (a transposed one must raise)."""


@grad_test(lambda x: x.view(-1), 1, layouts=("contiguous", "view_strided"),
           shapes=nd_shapes(1, 1))  # fmt: skip
class TestViewFlat:
    pass


@grad_test(lambda x, shape: x.reshape(shape), 1, kwargs=kw(shape=lambda s: regroupings(s[0])))
class TestReshape:
    """Non-contiguous layouts take the copying path (UnsafeViewBackward0)."""


@st.composite
def flatten_dims(draw, shape):
    """(start_dim,) or (start_dim, end_dim), each maybe negative, start <= end."""
    nd = max(len(shape), 1)
    start = draw(st.integers(0, nd - 1))
    end = draw(st.integers(start, nd - 1))
    if end == nd - 1 and draw(st.booleans()):
        return (start - nd if draw(st.booleans()) else start,)
    return (start - nd if draw(st.booleans()) else start, end - nd if draw(st.booleans()) else end)


@grad_test(lambda x, d: x.flatten(*d), 1, shapes=nd_shapes(0),
           kwargs=kw(d=lambda s: flatten_dims(s[0])))  # fmt: skip
class TestFlatten:
    pass


@st.composite
def unflatten_args(draw, shape):
    d = draw(st.integers(0, len(shape) - 1))
    n = shape[d]
    a = draw(st.sampled_from([k for k in range(1, n + 1) if n % k == 0]))
    return d - len(shape) if draw(st.booleans()) else d, (a, n // a)


@grad_test(lambda x, a: x.unflatten(*a), 1, shapes=nd_shapes(1), layouts=CONTIGUOUS,
           kwargs=kw(a=lambda s: unflatten_args(s[0])))  # fmt: skip
class TestUnflatten:
    pass


@grad_test(lambda x: x.squeeze(), 1, shapes=nd_shapes(0, 4, max_side=2))
class TestSqueezeAll:
    pass


@grad_test(lambda x, d: T.squeeze(x, d), 1, shapes=nd_shapes(1, 4, max_side=2),
           kwargs=kw(d=lambda s: dims(s[0])))  # fmt: skip
class TestSqueezeDim:
    pass


@grad_test(lambda x, d: x.unsqueeze(d), 1, shapes=nd_shapes(0),
           kwargs=kw(d=lambda s: st.integers(-len(s[0]) - 1, len(s[0]))))  # fmt: skip
class TestUnsqueeze:
    pass


@st.composite
def expansions(draw, shape):
    lead = tuple(draw(st.lists(st.integers(1, 3), max_size=2)))
    body = tuple(draw(st.sampled_from([2, 3, -1])) if n == 1 else
                 draw(st.sampled_from([n, -1])) for n in shape)  # fmt: skip
    return lead + body


@grad_test(lambda x, size: x.expand(size), 1, shapes=nd_shapes(0, max_side=2),
           kwargs=kw(size=lambda s: expansions(s[0])))  # fmt: skip
class TestExpand:
    pass


@grad_test(lambda x: x.clone(), 1)
class TestClone:
    pass


@grad_test(lambda x: x.contiguous(), 1)
class TestContiguous:
    pass


@grad_test(lambda x: x.to(T.float32) * 2.0, 1, eps=1e-3, atol=1e-4, rtol=1e-4, gradgrad=False)
class TestToFloat32:
    """A float64 leaf cast down: the float32 upstream gradient comes back as float64.
    (No gradgradcheck: its grad_outputs would be float32, too coarse for finite differences.)"""


@grad_test(lambda x: x.double() * x.to(T.float64), 1, dtypes=(np.float32,), eps=1e-2,
           atol=2e-3, rtol=1e-3)  # fmt: skip
class TestFloat32LeafToDouble:
    """A float32 leaf used in float64: its gradient must come back as float32."""


# ----- indexing --------------------------------------------------------------------------------
def _positive_steps(key):
    """PyTorch has no negative slice steps."""
    if isinstance(key, slice):
        return slice(key.start, key.stop, abs(key.step)) if key.step else key
    if isinstance(key, tuple):
        return tuple(_positive_steps(k) for k in key)
    return key


def basic_keys(shape):
    return hnp.basic_indices(shape, allow_newaxis=True, allow_ellipsis=True).map(_positive_steps)


@grad_test(lambda x, key: x[key], 1, kwargs=kw(key=lambda s: basic_keys(s[0])))
class TestBasicIndex:
    """ints (negative too), slices with steps, None, Ellipsis, in any combination."""


@grad_test(lambda x: x[-1] * x[::2].sum(0) + x[..., 1:2][1, None].sum(), 1,
           shapes=nd_shapes(2, 3, min_side=2))  # fmt: skip
class TestIndexCombination:
    """Several views of the same input: their gradients add up."""


@grad_test(lambda x, idx: x[idx], 1, shapes=nd_shapes(1),
           kwargs=kw(idx=lambda s: index_lists(s[0][0])))  # fmt: skip
class TestIndexList:
    """Repeated indices: the gradient accumulates (np.add.at), it is not overwritten."""


@grad_test(lambda x, idx: x[:, idx], 1, shapes=nd_shapes(2),
           kwargs=kw(idx=lambda s: index_lists(s[0][1])))  # fmt: skip
class TestIndexListDim1:
    pass


@grad_test(lambda x, idx: x[..., idx], 1, shapes=nd_shapes(1),
           kwargs=kw(idx=lambda s: index_lists(s[0][-1]).map(lambda i: np.asarray(i))))  # fmt: skip
class TestIndexTensorLastDim:
    """An int64 index tensor after an Ellipsis."""


@grad_test(lambda x, mask: x[mask], 1, kwargs=kw(mask=lambda s: bool_masks(s[0], min_true=1)),
           shapes=nd_shapes(1))  # fmt: skip
class TestBoolMask:
    pass


@grad_test(lambda x, mask: x[mask], 1, shapes=nd_shapes(2),
           kwargs=kw(mask=lambda s: bool_masks(s[0][:1])))  # fmt: skip
class TestBoolMaskLeadingDim:
    pass


@st.composite
def dim_and_index(draw, shape, repeat=True):
    d = draw(st.integers(0, len(shape) - 1))
    idx = draw(index_lists(shape[d], with_repeat=repeat))
    return d - len(shape) if draw(st.booleans()) else d, np.asarray(idx) % shape[d]


@grad_test(lambda x, a: T.index_select(x, a[0], a[1]), 1, shapes=nd_shapes(1),
           kwargs=kw(a=lambda s: dim_and_index(s[0])))  # fmt: skip
class TestIndexSelect:
    pass


@st.composite
def narrow_args(draw, shape):
    d = draw(st.integers(0, len(shape) - 1))
    start = draw(st.integers(0, shape[d] - 1))
    length = draw(st.integers(1, shape[d] - start))
    return d, start, length


@grad_test(lambda x, a: x.narrow(*a), 1, shapes=nd_shapes(1),
           kwargs=kw(a=lambda s: narrow_args(s[0])))  # fmt: skip
class TestNarrow:
    pass


@st.composite
def select_args(draw, shape):
    d = draw(st.integers(0, len(shape) - 1))
    return d, draw(st.integers(-shape[d], shape[d] - 1))


@grad_test(lambda x, a: T.select(x, *a), 1, shapes=nd_shapes(1),
           kwargs=kw(a=lambda s: select_args(s[0])))  # fmt: skip
class TestSelect:
    pass


# ----- joining and splitting -------------------------------------------------------------------
@grad_test(lambda x, y, z, dim: T.cat([x, y, z], dim), 3, shapes=cat_shapes(3),
           kwargs=kw(dim=cat_dim))  # fmt: skip
class TestCat:
    pass


@grad_test(lambda x, dim: T.cat([x, x * 2.0, x], dim), 1, shapes=nd_shapes(1),
           kwargs=kw(dim=lambda s: dims(s[0])))  # fmt: skip
class TestCatSameTensor:
    """The same tensor three times: three gradient contributions add up."""


@grad_test(lambda x, y, dim: T.stack([x, y], dim), 2, shapes=same_shapes(2, 0),
           kwargs=kw(dim=lambda s: st.integers(-len(s[0]) - 1, len(s[0]))))  # fmt: skip
class TestStack:
    pass


@grad_test(lambda x, dim: T.stack([x, x, x.exp()], dim), 1, shapes=nd_shapes(0),
           kwargs=kw(dim=lambda s: st.integers(-len(s[0]) - 1, len(s[0]))))  # fmt: skip
class TestStackSameTensor:
    pass


@st.composite
def split_args(draw, shape):
    d = draw(st.integers(0, len(shape) - 1))
    n = shape[d]
    if draw(st.booleans()):
        size = draw(st.integers(1, n))
    else:
        cuts = sorted(draw(st.lists(st.integers(0, n), max_size=2)))
        size = [b - a for a, b in zip([0, *cuts], [*cuts, n])]
    return size, d - len(shape) if draw(st.booleans()) else d


@grad_test(lambda x, a: x.split(*a), 1, shapes=nd_shapes(1),
           kwargs=kw(a=lambda s: split_args(s[0])))  # fmt: skip
class TestSplit:
    """Several outputs, each with its own upstream gradient (empty pieces included)."""


@grad_test(lambda x, a: T.split(x, *a)[0] * 2.0, 1, shapes=nd_shapes(1),
           kwargs=kw(a=lambda s: split_args(s[0])))  # fmt: skip
class TestSplitFirstOnly:
    """Only one output used: the unused ones contribute zeros."""


@grad_test(lambda x, a: x.chunk(*a), 1, shapes=nd_shapes(1),
           kwargs=kw(a=lambda s: st.tuples(st.integers(1, 4), dims(s[0]))))  # fmt: skip
class TestChunk:
    pass


@grad_test(lambda x, dim: x.unbind(dim), 1, shapes=nd_shapes(1),
           kwargs=kw(dim=lambda s: dims(s[0])))  # fmt: skip
class TestUnbind:
    pass


# ----- in-place ops on non-leaf intermediates, against the out-of-place function ---------------
def _inplace(fn, reference, n_inputs=1, **options):
    return grad_test(fn, n_inputs, reference=reference, **options)


def _add_(x, z):
    y = x * 1
    y.add_(z)
    return y


@_inplace(_add_, lambda x, z: x * 1 + z, 2, shapes=broadcasting_into())
class TestInplaceAdd:
    pass


def _sub_(x, z):
    y = x * 1
    y -= z
    return y


@_inplace(_sub_, lambda x, z: x - z, 2, shapes=broadcasting_into())
class TestInplaceSub:
    pass


def _mul_scalar_(x):
    y = x * 1
    y.mul_(2)
    return y


@_inplace(_mul_scalar_, lambda x: x * 2)
class TestInplaceMulScalar:
    pass


def _mul_(x, z):
    y = x.sin()
    y.mul_(z)
    return y


@_inplace(_mul_, lambda x, z: x.sin() * z, 2, shapes=broadcasting_into())
class TestInplaceMulTensor:
    pass


def _div_(x, z):
    y = x + 0
    y /= z
    return y


@_inplace(_div_, lambda x, z: x / z, 2, shapes=broadcasting_into(), domain=(REAL, DENOMINATOR))
class TestInplaceDiv:
    pass


def _exp_(x):
    y = x * 1
    y.exp_()
    return y


@_inplace(_exp_, lambda x: x.exp())
class TestInplaceExp:
    pass


def _chain_(x, z):
    y = x * 1
    y.mul_(2).add_(1.5).sin_().mul_(z)
    return y.tanh()


@_inplace(_chain_, lambda x, z: ((x * 2 + 1.5).sin() * z).tanh(), 2,
          shapes=broadcasting_into())  # fmt: skip
class TestInplaceChain:
    pass


def _pow_(x):
    y = x * 1
    y.pow_(3)
    return y


@_inplace(_pow_, lambda x: x**3)
class TestInplacePow:
    pass


def _sigmoid_(x):
    y = x - 0.5
    y.sigmoid_()
    return y


@_inplace(_sigmoid_, lambda x: (x - 0.5).sigmoid())
class TestInplaceSigmoid:
    pass


def _clamp_(x):
    y = x * 1
    y.clamp_(-0.4, 0.6)
    return y


@_inplace(_clamp_, lambda x: x.clamp(-0.4, 0.6), domain=REAL.excluding(-0.4, 0.6))
class TestInplaceClamp:
    pass


def _masked_fill_(x, mask):
    y = x * 1
    y.masked_fill_(mask, -2.0)
    return y


@_inplace(_masked_fill_, lambda x, mask: x.masked_fill(mask, -2.0), shapes=broadcasting_into(),
          kwargs=kw(mask=lambda s: bool_masks(s[1])))  # fmt: skip
class TestInplaceMaskedFill:
    pass


@st.composite
def row_keys(draw, shape):
    """A key on dim 0: an int (maybe negative) or a slice with a step."""
    n = shape[0]
    if draw(st.booleans()):
        return draw(st.integers(-n, n - 1))
    return slice(draw(st.integers(0, n - 1)), None, draw(st.integers(1, 3)))


def _setitem(x, z, key):
    y = x * 1
    y[key] = z
    return y


def _written(shape, key):
    mask = np.zeros(shape, bool)
    mask[key] = True
    return T.from_numpy(mask)


@_inplace(_setitem, lambda x, z, key: T.where(_written(x.shape, key), z, x * 1), 2,
          shapes=shapes(1, 3).map(lambda s: (s, s[1:])),
          kwargs=kw(key=lambda s: row_keys(s[0])))  # fmt: skip
class TestSetitem:
    """y[key] = z on a non-leaf: CopySlices routes the written region's gradient to z."""


def _setitem_last(x, z):
    y = x * 1
    y[..., 0] = z
    return y


@_inplace(_setitem_last, lambda x, z: T.where(_written(x.shape, (..., 0)), z.unsqueeze(-1), x),
          2, shapes=shapes(1, 3).map(lambda s: (s, s[:-1])))  # fmt: skip
class TestSetitemEllipsis:
    pass


def _setitem_mask(x, z, mask):
    y = x * 1
    y[mask] = z
    return y


@_inplace(_setitem_mask, lambda x, z, mask: T.where(mask, z, x * 1), 2,
          shapes=shapes(1, 3).map(lambda s: (s, ())),
          kwargs=kw(mask=lambda s: bool_masks(s[0])))  # fmt: skip
class TestSetitemMask:
    """y[mask] = z (index_put): z's gradient is the sum of the upstream over the mask."""


def _inplace_through_view(x, z):
    y = x * 1
    v = y[0]
    v.mul_(z)
    return y


def _inplace_through_view_reference(x, z):
    return T.cat([(x[0] * z).unsqueeze(0), x[1:]], 0)


@_inplace(_inplace_through_view, _inplace_through_view_reference, 2,
          shapes=shapes(1, 3).map(lambda s: (s, s[1:])))  # fmt: skip
class TestInplaceThroughView:
    """A view changed in place updates its base's history (CopySlices)."""


def _view_after_base_changed(x):
    y = x * 1
    v = y[1:]
    y.mul_(3)
    return v.exp()


@_inplace(_view_after_base_changed, lambda x: (x[1:] * 3).exp(), shapes=nd_shapes(1, 3),
          domain=SMALL)  # fmt: skip
class TestViewOfChangedBase:
    """A view taken before its base changed in place reads the new values and history."""


def _expanded_view_after_base_changed(x):
    y = x * 1
    v = y.expand(2, *x.shape)
    y.mul_(2)
    return v.exp()


@_inplace(_expanded_view_after_base_changed, lambda x: (x * 2).expand(2, *x.shape).exp(),
          shapes=nd_shapes(1, 2), domain=SMALL)  # fmt: skip
class TestExpandedViewOfChangedBase:
    """The regenerated view repeats the base's elements: their gradients add up."""


# ----- single examples the factory cannot express ----------------------------------------------
def _leaf(values, dtype=np.float64):
    return minigrad.from_numpy(np.array(values, dtype)).requires_grad_()


def test_std_of_constant_values():
    """std's gradient is 0 where the std is 0 (PyTorch masks it); sqrt's would give nan."""
    x = _leaf([[1.0, 2.0], [1.0, -3.0], [1.0, 0.5]])
    x.std(0).backward(minigrad.tensor([0.7, -1.3], dtype=minigrad.float64))
    col = np.array([2.0, -3.0, 0.5])
    expected = np.zeros((3, 2))  # column 0 is constant: zero gradient, not nan
    expected[:, 1] = -1.3 * (col - col.mean()) / ((3 - 1) * col.std(ddof=1))
    np.testing.assert_allclose(x.grad.numpy(), expected, rtol=1e-12)


def test_inplace_on_saved_output_raises():
    """exp saves its output; changing it in place makes backward refuse, as in PyTorch."""
    x = _leaf([0.5, -1.0, 2.0])
    y = x.exp()
    y.mul_(_leaf([1.0, 2.0, 3.0]))
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.backward(minigrad.tensor([0.3, -0.2, 1.1], dtype=minigrad.float64))


def test_reshape_of_transposed_input_copies():
    x = _leaf(np.arange(6.0).reshape(2, 3))
    assert x.reshape(3, 2).grad_fn.name() == "ViewBackward0"
    y = x.t().reshape(6)
    assert y.grad_fn.name() == "UnsafeViewBackward0"
    y.backward(minigrad.tensor([1.0, -2.0, 0.5, 3.0, -1.0, 0.25], dtype=minigrad.float64))
    np.testing.assert_array_equal(x.grad.numpy(), [[1.0, 0.5, -1.0], [-2.0, 3.0, 0.25]])


def test_view_of_transposed_input_raises():
    x = _leaf(np.arange(6.0).reshape(2, 3))
    with pytest.raises(RuntimeError, match="view size is not compatible"):
        x.t().view(6)


def test_gradcheck_noncontiguous_leaf():
    """gradcheck perturbs the leaf's own storage: it must follow its strides (it once perturbed
    a reshape(-1) copy and saw an all-zero numerical Jacobian)."""
    buf = np.linspace(0.1, 1.2, 12).reshape(3, 4)
    x = minigrad.from_numpy(buf.T).requires_grad_()  # a (4, 3) leaf in Fortran order
    assert not x.is_contiguous()
    assert minigrad.autograd.gradcheck(lambda a: a.exp() * 2.0, (x,))
