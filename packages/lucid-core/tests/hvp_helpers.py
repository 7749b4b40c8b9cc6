"""Second-derivative check shared by the core tests: a Hessian-vector product from double
backward (``create_graph=True``) against central differences of the gradient."""

from __future__ import annotations

import numpy as np

import lucid


def hvp_check(fn, x_np, rng, *, weighted=False, eps=1e-5, rtol=1e-5, atol=1e-7):
    """``H v`` of ``f(x) = <w, fn(x)>`` equals ``(grad f(x + eps v) - grad f(x - eps v)) /
    (2 eps)`` for a random direction ``v``. ``w`` is a random ``N(0, 1)`` tensor of
    ``fn(x)``'s shape when ``weighted``, else ``fn`` must return a scalar (``w = 1``).
    ``rng`` draws ``w`` (first) and ``v``. ``H`` is symmetric, so ``v^T H = H v``."""
    x = lucid.tensor(np.asarray(x_np, dtype=np.float64), requires_grad=True)
    out = fn(x)
    w = [lucid.tensor(rng.standard_normal(out.shape))] if weighted else None
    v = rng.standard_normal(np.shape(x_np))

    def grad_at(values, create_graph=False):
        t = x if values is None else lucid.tensor(np.asarray(values, dtype=np.float64),
                                                  requires_grad=True)
        y = out if values is None else fn(t)
        return lucid.grad([y], [t], grad_outputs=w, create_graph=create_graph)[0]

    g = grad_at(None, create_graph=True)
    hv = lucid.grad([g], [x], grad_outputs=[lucid.tensor(v)], allow_unused=True)[0]
    hv = np.zeros(np.shape(x_np)) if hv is None else hv.numpy()
    numeric = (grad_at(x_np + eps * v).numpy() - grad_at(x_np - eps * v).numpy()) / (2 * eps)
    np.testing.assert_allclose(hv, numeric, rtol=rtol, atol=atol)
