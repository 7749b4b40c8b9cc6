"""IDX parsing and MNIST-style datasets, on the real Fashion-MNIST files and damaged copies."""

from __future__ import annotations

import gzip
import os
import shutil

import numpy as np
import pytest

import lucid
from lucid import transforms as T
from lucid.data import DataLoader, Subset
from lucid.datasets import (
    MNIST,
    DatasetFormatError,
    DatasetNotFoundError,
    FashionMNIST,
    read_idx,
    write_idx,
)

FASHION = "/usr/share/datasets/fashion-mnist"
needs_fashion = pytest.mark.skipif(
    not os.path.isdir(FASHION),
    reason=f"{FASHION} is absent (Debian package dataset-fashion-mnist not installed)")


@pytest.fixture(autouse=True)
def empty_cache(tmp_path, monkeypatch):
    """Point the cache at an empty folder so only root and system folders count."""
    monkeypatch.setenv("LUCID_DATA", str(tmp_path / "cache"))


# -- the real files ------------------------------------------------------------------------
@needs_fashion
def test_read_idx_on_real_files():
    images = read_idx(f"{FASHION}/t10k-images-idx3-ubyte.gz")
    labels = read_idx(f"{FASHION}/t10k-labels-idx1-ubyte.gz")
    assert images.shape == (10000, 28, 28) and images.dtype == np.uint8
    assert labels.shape == (10000,) and labels.min() == 0 and labels.max() == 9
    assert np.bincount(labels).tolist() == [1000] * 10


@needs_fashion
@pytest.mark.parametrize("train, n", [(True, 60000), (False, 10000)])
def test_fashion_mnist_from_debian_package(train, n):
    ds = FashionMNIST(train=train)
    assert ds.folder == FASHION
    assert len(ds) == n and ds.data.shape == (n, 28, 28) and ds.data.dtype == np.uint8
    assert ds.targets.dtype == np.int64 and ds.targets.shape == (n,)
    assert ds.targets.min() == 0 and ds.targets.max() == 9
    assert len(ds.classes) == 10 and ds.class_to_idx["Ankle boot"] == 9
    image, label = ds[0]
    assert isinstance(image, np.ndarray) and image.shape == (28, 28)
    assert isinstance(label, int)
    if train:  # the first training labels of Fashion-MNIST
        assert ds.targets[:10].tolist() == [9, 0, 0, 3, 0, 2, 7, 2, 5, 5]


@needs_fashion
def test_fashion_mnist_transforms_and_loader():
    ds = FashionMNIST(train=False, transform=T.Compose([T.ToTensor(), T.Normalize(0.5, 0.5)]),
                      target_transform=lambda t: t + 100)
    image, label = ds[3]
    assert image.shape == (1, 28, 28) and image.dtype == lucid.float32 and label >= 100
    np.testing.assert_allclose(image.numpy()[0], ds.data[3] / 255 * 2 - 1, atol=1e-6)
    loader = DataLoader(ds, batch_size=256, shuffle=True, generator=0)
    assert loader.uses_fast_path
    xb, yb = next(iter(loader))
    assert xb.shape == (256, 1, 28, 28) and yb.shape == (256,) and yb.dtype == lucid.int64
    # the batched path gives what the sample path gives
    order = list(loader.batch_sampler.sampler.__class__(ds, generator=0))[:256]
    np.testing.assert_array_equal(yb.numpy(), [ds[i][1] for i in order])
    np.testing.assert_allclose(xb.numpy(), np.stack([ds[i][0].numpy() for i in order]))
    sub = Subset(ds, range(10))
    assert next(iter(DataLoader(sub, batch_size=4)))[0].shape == (4, 1, 28, 28)


@needs_fashion
def test_root_wins_over_system_folder(tmp_path):
    root = tmp_path / "root"
    root.mkdir()
    for name in ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"):
        write_idx(root / name, read_idx(f"{FASHION}/{name}.gz")[:50])  # raw, not gzip
    ds = FashionMNIST(root=root, train=False)
    assert ds.folder == str(root) and len(ds) == 50


# -- fake and damaged files ----------------------------------------------------------------
def _fake_mnist(folder, n=20, train=True, compress=True):
    os.makedirs(folder, exist_ok=True)
    prefix = "train" if train else "t10k"
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, size=(n, 28, 28), dtype=np.uint8)
    labels = (np.arange(n) % 10).astype(np.uint8)
    ext = ".gz" if compress else ""
    write_idx(os.path.join(folder, f"{prefix}-images-idx3-ubyte{ext}"), images)
    write_idx(os.path.join(folder, f"{prefix}-labels-idx1-ubyte{ext}"), labels)
    return images, labels


def test_idx_round_trip_all_types(tmp_path):
    for dtype in ("u1", "i1", "i2", "i4", "f4", "f8"):
        arr = (np.arange(24) - 5).astype(dtype).reshape(2, 3, 4)
        write_idx(tmp_path / "a.idx", arr)
        out = read_idx(tmp_path / "a.idx")
        assert out.dtype == np.dtype(dtype) and out.flags.writeable
        np.testing.assert_array_equal(out, arr)


