"""Every conformance case on MLX's GPU (Metal or CUDA), in float32: the forward result
against the case's NumPy reference (float32 tolerances) and the gradient against the same
computation on MLX's CPU. Skipped where MLX has no GPU (CI); float64 cases are skipped
(MLX has no float64 on the GPU)."""

from __future__ import annotations

import numpy as np
import pytest

import lucid
import lucid.testing.cases  # noqa: F401  (fills CASES)
from lucid.testing.case import CASES
from lucid.testing.check import FLOAT32_ATOL, FLOAT32_RTOL, _compare, _grad_positions, run_case
from lucid_backend_mlx.backend import gpu_available

pytestmark = pytest.mark.skipif(not gpu_available(), reason="MLX has no GPU here")

ALL = [c for op in sorted(CASES) for c in CASES[op]]


def _float64_params(c) -> bool:
    return any(v == lucid.float64 for v in c.params.values() if isinstance(v, lucid.DType))


def _tensors(arrays, device, grads=()):
    out = []
    for i, a in enumerate(arrays):
        a = np.asarray(a)
        t = lucid.tensor(a, dtype=lucid.float32 if a.dtype.kind == "f" else None,
                         device=device)
        out.append(t.requires_grad_() if i in grads else t)
    return out


@pytest.fixture(scope="module", autouse=True)
def mlx_serves_both():
    before = lucid.backends.binding().get("cpu")
    lucid.backends.bind("gpu", "mlx")
    lucid.backends.bind("cpu", "mlx")
    yield
    lucid.backends.bind("cpu", before or "numpy")


@pytest.mark.parametrize("c", ALL, ids=[c.id for c in ALL])
def test_float32_on_gpu(c):
    if not c.float32 or _float64_params(c):
        pytest.skip("float64-only case")
    arrays = c.inputs(np.random.default_rng(0))
    want = c.reference(*[np.array(a) for a in arrays], **c.params)
    _compare(run_case(c, _tensors(arrays, "gpu")), want, FLOAT32_RTOL, FLOAT32_ATOL,
             f"{c.id} float32 forward on gpu")
    positions = _grad_positions(c, arrays)
    if not positions:
        return
    grads = {}
    for device in ("gpu", "cpu"):
        tensors = _tensors(arrays, device, positions)
        outs = run_case(c, tensors)
        outs = [o for o in (outs if isinstance(outs, (tuple, list)) else [outs])
                if isinstance(o, lucid.Tensor) and o.dtype.is_floating_point]
        seed = [np.random.default_rng(1).standard_normal(o.shape) for o in outs]
        got = lucid.grad(outs, [tensors[i] for i in positions],
                         grad_outputs=[lucid.tensor(s, dtype=lucid.float32, device=device)
                                       for s in seed], allow_unused=True)
        grads[device] = [None if g is None else g.numpy() for g in got]
    for g_gpu, g_cpu in zip(grads["gpu"], grads["cpu"]):
        if g_gpu is not None:
            scale = max(float(np.max(np.abs(g_cpu))), 1.0) if g_cpu.size else 1.0
            np.testing.assert_allclose(g_gpu, g_cpu, rtol=1e-4, atol=1e-5 * scale,
                                       err_msg=f"{c.id}: gradient on gpu vs cpu")
