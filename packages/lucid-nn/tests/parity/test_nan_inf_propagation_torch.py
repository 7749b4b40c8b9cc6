"""NaN and +-Inf through every activation, clamp-like op, pooling and reduction, compared
with PyTorch on the backend serving ``cpu`` (issue 10): NaN stays NaN, infinities give
PyTorch's values.

Two documented differences, where PyTorch's float32 CPU kernel produces NaN from ``inf * 0``
although the function has a finite or infinite value there: ``gelu(+inf)`` is ``+inf``
(PyTorch's own float64 and scalar paths agree), and ``hardswish(-inf)`` is ``0`` (PyTorch's
definition: 0 for ``x <= -3``). Those two are compared with the float64 reference or the
definition instead.
"""

import numpy as np
import pytest
import torch
import torch.nn.functional as TF

import lucid
import lucid.nn.functional as F

NAN, INF = float("nan"), float("inf")
SPECIAL = [NAN, INF, -INF, -7.0, -3.0, -1.0, -0.5, 0.0, 0.5, 1.0, 3.0, 6.0, 25.0, NAN]

ACTIVATIONS = [
    ("relu", F.relu, TF.relu),
    ("relu6", F.relu6, TF.relu6),
    ("hardtanh", F.hardtanh, TF.hardtanh),
    ("hardtanh_bounds", lambda x: F.hardtanh(x, -2.0, 0.5), lambda x: TF.hardtanh(x, -2.0, 0.5)),
    ("threshold", lambda x: F.threshold(x, 0.5, -3.0), lambda x: TF.threshold(x, 0.5, -3.0)),
    ("leaky_relu", lambda x: F.leaky_relu(x, 0.1), lambda x: TF.leaky_relu(x, 0.1)),
    ("elu", F.elu, TF.elu),
    ("celu", lambda x: F.celu(x, 0.7), lambda x: TF.celu(x, 0.7)),
    ("selu", F.selu, TF.selu),
    ("gelu_tanh", lambda x: F.gelu(x, approximate="tanh"),
     lambda x: TF.gelu(x, approximate="tanh")),
    ("silu", F.silu, TF.silu),
    ("mish", F.mish, TF.mish),
    ("softplus", F.softplus, TF.softplus),
    ("sigmoid", F.sigmoid, torch.sigmoid),
    ("tanh", F.tanh, torch.tanh),
    ("hardsigmoid", F.hardsigmoid, TF.hardsigmoid),
    ("softsign", F.softsign, TF.softsign),
    ("logsigmoid", F.logsigmoid, TF.logsigmoid),
    ("tanhshrink", F.tanhshrink, TF.tanhshrink),
    ("prelu", lambda x: F.prelu(x, lucid.tensor([0.25])),
     lambda x: TF.prelu(x, torch.tensor([0.25]))),
    ("clamp", lambda x: lucid.clamp(x, -1.0, 2.0), lambda x: torch.clamp(x, -1.0, 2.0)),
    ("clamp_min", lambda x: lucid.clamp(x, min=0.0), lambda x: torch.clamp(x, min=0.0)),
    ("clamp_max", lambda x: lucid.clamp(x, max=0.0), lambda x: torch.clamp(x, max=0.0)),
    ("clamp_tensor", lambda x: lucid.clamp(x, lucid.tensor(-1.0), lucid.tensor(2.0)),
     lambda x: torch.clamp(x, torch.tensor(-1.0), torch.tensor(2.0))),
    ("clip", lambda x: lucid.clip(x, -1.0, 2.0), lambda x: torch.clip(x, -1.0, 2.0)),
    ("maximum", lambda x: lucid.maximum(x, lucid.tensor(0.5)),
     lambda x: torch.maximum(x, torch.tensor(0.5))),
    ("minimum", lambda x: lucid.minimum(x, lucid.tensor(0.5)),
     lambda x: torch.minimum(x, torch.tensor(0.5))),
    ("abs", lucid.abs, torch.abs),
    ("floor", lucid.floor, torch.floor),
    ("round", lucid.round, torch.round),
    ("exp", lucid.exp, torch.exp),
    ("sqrt", lucid.sqrt, torch.sqrt),
    ("log", lucid.log, torch.log),
    ("softmax", lambda x: F.softmax(x, 0), lambda x: TF.softmax(x, 0)),
    ("log_softmax", lambda x: F.log_softmax(x, 0), lambda x: TF.log_softmax(x, 0)),
    ("softmin", lambda x: F.softmin(x, 0), lambda x: TF.softmin(x, 0)),
]