def test_idx_header_parsed_by_hand(tmp_path):
    body = bytes([0, 0, 0x0B, 2, 0, 0, 0, 2, 0, 0, 0, 1]) + b"\x01\x02\xff\xfe"
    (tmp_path / "h.idx").write_bytes(body)
    np.testing.assert_array_equal(read_idx(tmp_path / "h.idx"), [[258], [-2]])


def test_truncated_and_corrupted_idx(tmp_path):
    images, _ = _fake_mnist(tmp_path / "good")
    gz = tmp_path / "good" / "train-images-idx3-ubyte.gz"
    raw = gzip.decompress(gz.read_bytes())
    cases = {
        "short.gz": gzip.compress(raw[:-10]),            # data cut inside a valid gzip
        "cut.gz": gz.read_bytes()[: len(gz.read_bytes()) // 2],  # gzip stream cut
        "magic": b"\x12\x34" + raw[2:],                   # bad magic
        "type": raw[:2] + b"\x42" + raw[3:],              # unknown type code
        "header": raw[:6],                               # cut inside the header
        "long": raw + b"\x00" * 7,                       # extra bytes
        "tiny": b"\x00",
    }
    for name, data in cases.items():
        path = tmp_path / name
        path.write_bytes(data)
        with pytest.raises(DatasetFormatError) as info:
            read_idx(path)
        assert str(path) in str(info.value), name


def test_dataset_with_truncated_file_names_it(tmp_path):
    _fake_mnist(tmp_path)
    path = tmp_path / "train-labels-idx1-ubyte.gz"
    raw = gzip.decompress(path.read_bytes())
    path.write_bytes(gzip.compress(raw[:-3]))
    with pytest.raises(DatasetFormatError, match="train-labels-idx1-ubyte.gz.*truncated"):
        MNIST(root=tmp_path)


def test_dataset_with_mismatched_counts_or_bad_labels(tmp_path):
    _fake_mnist(tmp_path, n=20)
    write_idx(tmp_path / "train-labels-idx1-ubyte.gz", np.zeros(19, np.uint8))
    with pytest.raises(DatasetFormatError, match="20 images but .* 19 labels"):
        MNIST(root=tmp_path)
    write_idx(tmp_path / "train-labels-idx1-ubyte.gz", np.full(20, 12, np.uint8))
    with pytest.raises(DatasetFormatError, match="labels .* range"):
        MNIST(root=tmp_path)


def test_fake_mnist_from_root_layouts(tmp_path):
    images, labels = _fake_mnist(tmp_path / "a", compress=False)
    ds = MNIST(root=tmp_path / "a")
    np.testing.assert_array_equal(ds.data, images)
    np.testing.assert_array_equal(ds.targets, labels)
    _fake_mnist(tmp_path / "b" / "MNIST" / "raw", train=False)  # torchvision's layout
    assert len(MNIST(root=tmp_path / "b", train=False)) == 20
    _fake_mnist(tmp_path / "c" / "mnist")
    assert len(MNIST(root=tmp_path / "c")) == 20


def test_cache_found_through_lucid_data(tmp_path, monkeypatch):
    monkeypatch.setenv("LUCID_DATA", str(tmp_path / "store"))
    _fake_mnist(tmp_path / "store" / "mnist", n=7)
    ds = MNIST()
    assert len(ds) == 7 and ds.folder == str(tmp_path / "store" / "mnist")


def test_not_found_is_one_clear_error(tmp_path, monkeypatch):
    monkeypatch.setattr(FashionMNIST, "system_dirs", (str(tmp_path / "no-system"),))
    with pytest.raises(DatasetNotFoundError) as info:
        FashionMNIST(root=tmp_path / "nowhere", train=False)
    text = str(info.value)
    for expected in ("t10k-images-idx3-ubyte", str(tmp_path / "nowhere"),
                     str(tmp_path / "cache" / "fashion-mnist"), str(tmp_path / "no-system"),
                     "download=True", "apt install dataset-fashion-mnist", "LUCID_DATA"):
        assert expected in text, expected
    assert isinstance(info.value, FileNotFoundError)


def test_copy_of_real_file_with_flipped_header(tmp_path):
    if not os.path.isdir(FASHION):
        pytest.skip(f"{FASHION} is absent (Debian package dataset-fashion-mnist)")
    shutil.copy(f"{FASHION}/t10k-labels-idx1-ubyte.gz", tmp_path / "labels.gz")
    raw = bytearray(gzip.decompress((tmp_path / "labels.gz").read_bytes()))
    raw[7] ^= 0x01  # the count: 10000 -> 10001
    (tmp_path / "labels.gz").write_bytes(gzip.compress(bytes(raw)))
    with pytest.raises(DatasetFormatError, match="labels.gz.*truncated"):
        read_idx(tmp_path / "labels.gz")
