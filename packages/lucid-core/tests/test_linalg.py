"""lucid.linalg: forward against NumPy (batched too), errors, gradients against finite
differences (including sign-invariant functions of decompositions), second derivatives."""

import math

import numpy as np
import pytest
from hvp_helpers import hvp_check as shared_hvp_check

import lucid
from lucid.errors import DTypeError, LinAlgError, ShapeError

LA = lucid.linalg
RNG = np.random.default_rng(2)


def t(a, grad=False):
    return lucid.tensor(np.asarray(a, dtype=np.float64), requires_grad=grad)


def well(*shape, shift=3.0):
    return RNG.standard_normal(shape) + shift * np.eye(shape[-1])


def spd(*shape):
    m = RNG.standard_normal(shape)
    return m @ np.swapaxes(m, -1, -2) + shape[-1] * np.eye(shape[-1])


def fd_check(f, x0, eps=1e-6, rtol=1e-5, atol=1e-7):
    """d f(x) / dx (f a scalar function of one tensor) against central differences."""
    x = t(x0, grad=True)
    got = lucid.grad(f(x), x).numpy()
    numeric = np.zeros_like(x0)
    for k in range(x0.size):
        step = np.zeros(x0.size)
        step[k] = eps
        step = step.reshape(x0.shape)
        with lucid.no_grad():
            numeric.reshape(-1)[k] = (f(t(x0 + step)).item() - f(t(x0 - step)).item()) / (2 * eps)
    np.testing.assert_allclose(got, numeric, rtol=rtol, atol=atol)


def hvp_check(f, x0, eps=1e-5, rtol=1e-5, atol=1e-7):
    """Second derivative: grad(<grad f(x), v>) against central differences of grad f."""
    shared_hvp_check(f, x0, RNG, eps=eps, rtol=rtol, atol=atol)


def weighted(w):
    """A scalar loss <out, w> with a fixed random cotangent."""
    return lambda out: (out * t(w)).sum()


# -- inv / det / slogdet / logdet -------------------------------------------------------
def test_inv_det_slogdet_batched_match_numpy():
    a = well(2, 3, 4, 4, shift=0.5)
    np.testing.assert_allclose(LA.inv(t(a)).numpy(), np.linalg.inv(a), rtol=1e-10)
    np.testing.assert_allclose(LA.det(t(a)).numpy(), np.linalg.det(a), rtol=1e-10)
    sign, logabs = LA.slogdet(t(a))
    want_sign, want_log = np.linalg.slogdet(a)
    np.testing.assert_array_equal(sign.numpy(), want_sign)
    np.testing.assert_allclose(logabs.numpy(), want_log, rtol=1e-10)
    assert LA.det(t(a)).shape == (2, 3)


def test_hand_computed_2x2():
    a = t([[4.0, 7.0], [2.0, 6.0]])
    assert LA.det(a).item() == pytest.approx(10.0)
    np.testing.assert_allclose(LA.inv(a).numpy(), [[0.6, -0.7], [-0.2, 0.4]])
    np.testing.assert_allclose(LA.solve(a, t([1.0, 0.0])).numpy(), [0.6, -0.2])


def test_top_level_aliases_and_methods():
    a = well(3, 3)
    np.testing.assert_allclose(lucid.inverse(t(a)).numpy(), np.linalg.inv(a))
    np.testing.assert_allclose(t(a).inverse().numpy(), np.linalg.inv(a))
    assert t(a).det().item() == pytest.approx(np.linalg.det(a))
    assert lucid.det(t(a)).item() == pytest.approx(np.linalg.det(a))
    assert lucid.logdet(t(a)).item() == pytest.approx(math.log(np.linalg.det(a)))
    np.testing.assert_allclose(t(a).matrix_power(3).numpy(), np.linalg.matrix_power(a, 3))
    np.testing.assert_allclose(lucid.pinverse(t(a)).numpy(), np.linalg.pinv(a), rtol=1e-8)
    np.testing.assert_allclose(t(spd(3, 3)).cholesky().numpy().shape, (3, 3))


def test_logdet_negative_determinant_is_nan():
    a = t([[0.0, 1.0], [1.0, 0.0]])
    assert math.isnan(lucid.logdet(a).item())


