"""lucid.data: datasets, samplers, collate and the DataLoader."""

from __future__ import annotations

from collections import namedtuple

import numpy as np
import pytest

import lucid
from lucid.data import (
    BatchSampler,
    ConcatDataset,
    DataLoader,
    Dataset,
    IterableDataset,
    RandomSampler,
    SequentialSampler,
    Subset,
    SubsetRandomSampler,
    TensorDataset,
    WeightedRandomSampler,
    default_collate,
    random_split,
)
from lucid.errors import ShapeError


class Squares(Dataset):
    """A plain map-style dataset without the batched fast path."""

    def __init__(self, n=10):
        self.n = n

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        if not 0 <= i < self.n:
            raise IndexError(i)
        return {"x": np.array([i, i * i], dtype=np.float32), "id": i, "name": f"s{i}"}


class Stream(IterableDataset):
    def __init__(self, n):
        self.n = n

    def __iter__(self):
        for i in range(self.n):
            yield np.float32(i), i % 2


def _xy(n=10):
    x = np.arange(n * 3, dtype=np.float32).reshape(n, 3)
    y = np.arange(n, dtype=np.int64) % 3
    return x, y


def _ids(loader):
    return [b[1].numpy().tolist() for b in loader]


# -- datasets ------------------------------------------------------------------------------
def test_tensor_dataset_samples_and_lengths():
    x, y = _xy()
    ds = TensorDataset(lucid.tensor(x), y)
    assert len(ds) == 10
    xi, yi = ds[4]
    assert isinstance(xi, lucid.Tensor) and isinstance(yi, np.integer | np.ndarray)
    np.testing.assert_array_equal(xi.numpy(), x[4])
    assert int(yi) == y[4]
    with pytest.raises(ValueError, match="different first dimensions"):
        TensorDataset(lucid.tensor(x), y[:5])


def test_subset_and_concat():
    x, y = _xy()
    ds = TensorDataset(x, y)
    sub = Subset(ds, [7, 2, 5])
    assert len(sub) == 3 and sub[0][1] == y[7]
    both = ConcatDataset([sub, ds])
    assert len(both) == 13
    assert both[3][1] == y[0] and both[-1][1] == y[9] and both[2][1] == y[5]
    with pytest.raises(IndexError):
        both[13]
    xb, yb = both.get_batch([12, 0, 3, 1])  # mixes both parts, keeps the order
    np.testing.assert_array_equal(yb, [y[9], y[7], y[0], y[2]])
    np.testing.assert_array_equal(xb, x[[9, 7, 0, 2]])
    assert (ds + ds)[10][1] == y[0]


def test_random_split_lengths_fractions_and_seed():
    ds = Squares(10)
    a, b = random_split(ds, [7, 3], generator=0)
    assert len(a) == 7 and len(b) == 3
    assert sorted(a.indices.tolist() + b.indices.tolist()) == list(range(10))
    a2, _ = random_split(ds, [7, 3], generator=0)
    np.testing.assert_array_equal(a.indices, a2.indices)
    parts = random_split(ds, [0.5, 0.3, 0.2], generator=np.random.default_rng(1))
    assert [len(p) for p in parts] == [5, 3, 2]
    parts = random_split(Squares(11), [0.5, 0.5], generator=1)
    assert [len(p) for p in parts] == [6, 5]  # the remainder goes to the first split
    with pytest.raises(ValueError, match="summing"):
        random_split(ds, [5, 4])


# -- samplers ------------------------------------------------------------------------------
def test_samplers():
    assert list(SequentialSampler(range(4))) == [0, 1, 2, 3]
    r = RandomSampler(range(6), generator=3)
    e1, e2 = list(r), list(r)
    assert sorted(e1) == list(range(6)) and e1 != e2  # a new order each epoch
    r2 = RandomSampler(range(6), generator=3)
    assert [list(r2), list(r2)] == [e1, e2]  # same seed -> same epochs
    assert len(list(RandomSampler(range(3), num_samples=7, generator=0))) == 7
    draws = list(RandomSampler(range(3), replacement=True, num_samples=50, generator=0))
    assert len(draws) == 50 and set(draws) <= {0, 1, 2}
    s = SubsetRandomSampler([10, 11, 12], generator=0)
    assert sorted(s) == [10, 11, 12] and len(s) == 3
    w = list(WeightedRandomSampler([0, 0, 1.0], 5, generator=0))
    assert w == [2] * 5
    assert list(BatchSampler(range(7), 3, drop_last=False)) == [[0, 1, 2], [3, 4, 5], [6]]
    assert list(BatchSampler(range(7), 3, drop_last=True)) == [[0, 1, 2], [3, 4, 5]]
    assert len(BatchSampler(range(7), 3, False)) == 3
    assert len(BatchSampler(range(7), 3, True)) == 2
    with pytest.raises(ValueError, match="batch_size"):
        BatchSampler(range(3), 0)


