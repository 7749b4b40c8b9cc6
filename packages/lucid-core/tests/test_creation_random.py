"""Ranges and random sampling: dtype inference, argument conventions, reproducibility."""

import numpy as np
import pytest

import lucid


def test_arange_dtype_inference_and_values():
    x = lucid.arange(5)
    assert x.dtype == lucid.int64 and x.tolist() == [0, 1, 2, 3, 4]
    assert lucid.arange(2, 8, 2).tolist() == [2, 4, 6]
    assert lucid.arange(5, 0, -2).tolist() == [5, 3, 1]
    y = lucid.arange(0, 1, 0.25)
    assert y.dtype == lucid.float32
    np.testing.assert_allclose(y.numpy(), [0, 0.25, 0.5, 0.75])
    assert lucid.arange(3.0).dtype == lucid.float32
    assert lucid.arange(3, dtype=lucid.float64).dtype == lucid.float64
    assert lucid.arange(0, 10, 3, dtype="float32").tolist() == [0, 3, 6, 9]
    assert lucid.arange(3, 3).shape == (0,)
    assert lucid.arange(start=1, stop=4).tolist() == [1, 2, 3]
    assert len(lucid.arange(0, 1, 0.1)) == 10
    assert lucid.arange(lucid.tensor(3)).tolist() == [0, 1, 2]


def test_arange_errors():
    with pytest.raises(ValueError, match="arange"):
        lucid.arange(0, 5, 0)
    with pytest.raises(ValueError, match="arange"):
        lucid.arange(0, 5, -1)


def test_linspace_logspace_eye():
    x = lucid.linspace(0, 1, 5)
    assert x.dtype == lucid.float32
    np.testing.assert_allclose(x.numpy(), [0, 0.25, 0.5, 0.75, 1])
    assert lucid.linspace(2, 3, 1).tolist() == [2]
    assert lucid.linspace(0, 1, 0).shape == (0,)
    assert lucid.linspace(0, 1, num=3).tolist() == [0, 0.5, 1]
    np.testing.assert_allclose(lucid.logspace(0, 3, 4).numpy(), [1, 10, 100, 1000])
    np.testing.assert_allclose(lucid.logspace(0, 2, 3, base=2).numpy(), [1, 2, 4])
    e = lucid.eye(3)
    assert e.dtype == lucid.float32 and e.shape == (3, 3)
    np.testing.assert_array_equal(e.numpy(), np.diag([1, 1, 1]))
    np.testing.assert_array_equal(lucid.eye(2, 3, dtype=lucid.int64).numpy(),
                                  [[1, 0, 0], [0, 1, 0]])
    with pytest.raises(ValueError, match="linspace"):
        lucid.linspace(0, 1, -1)
    assert lucid.eye(2, requires_grad=True).requires_grad


def test_random_shapes_and_dtypes():
    assert lucid.randn(2, 3).shape == (2, 3) and lucid.randn(2, 3).dtype == lucid.float32
    assert lucid.randn((4,)).shape == (4,) and lucid.randn([1, 2]).shape == (1, 2)
    assert lucid.randn().shape == ()
    assert lucid.randn(size=(2, 2)).shape == (2, 2)
    assert lucid.rand(3, dtype=lucid.float64).dtype == lucid.float64
    assert lucid.randn(3, dtype=lucid.float16).dtype == lucid.float16
    assert lucid.randint(0, 5, (3, 2)).dtype == lucid.int64
    assert lucid.randperm(4).dtype == lucid.int64
    assert lucid.randn(2, requires_grad=True).requires_grad
    with pytest.raises(lucid.DTypeError, match="randn"):
        lucid.randn(2, dtype=lucid.int64)
    x = lucid.zeros(2, 3, dtype=lucid.float64)
    assert lucid.randn_like(x).shape == (2, 3) and lucid.randn_like(x).dtype == lucid.float64
    assert lucid.rand_like(x).dtype == lucid.float64
    assert lucid.randint_like(lucid.zeros(4, dtype=lucid.int64), 3).dtype == lucid.int64