def test_integer_input_becomes_float32():
    a = lucid.tensor([[2, 0], [0, 4]])
    out = LA.inv(a)
    assert out.dtype == lucid.float32
    np.testing.assert_allclose(out.numpy(), [[0.5, 0.0], [0.0, 0.25]])


def test_float16_is_computed_and_returned():
    a = lucid.tensor(np.array([[2.0, 1.0], [1.0, 3.0]], dtype=np.float16))
    out = LA.inv(a)
    assert out.dtype == lucid.float16
    np.testing.assert_allclose(out.numpy(), np.linalg.inv(a.numpy().astype(np.float64)),
                               rtol=1e-3)


@pytest.mark.parametrize("fn", [LA.inv, LA.det, LA.slogdet, LA.cholesky, LA.eigh, LA.eig,
                                lambda a: LA.matrix_power(a, 2)])
def test_non_square_input_is_a_shape_error_naming_op_and_shape(fn):
    with pytest.raises(ShapeError, match=r"expected square matrices, got shape \(2, 3\)"):
        fn(t(np.ones((2, 3))))


def test_vector_input_is_a_shape_error():
    with pytest.raises(ShapeError, match=r"inv: expected a matrix.*\(3,\)"):
        LA.inv(t([1.0, 2.0, 3.0]))
    with pytest.raises(ShapeError, match="svd"):
        LA.svd(t([1.0, 2.0]))


def test_singular_and_not_positive_definite_raise_linalg_error():
    singular = t([[1.0, 2.0], [2.0, 4.0]])
    with pytest.raises(LinAlgError, match="inv: the matrix is singular"):
        LA.inv(singular)
    with pytest.raises(LinAlgError, match="solve"):
        LA.solve(singular, t([1.0, 1.0]))
    with pytest.raises(LinAlgError, match="cholesky: the matrix is not positive-definite"):
        LA.cholesky(t([[1.0, 2.0], [2.0, 1.0]]))
    assert issubclass(LinAlgError, ValueError)
    assert LA.LinAlgError is LinAlgError
    assert LA.det(singular).item() == 0.0
    sign, logabs = LA.slogdet(singular)
    assert sign.item() == 0.0 and logabs.item() == -math.inf


def test_det_gradient_at_singular_matrices_is_the_cofactor_matrix():
    a = t([[1.0, 2.0], [2.0, 4.0]], grad=True)
    LA.det(a).backward()
    np.testing.assert_allclose(a.grad.numpy(), [[4.0, -2.0], [-2.0, 1.0]], atol=1e-12)
    fd_check(lambda x: LA.det(x), np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]]))
    fd_check(lambda x: LA.det(x).sum(), np.stack([np.eye(2), [[1.0, 1.0], [1.0, 1.0]]]))


def test_inv_det_gradients_and_second_derivatives():
    a0 = well(3, 3)
    w = RNG.standard_normal((3, 3))
    fd_check(lambda a: weighted(w)(LA.inv(a)), a0)
    fd_check(lambda a: LA.det(a), a0)
    fd_check(lambda a: LA.slogdet(a).logabsdet, well(3, 3, shift=0.0))
    hvp_check(lambda a: weighted(w)(LA.inv(a)), a0)
    hvp_check(lambda a: LA.det(a) ** 2, a0)
    hvp_check(lambda a: (LA.inv(a) @ a @ a).sum(), well(2, 2))


# -- solve --------------------------------------------------------------------------------
def test_solve_shapes_and_broadcasting():
    a, b = well(2, 3, 3), RNG.standard_normal((3, 4))
    np.testing.assert_allclose(LA.solve(t(a), t(b)).numpy(), np.linalg.solve(a, b))
    v = RNG.standard_normal((2, 3))  # a batch of vectors
    np.testing.assert_allclose(LA.solve(t(a), t(v)).numpy(),
                               np.linalg.solve(a, v[..., None])[..., 0])
    x = LA.solve(t(a), t(b.T[:2, :]), left=False)  # X A = B
    np.testing.assert_allclose((x.numpy() @ a), np.broadcast_to(b.T[:2], (2, 2, 3)),
                               atol=1e-12)
    with pytest.raises(ShapeError, match="solve"):
        LA.solve(t(a), t(RNG.standard_normal((4, 2))))
    with pytest.raises(ShapeError, match="solve"):
        LA.solve(t(np.ones((2, 3))), t([1.0, 2.0]))


