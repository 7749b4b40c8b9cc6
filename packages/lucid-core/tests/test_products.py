"""Products: dot, vdot, inner, outer, tensordot, mm, bmm, mv, trace, einsum (forward against
NumPy, errors, gradients of the composites, second derivatives of matmul and einsum)."""

import numpy as np
import pytest
from hvp_helpers import hvp_check as shared_hvp_check

import lucid
from lucid.errors import ShapeError

RNG = np.random.default_rng(0)


def t(a, grad=False):
    return lucid.tensor(np.asarray(a, dtype=np.float64), requires_grad=grad)


def randn(*shape):
    return RNG.standard_normal(shape)


def hvp_check(f, x0, eps=1e-5, rtol=1e-5, atol=1e-7):
    """Second derivative: grad(<grad f(x), v>) against central differences of grad f."""
    shared_hvp_check(f, x0, RNG, eps=eps, rtol=rtol, atol=atol)


# -- dot / vdot / inner / outer -------------------------------------------------------
def test_dot_and_vdot_of_vectors():
    a, b = randn(5), randn(5)
    assert lucid.dot(t(a), t(b)).shape == ()
    np.testing.assert_allclose(lucid.dot(t(a), t(b)).numpy(), a @ b)
    np.testing.assert_allclose(t(a).dot(t(b)).numpy(), a @ b)
    np.testing.assert_allclose(lucid.vdot(t(a), t(b)).numpy(), a @ b)


def test_dot_of_integers_stays_integer():
    out = lucid.dot(lucid.tensor([1, 2, 3]), lucid.tensor([4, 5, 6]))
    assert out.dtype == lucid.int64 and out.item() == 32


def test_dot_rejects_matrices_and_size_mismatch():
    with pytest.raises(ShapeError, match=r"dot: expected a 1-D tensor.*\(2, 2\)"):
        lucid.dot(t(np.eye(2)), t([1.0, 2.0]))
    with pytest.raises(ShapeError, match=r"dot.*\(3,\).*\(2,\)"):
        lucid.dot(t([1.0, 2.0, 3.0]), t([1.0, 2.0]))


def test_dot_gradient():
    a, b = t(randn(4), grad=True), t(randn(4), grad=True)
    lucid.dot(a, b).backward()
    np.testing.assert_allclose(a.grad.numpy(), b.numpy())
    np.testing.assert_allclose(b.grad.numpy(), a.numpy())


def test_inner_matches_numpy_for_nd():
    a, b = randn(2, 3, 4), randn(5, 4)
    np.testing.assert_allclose(lucid.inner(t(a), t(b)).numpy(), np.inner(a, b))
    np.testing.assert_allclose(lucid.inner(t(a[0, 0]), t(b[0])).numpy(), np.inner(a[0, 0], b[0]))
    np.testing.assert_allclose(lucid.inner(t(2.0), t(b)).numpy(), 2.0 * b)
    with pytest.raises(ShapeError, match="inner"):
        lucid.inner(t(randn(2, 3)), t(randn(2, 4)))


def test_outer_and_ger():
    a, b = randn(3), randn(4)
    np.testing.assert_allclose(lucid.outer(t(a), t(b)).numpy(), np.outer(a, b))
    np.testing.assert_allclose(t(a).ger(t(b)).numpy(), np.outer(a, b))
    x, y = t(a, grad=True), t(b, grad=True)
    lucid.outer(x, y).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), np.full(3, b.sum()))
    np.testing.assert_allclose(y.grad.numpy(), np.full(4, a.sum()))
    with pytest.raises(ShapeError, match="outer"):
        lucid.outer(t(randn(2, 2)), t(b))


# -- tensordot ------------------------------------------------------------------------
@pytest.mark.parametrize("shapes, axes", [
    (((2, 3, 4), (3, 4, 5)), 2),
    (((2, 3, 4), (4, 5)), 1),
    (((2, 3), (4, 5)), 0),
    (((2, 3, 4), (4, 3, 5)), ([1, 2], [1, 0])),
    (((3, 4, 2), (2, 3)), ([0, -1], [1, 0])),
    (((3, 4), (4, 3)), ([0, 1], [1, 0])),
])
def test_tensordot_matches_numpy(shapes, axes):
    a, b = randn(*shapes[0]), randn(*shapes[1])
    np.testing.assert_allclose(lucid.tensordot(t(a), t(b), axes).numpy(),
                               np.tensordot(a, b, axes), atol=1e-12)


