"""lucid.einops: bad patterns and shapes give clear errors (matching einops' refusals), and
the operations run on the active backend with gradients checked by finite differences."""

import einops
import numpy as np
import pytest

import lucid
from lucid import einops as le
from lucid.errors import ShapeError

X = np.arange(2 * 6 * 4, dtype=np.float32).reshape(2, 6, 4)

BAD = [
    ("b c -> c b", {}, ShapeError, "names 2 dims"),
    ("b c h -> b h", {}, ValueError, "same axes"),
    ("b c h -> b c h w", {}, ValueError, "same axes"),
    ("b (c1 c2) h -> b c1 c2 h", {}, ValueError, "cannot infer"),
    ("b (c1 c2) h -> b c1 c2 h", {"c1": 4}, ShapeError, "cannot be split"),
    ("b c h -> b c h", {"w": 2}, ValueError, "not in pattern"),
    ("b c h -> b (c h", {}, ValueError, "unclosed"),
    ("b c c -> b c", {}, ValueError, "twice"),
    ("b c h", {}, ValueError, "exactly one '->'"),
    ("b c h -> b c ...", {}, ValueError, "'...' on the right"),
    ("b (c ...) -> b c ...", {}, ValueError, r"'\(\.\.\.\)'"),
    ("b ((c) h) -> b c h", {}, ValueError, "nested"),
    ("b c h -> b c h", {"b": 0}, ValueError, "positive"),
    ("b _ h -> _ b h", {}, ValueError, "only allowed in parse_shape"),
    ("b _c h -> _c b h", {}, ValueError, "underscore"),
]


@pytest.mark.parametrize("pattern,lengths,error,match", BAD, ids=[b[0] for b in BAD])
def test_bad_rearrange_is_refused_like_einops(pattern, lengths, error, match):
    with pytest.raises(error, match=match):
        le.rearrange(lucid.tensor(X), pattern, **lengths)
    with pytest.raises((einops.EinopsError, ValueError)):
        einops.rearrange(X, pattern, **lengths)


def test_reduce_and_repeat_refusals():
    x = lucid.tensor(X)
    with pytest.raises(ValueError, match="unknown reduction"):
        le.reduce(x, "b c h -> b", "median")
    with pytest.raises(ValueError, match="not on the left"):
        le.reduce(x, "b c h -> b c h w", "sum")
    with pytest.raises(ValueError, match="size of new axes"):
        le.repeat(x, "b c h -> b c h r")
    with pytest.raises(ValueError, match="not on the right"):
        le.repeat(x, "b c h -> b c")
    with pytest.raises(TypeError, match="lucid Tensor"):
        le.rearrange(X, "b c h -> b h c")


def test_pack_unpack_refusals():
    a = lucid.zeros((2, 3))
    with pytest.raises(ValueError, match="exactly one"):
        le.pack([a], "b c")
    with pytest.raises(ShapeError, match="fewer dims"):
        le.pack([a], "b c d *")
    with pytest.raises(ShapeError, match="hold 4 elements"):
        le.unpack(lucid.zeros((2, 5)), [(2,), (2,)], "b *")
    with pytest.raises(TypeError, match="pattern string last"):
        le.einsum(a, a)
    with pytest.raises(ValueError, match="2 inputs"):
        le.einsum(a, "b c, b c -> b")


def test_gradients_match_finite_differences():
    rng = np.random.default_rng(0)
    x0 = rng.standard_normal((2, 4, 3)).astype(np.float32)
    w = rng.standard_normal((3, 2, 2, 2)).astype(np.float32)

    def f(t):
        y = le.repeat(le.rearrange(t, "b (c p) h -> h b p c", p=2), "h b p c -> h b p (c r)", r=2)
        return (le.reduce(y, "h b p c -> h b p", "max") * lucid.tensor(w[..., 0])).sum()

    t = lucid.tensor(x0, requires_grad=True)
    f(t).backward()
    eps, grad = 1e-2, np.zeros_like(x0)
    for idx in np.ndindex(x0.shape):
        for sign in (1, -1):
            xp = x0.copy()
            xp[idx] += sign * eps
            grad[idx] += sign * f(lucid.tensor(xp)).item() / (2 * eps)
    np.testing.assert_allclose(t.grad.numpy(), grad, rtol=1e-2, atol=1e-2)


def test_einsum_original_lucid_order_pattern_first():
    rng = np.random.default_rng(1)
    a, b = rng.standard_normal((2, 3)), rng.standard_normal((3, 4))
    got = le.einsum("ij,jk->ik", lucid.tensor(a), lucid.tensor(b))  # the original's spelling
    np.testing.assert_allclose(got.numpy(), a @ b, rtol=1e-6)
    named = le.einsum(lucid.tensor(a), lucid.tensor(b), "row k, k col -> row col")
    np.testing.assert_allclose(named.numpy(), a @ b, rtol=1e-6)