def test_solve_gradients():
    a0, b0 = well(3, 3), RNG.standard_normal((3, 2))
    w = RNG.standard_normal((3, 2))
    fd_check(lambda a: weighted(w)(LA.solve(a, t(b0))), a0)
    fd_check(lambda b: weighted(w)(LA.solve(t(a0), b)), b0)
    hvp_check(lambda a: weighted(w)(LA.solve(a, t(b0))) ** 2, a0)


def test_solve_triangular():
    a = well(3, 3)
    b = RNG.standard_normal((3, 2))
    upper = np.triu(a)
    np.testing.assert_allclose(LA.solve_triangular(t(a), t(b), upper=True).numpy(),
                               np.linalg.solve(upper, b))
    unit = np.tril(a, -1) + np.eye(3)
    np.testing.assert_allclose(
        LA.solve_triangular(t(a), t(b), upper=False, unitriangular=True).numpy(),
        np.linalg.solve(unit, b))


# -- cholesky / qr / svd / eigh / eig ---------------------------------------------------
def test_cholesky_batched_and_upper():
    a = spd(2, 4, 4)
    low = LA.cholesky(t(a)).numpy()
    np.testing.assert_allclose(low, np.linalg.cholesky(a))
    np.testing.assert_allclose(LA.cholesky(t(a), upper=True).numpy(),
                               np.swapaxes(np.linalg.cholesky(a), -1, -2))


def test_cholesky_gradient_is_symmetric_and_matches_fd_along_symmetric_inputs():
    a0, w = spd(3, 3), RNG.standard_normal((3, 3))
    a = t(a0, grad=True)
    (LA.cholesky(a) * t(w)).sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), a.grad.numpy().T)
    fd_check(lambda x: weighted(w)(LA.cholesky((x + x.mT) * 0.5)), a0)
    hvp_check(lambda x: weighted(w)(LA.cholesky((x + x.mT) * 0.5)), a0)


@pytest.mark.parametrize("shape, mode", [((4, 3), "reduced"), ((3, 5), "reduced"),
                                         ((2, 4, 3), "complete"), ((3, 3), "complete")])
def test_qr_reconstructs_and_matches_numpy_shapes(shape, mode):
    a = RNG.standard_normal(shape)
    q, r = LA.qr(t(a), mode=mode)
    want_q, want_r = np.linalg.qr(a, mode=mode)
    assert q.shape == want_q.shape and r.shape == want_r.shape
    np.testing.assert_allclose((q @ r).numpy(), a, atol=1e-12)
    np.testing.assert_allclose(np.tril(r.numpy(), -1), 0, atol=1e-14)
    r_only = LA.qr(t(a), mode="r").R
    np.testing.assert_allclose(np.abs(r_only.numpy()), np.abs(np.linalg.qr(a, mode="r")),
                               atol=1e-12)


def test_qr_gradient_and_mode_r_is_not_differentiable():
    a0 = RNG.standard_normal((4, 3))
    w = RNG.standard_normal((3, 3))
    fd_check(lambda a: weighted(w)(LA.qr(a).R * LA.qr(a).R), a0)
    with pytest.raises(RuntimeError, match="qr: the gradient is not defined for mode='r'"):
        LA.qr(t(a0, grad=True), mode="r").R.sum().backward()


def test_svd_matches_numpy_and_reconstructs():
    a = RNG.standard_normal((2, 5, 3))
    u, s, vh = LA.svd(t(a))
    assert u.shape == (2, 5, 5) and vh.shape == (2, 3, 3)
    np.testing.assert_allclose(s.numpy(), np.linalg.svd(a, compute_uv=False))
    u, s, vh = LA.svd(t(a), full_matrices=False)
    np.testing.assert_allclose(((u * s.reshape(2, 1, 3)) @ vh).numpy(), a, atol=1e-12)
    np.testing.assert_allclose(LA.svdvals(t(a)).numpy(), np.linalg.svd(a, compute_uv=False))