def test_tensordot_dims_keyword_and_gradient():
    a, b = randn(2, 3, 4), randn(3, 4, 5)
    x, y = t(a, grad=True), t(b, grad=True)
    out = lucid.tensordot(x, y, dims=2)
    np.testing.assert_allclose(out.numpy(), np.tensordot(a, b, 2))
    w = randn(2, 5)
    out.backward(t(w))
    np.testing.assert_allclose(x.grad.numpy(), np.einsum("ik,jlk->ijl", w, b))
    np.testing.assert_allclose(y.grad.numpy(), np.einsum("ik,ijl->jlk", w, a))


def test_tensordot_errors():
    with pytest.raises(ShapeError, match="tensordot"):
        lucid.tensordot(t(randn(2, 3)), t(randn(4, 5)), 1)
    with pytest.raises(ShapeError, match="tensordot"):
        lucid.tensordot(t(randn(2, 3)), t(randn(3, 5)), ([1], [0, 1]))
    with pytest.raises(ShapeError, match="tensordot"):
        lucid.tensordot(t(randn(2, 3)), t(randn(3, 5)), 3)


# -- mm / bmm / mv / trace ------------------------------------------------------------
def test_mm_bmm_mv():
    a, b = randn(3, 4), randn(4, 2)
    np.testing.assert_allclose(lucid.mm(t(a), t(b)).numpy(), a @ b)
    np.testing.assert_allclose(t(a).mm(t(b)).numpy(), a @ b)
    c, d = randn(2, 3, 4), randn(2, 4, 5)
    np.testing.assert_allclose(lucid.bmm(t(c), t(d)).numpy(), c @ d)
    v = randn(4)
    np.testing.assert_allclose(lucid.mv(t(a), t(v)).numpy(), a @ v)
    np.testing.assert_allclose(t(a).mv(t(v)).numpy(), a @ v)


def test_mm_bmm_mv_shape_errors_name_the_op():
    with pytest.raises(ShapeError, match=r"mm: expected a 2-D.*\(2, 3, 4\)"):
        lucid.mm(t(randn(2, 3, 4)), t(randn(4, 2)))
    with pytest.raises(ShapeError, match="bmm"):
        lucid.bmm(t(randn(3, 4)), t(randn(4, 2)))
    with pytest.raises(ShapeError, match="bmm: batch sizes"):
        lucid.bmm(t(randn(2, 3, 4)), t(randn(3, 4, 2)))
    with pytest.raises(ShapeError, match="mv"):
        lucid.mv(t(randn(3, 4)), t(randn(4, 1)))
    with pytest.raises(ShapeError, match="matmul"):
        lucid.mm(t(randn(3, 4)), t(randn(3, 4)))


def test_trace_square_rectangular_and_gradient():
    a = randn(3, 5)
    assert lucid.trace(t(a)).item() == pytest.approx(np.trace(a))
    x = t(randn(4, 4), grad=True)
    x.trace().backward()
    np.testing.assert_allclose(x.grad.numpy(), np.eye(4))
    assert lucid.trace(lucid.tensor([[1, 2], [3, 4]])).item() == 5
    with pytest.raises(ShapeError, match="trace"):
        lucid.trace(t(randn(2, 2, 2)))


# -- einsum ---------------------------------------------------------------------------
@pytest.mark.parametrize("eq, shapes", [
    ("ij,jk->ik", [(2, 3), (3, 4)]),
    ("ij,jk", [(2, 3), (3, 4)]),
    ("ba,cb", [(3, 2), (4, 3)]),
    ("ii", [(3, 3)]),
    ("ii->i", [(3, 3)]),
    ("ij->", [(3, 3)]),
    ("i,j", [(2,), (3,)]),
    ("...ij->...ji", [(2, 3, 4)]),
    ("...ij,...jk", [(5, 1, 2, 3), (4, 3, 2)]),
    ("i...->...", [(2, 3, 4)]),
    ("bn,anm,bm->ba", [(2, 3), (4, 3, 5), (2, 5)]),
    (" ij , jk -> ki ", [(2, 3), (3, 4)]),
    ("iIj,jJ->IJ", [(2, 3, 4), (4, 5)]),
])
def test_einsum_matches_numpy(eq, shapes):
    arrays = [randn(*s) for s in shapes]
    got = lucid.einsum(eq, *[t(a) for a in arrays]).numpy()
    np.testing.assert_allclose(got, np.einsum(eq.replace(" ", ""), *arrays), atol=1e-12)


