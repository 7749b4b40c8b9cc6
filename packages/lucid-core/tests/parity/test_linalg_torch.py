"""Products, ordering and linear algebra against PyTorch itself (values and gradients).

Decompositions are compared through sign-invariant functions of their outputs."""

import math

import numpy as np
import pytest
import torch

import lucid

RNG = np.random.default_rng(3)


def _pair(a):
    a = np.asarray(a, dtype=np.float64)
    return lucid.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)


def _parity(lucid_fn, torch_fn, *arrays, rtol=1e-10, atol=1e-12):
    pairs = [_pair(a) for a in arrays]
    ys = lucid_fn(*[p[0] for p in pairs])
    us = torch_fn(*[p[1] for p in pairs])
    ys = ys if isinstance(ys, tuple) else (ys,)
    us = us if isinstance(us, tuple) else (us,)
    loss_l, loss_t = 0.0, 0.0
    for y, u in zip(ys, us):
        np.testing.assert_allclose(y.detach().numpy(), u.detach().numpy(), rtol=rtol, atol=atol)
        if u.dtype.is_floating_point:
            w = RNG.standard_normal(tuple(u.shape))
            loss_l = loss_l + (y * lucid.tensor(w)).sum()
            loss_t = loss_t + (u * torch.tensor(w)).sum()
    loss_l.backward()
    loss_t.backward()
    for x, t in pairs:
        np.testing.assert_allclose(x.grad.numpy(), t.grad.numpy(), rtol=rtol, atol=atol)


@pytest.mark.parametrize("eq, shapes", [("ij,jk->ik", [(2, 3), (3, 4)]),
                                        ("...ij,...jk", [(2, 1, 2, 3), (3, 3, 2)]),
                                        ("ii->i", [(3, 3)]), ("bn,anm,bm->ba",
                                                               [(2, 3), (4, 3, 5), (2, 5)])])
def test_einsum(eq, shapes):
    arrays = [RNG.standard_normal(s) for s in shapes]
    _parity(lambda *x: lucid.einsum(eq, *x), lambda *x: torch.einsum(eq, *x), *arrays)


def test_tensordot_inner_outer_trace():
    a, b = RNG.standard_normal((2, 3, 4)), RNG.standard_normal((4, 3, 5))
    _parity(lambda x, y: lucid.tensordot(x, y, ([1, 2], [1, 0])),
            lambda x, y: torch.tensordot(x, y, ([1, 2], [1, 0])), a, b)
    _parity(lucid.inner, torch.inner, a, RNG.standard_normal((5, 4)))
    _parity(lucid.outer, torch.outer, RNG.standard_normal(3), RNG.standard_normal(4))
    _parity(lucid.trace, torch.trace, RNG.standard_normal((3, 4)))


def test_sort_topk_kthvalue_median():
    x = RNG.standard_normal((4, 6))
    _parity(lambda v: tuple(v.sort(1, descending=True)),
            lambda v: tuple(v.sort(1, descending=True)), x)
    _parity(lambda v: tuple(v.topk(3, dim=0)), lambda v: tuple(v.topk(3, dim=0)), x)
    _parity(lambda v: tuple(v.kthvalue(2, 1)), lambda v: tuple(v.kthvalue(2, 1)), x)
    _parity(lambda v: tuple(v.median(1)), lambda v: tuple(v.median(1)), x)
    _parity(lambda v: v.median(), lambda v: v.median(), x)


def test_unique_matches_torch():
    x = RNG.integers(0, 4, (3, 5))
    got = lucid.unique(lucid.tensor(x), return_inverse=True, return_counts=True)
    want = torch.unique(torch.tensor(x), return_inverse=True, return_counts=True)
    for g, w in zip(got, want):
        np.testing.assert_array_equal(g.numpy(), w.numpy())


def _well(*shape):
    return RNG.standard_normal(shape) + 3 * np.eye(shape[-1])


def test_inverse_det_solve_pinv():
    a = _well(2, 3, 3)
    _parity(lucid.linalg.inv, torch.linalg.inv, a)
    _parity(lucid.linalg.det, torch.linalg.det, a)
    _parity(lambda x: tuple(lucid.linalg.slogdet(x)), lambda x: tuple(torch.linalg.slogdet(x)),
            a)
    _parity(lucid.linalg.solve, torch.linalg.solve, a, RNG.standard_normal((2, 3, 2)))
    _parity(lucid.linalg.pinv, torch.linalg.pinv, RNG.standard_normal((4, 3)))
    _parity(lambda x: lucid.linalg.matrix_power(x, -2),
            lambda x: torch.linalg.matrix_power(x, -2), a)


def test_decompositions_through_invariants():
    m = RNG.standard_normal((3, 3))
    spd = m @ m.T + 3 * np.eye(3)
    _parity(lucid.linalg.cholesky, torch.linalg.cholesky, spd)
    _parity(lambda x: lucid.linalg.eigh(x)[0], lambda x: torch.linalg.eigh(x)[0], spd)
    _parity(lambda x: lucid.linalg.eigh(x)[1] ** 2, lambda x: torch.linalg.eigh(x)[1] ** 2, spd)
    b = RNG.standard_normal((4, 3))
    _parity(lambda x: lucid.linalg.svd(x, full_matrices=False)[0] ** 2,
            lambda x: torch.linalg.svd(x, full_matrices=False)[0] ** 2, b)
    _parity(lucid.linalg.svdvals, torch.linalg.svdvals, b)
    _parity(lambda x: tuple(v ** 2 for v in lucid.linalg.qr(x)),
            lambda x: tuple(v ** 2 for v in torch.linalg.qr(x)), RNG.standard_normal((3, 5)))


@pytest.mark.parametrize("ord", ["fro", "nuc", 2, -2, 1, -1, math.inf, -math.inf])
def test_matrix_norms(ord):  # noqa: A002
    _parity(lambda x: lucid.linalg.matrix_norm(x, ord),
            lambda x: torch.linalg.matrix_norm(x, ord), RNG.standard_normal((2, 3, 4)))


@pytest.mark.parametrize("ord", [2, 1, 3.5, math.inf, -math.inf])
def test_vector_norms(ord):  # noqa: A002
    _parity(lambda x: lucid.linalg.vector_norm(x, ord, dim=-1),
            lambda x: torch.linalg.vector_norm(x, ord, dim=-1), RNG.standard_normal((3, 4)))


def test_matrix_exp_and_cross():
    _parity(lucid.linalg.matrix_exp, torch.linalg.matrix_exp, RNG.standard_normal((2, 3, 3)) * 2)
    _parity(lucid.linalg.cross, torch.linalg.cross, RNG.standard_normal((4, 3)),
            RNG.standard_normal((4, 3)))