def test_svd_gradients_of_invariants():
    a0 = RNG.standard_normal((4, 3))
    w = RNG.standard_normal((4, 3))
    fd_check(lambda a: LA.svdvals(a).sum(), a0)
    fd_check(lambda a: weighted(w)(LA.svd(a, full_matrices=False).U ** 2), a0)
    fd_check(lambda a: weighted(w.T)(LA.svd(a.mT, full_matrices=False).Vh ** 2), a0)
    hvp_check(lambda a: (LA.svdvals(a) ** 3).sum(), a0, rtol=1e-4)


def test_svdvals_gradient_with_repeated_singular_values_is_finite():
    a = t(np.eye(3) * 2.0, grad=True)
    LA.svdvals(a).sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), np.eye(3))


def test_eigh_matches_numpy_upper_lower():
    a = spd(2, 4, 4) - 4 * np.eye(4)
    w, v = LA.eigh(t(a))
    np.testing.assert_allclose(w.numpy(), np.linalg.eigvalsh(a))
    np.testing.assert_allclose((v @ (w.reshape(2, 4, 1) * v.mT)).numpy(), a, atol=1e-12)
    lower_only = np.tril(a)
    np.testing.assert_allclose(LA.eigvalsh(t(lower_only)).numpy(), np.linalg.eigvalsh(a))
    np.testing.assert_allclose(LA.eigvalsh(t(np.triu(a)), UPLO="U").numpy(),
                               np.linalg.eigvalsh(a))


def test_eigh_gradients():
    a0, w = RNG.standard_normal((3, 3)), RNG.standard_normal((3, 3))
    sym = lambda x: (x + x.mT) * 0.5  # noqa: E731
    fd_check(lambda x: (LA.eigvalsh(sym(x)) * t([1.0, 2.0, 3.0])).sum(), a0)
    fd_check(lambda x: weighted(w)(LA.eigh(sym(x)).eigenvectors ** 2), a0)
    hvp_check(lambda x: (LA.eigvalsh(sym(x)) ** 2 * t([1.0, -1.0, 2.0])).sum(), a0,
              rtol=1e-4)


def test_eig_real_spectrum_and_complex_error():
    p = np.eye(3) + 0.2 * RNG.standard_normal((3, 3))
    a = p @ np.diag([3.0, -1.0, 0.5]) @ np.linalg.inv(p)
    w, v = LA.eig(t(a))
    assert w.dtype == lucid.float64
    np.testing.assert_allclose(np.sort(w.numpy()), [-1.0, 0.5, 3.0], atol=1e-10)
    np.testing.assert_allclose((t(a) @ v).numpy(), (v * w.reshape(1, 3)).numpy(), atol=1e-10)
    np.testing.assert_allclose(np.sort(LA.eigvals(t(a)).numpy()), [-1.0, 0.5, 3.0])
    with pytest.raises(DTypeError, match="eig: the matrix has complex eigenvalues"):
        LA.eig(t([[0.0, -1.0], [1.0, 0.0]]))
    fd_check(lambda x: (LA.eigvals(x) ** 2).sum(), a)


# -- pinv / matrix_power / lstsq -------------------------------------------------------
@pytest.mark.parametrize("shape", [(4, 3), (2, 3, 5), (3, 3)])
def test_pinv_matches_numpy_and_gradient(shape):
    a0 = RNG.standard_normal(shape)
    np.testing.assert_allclose(LA.pinv(t(a0)).numpy(), np.linalg.pinv(a0), atol=1e-10)
    w = RNG.standard_normal(shape[:-2] + shape[-2:][::-1])
    fd_check(lambda a: weighted(w)(LA.pinv(a)), a0)


def test_pinv_of_rank_deficient_matrix():
    a = np.outer([1.0, 2.0, 3.0], [1.0, -1.0])
    np.testing.assert_allclose(LA.pinv(t(a)).numpy(), np.linalg.pinv(a), atol=1e-12)
    np.testing.assert_allclose(LA.pinv(t(spd(3, 3)), hermitian=True).numpy().shape, (3, 3))
    assert LA.matrix_rank(t(a)).item() == 1
    assert LA.matrix_rank(t(np.eye(3)), hermitian=True).item() == 3


