"""Linear-algebra ops written with the decompositions ``solve``, ``svd``
and ``eigh``.

``inv a = solve(a, I)``; ``pinv a = V diag(1/s) U^T``
over the singular values ``s > max(atol, rtol * max s)`` (hermitian: the eigenvalues of
``eigh`` by magnitude).
"""

from __future__ import annotations

from lucid.ops.composites import composite, const, ops


def _transpose(m):
    n = len(m.shape)
    return ops.permute(m, axes=(*range(n - 2), n - 1, n - 2))


@composite("inv")
def inv(a):
    n = a.shape[-1]
    eye = ops.eye(n=n, m=n, dtype=a.dtype, device=a.device)
    return ops.solve(a, ops.broadcast_to(eye, shape=a.shape))


def _inverted(values, magnitude, atol, rtol):
    last = (len(magnitude.shape) - 1,)
    peak = ops.amax(magnitude, axis=last, keepdims=True) if magnitude.shape[-1] else magnitude
    cutoff = ops.maximum(const(atol or 0.0, values), ops.mul(const(rtol or 0.0, values), peak))
    kept = ops.lt(cutoff, magnitude)
    one = const(1.0, values)
    return ops.where(kept, ops.div(one, ops.where(kept, values, one)), const(0.0, values))


@composite("pinv")
def pinv(a, *, atol, rtol, hermitian):
    if hermitian:
        w, v = ops.eigh(a, UPLO="L")
        w_inv = _inverted(w, ops.abs(w), atol, rtol)
        return ops.matmul(ops.mul(v, ops.reshape(w_inv, shape=(*w_inv.shape[:-1], 1,
                                                                 w_inv.shape[-1]))),
                          _transpose(v))
    u, s, vh = ops.svd(a, full_matrices=False)
    s_inv = _inverted(s, s, atol, rtol)
    scaled = ops.mul(_transpose(vh), ops.reshape(s_inv, shape=(*s_inv.shape[:-1], 1,
                                                                s_inv.shape[-1])))
    return ops.matmul(scaled, _transpose(u))