def _compare(got, want):
    got = np.asarray(got, dtype=np.float64)
    want = np.asarray(want, dtype=np.float64)
    assert got.shape == want.shape
    np.testing.assert_array_equal(np.isnan(got), np.isnan(want))
    np.testing.assert_allclose(got, want, rtol=2e-6, atol=1e-6, equal_nan=True)


@pytest.mark.parametrize("name,fn,ref", ACTIVATIONS, ids=[a[0] for a in ACTIVATIONS])
def test_activation_special_values_match_torch(name, fn, ref):
    _compare(fn(lucid.tensor(SPECIAL)).numpy(), ref(torch.tensor(SPECIAL)).numpy())


@pytest.mark.parametrize("name,fn,ref", ACTIVATIONS, ids=[a[0] for a in ACTIVATIONS])
def test_activation_nan_alone(name, fn, ref):
    """A NaN next to ordinary values: softmax-like ops spread it along the axis, the rest
    keep it where it is; both as PyTorch."""
    values = [1.0, NAN, -2.0]
    _compare(fn(lucid.tensor(values)).numpy(), ref(torch.tensor(values)).numpy())


def test_gelu_special_values():
    """``gelu(+inf) = +inf`` (PyTorch's float64 kernel agrees; its float32 one says NaN)."""
    got = F.gelu(lucid.tensor(SPECIAL)).numpy()
    _compare(got, TF.gelu(torch.tensor(SPECIAL, dtype=torch.float64)).numpy())
    assert got[1] == INF


def test_sign_of_nan_is_nan():
    """The project rule "NaN stays NaN" (and NumPy's ``sign``); PyTorch's ``sign`` gives 0."""
    got = lucid.sign(lucid.tensor(SPECIAL)).numpy()
    np.testing.assert_array_equal(got, np.sign(np.array(SPECIAL, np.float32)))


def test_hardswish_special_values():
    """``hardswish(-inf) = 0`` by PyTorch's definition (``x <= -3``); elsewhere as PyTorch."""
    got = F.hardswish(lucid.tensor(SPECIAL)).numpy()
    want = TF.hardswish(torch.tensor(SPECIAL)).numpy()
    assert got[2] == 0.0 and np.isnan(want[2])
    keep = np.arange(len(SPECIAL)) != 2
    _compare(got[keep], want[keep])


BOUNDED = [("relu6", F.relu6, TF.relu6), ("hardtanh", F.hardtanh, TF.hardtanh),
           ("threshold", lambda x: F.threshold(x, 0.5, -3.0),
            lambda x: TF.threshold(x, 0.5, -3.0)),
           ("clamp", lambda x: lucid.clamp(x, -1.0, 2.0), lambda x: torch.clamp(x, -1.0, 2.0)),
           ("relu", F.relu, TF.relu)]


@pytest.mark.parametrize("name,fn,ref", BOUNDED, ids=[b[0] for b in BOUNDED])
def test_clamp_like_gradients_at_nan_and_bounds_match_torch(name, fn, ref):
    values = [NAN, -1.0, 0.0, 0.5, 1.0, 2.0, 6.0, 7.0]
    x = lucid.tensor(values, requires_grad=True)
    t = torch.tensor(values, requires_grad=True)
    fn(x).sum().backward()
    ref(t).sum().backward()
    _compare(x.grad.numpy(), t.grad.numpy())


PLANE = np.array([[NAN, 1, 2, 3, 0, 1],
                  [4, 5, 6, 7, 2, 2],
                  [8, 9, -INF, 1, 3, 3],
                  [1, 2, 3, INF, 4, 4],
                  [0, 0, 0, 0, INF, -INF],
                  [1, 1, 1, 1, 1, 1]], dtype=np.float32)[None, None]

