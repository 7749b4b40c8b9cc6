"""count_flops / Tensor.flops: per-op multiply-adds against hand-computed formulas, the graph
sum (shared history counted once), nesting, per-module attribution, and that leaving the
block restores the untouched dispatch path."""

import numpy as np
import pytest

import lucid
from lucid import backends
from lucid.flops import count_flops
from lucid.tensor import Tensor


def test_matmul_conv_einsum_pool_counts_match_formulas():
    a, b = lucid.randn(5, 7), lucid.randn(7, 3)
    x, w = lucid.randn(2, 4, 9, 9), lucid.randn(6, 2, 3, 3)  # groups=2: C_in/groups = 2
    with count_flops() as c:
        y = a @ b
        z = lucid.conv2d(x, w, stride=2, padding=1, groups=2)
        e = lucid.einsum("bij,bjk->bik", lucid.randn(2, 3, 4), lucid.randn(2, 4, 5))
        p = lucid.max_pool2d(x, 3, stride=2)
    assert c.by_op["matmul"] == 5 * 3 * 7
    assert z.shape == (2, 6, 5, 5)
    assert c.by_op["conv"] == 2 * 6 * 5 * 5 * (2 * 3 * 3)
    assert c.by_op["einsum"] == 2 * 3 * 4 * 5
    assert c.by_op["max_pool"] == int(np.prod(p.shape)) * 9
    assert y.flops == 5 * 3 * 7 and e.flops == 2 * 3 * 4 * 5


def test_elementwise_and_free_ops():
    x = lucid.randn(3, 4)
    with count_flops() as c:
        y = (x + 1.0).exp()  # two elementwise ops of 12 elements
        z = y.reshape(4, 3).permute(1, 0)  # data movement only
        s = z.sum()  # reads 12 elements
    assert c.by_op["add"] == 12 and c.by_op["exp"] == 12
    assert c.by_op.get("reshape", 0) == 0 and c.by_op.get("permute", 0) == 0
    assert c.by_op["sum"] == 12
    assert s.flops == 36 and z.flops == 24


def test_tensor_flops_counts_shared_history_once():
    a, b = lucid.randn(4, 4), lucid.randn(4, 4)
    with count_flops() as c:
        h = a @ b  # 64
        out = h @ h + h  # 64 + 16; h is used three times but computed once
    assert out.flops == 64 + 64 + 16 == c.total
    assert h.flops == 64
    assert (a + b).flops == 0  # made outside any block


def test_nested_blocks_count_their_own_ops():
    x = lucid.randn(2, 2)
    with count_flops() as outer:
        x * x
        with count_flops() as inner:
            x + x
    assert inner.total == 4 and outer.total == 8


def _tables():
    return {id(b): (b, b.kernels) for b in (*backends.available().values(),
                                            *backends._binding.values())}


def test_dispatch_is_restored_after_the_block():
    tables = _tables()
    wrap = Tensor.__dict__["_wrap"]
    with count_flops():
        assert all(b.kernels is not k for b, k in tables.values())
        lucid.randn(2) + 1.0
    assert all(b.kernels is k for b, k in tables.values())
    assert Tensor.__dict__["_wrap"] is wrap
    assert (lucid.randn(2) + 1.0).flops == 0


def test_exception_inside_block_still_restores():
    tables = _tables()
    with pytest.raises(lucid.ShapeError):
        with count_flops():
            lucid.randn(2, 3) @ lucid.randn(2, 3)
    assert all(b.kernels is k for b, k in tables.values())


def test_backward_inside_the_block_is_counted():
    a = lucid.randn(3, 4, requires_grad=True)
    b = lucid.randn(4, 5)
    with count_flops() as c:
        (a @ b).sum().backward()
    # forward matmul 60, backward: grad of a = g @ b^T, another 60 multiply-adds
    assert c.by_op["matmul"] == 120
    assert a.grad is not None


def test_per_module_counts():
    nn = pytest.importorskip("lucid.nn", reason="per-module counts need lucid-nn installed")
    model = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 2))
    with count_flops(model) as c:
        model(lucid.randn(5, 8))
    assert c.by_module["0"] == 5 * 8 * 16 + 5 * 16  # the product + the bias add
    assert c.by_module["1"] == 5 * 16
    assert c.by_module["2"] == 5 * 16 * 2 + 5 * 2
    assert c.by_module[""] == c.total == sum(c.by_module[k] for k in "012")
    assert c.by_op["linear"] == c.total - 5 * 16  # everything but the ReLU
    assert "linear" in c.table() and "total" in c.table()
    with pytest.raises(TypeError, match="named_modules"):
        count_flops(object()).__enter__()


def test_transpose_conv_attention_and_norm_counts():
    x, w = lucid.randn(2, 4, 5, 5), lucid.randn(4, 3, 3, 3)  # (C_in, C_out, kh, kw)
    q, k, v = lucid.randn(2, 3, 6, 8), lucid.randn(2, 3, 7, 8), lucid.randn(2, 3, 7, 5)
    with count_flops() as c:
        y = lucid.conv_transpose2d(x, w, stride=2)
        lucid.avg_pool2d(x, 2)
        lucid.layer_norm(x, (5,))
    # each input pixel scatters through C_out x 3 x 3 weights
    assert y.shape == (2, 3, 11, 11)
    assert c.by_op["conv_transpose"] == 2 * 4 * 5 * 5 * (3 * 3 * 3)
    assert c.by_op["avg_pool"] == 2 * 4 * 2 * 2 * 4
    assert c.by_op["layer_norm"] == 2 * 4 * 5 * 5  # the fused kernel reads x once
    nn = pytest.importorskip("lucid.nn", reason="attention lives in lucid.nn.functional")
    with count_flops() as c:
        nn.functional.scaled_dot_product_attention(q, k, v)
    # the fused kernel: scores q k^T (L x S x E) and the weighted sum of v (L x S x E_v)
    assert c.by_op["scaled_dot_product_attention"] == 2 * 3 * 6 * 7 * (8 + 5)


def test_recurrent_cells_count_the_recurrent_matmul():
    nn = pytest.importorskip("lucid.nn", reason="recurrent layers live in lucid.nn")
    x = lucid.randn(5, 2, 3)  # (T, N, I); hidden size H = 4
    for layer, op, gates in ((nn.LSTM(3, 4), "lstm_cell", 4), (nn.GRU(3, 4), "gru_cell", 3)):
        with count_flops() as c:
            layer(x)
        assert c.by_op[op] == 5 * 2 * (gates * 4) * 4  # T x N x (gates*H) x H per step
        assert c.by_op["matmul"] == 5 * 2 * 3 * (gates * 4)  # the input projection, once
