"""The ``meta`` device (shapes and dtypes, no data) against the backend serving ``cpu``:
for every conformance case, each output's shape and dtype, and each input gradient's
shape and dtype after ``backward()``, must equal what the real computation gives.

Ops whose output size depends on input values cannot run on meta; they must raise the
meta backend's ``MetaDataError`` instead (:data:`VALUE_DEPENDENT`). Indexing with index
*tensors* on meta (inputs, or made by the case inside the meta block) either gives the
right shapes (the raw ops need only the index's shape) or raises ``MetaDataError`` where
Lucid reads index values on the host (public functions check bounds there first).
Cases whose ``call`` summarises sampled or decomposed values in NumPy (random ops, ``eig``)
run their raw op here (:data:`RAW_OP`).
"""

import numpy as np
import pytest

import lucid
from lucid.ops.registry import OPS, apply
from lucid.testing.case import CASES
from lucid.testing.check import _as_list, _grad_positions, _to_tensors, run_case

meta = pytest.importorskip("lucid_backend_meta", reason="lucid-backend-meta is not installed")

ALL_CASES = [c for op in sorted(CASES) for c in CASES[op]]
VALUE_DEPENDENT = {"nonzero", "unique"}
INDEX_OPS = {"getitem", "setitem", "getitem_grad", "gather", "scatter", "scatter_add"}
RAW_OP = {"bernoulli", "multinomial", "normal", "randint", "randperm", "uniform", "eig"}


def _run(c, tensors):
    return apply(c.op, *tensors, **c.params) if c.op in RAW_OP else run_case(c, tensors)


def _signature(result):
    return [(tuple(o.shape), o.dtype) if isinstance(o, lucid.Tensor) else o
            for o in _as_list(result)]


def test_meta_has_every_kernel():
    """Every op without a composite has a meta kernel (composites run on the others)."""
    backend = lucid.backends.get("meta")
    missing = sorted(op for op in OPS if op not in backend.kernels and op != "to_device"
                     and OPS[op].composite is None)
    assert not missing, f"meta backend lacks kernels: {missing}"


@pytest.mark.parametrize("c", ALL_CASES, ids=[c.id for c in ALL_CASES])
def test_meta_forward_shapes(c):
    arrays = c.inputs(np.random.default_rng(0))
    for dtype in (lucid.float64, lucid.float32):
        on_meta = _to_tensors(arrays, dtype, "meta")
        if c.op in VALUE_DEPENDENT:
            with pytest.raises(meta.MetaDataError), lucid.device("meta"):
                _run(c, on_meta)
            return
        want = _signature(_run(c, _to_tensors(arrays, dtype, "cpu")))
        try:
            with lucid.device("meta"):  # ops without inputs (creation) land on meta too
                got = _run(c, on_meta)
        except meta.MetaDataError:
            if c.op in INDEX_OPS:
                return  # an index tensor on meta: its values are needed on the host
            raise
        assert all(o.device == "meta" for o in _as_list(got) if isinstance(o, lucid.Tensor))
        assert _signature(got) == want, f"{c.id} ({dtype}): meta {_signature(got)}, cpu {want}"


@pytest.mark.parametrize("c", ALL_CASES, ids=[c.id for c in ALL_CASES])
def test_meta_gradient_shapes(c):
    arrays = [np.array(a) for a in c.inputs(np.random.default_rng(0))]
    positions = _grad_positions(c, arrays)
    if not positions or c.op in VALUE_DEPENDENT:
        return
    grads = {}
    for device in ("meta", "cpu"):
        tensors = _to_tensors(arrays, lucid.float64, device, requires_grad=positions)
        try:
            with lucid.device(device):
                # outputs that carry a graph (a backend's composite may return side
                # outputs, such as cross_entropy's class weights, as constants)
                outputs = [o for o in _as_list(_run(c, tensors))
                           if isinstance(o, lucid.Tensor) and o.requires_grad]
        except meta.MetaDataError:
            if c.op in INDEX_OPS:
                return  # as in test_meta_forward_shapes
            raise
        found = lucid.grad(outputs, [tensors[i] for i in positions],
                           grad_outputs=[lucid.ones(o.shape, dtype=o.dtype, device=device)
                                         for o in outputs], allow_unused=True)
        grads[device] = [None if g is None else (tuple(g.shape), g.dtype, str(g.device))
                         for g in found]
    want = [None if g is None else g[:2] + ("meta",) for g in grads["cpu"]]
    assert grads["meta"] == want
