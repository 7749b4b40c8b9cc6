"""Every op runs on the required kernels alone: the conformance cases (forward against
the NumPy reference, gradients against finite differences) on a backend that exposes
only the primitive kernels (:data:`lucid.ops.primitives.REQUIRED`) of the backend under
test, so every other op runs as its composite (:mod:`lucid.ops.composites`).

    LUCID_BACKEND=mlx python -m pytest --pyargs lucid.testing -k primitives_only
"""

import pytest

import lucid
from lucid.backend import Backend
from lucid.ops.primitives import REQUIRED
from lucid.ops.registry import OPS
from lucid.testing.case import CASES
from lucid.testing.check import check_forward, check_grad

CASE_LIST = [c for op in sorted(CASES) for c in CASES[op]]


class PrimitivesOnly(Backend):
    """The backend under test with its optional kernels hidden (data movement, dtypes and
    randomness are its own)."""

    def __init__(self, inner: Backend) -> None:
        self.kernels = {name: fn for name, fn in inner.kernels.items() if name in REQUIRED}
        super().__init__()
        self.inner = inner
        self.name = f"{inner.name}-primitives"
        self.lazy = inner.lazy

    def __getattribute__(self, attr):
        if attr in ("from_numpy", "to_numpy", "native_dtype", "dtype_of", "is_native",
                    "eval", "seed", "scalar", "check_device"):
            return getattr(object.__getattribute__(self, "inner"), attr)
        return object.__getattribute__(self, attr)


@pytest.fixture(scope="module")
def primitives_only():
    inner = lucid.backends.for_device(lucid.device("cpu"))
    restricted = PrimitivesOnly(inner)
    lucid.backends._backends[restricted.name] = restricted
    lucid.backends.bind("cpu", restricted.name)
    yield restricted
    lucid.backends.bind("cpu", inner.name)
    lucid.backends._backends.pop(restricted.name, None)


def test_every_optional_op_has_a_composite():
    lacking = sorted(op for op, o in OPS.items() if op not in REQUIRED and o.composite is None
                     and op != "to_device")
    assert not lacking, f"ops that are neither required nor written with other ops: {lacking}"


@pytest.mark.parametrize("c", CASE_LIST, ids=[c.id for c in CASE_LIST])
def test_forward_on_primitives(c, primitives_only):
    check_forward(c)


@pytest.mark.parametrize("c", CASE_LIST, ids=[c.id for c in CASE_LIST])
def test_gradient_on_primitives(c, primitives_only):
    check_grad(c)
