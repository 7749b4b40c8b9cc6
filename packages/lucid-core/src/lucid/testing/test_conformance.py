"""The backend conformance suite: every registered op, forward and gradients.

Run it against any backend with one command::

    LUCID_BACKEND=mlx python -m pytest --pyargs lucid.testing

The backend named by ``LUCID_BACKEND`` is bound to device ``cpu`` for the run.
"""

import pytest

import lucid
from lucid.ops.registry import OPS
from lucid.testing.case import CASES
from lucid.testing.check import check_forward, check_grad

ALL_CASES = [c for op in sorted(CASES) for c in CASES[op]]


def test_every_op_has_a_case():
    missing = sorted(set(OPS) - set(CASES) - {"to_device"})
    assert not missing, f"ops without a conformance case: {missing}"


def test_backend_has_every_kernel():
    """Every op's kernel, except the optional ones (ops with a composite: test_fused.py)."""
    backend = lucid.backends.for_device(lucid.device("cpu"))
    missing = sorted(op for op in OPS if op not in backend.kernels and op != "to_device"
                     and OPS[op].composite is None)
    assert not missing, f"backend {backend.name!r} lacks kernels: {missing}"


@pytest.mark.parametrize("c", ALL_CASES, ids=[c.id for c in ALL_CASES])
def test_forward(c):
    check_forward(c)


@pytest.mark.parametrize("c", ALL_CASES, ids=[c.id for c in ALL_CASES])
def test_gradient(c):
    check_grad(c)