def test_random_ranges():
    lucid.random.seed(1)
    u = lucid.rand(10000).numpy()
    assert u.min() >= 0 and u.max() < 1
    v = lucid.random.uniform(-2, -1, (1000,)).numpy()
    assert v.min() >= -2 and v.max() < -1
    k = lucid.randint(3, 7, (1000,)).numpy()
    assert set(k.tolist()) == {3, 4, 5, 6}
    assert set(lucid.randint(3, (500,)).tolist()) == {0, 1, 2}  # PyTorch: randint(high, size)
    assert 0 <= lucid.random.randint(4).item() < 4  # NumPy: randint(high)
    assert sorted(lucid.randperm(10).tolist()) == list(range(10))
    b = lucid.bernoulli(lucid.tensor([0.0, 1.0, 0.0, 1.0]))
    assert b.tolist() == [0, 1, 0, 1] and b.dtype == lucid.float32
    n = lucid.normal(3.0, 0.5, (20000,)).numpy()
    assert abs(n.mean() - 3) < 0.03 and abs(n.std() - 0.5) < 0.03


def test_seed_makes_draws_reproducible():
    def draw():
        return [lucid.randn(5).numpy(), lucid.rand(3).numpy(), lucid.randint(0, 100, (4,)).numpy(),
                lucid.randperm(6).numpy(), lucid.random.normal(0, 1, (2,)).numpy(),
                lucid.multinomial(lucid.tensor([0.2, 0.8]), 4, replacement=True).numpy()]

    lucid.random.seed(123)
    first = draw()
    lucid.manual_seed(123)
    second = draw()
    for a, b in zip(first, second):
        np.testing.assert_array_equal(a, b)
    lucid.random.seed(124)
    assert not np.array_equal(lucid.randn(5).numpy(), first[0])


def test_module_functions():
    lucid.random.seed(0)
    a = lucid.random.randn(2, 3)
    lucid.random.seed(0)
    b = lucid.randn(2, 3)
    np.testing.assert_array_equal(a.numpy(), b.numpy())
    assert lucid.random.rand(4).shape == (4,)
    p = lucid.random.permutation(5)
    assert sorted(p.tolist()) == [0, 1, 2, 3, 4]
    x = lucid.arange(12).reshape(6, 2)
    shuffled = lucid.random.permutation(x).numpy()
    assert sorted(map(tuple, shuffled.tolist())) == sorted(map(tuple, x.tolist()))
    assert lucid.random.bernoulli(0.5, (3,)).shape == (3,)


def test_normal_with_tensor_arguments():
    mean = lucid.tensor([0.0, 100.0, -100.0])
    out = lucid.normal(mean, 0.01)
    assert out.shape == (3,) and not out.requires_grad
    np.testing.assert_allclose(out.numpy(), [0, 100, -100], atol=0.1)
    out = lucid.normal(0.0, lucid.tensor([[0.0], [0.0]]))
    np.testing.assert_array_equal(out.numpy(), [[0], [0]])


def test_multinomial():
    lucid.random.seed(0)
    draws = lucid.multinomial(lucid.tensor([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]]), 5,
                              replacement=True)
    assert draws.shape == (2, 5) and draws.dtype == lucid.int64
    assert draws.numpy()[0].tolist() == [1] * 5 and draws.numpy()[1].tolist() == [0] * 5
    one = lucid.multinomial(lucid.tensor([0.0, 3.0, 1.0]), 2)
    assert sorted(one.tolist()) == [1, 2]  # zero weight never drawn without replacement
    with pytest.raises(ValueError, match="multinomial"):
        lucid.multinomial(lucid.tensor([0.5, 0.5]), 3)
    with pytest.raises(ValueError, match="multinomial"):
        lucid.multinomial(lucid.tensor([-1.0, 2.0]), 1)


def test_inplace_samplers():
    lucid.random.seed(0)
    w = lucid.zeros(1000)
    assert w.uniform_(-0.5, 0.5) is w
    assert w.numpy().min() >= -0.5 and w.numpy().max() < 0.5
    w.normal_(2.0, 0.1)
    assert abs(w.numpy().mean() - 2.0) < 0.02
    w.bernoulli_(0.25)
    assert set(w.numpy().tolist()) <= {0.0, 1.0} and abs(w.numpy().mean() - 0.25) < 0.05
    assert w.dtype == lucid.float32
    leaf = lucid.zeros(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="in-place"):
        leaf.normal_()
    with lucid.no_grad():
        leaf.normal_()
    assert leaf.requires_grad and leaf.is_leaf


def test_bad_arguments():
    with pytest.raises(ValueError, match="randint"):
        lucid.randint(5, 5, (2,))
    with pytest.raises(ValueError, match="normal"):
        lucid.normal(0.0, -1.0, (2,))
    with pytest.raises(ValueError, match="uniform"):
        lucid.random.uniform(2.0, 1.0, (2,))
    with pytest.raises(ValueError, match="randn"):
        lucid.randn(-1)
