"""The meta device: shapes and dtypes without data, clear errors on reading data, the
``with lucid.device(...)`` creation block, and modules built on meta then materialised."""

import threading

import numpy as np
import pytest
from lucid_backend_meta import MetaArray, MetaDataError

import lucid
from lucid import nn
from lucid.errors import ShapeError


def small_net():
    return nn.Sequential(nn.Conv2d(3, 8, 3, stride=2, padding=1), nn.BatchNorm2d(8), nn.ReLU(),
                         nn.MaxPool2d(2, ceil_mode=True), nn.Conv2d(8, 6, 3, groups=2),
                         nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(6, 5))


def test_creation_on_meta_stores_shape_and_dtype_only():
    x = lucid.zeros(3, 4, dtype=lucid.float64, device="meta")
    assert (x.shape, x.dtype, str(x.device)) == ((3, 4), lucid.float64, "meta")
    assert type(x.data) is MetaArray and not hasattr(x.data, "values")
    big = lucid.ones(100_000, 100_000, device="meta")  # 40 GB if it had data
    assert big.shape == (100_000, 100_000) and big.numel() == 10**10
    assert repr(x) == "tensor(..., size=(3, 4), dtype=lucid.float64, device='meta')"


@pytest.mark.parametrize("read", [lambda t: t.numpy(), lambda t: t.item(), lambda t: t.tolist(),
                                  lambda t: float(t), lambda t: np.asarray(t),
                                  lambda t: t.to("cpu"), lambda t: bool(t)])
def test_reading_data_raises(read):
    t = lucid.zeros(1, device="meta")
    with pytest.raises(MetaDataError, match="meta tensors have no data"):
        read(t)


def test_save_of_a_meta_tensor_raises(tmp_path):
    with pytest.raises(MetaDataError):
        lucid.save({"w": lucid.zeros(2, device="meta")}, tmp_path / "w.lcd")


def test_value_dependent_ops_raise():
    x = lucid.zeros(3, 4, device="meta")
    with pytest.raises(MetaDataError, match="depends on the values"):
        lucid.nonzero(x)


def test_shape_rules_match_cpu_for_a_mixed_expression():
    a, b = np.ones((2, 3, 4)), np.ones((4, 5))
    for device in ("cpu", "meta"):
        x, w = lucid.tensor(a, device=device), lucid.tensor(b, device=device)
        y = (x @ w).softmax(-1).sum(1, keepdim=True) * 2.0 - x.mean()
        z = lucid.concatenate([y, y], axis=1)[:, ::2].permute(2, 0, 1).reshape(-1, 2)
        if device == "cpu":
            want = (z.shape, z.dtype)
    assert (z.shape, z.dtype) == want == ((5, 2), lucid.float64)


def test_bad_shapes_still_raise_typed_errors():
    with pytest.raises(ShapeError):
        lucid.zeros(2, 3, device="meta") @ lucid.zeros(4, 5, device="meta")
    with pytest.raises(ShapeError):
        lucid.zeros(2, 3, device="meta") + lucid.zeros(4, device="meta")


def test_mixing_meta_and_cpu_is_a_device_error():
    with pytest.raises(lucid.errors.DeviceMismatchError, match="meta"):
        lucid.zeros(2, device="meta") + lucid.zeros(2)


def test_backward_on_meta_gives_gradient_shapes():
    w = lucid.zeros(4, 3, device="meta", requires_grad=True)
    x = lucid.zeros(5, 3, device="meta")
    (x @ w.T).relu().sum().backward()
    assert (w.grad.shape, str(w.grad.device)) == ((4, 3), "meta")


def test_cpu_tensor_moves_to_meta():
    x = lucid.arange(6).reshape(2, 3)
    m = x.to("meta")
    assert (m.shape, m.dtype, str(m.device)) == ((2, 3), lucid.int64, "meta")


def test_creation_block_nests_restores_and_is_per_thread():
    seen = {}
    with lucid.device("meta"):
        assert str(lucid.zeros(1).device) == "meta"
        assert str(lucid.tensor([1.0]).device) == "meta"
        with lucid.device("cpu"):
            assert str(lucid.zeros(1).device) == "cpu"
        assert str(lucid.randn(2).device) == "meta"
        assert str(lucid.zeros(1, device="cpu").device) == "meta"  # a string yields
        here = lucid.zeros(1, device=lucid.device("cpu")).device  # a Device object is kept
        assert str(lucid.ones(2, device=here).device) == "cpu"
        other = threading.Thread(target=lambda: seen.update(d=str(lucid.zeros(1).device)))
        other.start()
        other.join()
    assert str(lucid.zeros(1).device) == "cpu" and seen["d"] == "cpu"


def test_unknown_device_names_meta_in_the_error():
    with pytest.raises(ValueError, match="'meta'"):
        lucid.zeros(1, device="tpu")


def test_module_built_on_meta_counts_and_shapes_like_cpu():
    lucid.random.seed(0)
    ref = small_net().eval()
    with lucid.device("meta"):
        net = small_net().eval()
    assert all(str(p.device) == "meta" for p in net.parameters())
    assert all(str(b.device) == "meta" for b in net.buffers())
    assert ([(k, v.shape, v.dtype) for k, v in net.state_dict().items()]
            == [(k, v.shape, v.dtype) for k, v in ref.state_dict().items()])
    x = lucid.randn(2, 3, 17, 15)
    assert net(x.to("meta")).shape == ref(x).shape == (2, 5)


def test_to_empty_materialises_then_loads_weights():
    lucid.random.seed(0)
    ref = small_net().eval()
    with lucid.device("meta"):
        net = small_net()
    params = list(net.parameters())
    net.to_empty(device="cpu")
    assert [p is q for p, q in zip(params, net.parameters())] == [True] * len(params)
    assert all(str(t.device) == "cpu" and not t.numpy().any() for t in net.state_dict().values())
    net.load_state_dict(ref.state_dict())
    net.eval()
    x = lucid.randn(2, 3, 17, 15)
    np.testing.assert_array_equal(net(x).numpy(), ref(x).numpy())


def test_module_to_meta_drops_data():
    net = small_net()
    net.to("meta")
    assert all(type(p.data) is MetaArray for p in net.parameters())
