"""Creation kernels: ``full``, ``arange``, ``linspace``, ``logspace``, ``eye``.

Float ranges are computed in float64 and cast, as ``start + step * arange(n)`` with
``n = ceil((stop - start) / step)``; ``logspace = base ** linspace``.
"""

from __future__ import annotations

import math


def kernels(b) -> dict:
    xp = b.xp

    def f64(n):
        return xp.arange(n, dtype=xp.float64, device=b.device)

    def full(*, shape, fill_value, dtype):
        return xp.full(tuple(shape), fill_value, dtype=b.native_dtype(dtype), device=b.device)

    def arange(*, start, stop, step, dtype):
        if all(isinstance(v, int) for v in (start, stop, step)):
            out = xp.arange(start, stop, step, dtype=xp.int64, device=b.device)
            return xp.astype(out, b.native_dtype(dtype))
        n = max(math.ceil((stop - start) / step), 0)
        return xp.astype(start + step * f64(n), b.native_dtype(dtype))

    def linspace(*, start, stop, num, dtype):
        out = xp.linspace(start, stop, num, dtype=xp.float64, device=b.device)
        return xp.astype(out, b.native_dtype(dtype))

    def logspace(*, start, stop, num, base, dtype):
        exponents = xp.linspace(start, stop, num, dtype=xp.float64, device=b.device)
        return xp.astype(xp.pow(xp.asarray(base, dtype=xp.float64, device=b.device),
                                exponents), b.native_dtype(dtype))

    def eye(*, n, m, dtype):
        return xp.eye(n, m, dtype=b.native_dtype(dtype), device=b.device)

    return {"full": full, "arange": arange, "linspace": linspace, "logspace": logspace,
            "eye": eye}