POOLS = [
    ("max_pool2d", lambda x: F.max_pool2d(x, 2), lambda x: TF.max_pool2d(x, 2)),
    ("max_pool2d_overlap", lambda x: F.max_pool2d(x, 3, 1, 1),
     lambda x: TF.max_pool2d(x, 3, 1, 1)),
    ("max_pool2d_ceil", lambda x: F.max_pool2d(x, 4, 4, ceil_mode=True),
     lambda x: TF.max_pool2d(x, 4, 4, ceil_mode=True)),
    ("avg_pool2d", lambda x: F.avg_pool2d(x, 2), lambda x: TF.avg_pool2d(x, 2)),
    ("avg_pool2d_pad", lambda x: F.avg_pool2d(x, 3, 2, 1), lambda x: TF.avg_pool2d(x, 3, 2, 1)),
    ("adaptive_max_pool2d", lambda x: F.adaptive_max_pool2d(x, 3),
     lambda x: TF.adaptive_max_pool2d(x, 3)),
    ("adaptive_avg_pool2d", lambda x: F.adaptive_avg_pool2d(x, 4),
     lambda x: TF.adaptive_avg_pool2d(x, 4)),
    ("max_pool1d", lambda x: F.max_pool1d(x.reshape(1, 6, 6), 2),
     lambda x: TF.max_pool1d(x.reshape(1, 6, 6), 2)),
]


@pytest.mark.parametrize("name,fn,ref", POOLS, ids=[p[0] for p in POOLS])
def test_pooling_special_values_match_torch(name, fn, ref):
    _compare(fn(lucid.tensor(PLANE)).numpy(), ref(torch.tensor(PLANE)).numpy())


@pytest.mark.parametrize("name,fn,ref", POOLS[:3] + POOLS[5:6], ids=["max", "overlap", "ceil",
                                                                     "adaptive"])
def test_max_pool_gradient_goes_to_the_nan(name, fn, ref):
    """The NaN is the window's maximum (PyTorch's rule), so it takes the gradient."""
    x = lucid.tensor(PLANE, requires_grad=True)
    t = torch.tensor(PLANE, requires_grad=True)
    fn(x).sum().backward()
    ref(t).sum().backward()
    _compare(x.grad.numpy(), t.grad.numpy())


ROWS = np.array([[NAN, 1.0, 2.0, -1.0],
                 [INF, -INF, 1.0, 2.0],
                 [INF, 1.0, INF, 0.0],
                 [-INF, -INF, -1.0, 3.0],
                 [1.0, 2.0, 3.0, 4.0],
                 [1.0, NAN, INF, -INF]], dtype=np.float32)

REDUCTIONS = [
    ("sum", lambda x: x.sum(1), lambda x: x.sum(1)),
    ("mean", lambda x: x.mean(1), lambda x: x.mean(1)),
    ("prod", lambda x: x.prod(1), lambda x: x.prod(1)),
    ("amax", lambda x: lucid.amax(x, 1), lambda x: torch.amax(x, 1)),
    ("amin", lambda x: lucid.amin(x, 1), lambda x: torch.amin(x, 1)),
    ("max_all", lambda x: lucid.max(x), torch.max),
    ("min_all", lambda x: lucid.min(x), torch.min),
    ("max_dim_values", lambda x: x.max(dim=1)[0], lambda x: x.max(dim=1)[0]),
    ("max_dim_indices", lambda x: x.max(dim=1)[1], lambda x: x.max(dim=1)[1]),
    ("min_dim_values", lambda x: x.min(dim=1)[0], lambda x: x.min(dim=1)[0]),
    ("min_dim_indices", lambda x: x.min(dim=1)[1], lambda x: x.min(dim=1)[1]),
    ("argmax", lambda x: x.argmax(1), lambda x: x.argmax(1)),
    ("argmin", lambda x: x.argmin(1), lambda x: x.argmin(1)),
    ("var", lambda x: x.var(1), lambda x: x.var(1)),
    ("std", lambda x: x.std(1), lambda x: x.std(1)),
    ("logsumexp", lambda x: lucid.logsumexp(x, 1), lambda x: torch.logsumexp(x, 1)),
    ("cumsum", lambda x: lucid.cumsum(x, 1), lambda x: torch.cumsum(x, 1)),
    ("cumprod", lambda x: lucid.cumprod(x, 1), lambda x: torch.cumprod(x, 1)),
    ("norm", lambda x: lucid.linalg.norm(x, dim=1), lambda x: torch.linalg.norm(x, dim=1)),
    ("sort", lambda x: lucid.sort(x, 1), lambda x: torch.sort(x, 1)[0]),
    ("any_isnan", lambda x: lucid.isnan(x).any(1), lambda x: torch.isnan(x).any(1)),
]


@pytest.mark.parametrize("name,fn,ref", REDUCTIONS, ids=[r[0] for r in REDUCTIONS])
def test_reduction_special_values_match_torch(name, fn, ref):
    _compare(fn(lucid.tensor(ROWS)).numpy(), ref(torch.tensor(ROWS)).numpy())
