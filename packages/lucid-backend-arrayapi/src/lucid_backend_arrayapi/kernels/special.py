"""``erf``: the library's own where it has one, else a standard-only evaluation.

Standard-only, in float64: the Maclaurin series
``erf(x) = 2/sqrt(pi) * sum_n (-1)^n x^(2n+1) / (n! (2n+1))`` for ``|x| < 2.5`` (60 terms,
below 1e-15 there), and for ``|x| >= 2.5`` the continued fraction
``erfc(x) = exp(-x^2)/sqrt(pi) * 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + ...)))))``
evaluated bottom-up (40 levels), ``erf = sign(x) (1 - erfc(|x|))``.
"""

from __future__ import annotations

import importlib
import math

SERIES_TERMS, FRACTION_DEPTH, SWITCH = 60, 40, 2.5
NATIVE = {"torch": ("torch.special", "erf"), "jax": ("jax.scipy.special", "erf"),
          "cupy": ("cupyx.scipy.special", "erf"), "numpy": ("scipy.special", "erf")}


def erf_kernel(b):
    module, fn = NATIVE.get(b.library, (None, None))
    if module is not None:
        try:
            native = getattr(importlib.import_module(module), fn)
        except ImportError:
            native = None
        if native is not None:
            return lambda x: b.xp.asarray(native(x), dtype=x.dtype)
    return lambda x: standard_erf(b.xp, x)


def standard_erf(xp, x):
    wide = xp.astype(x, xp.float64) if x.dtype != xp.float64 else x
    a = xp.abs(wide)
    small = xp.minimum(a, SWITCH)  # each branch on a range where it converges
    large = xp.maximum(a, SWITCH)
    sq = small * small
    term, total = small, small
    for n in range(1, SERIES_TERMS):
        term = -term * sq / n
        total = total + term / (2 * n + 1)
    series = total * (2 / math.sqrt(math.pi))
    fraction = large
    for k in range(FRACTION_DEPTH, 0, -1):
        fraction = large + (k / 2) / fraction
    erfc = xp.exp(-large * large) / (math.sqrt(math.pi) * fraction)
    out = xp.where(a < SWITCH, series, 1 - erfc)
    out = xp.where(wide < 0, -out, out)
    return xp.astype(out, x.dtype) if x.dtype != xp.float64 else out
