"""The backend conformance suite: every registered op, forward and gradients.

Run it against any backend with one command::

    LUCID_BACKEND=mlx python -m pytest --pyargs lucid.testing

The backend named by ``LUCID_BACKEND`` is bound to device ``cpu`` for the run.
"""

import pytest

import lucid
from lucid.ops.primitives import REQUIRED
from lucid.ops.registry import OPS
from lucid.ops.signatures import SIGNATURES, mismatches
from lucid.testing.case import CASES
from lucid.testing.check import check_forward, check_grad

ALL_CASES = [c for op in sorted(CASES) for c in CASES[op]]


def test_every_op_has_a_case():
    missing = sorted(set(OPS) - set(CASES) - {"to_device"})
    assert not missing, f"ops without a conformance case: {missing}"


def test_backend_has_every_required_kernel():
    """Every primitive kernel (the optional ones run as composites: test_fused.py,
    test_primitives_only.py)."""
    backend = lucid.backends.for_device(lucid.device("cpu"))
    missing = sorted(op for op in REQUIRED if op not in backend.kernels)
    assert not missing, f"backend {backend.name!r} lacks required kernels: {missing}"


def test_kernels_match_declared_signatures():
    """Each kernel takes the arrays and keyword parameters its op declares
    (lucid.ops.signatures)."""
    backend = lucid.backends.for_device(lucid.device("cpu"))
    problems = [p for op, kernel in sorted(backend.kernels.items()) if op in SIGNATURES
                for p in mismatches(op, kernel)]
    assert not problems, f"backend {backend.name!r}: " + "; ".join(problems)


def test_every_op_declares_its_kernel_signature():
    assert sorted(set(OPS) - set(SIGNATURES) - {"to_device"}) == []


def test_raw_cases_pass_exactly_the_declared_parameters():
    """Every case that calls an op's kernel directly passes the declared parameters,
    no more and no fewer (the declaration is what the kernels are called with)."""
    wrong = [(c.id, sorted(c.params), [p.name for p in SIGNATURES[c.op].params])
             for c in ALL_CASES if c.call is None and c.op in SIGNATURES
             and set(c.params) != {p.name for p in SIGNATURES[c.op].params}]
    assert not wrong, f"cases whose parameters differ from the declaration: {wrong}"


@pytest.mark.parametrize("c", ALL_CASES, ids=[c.id for c in ALL_CASES])
def test_forward(c):
    check_forward(c)


@pytest.mark.parametrize("c", ALL_CASES, ids=[c.id for c in ALL_CASES])
def test_gradient(c):
    check_grad(c)
