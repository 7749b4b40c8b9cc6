"""Convolution, pooling, unfold/fold, softmax, losses, embedding against
``torch.nn.functional``: outputs and gradients of every input, float64 within 1e-10
relative and float32 within 1e-5."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

import lucid

TOL = {np.float64: dict(rtol=1e-10, atol=1e-12), np.float32: dict(rtol=1e-5, atol=1e-5)}
DTYPES = [np.float64, np.float32]


def _parity(lucid_fn, torch_fn, arrays, dtype, outputs=1):
    """Run both, compare outputs, backprop the same random cotangent, compare grads."""
    rng = np.random.default_rng(1)
    arrays = [np.asarray(a) for a in arrays]
    arrays = [a.astype(dtype) if a.dtype.kind == "f" else a for a in arrays]
    ls = [lucid.tensor(a, requires_grad=a.dtype.kind == "f") for a in arrays]
    ts = [torch.tensor(a, requires_grad=a.dtype.kind == "f") for a in arrays]
    lo, to = lucid_fn(*ls), torch_fn(*ts)
    if outputs > 1:
        for a, b in zip(lo[1:], to[1:]):
            np.testing.assert_array_equal(a.numpy(), b.numpy())
        lo, to = lo[0], to[0]
    tol = TOL[dtype]
    np.testing.assert_allclose(lo.numpy(), to.detach().numpy(), **tol)
    if not to.requires_grad:
        return
    w = rng.standard_normal(tuple(to.shape)).astype(dtype)
    (lo * lucid.tensor(w)).sum().backward()
    (to * torch.tensor(w)).sum().backward()
    for a, b in zip(ls, ts):
        if b.grad is not None:
            scale = max(1.0, float(np.abs(b.grad.numpy()).max()))
            np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=tol["rtol"],
                                       atol=tol["atol"] * scale)


RNG = np.random.default_rng(0)

CONV = [  # nd, x shape, w shape, kwargs
    (2, (2, 3, 9, 8), (4, 3, 3, 3), dict()),
    (2, (2, 4, 9, 8), (6, 2, 3, 2), dict(stride=2, padding=1, groups=2)),
    (2, (1, 3, 10, 9), (4, 3, 3, 3), dict(stride=(2, 1), padding=(2, 1), dilation=(2, 1))),
    (2, (2, 3, 8, 8), (5, 3, 4, 3), dict(padding="same", dilation=2)),
    (2, (2, 3, 8, 8), (5, 3, 3, 3), dict(padding="valid")),
    (2, (2, 4, 7, 7), (4, 1, 3, 3), dict(padding=1, groups=4)),  # depthwise
    (2, (2, 3, 6, 6), (8, 3, 1, 1), dict()),  # pointwise
    (1, (2, 3, 11), (4, 3, 3), dict(stride=3, padding=2, dilation=2)),
    (1, (2, 2, 10), (4, 2, 4), dict(padding="same")),
    (3, (1, 2, 5, 6, 5), (3, 2, 3, 2, 3), dict(stride=(1, 2, 1), padding=1)),
    (3, (1, 4, 4, 5, 4), (4, 2, 2, 2, 2), dict(groups=2, dilation=(1, 2, 1))),
]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("nd,xs,ws,kw", CONV)
def test_conv(nd, xs, ws, kw, dtype):
    arrays = [RNG.standard_normal(xs), RNG.standard_normal(ws), RNG.standard_normal(ws[0])]
    _parity(lambda x, w, b: getattr(lucid, f"conv{nd}d")(x, w, b, **kw),
            lambda x, w, b: getattr(F, f"conv{nd}d")(x, w, b, **kw), arrays, dtype)


CONV_T = [  # nd, x shape, w shape (in, out/groups, *k), kwargs
    (2, (2, 3, 4, 5), (3, 4, 3, 3), dict()),
    (2, (2, 4, 4, 4), (4, 3, 3, 3), dict(stride=2, padding=1, output_padding=1, groups=2)),
    (2, (1, 2, 3, 4), (2, 3, 2, 3), dict(stride=(3, 2), dilation=(1, 2), padding=(0, 1))),
    (2, (2, 5, 4, 4), (5, 2, 3, 3), dict(padding=1)),  # fewer outputs than inputs
    (1, (2, 3, 5), (3, 2, 4), dict(stride=2, padding=1, output_padding=1)),
    (3, (1, 2, 3, 3, 2), (2, 2, 2, 3, 2), dict(stride=2, padding=(0, 1, 0))),
    (3, (1, 2, 3, 3, 3), (2, 3, 3, 3, 3), dict(padding=1)),
]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("nd,xs,ws,kw", CONV_T)
def test_conv_transpose(nd, xs, ws, kw, dtype):
    groups = kw.get("groups", 1)
    arrays = [RNG.standard_normal(xs), RNG.standard_normal(ws),
              RNG.standard_normal(ws[1] * groups)]
    _parity(lambda x, w, b: getattr(lucid, f"conv_transpose{nd}d")(x, w, b, **kw),
            lambda x, w, b: getattr(F, f"conv_transpose{nd}d")(x, w, b, **kw), arrays, dtype)


def test_conv2d_double_backward():
    x = RNG.standard_normal((2, 3, 6, 6))
    w = RNG.standard_normal((4, 3, 3, 3))
    lx, lw = lucid.tensor(x, requires_grad=True), lucid.tensor(w, requires_grad=True)
    tx, tw = torch.tensor(x, requires_grad=True), torch.tensor(w, requires_grad=True)
    ly = (lucid.conv2d(lx, lw, stride=2, padding=1) ** 2).sum()
    ty = (F.conv2d(tx, tw, stride=2, padding=1) ** 2).sum()
    lg = lucid.grad(ly, [lx, lw], create_graph=True)
    tg = torch.autograd.grad(ty, [tx, tw], create_graph=True)
    ((lg[0] ** 2).sum() + (lg[1] ** 2).sum()).backward()
    ((tg[0] ** 2).sum() + (tg[1] ** 2).sum()).backward()
    np.testing.assert_allclose(lx.grad.numpy(), tx.grad.numpy(), rtol=1e-10)
    np.testing.assert_allclose(lw.grad.numpy(), tw.grad.numpy(), rtol=1e-10)


X2 = np.random.default_rng(2).permutation(2 * 3 * 9 * 8).reshape(2, 3, 9, 8) * 0.01
MAXPOOL = [
    (2, dict(kernel_size=2)),
    (2, dict(kernel_size=3, stride=2, padding=1)),
    (2, dict(kernel_size=3, stride=2, ceil_mode=True)),
    (2, dict(kernel_size=(2, 3), stride=(1, 2), padding=1, dilation=(2, 1), ceil_mode=True)),
    (1, dict(kernel_size=3, stride=2, padding=1, dilation=2, ceil_mode=True)),
    (3, dict(kernel_size=2, stride=1, padding=1)),
]


def _pool_input(nd):
    shape = {1: (2, 3, 11), 2: (2, 3, 9, 8), 3: (1, 2, 5, 4, 6)}[nd]
    return np.random.default_rng(3).permutation(int(np.prod(shape))).reshape(shape) * 0.01


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("nd,kw", MAXPOOL)
def test_max_pool(nd, kw, dtype):
    _parity(lambda x: getattr(lucid, f"max_pool{nd}d")(x, return_indices=True, **kw),
            lambda x: getattr(F, f"max_pool{nd}d")(x, return_indices=True, **kw),
            [_pool_input(nd)], dtype, outputs=2)


AVGPOOL = [
    (2, dict(kernel_size=2)),
    (2, dict(kernel_size=3, stride=2, padding=1)),
    (2, dict(kernel_size=3, stride=2, padding=1, count_include_pad=False)),
    (2, dict(kernel_size=3, stride=2, padding=1, ceil_mode=True, count_include_pad=False)),
    (2, dict(kernel_size=(2, 3), stride=(3, 2), padding=(1, 1), ceil_mode=True,
             divisor_override=4)),
    (1, dict(kernel_size=4, stride=3, padding=2, ceil_mode=True)),
    (3, dict(kernel_size=3, stride=2, padding=1, count_include_pad=False)),
]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("nd,kw", AVGPOOL)
def test_avg_pool(nd, kw, dtype):
    _parity(lambda x: getattr(lucid, f"avg_pool{nd}d")(x, **kw),
            lambda x: getattr(F, f"avg_pool{nd}d")(x, **kw), [_pool_input(nd)], dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("nd,size", [(1, 4), (1, 11), (2, (4, 3)), (2, 1), (2, (5, None)),
                                     (2, (9, 8)), (3, (2, 3, 4))])
def test_adaptive_pools(nd, size, dtype):
    x = _pool_input(nd)
    _parity(lambda x: getattr(lucid, f"adaptive_avg_pool{nd}d")(x, size),
            lambda x: getattr(F, f"adaptive_avg_pool{nd}d")(x, size), [x], dtype)
    _parity(lambda x: getattr(lucid, f"adaptive_max_pool{nd}d")(x, size, True),
            lambda x: getattr(F, f"adaptive_max_pool{nd}d")(x, size, True), [x], dtype,
            outputs=2)


@pytest.mark.parametrize("dtype", DTYPES)
def test_unfold_fold(dtype):
    kw = dict(kernel_size=(2, 3), dilation=(2, 1), padding=(1, 0), stride=(1, 2))
    _parity(lambda x: lucid.unfold(x, **kw), lambda x: F.unfold(x, **kw),
            [RNG.standard_normal((2, 3, 7, 8))], dtype)
    cols = RNG.standard_normal((2, 3 * 6, 7 * 3))
    _parity(lambda c: lucid.fold(c, (7, 8), **kw), lambda c: F.fold(c, (7, 8), **kw), [cols],
            dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("dim", [0, 1, -1])
def test_softmax_log_softmax(dim, dtype):
    x = RNG.standard_normal((3, 4, 5)) * 5
    _parity(lambda x: lucid.softmax(x, dim), lambda x: F.softmax(x, dim), [x], dtype)
    _parity(lambda x: lucid.log_softmax(x, dim), lambda x: F.log_softmax(x, dim), [x], dtype)


def _targets(shape, classes, ignore=None):
    t = np.random.default_rng(4).integers(0, classes, shape)
    if ignore is not None:
        t.reshape(-1)[::3] = ignore
    return t


CE = [
    dict(), dict(reduction="sum"), dict(reduction="none"), dict(label_smoothing=0.2),
    dict(weight=True), dict(weight=True, label_smoothing=0.3),
    dict(weight=True, ignore_index=2, label_smoothing=0.1),
    dict(weight=True, ignore_index=2, reduction="none", label_smoothing=0.1),
    dict(ignore_index=-100, ignored=True), dict(weight=True, reduction="sum", ignored=True),
]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(6,), (2, 3, 2)])
@pytest.mark.parametrize("kw", CE)
def test_cross_entropy_index_targets(kw, shape, dtype):
    kw = dict(kw)
    classes = 5
    target = _targets(shape, classes, -100 if kw.pop("ignored", False) else None)
    w = np.random.default_rng(5).uniform(0.5, 2, classes) if kw.pop("weight", False) else None
    x = RNG.standard_normal((shape[0], classes) + shape[1:])

    def run(lib, mod, x):
        weight = None if w is None else lib.tensor(w.astype(dtype))
        return mod.cross_entropy(x, lib.tensor(target), weight=weight, **kw)

    _parity(lambda x: run(lucid, lucid, x), lambda x: run(torch, F, x), [x], dtype)
    if kw.get("label_smoothing", 0) == 0:
        nll = dict(ignore_index=kw.get("ignore_index", -100),
                   reduction=kw.get("reduction", "mean"))

        def run_nll(lib, mod, x):
            weight = None if w is None else lib.tensor(w.astype(dtype))
            return mod.nll_loss(mod.log_softmax(x, 1), lib.tensor(target), weight, **nll)

        _parity(lambda x: run_nll(lucid, lucid, x), lambda x: run_nll(torch, F, x), [x], dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("kw", [dict(), dict(reduction="sum"), dict(reduction="none"),
                                dict(label_smoothing=0.25, weight=True)])
def test_cross_entropy_probability_targets(kw, dtype):
    kw = dict(kw)
    w = np.random.default_rng(6).uniform(0.5, 2, 4) if kw.pop("weight", False) else None
    x = RNG.standard_normal((3, 4, 2))
    p = np.random.default_rng(7).dirichlet(np.ones(4), (3, 2)).transpose(0, 2, 1)

    def run(lib, mod, x, p):
        weight = None if w is None else lib.tensor(w.astype(dtype))
        return mod.cross_entropy(x, p, weight=weight, **kw)

    _parity(lambda x, p: run(lucid, lucid, x, p), lambda x, p: run(torch, F, x, p), [x, p],
            dtype)


@pytest.mark.parametrize("padding_idx", [None, 2, -1])
def test_embedding(padding_idx):
    idx = np.array([[0, 2, 4], [2, 2, 1]])
    _parity(lambda w: lucid.embedding(lucid.tensor(idx), w, padding_idx=padding_idx),
            lambda w: F.embedding(torch.tensor(idx), w, padding_idx=padding_idx),
            [RNG.standard_normal((5, 3))], np.float64)
