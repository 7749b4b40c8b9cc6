"""lucid.einops against the einops package: values on NumPy arrays, gradients against einops
running on torch tensors (the same pattern, backpropagated by torch)."""

import einops
import numpy as np
import pytest
import torch

import lucid
from lucid import einops as le

RNG = np.random.default_rng(0)
X = RNG.standard_normal((2, 6, 4, 3)).astype(np.float32)

REARRANGE = [
    ("b c h w -> b h w c", {}),
    ("b c h w -> (b h) w c", {}),
    ("b (c1 c2) h w -> b c2 (h w) c1", {"c1": 2}),
    ("b (c1 c2) h w -> b c2 (h w) c1", {"c1": 3, "c2": 2}),
    ("b c (h1 h2) w -> h2 b (c w) h1", {"h2": 2}),
    ("b ... w -> (b w) ...", {}),
    ("b c ... -> b (c ...)", {}),
    ("... w -> w ...", {}),
    ("b c h w -> b c 1 h w 1", {}),
    ("b c h w -> b c () h () w", {}),
    ("b c h w -> b c h w", {}),
]


def _grad_check(lucid_fn, torch_fn, x=X):
    """Values and the gradient of sum(out * g) match torch running einops."""
    t = lucid.tensor(x, requires_grad=True)
    out = lucid_fn(t)
    tt = torch.tensor(x, requires_grad=True)
    want = torch_fn(tt)
    g = RNG.standard_normal(tuple(want.shape)).astype(np.float32)
    out.backward(lucid.tensor(g))
    want.backward(torch.tensor(g))
    np.testing.assert_allclose(out.detach().numpy(), want.detach().numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(t.grad.numpy(), tt.grad.numpy(), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("pattern,lengths", REARRANGE, ids=[p for p, _ in REARRANGE])
def test_rearrange_matches_einops(pattern, lengths):
    got = le.rearrange(lucid.tensor(X), pattern, **lengths)
    want = einops.rearrange(X, pattern, **lengths)
    assert got.shape == want.shape
    np.testing.assert_array_equal(got.numpy(), want)
    _grad_check(lambda t: le.rearrange(t, pattern, **lengths),
                lambda t: einops.rearrange(t, pattern, **lengths))


def test_rearrange_list_of_tensors_is_stacked():
    parts = [X[i] for i in range(2)]
    got = le.rearrange([lucid.tensor(p) for p in parts], "n c h w -> c (n h) w")
    np.testing.assert_array_equal(got.numpy(), einops.rearrange(parts, "n c h w -> c (n h) w"))


REDUCE = [
    ("b c h w -> b c", "mean", {}),
    ("b c h w -> b c 1 1", "sum", {}),
    ("b c (h 2) w -> b c h w", "max", {}),
    ("b c (h h2) (w w2) -> b h w c", "min", {"h2": 2, "w2": 3}),
    ("b c h w -> c", "prod", {}),
    ("b ... w -> b w", "mean", {}),
    ("b (g c) h w -> b g", "sum", {"g": 3}),
]


@pytest.mark.parametrize("pattern,reduction,lengths", REDUCE,
                         ids=[f"{p}-{r}" for p, r, _ in REDUCE])
def test_reduce_matches_einops(pattern, reduction, lengths):
    got = le.reduce(lucid.tensor(X), pattern, reduction, **lengths)
    want = einops.reduce(X, pattern, reduction, **lengths)
    assert got.shape == want.shape
    np.testing.assert_allclose(got.numpy(), want, rtol=1e-5, atol=1e-6)
    _grad_check(lambda t: le.reduce(t, pattern, reduction, **lengths),
                lambda t: einops.reduce(t, pattern, reduction, **lengths))


def test_reduce_any_all_and_callable():
    m = X > 0
    for red in ("any", "all"):
        got = le.reduce(lucid.tensor(m), "b c h w -> b h", red)
        np.testing.assert_array_equal(got.numpy(), einops.reduce(m, "b c h w -> b h", red))
    got = le.reduce(lucid.tensor(X), "b c h w -> b w", lambda t, axes: lucid.sum(t * t, axes))
    np.testing.assert_allclose(got.numpy(), (X * X).sum(axis=(1, 2)), rtol=1e-5)


REPEAT = [
    ("b c h w -> b c h w r", {"r": 2}),
    ("b c h w -> b (c r) h w", {"r": 3}),
    ("b c h w -> (r b) c h w", {"r": 2}),
    ("b c h w -> b c (h 2) (w 2)", {}),
    ("b c h w -> b c h w 3", {}),
    ("b ... -> b r ...", {"r": 2}),
]


@pytest.mark.parametrize("pattern,lengths", REPEAT, ids=[p for p, _ in REPEAT])
def test_repeat_matches_einops(pattern, lengths):
    got = le.repeat(lucid.tensor(X), pattern, **lengths)
    want = einops.repeat(X, pattern, **lengths)
    assert got.shape == want.shape
    np.testing.assert_array_equal(got.numpy(), want)
    _grad_check(lambda t: le.repeat(t, pattern, **lengths),
                lambda t: einops.repeat(t, pattern, **lengths))


PACK = [
    ("b * c", [(2, 3, 5), (2, 5), (2, 4, 2, 5)]),
    ("* c", [(3, 4), (2, 2, 4)]),
    ("b c *", [(2, 3), (2, 3, 4, 1)]),
    ("*", [(3,), (2, 2)]),
]


@pytest.mark.parametrize("pattern,shapes", PACK, ids=[p for p, _ in PACK])
def test_pack_unpack_match_einops(pattern, shapes):
    arrays = [RNG.standard_normal(s).astype(np.float32) for s in shapes]
    tensors = [lucid.tensor(a, requires_grad=True) for a in arrays]
    packed, ps = le.pack(tensors, pattern)
    want, want_ps = einops.pack(arrays, pattern)
    assert [tuple(p) for p in ps] == [tuple(p) for p in want_ps]
    np.testing.assert_array_equal(packed.detach().numpy(), want)
    back = le.unpack(packed, ps, pattern)
    for b, a in zip(back, arrays):
        np.testing.assert_array_equal(b.detach().numpy(), a)
    # gradient: weight each unpacked piece differently; compare with torch through einops
    torch_in = [torch.tensor(a, requires_grad=True) for a in arrays]
    tpacked, tps = einops.pack(torch_in, pattern)
    tback = einops.unpack(tpacked * 2.0, tps, pattern)
    loss_t = sum((p * (i + 1)).sum() for i, p in enumerate(tback))
    loss_t.backward()
    back = le.unpack(packed * 2.0, ps, pattern)
    loss = sum(((p * float(i + 1)).sum() for i, p in enumerate(back)), lucid.tensor(0.0))
    loss.backward()
    for t, tt in zip(tensors, torch_in):
        np.testing.assert_allclose(t.grad.numpy(), tt.grad.numpy(), rtol=1e-6)


def test_unpack_infers_one_minus_one():
    packed = lucid.tensor(np.arange(2 * 7 * 3, dtype=np.float32).reshape(2, 7, 3))
    got = le.unpack(packed, [(2,), (-1, 1)], "b * c")
    want = einops.unpack(packed.numpy(), [(2,), (-1, 1)], "b * c")
    assert [g.shape for g in got] == [w.shape for w in want]
    for g, w in zip(got, want):
        np.testing.assert_array_equal(g.numpy(), w)


EINSUM = [
    ("b i d, b j d -> b i j", [(2, 3, 4), (2, 5, 4)]),
    ("batch head i d, batch head j d -> batch head i j", [(2, 2, 3, 4), (2, 2, 5, 4)]),
    ("i j, j k, k -> i", [(3, 4), (4, 5), (5,)]),
    ("... i, ... i -> ...", [(2, 3, 4), (2, 3, 4)]),
    ("i i -> i", [(4, 4)]),
    ("a b -> ", [(3, 4)]),
]


@pytest.mark.parametrize("pattern,shapes", EINSUM, ids=[p for p, _ in EINSUM])
def test_einsum_matches_einops(pattern, shapes):
    arrays = [RNG.standard_normal(s).astype(np.float32) for s in shapes]
    tensors = [lucid.tensor(a, requires_grad=True) for a in arrays]
    got = le.einsum(*tensors, pattern)
    np.testing.assert_allclose(got.detach().numpy(), einops.einsum(*arrays, pattern),
                               rtol=1e-5, atol=1e-5)
    torch_in = [torch.tensor(a, requires_grad=True) for a in arrays]
    want = einops.einsum(*torch_in, pattern)
    g = RNG.standard_normal(tuple(want.shape)).astype(np.float32)
    got.backward(lucid.tensor(g))
    want.backward(torch.tensor(g))
    for t, tt in zip(tensors, torch_in):
        np.testing.assert_allclose(t.grad.numpy(), tt.grad.numpy(), rtol=1e-4, atol=1e-5)



@pytest.mark.parametrize("pattern", ["b _ h w", "b ... w", "... c", "_ _ _ _", "b c h w"])
def test_parse_shape_matches_einops(pattern):
    assert le.parse_shape(lucid.tensor(X), pattern) == einops.parse_shape(X, pattern)


@pytest.mark.parametrize("pattern", ["b (c h) w", "b c h"])
def test_parse_shape_refusals_match_einops(pattern):
    with pytest.raises(ValueError):
        le.parse_shape(lucid.tensor(X), pattern)
    with pytest.raises((einops.EinopsError, RuntimeError)):  # einops raises RuntimeError here
        einops.parse_shape(X, pattern)