# -- collate -------------------------------------------------------------------------------
def test_default_collate_dicts_tuples_and_python_numbers():
    Pair = namedtuple("Pair", "a b")
    batch = [
        {"img": np.full((2, 2), i, dtype=np.uint8), "label": i, "w": 0.5 * i, "ok": i > 0,
         "name": f"n{i}", "pair": Pair(np.float64(i), [i, -i]),
         "t": lucid.tensor([float(i)])}
        for i in range(3)
    ]
    out = default_collate(batch)
    assert out["img"].shape == (3, 2, 2) and out["img"].dtype == lucid.uint8
    np.testing.assert_array_equal(out["label"].numpy(), [0, 1, 2])
    assert out["label"].dtype == lucid.int64
    assert out["w"].dtype == lucid.float64  # Python floats -> float64, as torch
    np.testing.assert_allclose(out["w"].numpy(), [0.0, 0.5, 1.0])
    assert out["ok"].dtype == lucid.bool_
    assert out["name"] == ["n0", "n1", "n2"]
    assert isinstance(out["pair"], Pair) and out["pair"].a.dtype == lucid.float64
    assert isinstance(out["pair"].b, list)
    np.testing.assert_array_equal(out["pair"].b[1].numpy(), [0, -1, -2])
    assert out["t"].shape == (3, 1) and out["t"].dtype == lucid.float32
    tup = default_collate([(np.zeros(2, np.float64), 1), (np.ones(2, np.float64), 2)])
    assert isinstance(tup, tuple) and tup[0].dtype == lucid.float64  # float64 stays float64


def test_default_collate_errors():
    with pytest.raises(ShapeError, match=r"\(2,\).*\(3,\)"):
        default_collate([np.zeros(2), np.zeros(3)])
    with pytest.raises(TypeError, match="object"):
        default_collate([object(), object()])


# -- DataLoader ----------------------------------------------------------------------------
def test_loader_sequential_batches_and_drop_last():
    x, y = _xy(10)
    loader = DataLoader(TensorDataset(x, np.arange(10)), batch_size=4)
    assert loader.uses_fast_path
    assert _ids(loader) == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]] and len(loader) == 3
    loader = DataLoader(TensorDataset(x, np.arange(10)), batch_size=4, drop_last=True)
    assert _ids(loader) == [[0, 1, 2, 3], [4, 5, 6, 7]] and len(loader) == 2
    xb, _ = next(iter(loader))
    assert isinstance(xb, lucid.Tensor) and xb.device == "cpu"
    np.testing.assert_array_equal(xb.numpy(), x[:4])


def test_loader_shuffle_is_deterministic_per_seed():
    ds = TensorDataset(np.arange(20))
    first = [b[0].numpy().tolist() for b in DataLoader(ds, batch_size=6, shuffle=True,
                                                        generator=42)]
    again = [b[0].numpy().tolist() for b in DataLoader(ds, batch_size=6, shuffle=True,
                                                        generator=42)]
    other = [b[0].numpy().tolist() for b in DataLoader(ds, batch_size=6, shuffle=True,
                                                        generator=7)]
    assert first == again and first != other
    assert sorted(sum(first, [])) == list(range(20))
    loader = DataLoader(ds, batch_size=6, shuffle=True, generator=np.random.default_rng(0))
    epoch1 = [b[0].numpy().tolist() for b in loader]
    epoch2 = [b[0].numpy().tolist() for b in loader]
    assert epoch1 != epoch2  # each epoch reshuffles


