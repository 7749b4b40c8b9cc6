"""Convolution: argument handling, errors, and second derivatives against finite
differences (the forward values and first gradients are covered by the conformance
cases and the torch parity tests)."""

import numpy as np
import pytest

import lucid

RNG = np.random.default_rng(0)


def _t(shape, grad=True, dtype=lucid.float64):
    return lucid.tensor(RNG.standard_normal(shape), dtype=dtype, requires_grad=grad)


def _second_derivative_check(f, x, w, eps=1e-6):
    """d/dx of <df/dw, V> against central differences of that first-order quantity."""
    v = lucid.tensor(RNG.standard_normal(w.shape))

    def first(xv):
        xt = lucid.tensor(xv, requires_grad=True)
        wt = lucid.tensor(w.numpy(), requires_grad=True)
        (gw,) = lucid.grad(f(xt, wt), [wt], create_graph=True)
        return xt, (gw * v).sum()

    xt, s = first(x.numpy())
    (analytic,) = lucid.grad(s, [xt])
    numeric = np.zeros(x.shape)
    base = x.numpy()
    for k in range(base.size):
        plus, minus = base.copy(), base.copy()
        plus.reshape(-1)[k] += eps
        minus.reshape(-1)[k] -= eps
        numeric.reshape(-1)[k] = (first(plus)[1].item() - first(minus)[1].item()) / (2 * eps)
    np.testing.assert_allclose(analytic.numpy(), numeric, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("kw", [dict(), dict(stride=2, padding=1), dict(dilation=2, groups=2)])
def test_conv2d_second_derivative(kw):
    x, w = _t((1, 2, 5, 5)), _t((2, 2 // kw.get("groups", 1), 3, 3))
    _second_derivative_check(lambda x, w: (lucid.conv2d(x, w, **kw) ** 2).sum(), x, w)


def test_conv_transpose1d_second_derivative():
    x, w = _t((1, 2, 4)), _t((2, 3, 3))
    _second_derivative_check(
        lambda x, w: (lucid.conv_transpose1d(x, w, stride=2, padding=1) ** 2).sum(), x, w)


def test_conv_output_shapes_and_dtype():
    x = _t((2, 3, 10, 9), dtype=lucid.float32)
    w = _t((4, 3, 3, 3), dtype=lucid.float32)
    y = lucid.conv2d(x, w, stride=(2, 1), padding=(1, 0), dilation=(1, 2))
    assert y.shape == (2, 4, 5, 5) and y.dtype == lucid.float32
    assert lucid.conv2d(x, w, padding="same").shape == (2, 4, 10, 9)
    assert lucid.conv2d(x, w, padding="valid").shape == (2, 4, 8, 7)
    assert lucid.conv1d(_t((3, 7)), _t((5, 3, 2))).shape == (5, 6)  # unbatched
    z = lucid.conv_transpose2d(_t((1, 4, 3, 3)), _t((4, 2, 3, 3)), stride=2, padding=1,
                               output_padding=1)
    assert z.shape == (1, 2, 6, 6)


def test_conv_bias_gradient_is_sum_of_output_gradient():
    x, w, b = _t((2, 3, 5, 5)), _t((4, 3, 3, 3)), _t((4,))
    lucid.conv2d(x, w, b, padding=1).sum().backward()
    np.testing.assert_allclose(b.grad.numpy(), np.full(4, 2 * 25.0))


def test_conv_errors_name_op_and_shapes():
    with pytest.raises(lucid.ShapeError, match=r"conv.*4 channels.*\(2, 4, 5, 5\)"):
        lucid.conv2d(_t((2, 4, 5, 5)), _t((3, 3, 3, 3)))
    with pytest.raises(lucid.ShapeError, match="larger than the padded input"):
        lucid.conv2d(_t((1, 1, 3, 3)), _t((1, 1, 5, 5)))
    with pytest.raises(lucid.ShapeError, match="groups"):
        lucid.conv2d(_t((1, 4, 5, 5)), _t((3, 2, 3, 3)), groups=2)
    with pytest.raises(ValueError, match="same"):
        lucid.conv2d(_t((1, 1, 5, 5)), _t((1, 1, 3, 3)), stride=2, padding="same")
    with pytest.raises(ValueError, match="stride"):
        lucid.conv2d(_t((1, 1, 5, 5)), _t((1, 1, 3, 3)), stride=0)
    with pytest.raises(lucid.ShapeError, match="bias"):
        lucid.conv2d(_t((1, 1, 5, 5)), _t((2, 1, 3, 3)), _t((3,)))
    with pytest.raises(ValueError, match="output_padding"):
        lucid.conv_transpose2d(_t((1, 1, 3, 3)), _t((1, 1, 3, 3)), stride=2, output_padding=2)
    with pytest.raises(lucid.ShapeError, match="3-D"):
        lucid.conv1d(_t((1, 1, 2, 5)), _t((1, 1, 3)))
    with pytest.raises(lucid.DTypeError):
        lucid.conv2d(_t((1, 1, 5, 5)), _t((1, 1, 3, 3), dtype=lucid.float32))


def test_conv_weight_grad_matches_explicit_sum():
    x, w = _t((2, 3, 6, 5)), _t((4, 3, 2, 3))
    g = RNG.standard_normal((2, 4, 3, 2))
    lucid.conv2d(x, w, stride=2).backward(lucid.tensor(g))
    want = np.zeros(w.shape)
    xv = x.numpy()
    for i in range(3):
        for j in range(2):
            patch = xv[:, :, 2 * i:2 * i + 2, 2 * j:2 * j + 3]
            want += np.einsum("no,nckl->ockl", g[:, :, i, j], patch)
    np.testing.assert_allclose(w.grad.numpy(), want, rtol=1e-12)


def test_large_conv_paths_agree_with_float64():
    """The stride-1 shifted-column path and the col2im path on a bigger problem."""
    x = RNG.standard_normal((3, 5, 12, 11))
    w = RNG.standard_normal((7, 5, 3, 3))
    g = RNG.standard_normal((3, 7, 12, 11))
    for dtype, tol in ((lucid.float64, 1e-12), (lucid.float32, 2e-4)):
        xt = lucid.tensor(x, dtype=dtype, requires_grad=True)
        wt = lucid.tensor(w, dtype=dtype, requires_grad=True)
        lucid.conv2d(xt, wt, padding=1).backward(lucid.tensor(g, dtype=dtype))
        ref_dx = np.zeros_like(x)
        xp_grad = np.zeros((3, 5, 14, 13))
        for a in range(3):
            for b in range(3):
                xp_grad[:, :, a:a + 12, b:b + 11] += np.einsum("nohw,oc->nchw", g, w[:, :, a, b])
        ref_dx = xp_grad[:, :, 1:13, 1:12]
        np.testing.assert_allclose(xt.grad.numpy(), ref_dx, rtol=tol, atol=tol * 10)
