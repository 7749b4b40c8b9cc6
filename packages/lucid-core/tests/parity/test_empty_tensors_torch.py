"""0-sized dimensions through core ops: the same result shapes and values as PyTorch, and a
gradient of the input's shape (issue 10). Runs on the backend serving ``cpu``
(``LUCID_BACKEND=mlx`` for MLX)."""

import numpy as np
import pytest
import torch

import lucid

# (name, lucid fn, torch fn, input shapes); every input is float32 unless the fn casts
CASES = [
    ("exp", lambda x: lucid.exp(x), torch.exp, [(0, 3)]),
    ("log1p", lambda x: lucid.log1p(x), torch.log1p, [(2, 0)]),
    ("sigmoid", lambda x: lucid.sigmoid(x), torch.sigmoid, [(0,)]),
    ("relu", lambda x: lucid.relu(x), torch.relu, [(0, 4)]),
    ("add_broadcast", lambda x, y: x + y, lambda x, y: x + y, [(0, 3), (1, 3)]),
    ("mul_broadcast", lambda x, y: x * y, lambda x, y: x * y, [(4, 0), (4, 1)]),
    ("div", lambda x, y: x / y, lambda x, y: x / y, [(0, 2), (0, 2)]),
    ("pow", lambda x: x ** 2, lambda x: x ** 2, [(3, 0, 2)]),
    ("maximum", lambda x, y: lucid.maximum(x, y), torch.maximum, [(0, 3), (3,)]),
    ("where", lambda x, y: lucid.where(x > 0, x, y), lambda x, y: torch.where(x > 0, x, y),
     [(0, 3), (0, 3)]),
    ("clamp", lambda x: lucid.clamp(x, -0.5, 0.5), lambda x: torch.clamp(x, -0.5, 0.5),
     [(0, 5)]),
    ("sum_all", lambda x: x.sum(), lambda x: x.sum(), [(0, 3)]),
    ("sum_empty_dim", lambda x: x.sum(dim=0), lambda x: x.sum(dim=0), [(0, 3)]),
    ("sum_keep", lambda x: x.sum(dim=1, keepdim=True), lambda x: x.sum(dim=1, keepdim=True),
     [(0, 3)]),
    ("mean_empty_dim", lambda x: x.mean(dim=0), lambda x: x.mean(dim=0), [(0, 3)]),
    ("mean_nonempty_dim", lambda x: x.mean(dim=1), lambda x: x.mean(dim=1), [(0, 3)]),
    ("prod_empty_dim", lambda x: x.prod(dim=1), lambda x: x.prod(dim=1), [(2, 0)]),
    ("amax_nonempty_dim", lambda x: lucid.amax(x, dim=1), lambda x: torch.amax(x, dim=1),
     [(0, 3)]),
    ("max_dim", lambda x: x.max(dim=1)[0], lambda x: x.max(dim=1)[0], [(0, 3)]),
    ("max_dim_idx", lambda x: x.max(dim=1)[1], lambda x: x.max(dim=1)[1], [(0, 3)]),
    ("min_dim", lambda x: x.min(dim=0)[0], lambda x: x.min(dim=0)[0], [(4, 0)]),
    ("argmax_dim", lambda x: x.argmax(dim=1), lambda x: x.argmax(dim=1), [(0, 3)]),
    ("var_dim", lambda x: x.var(dim=1), lambda x: x.var(dim=1), [(0, 3)]),
    ("logsumexp_empty", lambda x: lucid.logsumexp(x, dim=1),
     lambda x: torch.logsumexp(x, dim=1), [(2, 0)]),
    ("logsumexp_empty_keep", lambda x: lucid.logsumexp(x, dim=(0, 2), keepdim=True),
     lambda x: torch.logsumexp(x, dim=(0, 2), keepdim=True), [(0, 3, 2)]),
    ("logsumexp_nonempty", lambda x: lucid.logsumexp(x, dim=1),
     lambda x: torch.logsumexp(x, dim=1), [(0, 3)]),
    ("cumsum", lambda x: lucid.cumsum(x, 1), lambda x: torch.cumsum(x, 1), [(0, 3)]),
    ("cumprod", lambda x: lucid.cumprod(x, 0), lambda x: torch.cumprod(x, 0), [(0, 3)]),
    ("softmax", lambda x: lucid.softmax(x, 1), lambda x: torch.softmax(x, 1), [(0, 5)]),
    ("matmul_empty_batch", lambda x, y: x @ y, lambda x, y: x @ y, [(0, 3), (3, 4)]),
    ("matmul_empty_inner", lambda x, y: x @ y, lambda x, y: x @ y, [(2, 0), (0, 4)]),
    ("matmul_batched", lambda x, y: x @ y, lambda x, y: x @ y, [(0, 2, 3), (3, 4)]),
    ("einsum", lambda x, y: lucid.einsum("ij,jk->ik", x, y),
     lambda x, y: torch.einsum("ij,jk->ik", x, y), [(3, 0), (0, 2)]),
    ("reshape", lambda x: x.reshape(3, 0, 2), lambda x: x.reshape(3, 0, 2), [(0, 6)]),
    ("reshape_infer", lambda x: x.reshape(-1, 3), lambda x: x.reshape(-1, 3), [(0, 6)]),
    ("permute", lambda x: x.permute(2, 0, 1), lambda x: x.permute(2, 0, 1), [(2, 0, 3)]),
    ("transpose", lambda x: x.transpose(0, 1), lambda x: x.transpose(0, 1), [(0, 3)]),
    ("getitem", lambda x: x[1:, ::2], lambda x: x[1:, ::2], [(0, 4)]),
    ("getitem_empty_slice", lambda x: x[3:1], lambda x: x[3:1], [(5, 2)]),
    ("cat", lambda x, y: lucid.cat([x, y], 0), lambda x, y: torch.cat([x, y], 0),
     [(0, 3), (2, 3)]),
    ("stack", lambda x, y: lucid.stack([x, y], 1), lambda x, y: torch.stack([x, y], 1),
     [(0, 3), (0, 3)]),
    ("split", lambda x: lucid.split(x, 2, 1)[1], lambda x: torch.split(x, 2, 1)[1], [(0, 4)]),
    ("flip", lambda x: lucid.flip(x, (0,)), lambda x: torch.flip(x, (0,)), [(0, 3)]),
    ("roll", lambda x: lucid.roll(x, 1, 1), lambda x: torch.roll(x, 1, 1), [(0, 3)]),
    ("tril", lambda x: lucid.tril(x), lambda x: torch.tril(x), [(0, 3)]),
    ("tile", lambda x: x.repeat(2, 1), lambda x: x.repeat(2, 1), [(0, 3)]),
    ("broadcast_to", lambda x: lucid.broadcast_to(x, (0, 3)), lambda x: x.expand(0, 3),
     [(1, 3)]),
    ("sort", lambda x: lucid.sort(x, 1), lambda x: torch.sort(x, 1)[0], [(0, 3)]),
    ("gather", lambda x: lucid.gather(x, 1, lucid.zeros((0, 2), dtype=lucid.int64)),
     lambda x: torch.gather(x, 1, torch.zeros((0, 2), dtype=torch.int64)), [(0, 3)]),
    ("index_empty", lambda x: x[lucid.tensor(np.zeros(0, np.int64))],
     lambda x: x[torch.zeros(0, dtype=torch.int64)], [(4, 3)]),
    ("bool_mask_none", lambda x: x[x > 100], lambda x: x[x > 100], [(4, 3)]),
]


