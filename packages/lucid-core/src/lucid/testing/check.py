"""The checks behind the conformance suite: forward against the reference, backward
against central finite differences, both on whichever backend serves ``device``."""

from __future__ import annotations

import numpy as np
import pytest

import lucid
from lucid.ops.registry import OPS, apply
from lucid.testing.case import OpCase

FLOAT32_RTOL, FLOAT32_ATOL = 2e-4, 2e-5
FD_EPS, FD_RTOL, FD_ATOL = 1e-6, 1e-4, 1e-6


def _to_tensors(arrays, dtype, device, requires_grad=()):
    out = []
    for i, a in enumerate(arrays):
        a = np.asarray(a)
        cast = dtype if a.dtype.kind == "f" else None
        t = lucid.tensor(a, dtype=cast, device=device)
        if i in requires_grad:
            t.requires_grad_()
        out.append(t)
    return out


def run_case(c: OpCase, tensors):
    if c.call is not None:
        return c.call(*tensors, **c.params)
    return apply(c.op, *tensors, **c.params)


def _as_list(result):
    return list(result) if isinstance(result, (tuple, list)) else [result]


def _compare(got, want, rtol, atol, what):
    got_list, want_list = _as_list(got), _as_list(want)
    assert len(got_list) == len(want_list), (
        f"{what}: {len(got_list)} outputs, want {len(want_list)}")
    for g, w in zip(got_list, want_list):
        g = g.numpy() if isinstance(g, lucid.Tensor) else np.asarray(g)
        w = np.asarray(w)
        assert g.shape == w.shape, f"{what}: shape {g.shape}, want {w.shape}"
        if w.dtype.kind == "b" or w.dtype.kind in "iu":
            np.testing.assert_array_equal(g, w, err_msg=what)
        else:
            np.testing.assert_allclose(g.astype(np.float64), w, rtol=rtol, atol=atol,
                                       err_msg=what, equal_nan=True)


def check_forward(c: OpCase, device="cpu", seed: int = 0) -> None:
    """Forward in float64 (and float32 if the case allows) equals the NumPy reference."""
    arrays = c.inputs(np.random.default_rng(seed))
    want = c.reference(*[np.array(a) for a in arrays], **c.params)
    _compare(run_case(c, _to_tensors(arrays, lucid.float64, device)), want, c.rtol, c.atol,
             f"{c.id} float64 forward")
    if c.float32:
        _compare(run_case(c, _to_tensors(arrays, lucid.float32, device)), want,
                 FLOAT32_RTOL, FLOAT32_ATOL, f"{c.id} float32 forward")


def _grad_positions(c: OpCase, arrays):
    if not c.differentiable or not OPS[c.op].differentiable:
        return ()
    if c.grad_inputs is not None:
        return c.grad_inputs
    return tuple(i for i, a in enumerate(arrays) if np.asarray(a).dtype.kind == "f")


def check_grad(c: OpCase, device="cpu", seed: int = 0) -> None:
    """VJP of the op (float64) equals central finite differences of <out, cotangent>."""
    rng = np.random.default_rng(seed)
    arrays = [np.array(a) for a in c.inputs(rng)]
    positions = _grad_positions(c, arrays)
    if not positions:
        pytest.skip(f"{c.id}: nothing to differentiate (no floating input, or the op is "
                    "not differentiable)")
    tensors = _to_tensors(arrays, lucid.float64, device, requires_grad=positions)
    every = _as_list(run_case(c, tensors))
    # the differentiable outputs (a composite's constant side output, such as nll_loss's
    # weights, has no graph; its finite difference is zero all the same)
    picked = [i for i, o in enumerate(every) if isinstance(o, lucid.Tensor)
              and o.dtype.is_floating_point and o.requires_grad]
    assert picked, f"{c.id}: no output depends on the inputs {positions}"
    outputs = [every[i] for i in picked]
    cotangents = [rng.standard_normal(o.shape) for o in outputs]

    def objective(values) -> float:
        with lucid.no_grad():
            outs = _as_list(run_case(c, _to_tensors(values, lucid.float64, device)))
        return float(sum(np.sum(outs[i].numpy() * w) for i, w in zip(picked, cotangents)))

    grads = lucid.grad(outputs, [tensors[i] for i in positions],
                       grad_outputs=[lucid.tensor(w, device=device) for w in cotangents],
                       allow_unused=True)
    for pos, g in zip(positions, grads):
        numeric = np.zeros_like(arrays[pos])
        flat = numeric.reshape(-1)
        for k in range(flat.size):
            plus = [a.copy() for a in arrays]
            minus = [a.copy() for a in arrays]
            plus[pos].reshape(-1)[k] += FD_EPS
            minus[pos].reshape(-1)[k] -= FD_EPS
            flat[k] = (objective(plus) - objective(minus)) / (2 * FD_EPS)
        got = np.zeros_like(numeric) if g is None else g.numpy()
        np.testing.assert_allclose(got, numeric, rtol=FD_RTOL, atol=FD_ATOL,
                                   err_msg=f"{c.id}: gradient of input {pos}")