def test_einsum_accepts_a_list_of_operands_and_promotes_dtypes():
    a = lucid.tensor([[1, 2], [3, 4]])
    b = lucid.tensor([[0.5, 0.0], [0.0, 0.5]])
    out = lucid.einsum("ij,jk->ik", [a, b])
    assert out.dtype == lucid.float32
    np.testing.assert_allclose(out.numpy(), [[0.5, 1.0], [1.5, 2.0]])
    assert lucid.einsum("ii", a).item() == 5


def test_einsum_errors():
    a = t(randn(2, 3))
    with pytest.raises(ShapeError, match="einsum.*2 operand terms"):
        lucid.einsum("ij,jk->ik", a)
    with pytest.raises(ShapeError, match="einsum.*'j'"):
        lucid.einsum("ij,jk->ik", a, t(randn(4, 2)))
    with pytest.raises(ShapeError, match="einsum.*'ijk'"):
        lucid.einsum("ijk->i", a)
    with pytest.raises(ShapeError, match="einsum.*output letter 'z'"):
        lucid.einsum("ij->z", a)
    with pytest.raises(ShapeError, match="repeat"):
        lucid.einsum("ij->ii", a)
    with pytest.raises(ValueError, match="invalid subscripts"):
        lucid.einsum("i1->i", a)


def test_einsum_gradient_of_broadcast_ellipsis_and_diagonal():
    a = t(randn(1, 2, 3), grad=True)
    b = t(randn(4, 3, 2), grad=True)
    lucid.einsum("...ij,...jk->...ik", a, b).sum().backward()
    ones = np.ones((4, 2, 2))
    np.testing.assert_allclose(a.grad.numpy(), (ones @ b.numpy().transpose(0, 2, 1)).sum(0,
                               keepdims=True))
    np.testing.assert_allclose(b.grad.numpy(), a.numpy().transpose(0, 2, 1) @ ones)
    d = t(randn(3, 3), grad=True)
    lucid.einsum("ii->i", d).backward(t([1.0, 2.0, 3.0]))
    np.testing.assert_allclose(d.grad.numpy(), np.diag([1.0, 2.0, 3.0]))


# -- second derivatives ---------------------------------------------------------------
def test_second_derivative_of_matmul():
    b = t(randn(3, 2))
    hvp_check(lambda x: ((x @ b) ** 3).sum(), randn(4, 3))


def test_second_derivative_of_einsum():
    b = t(randn(3, 3))
    hvp_check(lambda x: (lucid.einsum("ij,jk,ki->i", x, b, x) ** 2).sum(), randn(3, 3))
    hvp_check(lambda x: (lucid.einsum("ii->i", x) * lucid.einsum("ij->j", x)).sum() ** 2,
              randn(3, 3))


def test_second_derivative_of_tensordot():
    b = t(randn(3, 4, 2))
    hvp_check(lambda x: (lucid.tensordot(x, b, 2) ** 2).sum(), randn(2, 3, 4))


@pytest.mark.parametrize("eq, shapes", [
    ("bqd,bkd->bqk", [(2, 3, 4), (2, 5, 4)]),
    ("ij,kj->", [(2, 3), (4, 3)]),
    ("abc,cd->dba", [(2, 3, 4), (4, 5)]),
    ("ij,ij->ij", [(2, 3), (2, 3)]),
    ("ii,ij->j", [(3, 3), (3, 4)]),
    ("ijk,k->ij", [(2, 3, 4), (4,)]),
    ("i,j,k->ijk", [(2,), (3,), (4,)]),
    ("ab,bc,cd,de->ae", [(2, 3), (3, 4), (4, 5), (5, 2)]),
    ("ab,bc,ca->", [(3, 4), (4, 5), (5, 3)]),
    ("abij,cbjk,k->caik", [(2, 3, 2, 4), (2, 3, 4, 5), (5,)]),
    (",i->i", [(), (3,)]),
])
def test_einsum_lowering_to_matmul_matches_numpy(eq, shapes):
    arrays = [randn(*s) for s in shapes]
    got = lucid.einsum(eq, *[t(a) for a in arrays]).numpy()
    np.testing.assert_allclose(got, np.einsum(eq, *arrays), atol=1e-12)
    assert got.shape == np.einsum(eq, *arrays).shape
