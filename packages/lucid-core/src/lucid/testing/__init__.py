"""``lucid.testing``: the conformance suite any backend runs, and its building blocks.

``LUCID_BACKEND=<name> python -m pytest --pyargs lucid.testing`` checks every registered
op on that backend: forward results against NumPy float64 references and gradients
against central finite differences. Add checks for a new op with :func:`case` in a
module of :mod:`lucid.testing.cases`.
"""

from lucid.testing import cases as _cases  # noqa: E402  (fills CASES)
from lucid.testing.case import CASES, OpCase, case, positive, randn
from lucid.testing.check import check_forward, check_grad

__all__ = ["CASES", "OpCase", "case", "check_forward", "check_grad", "positive", "randn"]
