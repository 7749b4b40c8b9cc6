"""Fused kernels against composites: every op that defines a ``composite`` and has a
kernel on the backend under test runs both ways on the same random inputs.

For each such op and each of its conformance cases that calls the raw op (the case's
``call`` is ``None`` or a :class:`~lucid.testing.cases.fused.Visible` cut), the check
compares the fused forward (:func:`~lucid.ops.registry.apply`, the backend's kernel and
the op's VJP) with the composite (:func:`~lucid.ops.registry.apply_composite`, the graph
of other ops): the visible outputs (those the composite does not leave ``None``) and the
gradient of every floating input under one random cotangent (a plain backward), in
float64 where the backend computes it (else only float32) and in float32 (looser
tolerance). It then checks the fused gradient against central finite differences.
Where the backend has no kernel for the op, the check is skipped: its composite is what
runs there, and the ordinary conformance cases cover it.

    LUCID_BACKEND=mlx python -m pytest --pyargs lucid.testing -k fused
"""

import numpy as np
import pytest

import lucid
from lucid.errors import LucidError
from lucid.ops.registry import OPS, apply, apply_composite
from lucid.testing.case import CASES
from lucid.testing.cases.fused import Visible
from lucid.testing.check import _to_tensors, check_grad

TOLERANCES = {"float64": (1e-9, 1e-12), "float32": (2e-4, 2e-5)}

FUSED_OPS = sorted(name for name, op in OPS.items() if op.composite is not None)
FUSED_CASES = [c for name in FUSED_OPS for c in CASES.get(name, ())
               if c.call is None or isinstance(c.call, Visible)]


def _backend():
    return lucid.backends.for_device(lucid.device("cpu"))


def _skip_without_kernel(op: str) -> None:
    backend = _backend()
    if op not in backend.kernels:
        pytest.skip(f"backend {backend.name!r} has no fused kernel for {op!r}; its "
                    "composite is used")


def _float64_supported() -> bool:
    try:
        lucid.zeros(1, dtype=lucid.float64, device="cpu").numpy()
    except LucidError:
        return False
    return True


def _as_tuple(result) -> tuple:
    return tuple(result) if isinstance(result, (tuple, list)) else (result,)


def _run(path, c, arrays, dtype, positions):
    """The visible outputs of one path and the gradients of ``positions`` under fixed
    cotangents (seeded by the case, so both paths get the same ones)."""
    tensors = _to_tensors(arrays, dtype, "cpu", requires_grad=positions)
    outputs = _as_tuple(path(c.op, *tensors, **c.params))
    visible = [o for o in _as_tuple(apply_composite(
        c.op, *_to_tensors(arrays, dtype, "cpu"), **c.params)) if o is not None]
    outputs = outputs[:len(visible)]
    rng = np.random.default_rng(1)
    floating = [o for o in outputs if o.dtype.is_floating_point and o.requires_grad]
    grads = ()
    if floating and positions:
        cotangents = [lucid.tensor(rng.standard_normal(o.shape), dtype=dtype) for o in floating]
        grads = lucid.grad(floating, [tensors[i] for i in positions],
                           grad_outputs=cotangents, allow_unused=True)
    return [o.numpy() for o in outputs], [None if g is None else g.numpy() for g in grads]


def _positions(c, arrays) -> tuple[int, ...]:
    if not c.differentiable or not OPS[c.op].differentiable:
        return ()
    if c.grad_inputs is not None:
        return c.grad_inputs
    return tuple(i for i, a in enumerate(arrays) if np.asarray(a).dtype.kind == "f")


def test_every_composite_op_has_a_raw_case():
    """Random ops draw differently on the two paths and ops whose cases call a public
    function are compared only by test_primitives_only.py (against the reference)."""
    covered = {c.op for c in FUSED_CASES}
    statistical = {op for op in FUSED_OPS if CASES.get(op) and all(
        c.call is not None and not isinstance(c.call, Visible) for c in CASES[op])}
    missing = [op for op in FUSED_OPS if op not in covered and op not in statistical]
    assert not missing, f"ops with a composite but no case calling the raw op: {missing}"


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("c", FUSED_CASES, ids=[c.id for c in FUSED_CASES])
def test_fused_matches_composite(c, dtype):
    _skip_without_kernel(c.op)
    if dtype == "float64" and not _float64_supported():
        pytest.skip(f"backend {_backend().name!r} has no float64 on this device")
    arrays = [np.array(a) for a in c.inputs(np.random.default_rng(0))]
    positions = _positions(c, arrays)
    lucid_dtype = getattr(lucid, dtype)
    fused_out, fused_grads = _run(apply, c, arrays, lucid_dtype, positions)
    comp_out, comp_grads = _run(apply_composite, c, arrays, lucid_dtype, positions)
    rtol, atol = TOLERANCES[dtype]
    for i, (f, m) in enumerate(zip(fused_out, comp_out)):
        np.testing.assert_allclose(f, m, rtol=rtol, atol=atol, equal_nan=True,
                                   err_msg=f"{c.id} {dtype}: output {i}, fused vs composite")
    for pos, f, m in zip(positions, fused_grads, comp_grads):
        if f is None or m is None:
            assert f is None and m is None, f"{c.id}: gradient of input {pos} on one path only"
            continue
        np.testing.assert_allclose(f, m, rtol=rtol, atol=atol * 10,
                                   err_msg=f"{c.id} {dtype}: gradient of input {pos}, "
                                   "fused vs composite")


@pytest.mark.parametrize("c", FUSED_CASES, ids=[c.id for c in FUSED_CASES])
def test_fused_gradient_matches_finite_differences(c):
    _skip_without_kernel(c.op)
    if not _float64_supported():
        pytest.skip(f"backend {_backend().name!r} has no float64 on this device")
    check_grad(c)