@pytest.mark.parametrize("n", [0, 1, 2, 5, -1, -3])
def test_matrix_power(n):
    a0 = well(2, 3, 3)
    np.testing.assert_allclose(LA.matrix_power(t(a0), n).numpy(), np.linalg.matrix_power(a0, n),
                               rtol=1e-10, atol=1e-12)
    if n:
        fd_check(lambda a: LA.matrix_power(a, n).sum(), a0[0])


def test_lstsq_and_multi_dot_and_vecdot():
    a, b = RNG.standard_normal((5, 3)), RNG.standard_normal((5, 2))
    sol = LA.lstsq(t(a), t(b))
    want = np.linalg.lstsq(a, b, rcond=None)
    np.testing.assert_allclose(sol.solution.numpy(), want[0], atol=1e-12)
    np.testing.assert_allclose(sol.residuals.numpy(), want[1], atol=1e-12)
    assert sol.rank.item() == 3
    mats = [RNG.standard_normal(s) for s in ((2, 5), (5, 3), (3, 4))]
    v = RNG.standard_normal(4)
    np.testing.assert_allclose(LA.multi_dot([t(m) for m in mats] + [t(v)]).numpy(),
                               np.linalg.multi_dot(mats + [v]))
    x, y = RNG.standard_normal((3, 4)), RNG.standard_normal(4)
    np.testing.assert_allclose(LA.vecdot(t(x), t(y)).numpy(), x @ y)


# -- norms --------------------------------------------------------------------------------
@pytest.mark.parametrize("ord", [None, 2, 1, 0, 3, 0.5, math.inf, -math.inf])
def test_vector_norm_matches_numpy(ord):  # noqa: A002
    x = RNG.standard_normal((3, 4))
    got = LA.vector_norm(t(x), 2 if ord is None else ord, dim=1).numpy()
    np.testing.assert_allclose(got, np.linalg.norm(x, ord=ord, axis=1))
    np.testing.assert_allclose(LA.norm(t(x[0]), ord).numpy(), np.linalg.norm(x[0], ord))
    if ord not in (0,):
        fd_check(lambda a: LA.vector_norm(a, 2 if ord is None else ord, dim=1).sum(), x)


@pytest.mark.parametrize("ord", ["fro", "nuc", 2, -2, 1, -1, math.inf, -math.inf])
def test_matrix_norm_matches_numpy(ord):  # noqa: A002
    x = RNG.standard_normal((2, 3, 4))
    np.testing.assert_allclose(LA.matrix_norm(t(x), ord).numpy(),
                               np.linalg.norm(x, ord=ord, axis=(-2, -1)))
    np.testing.assert_allclose(LA.norm(t(x[0]), ord).numpy(), np.linalg.norm(x[0], ord))
    kept = LA.matrix_norm(t(x), ord, dim=(0, 2), keepdim=True)
    assert kept.shape == (1, 3, 1)
    np.testing.assert_allclose(kept.numpy()[0, :, 0],
                               np.linalg.norm(x.transpose(1, 0, 2), ord=ord, axis=(-2, -1)))
    fd_check(lambda a: LA.matrix_norm(a, ord).sum(), x)


def test_norm_defaults_and_dims():
    x = RNG.standard_normal((2, 3, 4))
    np.testing.assert_allclose(LA.norm(t(x)).numpy(), np.sqrt((x ** 2).sum()))
    np.testing.assert_allclose(LA.norm(t(x), dim=(1, 2)).numpy(),
                               np.linalg.norm(x, axis=(1, 2)))
    np.testing.assert_allclose(LA.norm(t(x), dim=-1, keepdim=True).numpy(),
                               np.linalg.norm(x, axis=-1, keepdims=True))
    np.testing.assert_allclose(lucid.norm(t(x)).numpy(), np.sqrt((x ** 2).sum()))
    np.testing.assert_allclose(t(x).norm(1, dim=2).numpy(), np.abs(x).sum(2))
    np.testing.assert_allclose(t(x[0]).norm(p="nuc").numpy(), np.linalg.norm(x[0], "nuc"))
    assert LA.cond(t(x[0])).item() == pytest.approx(np.linalg.cond(x[0]))
    with pytest.raises(ShapeError, match="norm"):
        LA.norm(t(x), ord=2)
    with pytest.raises(ValueError, match="matrix_norm: unsupported ord"):
        LA.matrix_norm(t(x), ord=3)