def test_fast_path_equals_per_sample_path():
    x, y = _xy(13)
    ds = TensorDataset(lucid.tensor(x), y)
    fast = DataLoader(ds, batch_size=5, shuffle=True, generator=1)
    slow = DataLoader(ds, batch_size=5, shuffle=True, generator=1,
                      collate_fn=lambda s: default_collate(s))
    assert fast.uses_fast_path and not slow.uses_fast_path
    for (fx, fy), (sx, sy) in zip(fast, slow):
        assert fx.dtype == sx.dtype and fy.dtype == sy.dtype
        np.testing.assert_array_equal(fx.numpy(), sx.numpy())
        np.testing.assert_array_equal(fy.numpy(), sy.numpy())
    sub = Subset(ds, [3, 1, 4, 1, 5])
    assert DataLoader(sub, batch_size=2).uses_fast_path
    assert _ids(DataLoader(sub, batch_size=2)) == [[y[3], y[1]], [y[4], y[1]], [y[5]]]


def test_loader_dict_samples_without_fast_path():
    loader = DataLoader(Squares(5), batch_size=2, shuffle=False)
    assert not loader.uses_fast_path
    batches = list(loader)
    assert len(batches) == 3
    np.testing.assert_array_equal(batches[1]["x"].numpy(), [[2, 4], [3, 9]])
    np.testing.assert_array_equal(batches[1]["id"].numpy(), [2, 3])
    assert batches[2]["name"] == ["s4"]


def test_loader_samplers_and_custom_collate():
    ds = Squares(6)
    loader = DataLoader(ds, batch_size=2, sampler=[5, 4, 3, 2])
    assert [b["id"].numpy().tolist() for b in loader] == [[5, 4], [3, 2]]
    loader = DataLoader(ds, batch_sampler=[[0, 5], [1]])
    assert [b["id"].numpy().tolist() for b in loader] == [[0, 5], [1]]
    loader = DataLoader(ds, batch_size=3, collate_fn=lambda s: [d["id"] for d in s])
    assert list(loader) == [[0, 1, 2], [3, 4, 5]]
    single = list(DataLoader(ds, batch_size=None))
    assert single[2]["id"].shape == () and single[2]["x"].shape == (2,)
    with pytest.raises(ValueError, match="exclude"):
        DataLoader(ds, sampler=[0], shuffle=True)
    with pytest.raises(ValueError, match="batch_sampler"):
        DataLoader(ds, batch_sampler=[[0]], batch_size=4)
    with pytest.raises(ValueError, match="batch_size"):
        DataLoader(ds, batch_size=0)


def test_loader_iterable_dataset():
    loader = DataLoader(Stream(7), batch_size=3)
    batches = list(loader)
    assert [b[0].numpy().tolist() for b in batches] == [[0, 1, 2], [3, 4, 5], [6]]
    assert batches[0][0].dtype == lucid.float32 and batches[0][1].dtype == lucid.int64
    assert len(list(DataLoader(Stream(7), batch_size=3, drop_last=True))) == 2
    with pytest.raises(ValueError, match="IterableDataset"):
        DataLoader(Stream(3), shuffle=True)


def test_loader_device_argument():
    x, y = _xy(4)
    xb, yb = next(iter(DataLoader(TensorDataset(x, y), batch_size=4, device="cpu")))
    assert xb.device == "cpu" and yb.device == "cpu"


def test_user_dataset_with_get_batch_gets_the_fast_path():
    class Arrays(Dataset):
        def __init__(self):
            self.x = np.arange(10.0)

        def __len__(self):
            return 10

        def __getitem__(self, i):
            return self.x[i]

        def get_batch(self, indices):
            self.calls = getattr(self, "calls", 0) + 1
            return self.x[indices]

    ds = Arrays()
    loader = DataLoader(ds, batch_size=4)
    assert loader.uses_fast_path
    assert [b.numpy().tolist() for b in loader] == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    assert ds.calls == 3
    assert not DataLoader(Squares(3), batch_size=2).uses_fast_path
    single = list(DataLoader(Squares(2), batch_size=None, collate_fn=lambda s: s["id"]))
    assert single == [0, 1]
