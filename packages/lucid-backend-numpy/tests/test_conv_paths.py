"""The NumPy convolution kernels have two layouts (per-sample GEMMs on shifted columns,
and batch-last single GEMMs); both must agree with a direct reference on every op."""

import numpy as np
import pytest

from lucid_backend_numpy.kernels import conv as kernels

RNG = np.random.default_rng(0)


def ref_conv(x, w, stride, padding, dilation, groups):
    xp = np.pad(x, ((0, 0), (0, 0)) + tuple(padding))
    k = w.shape[2:]
    count = [(n - d * (kk - 1) - 1) // s + 1 for n, kk, s, d in zip(xp.shape[2:], k, stride,
                                                                      dilation)]
    og, cg = w.shape[0] // groups, w.shape[1]
    out = np.zeros((x.shape[0], w.shape[0], *count))
    for pos in np.ndindex(*count):
        win = tuple(slice(p * s, p * s + d * (kk - 1) + 1, d)
                    for p, s, d, kk in zip(pos, stride, dilation, k))
        for g in range(groups):
            patch = xp[(slice(None), slice(g * cg, (g + 1) * cg)) + win]
            out[(slice(None), slice(g * og, (g + 1) * og)) + pos] = np.tensordot(
                patch, w[g * og:(g + 1) * og], axes=(list(range(1, patch.ndim)),
                                                      list(range(1, patch.ndim))))
    return out


CASES = [
    ((2, 3, 9, 8), (4, 3, 3, 3), (1, 1), ((1, 1), (1, 1)), (1, 1), 1),
    ((2, 4, 9, 8), (6, 2, 3, 2), (2, 1), ((1, 0), (2, 2)), (1, 2), 2),
    ((3, 2, 11), (4, 2, 3), (1,), ((2, 1),), (2,), 1),
    ((1, 2, 5, 6, 5), (2, 2, 2, 3, 2), (1, 2, 1), ((1, 1), (0, 1), (1, 0)), (1, 1, 2), 1),
    ((2, 4, 7, 6), (3, 4, 3, 3), (1, 1), ((1, 1), (0, 2)), (2, 1), 1),  # C >= O: flipped
    ((2, 8, 6, 6), (16, 8, 3, 3), (1, 1), ((1, 1), (1, 1)), (1, 1), 1),  # one-GEMM dW
    ((2, 6, 5, 5), (6, 2, 3, 3), (1, 1), ((0, 0), (1, 1)), (1, 1), 3),
]


@pytest.mark.parametrize("threshold", [0, 1 << 30], ids=["per-sample", "batch-last"])
@pytest.mark.parametrize("xs,ws,stride,padding,dilation,groups", CASES)
def test_both_layouts(monkeypatch, threshold, xs, ws, stride, padding, dilation, groups):
    monkeypatch.setattr(kernels, "BATCH_LAST_MAX_POSITIONS", threshold)
    p = dict(stride=stride, padding=padding, dilation=dilation, groups=groups)
    x, w = RNG.standard_normal(xs), RNG.standard_normal(ws)
    y = kernels.conv(x, w, **p)
    np.testing.assert_allclose(y, ref_conv(x, w, **p), rtol=1e-12, atol=1e-12)
    g = RNG.standard_normal(y.shape)
    # adjoint identities: <conv(x, w), g> = <x, conv_transpose(g, w)> = <w, weight_grad>
    dx = kernels.conv_transpose(g, w, output_size=xs[2:], **p)
    dw = kernels.conv_weight_grad(x, g, kernel_size=ws[2:], **p)
    total = float((y * g).sum())
    assert float((x * dx).sum()) == pytest.approx(total, rel=1e-12)
    assert float((w * dw).sum()) == pytest.approx(total, rel=1e-12)
    # the same through the float32 path
    y32 = kernels.conv(x.astype(np.float32), w.astype(np.float32), **p)
    assert y32.dtype == np.float32
    np.testing.assert_allclose(y32, y, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("threshold", [0, 1 << 30], ids=["per-sample", "batch-last"])
@pytest.mark.parametrize("xs,ws,stride,padding,dilation,groups", CASES)
def test_batch_parallel_equals_serial(monkeypatch, threshold, xs, ws, stride, padding, dilation,
                                      groups):
    """Batch slices in 3 threads (uneven slices of 7 samples) give the serial kernel's
    outputs and gradients (to rounding: a GEMM over fewer columns may block its sums
    differently); OpenBLAS's own thread count is restored afterwards."""
    from lucid_backend_numpy.kernels import _blas, _parallel

    monkeypatch.setattr(kernels, "BATCH_LAST_MAX_POSITIONS", threshold)
    p = dict(stride=stride, padding=padding, dilation=dilation, groups=groups)
    xs = (7,) + xs[1:]
    x, w = RNG.standard_normal(xs), RNG.standard_normal(ws)
    y = kernels.conv(x, w, **p)
    g = RNG.standard_normal(y.shape)
    serial = (y, kernels.conv_transpose(g, w, output_size=xs[2:], **p),
              kernels.conv_weight_grad(x, g, kernel_size=ws[2:], **p))
    before, threads = _blas.threads(), _parallel.num_threads()
    monkeypatch.setattr(_parallel, "MIN_WORK", 1)
    _parallel.set_num_threads(3)
    try:
        assert len(_parallel.batch_slices(7, 1e9)) == 3
        parallel = (kernels.conv(x, w, **p),
                    kernels.conv_transpose(g, w, output_size=xs[2:], **p),
                    kernels.conv_weight_grad(x, g, kernel_size=ws[2:], **p))
    finally:
        _parallel.set_num_threads(threads)
    assert _blas.threads() == before
    for got, want in zip(parallel, serial):
        assert got.shape == want.shape
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


def test_set_num_threads_rejects_bad_counts():
    from lucid_backend_numpy import num_threads, set_num_threads

    before = num_threads()
    for bad in (0, -1, 1.5, True, "2"):
        with pytest.raises(ValueError, match="set_num_threads"):
            set_num_threads(bad)
    assert num_threads() == before


def test_thread_count_follows_the_environment(monkeypatch):
    from lucid_backend_numpy.kernels import _parallel

    monkeypatch.setenv("LUCID_NUM_THREADS", "3")
    assert _parallel._default_threads() == 3
    monkeypatch.delenv("LUCID_NUM_THREADS")
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    assert _parallel._default_threads() == 1