# -- cross / diagonal / matrix_exp -------------------------------------------------------
def test_cross_matches_numpy_and_checks_size():
    x, y = RNG.standard_normal((4, 3)), RNG.standard_normal(3)
    np.testing.assert_allclose(LA.cross(t(x), t(y)).numpy(), np.cross(x, y))
    u, v = RNG.standard_normal((3, 2)), RNG.standard_normal((3, 2))
    np.testing.assert_allclose(LA.cross(t(u), t(v), dim=0).numpy(), np.cross(u, v, axis=0))
    fd_check(lambda a: (LA.cross(a, t(y)) ** 2).sum(), x)
    with pytest.raises(ShapeError, match="cross"):
        LA.cross(t(np.ones((2, 2))), t(np.ones((2, 2))))


def test_linalg_diagonal_defaults_to_last_two_dims():
    a = np.arange(12.0).reshape(3, 2, 2)
    np.testing.assert_array_equal(LA.diagonal(t(a)).numpy(), np.diagonal(a, axis1=-2, axis2=-1))


def test_matrix_exp_against_eigendecomposition_and_gradient():
    m = RNG.standard_normal((2, 4, 4))
    sym = (m + np.swapaxes(m, -1, -2)) * 1.5
    w, v = np.linalg.eigh(sym)
    want = (v * np.exp(w)[:, None, :]) @ np.swapaxes(v, -1, -2)
    np.testing.assert_allclose(LA.matrix_exp(t(sym)).numpy(), want, rtol=1e-10)
    np.testing.assert_allclose(LA.matrix_exp(t(np.zeros((3, 3)))).numpy(), np.eye(3))
    rot = LA.matrix_exp(t([[0.0, -math.pi / 2], [math.pi / 2, 0.0]])).numpy()
    np.testing.assert_allclose(rot, [[0.0, -1.0], [1.0, 0.0]], atol=1e-12)
    fd_check(lambda a: (LA.matrix_exp(a) * t(m[0])).sum(), m[1] * 0.7)


def test_norm_gradient_at_zero_is_zero():
    for fn in (lambda x: LA.vector_norm(x), lambda x: LA.vector_norm(x, 3),
               lambda x: LA.matrix_norm(x.reshape(2, 2)), lambda x: x.norm()):
        x = t(np.zeros(4), grad=True)
        fn(x).backward()
        np.testing.assert_array_equal(x.grad.numpy(), np.zeros(4))
    rows = t([[0.0, 0.0], [3.0, 4.0]], grad=True)
    LA.vector_norm(rows, dim=1).sum().backward()
    np.testing.assert_allclose(rows.grad.numpy(), [[0.0, 0.0], [0.6, 0.8]])
    hvp_check(lambda x: LA.vector_norm(x, dim=1).sum(), RNG.standard_normal((2, 3)))


def test_second_derivatives_through_decompositions():
    w = RNG.standard_normal((3, 3))
    hvp_check(lambda a: ((LA.qr(a).R ** 2) * t(w)).sum(), RNG.standard_normal((4, 3)), rtol=1e-4)
    hvp_check(lambda a: ((LA.qr(a).Q ** 2) * t(w[:2, :2])).sum(), RNG.standard_normal((2, 3)),
              rtol=1e-4)
    hvp_check(lambda a: (LA.pinv(a) * t(w)).sum() ** 2, RNG.standard_normal((3, 3)), rtol=1e-4)
    hvp_check(lambda a: ((LA.svd(a, full_matrices=False).U ** 2) * t(w)).sum(),
              RNG.standard_normal((3, 3)), rtol=1e-4)
    spread = np.eye(3) + 0.3 * RNG.standard_normal((3, 3)) + np.diag([0.0, 1.0, 2.0])
    hvp_check(lambda a: ((LA.eig(a).eigenvectors ** 2) * t(w)).sum(), spread, rtol=1e-4)
    hvp_check(lambda a: (LA.matrix_exp(a) * t(w)).sum(), RNG.standard_normal((3, 3)),
              rtol=1e-4)
