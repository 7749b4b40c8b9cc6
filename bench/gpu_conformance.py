"""Lucid on device "gpu" (MLX): sanity checks and the conformance forward cases in float32.

    python bench/gpu_conformance.py [--grad]

1. a tensor made with device="gpu" is an mx.array on MLX's GPU;
2. a small MLP forward/backward on gpu (float32) equals the NumPy backend on cpu;
3. float64 on gpu raises DTypeError;
4. every conformance case's float32 forward on "gpu" against its NumPy reference
   (the float64 half is skipped: MLX has no float64 on the GPU);
5. with --grad: float32 gradients on gpu against float64 gradients on cpu (NumPy backend),
   loose tolerance (rtol 2e-3, atol 2e-4), for the differentiable cases.
"""

from __future__ import annotations

import os
import sys
import time
import traceback

import numpy as np

import lucid
from lucid.testing.case import CASES
from lucid.testing.check import (
    FLOAT32_ATOL,
    FLOAT32_RTOL,
    _as_list,
    _compare,
    _grad_positions,
    _to_tensors,
    run_case,
)

DEV = os.environ.get("GPUCONF_DEVICE", "gpu")


def sanity():
    import mlx.core as mx
    print("binding:", lucid.backends.binding(), "mx default device:", mx.default_device())
    x = lucid.randn(3, 4, device="gpu")
    print("gpu tensor:", type(x.data), x.device, x.dtype)
    rng = np.random.default_rng(0)
    xs = rng.standard_normal((16, 8)).astype(np.float32)
    w1 = rng.standard_normal((8, 32)).astype(np.float32) * 0.3
    b1 = rng.standard_normal(32).astype(np.float32) * 0.1
    w2 = rng.standard_normal((32, 3)).astype(np.float32) * 0.3
    res = {}
    for dev in ("cpu", "gpu"):
        ts = [lucid.tensor(a, device=dev, requires_grad=(i > 0))
              for i, a in enumerate((xs, w1, b1, w2))]
        h = (ts[0] @ ts[1] + ts[2]).relu() if hasattr(ts[0], "relu") else None
        if h is None:
            h = lucid.maximum(ts[0] @ ts[1] + ts[2], lucid.tensor(0.0, device=dev))
        out = (h @ ts[3]).tanh().sum() if hasattr(h, "tanh") else (h @ ts[3]).sum()
        out.backward()
        res[dev] = [out.numpy()] + [t.grad.numpy() for t in ts[1:]]
        print(dev, "backend of out:", type(out.data).__module__)
    for name, a, b in zip(("loss", "dw1", "db1", "dw2"), res["cpu"], res["gpu"]):
        err = np.max(np.abs(a - b) / (np.abs(a) + 1e-6))
        ok = np.allclose(a, b, rtol=1e-4, atol=1e-5)
        print(f"MLP {name}: max rel err {err:.2e} allclose(rtol=1e-4, atol=1e-5)={ok}")
    try:
        lucid.randn(2, 2, dtype=lucid.float64, device="gpu")
        print("float64 on gpu: NO ERROR (bug)")
    except Exception as exc:  # noqa: BLE001
        print(f"float64 on gpu (create): {type(exc).__name__}: {exc}")
    try:
        lucid.randn(2, 2, device="gpu").to(lucid.float64) if hasattr(lucid.Tensor, "to") else None
        print("float64 on gpu (cast): NO ERROR (bug)")
    except Exception as exc:  # noqa: BLE001
        print(f"float64 on gpu (cast): {type(exc).__name__}: {exc}")
    try:
        lucid.tensor(np.ones(2), dtype=lucid.float64).to("gpu")
        print("float64 on gpu (move): NO ERROR (bug)")
    except Exception as exc:  # noqa: BLE001
        print(f"float64 on gpu (move): {type(exc).__name__}: {exc}")


def forward_cases():
    passed, skipped, failed = 0, 0, []
    t0 = time.perf_counter()
    for op in sorted(CASES):
        for c in CASES[op]:
            if not c.float32:
                skipped += 1
                continue
            try:
                arrays = c.inputs(np.random.default_rng(0))
                want = c.reference(*[np.array(a) for a in arrays], **c.params)
                got = run_case(c, _to_tensors(arrays, lucid.float32, DEV))
                for g in _as_list(got):
                    if isinstance(g, lucid.Tensor) and g.device.type != DEV:
                        raise AssertionError(f"output on {g.device}, want gpu")
                _compare(got, want, FLOAT32_RTOL, FLOAT32_ATOL, f"{c.id} float32 gpu forward")
                passed += 1
            except Exception as exc:  # noqa: BLE001
                failed.append((c.id, f"{type(exc).__name__}: {str(exc)[:600]}"))
    print(f"\nFORWARD float32 on gpu: {passed} passed, {len(failed)} failed, "
          f"{skipped} skipped (float64-only cases) in {time.perf_counter() - t0:.1f}s")
    for cid, msg in failed:
        print(f"  FAIL {cid}: {msg}")


def grad_cases():
    passed, failed, none = 0, [], 0
    t0 = time.perf_counter()
    for op in sorted(CASES):
        for c in CASES[op]:
            try:
                rng = np.random.default_rng(0)
                arrays = [np.array(a) for a in c.inputs(rng)]
                positions = _grad_positions(c, arrays)
                if not positions or not c.float32:
                    none += 1
                    continue
                cot = None
                grads = {}
                for dev, dt in (("cpu", lucid.float64), (DEV, lucid.float32)):
                    ts = _to_tensors(arrays, dt, dev, requires_grad=positions)
                    outs = [o for o in _as_list(run_case(c, ts))
                            if isinstance(o, lucid.Tensor) and o.dtype.is_floating_point]
                    if cot is None:
                        cot = [np.random.default_rng(1).standard_normal(o.shape) for o in outs]
                    gs = lucid.grad(outs, [ts[i] for i in positions],
                                    grad_outputs=[lucid.tensor(w, dtype=dt, device=dev)
                                                  for w in cot], allow_unused=True)
                    grads[dev] = [None if g is None else g.numpy() for g in gs]
                for a, b in zip(grads["cpu"], grads[DEV]):
                    if a is None or b is None:
                        assert a is None and b is None, "grad None on one side only"
                        continue
                    np.testing.assert_allclose(b.astype(np.float64), a, rtol=2e-3, atol=2e-4)
                passed += 1
            except Exception as exc:  # noqa: BLE001
                failed.append((c.id, f"{type(exc).__name__}: {str(exc)[:400]}"))
    print(f"\nGRAD float32 gpu vs float64 cpu: {passed} passed, {len(failed)} failed, "
          f"{none} without gradient/float32 in {time.perf_counter() - t0:.1f}s")
    for cid, msg in failed:
        print(f"  FAIL {cid}: {msg}")


if __name__ == "__main__":
    if DEV == "cpu":
        lucid.backends.bind("cpu", "mlx")
    try:
        sanity()
    except Exception:  # noqa: BLE001
        traceback.print_exc()
    sys.stdout.flush()
    forward_cases()
    sys.stdout.flush()
    if "--grad" in sys.argv:
        grad_cases()
