"""The convolution kernels' two float32 paths against a loop reference, on MLX's CPU.

``conv``/``conv_transpose`` use ``mx.conv_general`` on a GPU and window gathers + matmul
on the CPU (and for float64); ``conv_weight_grad`` uses strided patches + matmul. The
conformance suite (device ``cpu``) exercises the window path, so the ``conv_general``
path is checked here directly: the forward against a loop over output positions and
kernel taps, the two adjoints through ``<conv(x, w), g> = <x, conv_transpose(g, w)> =
<w, conv_weight_grad(x, g)>``.
"""

from __future__ import annotations

import itertools

import mlx.core as mx
import numpy as np
import pytest

from lucid_backend_mlx.kernels import _conv_windows
from lucid_backend_mlx.kernels import conv as kernels

CONFIGS = [  # nd, stride, padding, dilation, groups
    (1, (2,), ((1, 2),), (1,), 1),
    (1, (1,), ((-1, 2),), (2,), 1),
    (2, (1, 1), ((1, 1), (0, 0)), (1, 1), 1),
    (2, (2, 1), ((2, 1), (1, 3)), (2, 1), 2),
    (2, (3, 2), ((0, 0), (0, 0)), (1, 1), 3),
    (3, (1, 2, 1), ((1, 1), (0, 1), (1, 0)), (1, 1, 2), 1),
    (3, (1, 1, 2), ((0, 0), (1, 1), (0, 1)), (1, 1, 1), 2),
]


def ref_conv(x, w, stride, padding, dilation, groups):
    """``y[n, o, l] = sum_{c in group(o), k} w[o, c, k] xp[n, c, l*s + k*d]`` by loops."""
    n, c = x.shape[:2]
    o, kernel = w.shape[0], w.shape[2:]
    nd = len(kernel)
    xp = np.pad(x, [(0, 0), (0, 0)] + [(max(lo, 0), max(hi, 0)) for lo, hi in padding])
    xp = xp[(slice(None), slice(None)) + tuple(
        slice(max(-lo, 0), xp.shape[2 + i] - max(-hi, 0)) for i, (lo, hi) in enumerate(padding))]
    out = [(xp.shape[2 + i] - dilation[i] * (kernel[i] - 1) - 1) // stride[i] + 1
           for i in range(nd)]
    y = np.zeros((n, o, *out))
    cg, og = c // groups, o // groups
    for oc in range(o):
        g = oc // og
        for pos in itertools.product(*[range(m) for m in out]):
            for tap in itertools.product(*[range(m) for m in kernel]):
                at = tuple(pos[i] * stride[i] + tap[i] * dilation[i] for i in range(nd))
                window = xp[(slice(None), slice(g * cg, (g + 1) * cg)) + at]
                y[(slice(None), oc) + pos] += window @ w[(oc, slice(None)) + tap]
    return y


def _problem(nd, groups, rng):
    c, o = 3 * groups, 2 * groups
    spatial, kernel = (7, 6, 5)[:nd], (3, 2, 2)[:nd]
    return rng.standard_normal((2, c) + spatial), rng.standard_normal((o, 3) + kernel)


def _f32(a):
    return mx.array(a, dtype=mx.float32)


@pytest.mark.parametrize("path", ["general", "windows"])
@pytest.mark.parametrize("nd, stride, padding, dilation, groups", CONFIGS)
def test_conv_paths_match_the_loop_reference(path, nd, stride, padding, dilation, groups):
    if path == "general" and groups > 1 and nd > 2:
        pytest.skip("MLX's conv_general has groups in 1-D/2-D only")
    rng = np.random.default_rng(nd * 10 + groups)
    x, w = _problem(nd, groups, rng)
    want = ref_conv(x, w, stride, padding, dilation, groups)
    g = rng.standard_normal(want.shape)
    args = (stride, padding, dilation, groups)
    with mx.stream(mx.cpu):
        if path == "general":
            y = kernels.general_conv(_f32(x), _f32(w), *args)
            dx = kernels.general_transpose(_f32(g), _f32(w), x.shape[2:], *args)
        else:
            y = _conv_windows.conv(_f32(x), _f32(w), *args)
            dx = _conv_windows.transpose(_f32(g), _f32(w), x.shape[2:], *args)
        dw = kernels.weight_grad_patches(_f32(x), _f32(g), w.shape[2:], *args)
    np.testing.assert_allclose(np.array(y), want, rtol=1e-4, atol=1e-4)
    inner = float(np.sum(want * g))
    assert float(np.sum(np.array(dx) * x)) == pytest.approx(inner, rel=1e-4, abs=1e-3)
    assert float(np.sum(np.array(dw) * w)) == pytest.approx(inner, rel=1e-4, abs=1e-3)