def _inputs(shapes, seed=0):
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(s).astype(np.float32) for s in shapes]


@pytest.mark.parametrize("name,fn,ref,shapes", CASES, ids=[c[0] for c in CASES])
def test_zero_sized_matches_torch(name, fn, ref, shapes):
    arrays = _inputs(shapes)
    xs = [lucid.tensor(a, requires_grad=True) for a in arrays]
    ts = [torch.tensor(a, requires_grad=True) for a in arrays]
    out, expected = fn(*xs), ref(*ts)
    assert tuple(out.shape) == tuple(expected.shape), name
    np.testing.assert_allclose(out.numpy(), expected.detach().numpy(), rtol=1e-5, atol=1e-6)
    if not expected.dtype.is_floating_point:
        return
    out.sum().backward()
    expected.sum().backward()
    for x, t in zip(xs, ts):
        want = np.zeros(t.shape, np.float32) if t.grad is None else t.grad.numpy()
        got = np.zeros(x.shape, np.float32) if x.grad is None else x.grad.numpy()
        assert got.shape == want.shape, name
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def test_logsumexp_empty_axis_is_minus_inf():
    out = lucid.logsumexp(lucid.zeros((2, 0)), dim=1)
    assert out.tolist() == [-np.inf, -np.inf]


@pytest.mark.parametrize("op", ["amax", "amin"])
def test_extreme_over_an_empty_axis_is_an_error(op):
    """PyTorch refuses ``amax`` over an empty dim (no identity); so does Lucid, naming it."""
    with pytest.raises(ValueError, match=op):
        getattr(lucid, op)(lucid.zeros((2, 0)), dim=1)
    with pytest.raises((RuntimeError, IndexError)):
        getattr(torch, op)(torch.zeros((2, 0)), dim=1)
