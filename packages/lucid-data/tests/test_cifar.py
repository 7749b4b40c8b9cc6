"""CIFAR-10/100 on small fake archives: binary and Python versions, safety, damaged files."""

from __future__ import annotations

import hashlib
import io
import os
import pickle
import tarfile

import numpy as np
import pytest

from lucid.data import DataLoader
from lucid.datasets import CIFAR10, CIFAR100, DatasetFormatError
from lucid.datasets.cifar_format import load_restricted_pickle, read_cifar_binary, safe_extract


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    monkeypatch.setenv("LUCID_DATA", str(tmp_path / "cache"))
    monkeypatch.setattr(CIFAR10, "system_dirs", ())
    monkeypatch.setattr(CIFAR100, "system_dirs", ())


def _images(n, seed):
    return np.random.default_rng(seed).integers(0, 256, (n, 32, 32, 3), dtype=np.uint8)


def _planes(images):  # NHWC -> the R, G, B planes of the files
    return images.transpose(0, 3, 1, 2).reshape(len(images), -1)


def _add(tar, name, data: bytes):
    info = tarfile.TarInfo(name)
    info.size = len(data)
    tar.addfile(info, io.BytesIO(data))


def _cifar10_binary(folder, n=4):
    expected = {}
    path = os.path.join(folder, "cifar-10-binary.tar.gz")
    with tarfile.open(path, "w:gz") as tar:
        for i, name in enumerate([f"data_batch_{k}" for k in range(1, 6)] + ["test_batch"]):
            images = _images(n, i)
            labels = (np.arange(n) + i) % 10
            rows = np.concatenate([labels[:, None].astype(np.uint8), _planes(images)], axis=1)
            _add(tar, f"cifar-10-batches-bin/{name}.bin", rows.tobytes())
            expected[name] = (images, labels)
        _add(tar, "../escape.txt", b"outside")  # must not be extracted
    return path, expected


def test_cifar10_binary_archive(tmp_path):
    _, expected = _cifar10_binary(tmp_path)
    train = CIFAR10(root=tmp_path)
    assert train.data.shape == (20, 32, 32, 3) and train.data.dtype == np.uint8
    np.testing.assert_array_equal(train.data[:4], expected["data_batch_1"][0])
    np.testing.assert_array_equal(train.data[16:], expected["data_batch_5"][0])
    np.testing.assert_array_equal(train.targets[4:8], expected["data_batch_2"][1])
    assert train.targets.dtype == np.int64 and train.classes[0] == "airplane"
    test = CIFAR10(root=tmp_path, train=False)
    assert len(test) == 4
    image, label = test[1]
    np.testing.assert_array_equal(image, expected["test_batch"][0][1])
    assert label == expected["test_batch"][1][1]
    assert not (tmp_path.parent / "escape.txt").exists()
    xb, yb = next(iter(DataLoader(train, batch_size=8)))
    assert xb.shape == (8, 32, 32, 3)


def test_cifar_binary_pixel_layout_by_hand(tmp_path):
    record = np.zeros(1 + 3072, np.uint8)
    record[0] = 7
    record[1 + 0 * 1024 + 5 * 32 + 2] = 11  # red, row 5, col 2
    record[1 + 2 * 1024 + 31] = 22          # blue, row 0, col 31
    (tmp_path / "one.bin").write_bytes(record.tobytes())
    images, labels = read_cifar_binary(tmp_path / "one.bin", label_bytes=1)
    assert labels.tolist() == [[7]]
    assert images[0, 5, 2, 0] == 11 and images[0, 0, 31, 2] == 22
    assert images.sum() == 33


def test_truncated_cifar_binary(tmp_path):
    _cifar10_binary(tmp_path)
    CIFAR10(root=tmp_path, train=False)  # extracts
    path = tmp_path / "cifar-10-batches-bin" / "test_batch.bin"
    path.write_bytes(path.read_bytes()[:-100])
    with pytest.raises(DatasetFormatError, match="test_batch.bin.*truncated"):
        CIFAR10(root=tmp_path, train=False)


def test_truncated_archive(tmp_path):
    path, _ = _cifar10_binary(tmp_path)
    data = open(path, "rb").read()
    with open(path, "wb") as f:
        f.write(data[: len(data) // 2])
    with pytest.raises(DatasetFormatError, match="cifar-10-binary.tar.gz"):
        CIFAR10(root=tmp_path)


def test_cifar100_binary(tmp_path):
    n = 6
    images = _images(n, 3)
    coarse, fine = np.arange(n) % 20, (np.arange(n) * 7) % 100
    rows = np.concatenate([coarse[:, None], fine[:, None], _planes(images)], axis=1)
    sub = tmp_path / "cifar-100-binary"
    sub.mkdir()
    (sub / "train.bin").write_bytes(rows.astype(np.uint8).tobytes())
    ds = CIFAR100(root=tmp_path)
    np.testing.assert_array_equal(ds.data, images)
    np.testing.assert_array_equal(ds.targets, fine)
    np.testing.assert_array_equal(ds.coarse_targets, coarse)
    assert len(ds.classes) == 100 and ds.classes[:2] == ["apple", "aquarium_fish"]


def _python_batch(images, labels, key="labels", old_numpy_names=True):
    data = pickle.dumps({b"batch_label": b"x", key.encode(): list(map(int, labels)),
                         b"data": _planes(images)}, protocol=2)
    if old_numpy_names:  # as in the real files, pickled by NumPy 1.x
        data = data.replace(b"numpy._core.multiarray", b"numpy.core.multiarray")
    return data


def test_cifar10_python_version_with_restricted_unpickler(tmp_path):
    sub = tmp_path / "cifar-10-batches-py"
    sub.mkdir()
    expected = []
    for i, name in enumerate([f"data_batch_{k}" for k in range(1, 6)] + ["test_batch"]):
        images, labels = _images(3, i), np.arange(3) + i
        (sub / name).write_bytes(_python_batch(images, labels, old_numpy_names=i % 2 == 0))
        expected.append((images, labels))
    ds = CIFAR10(root=tmp_path)
    np.testing.assert_array_equal(ds.data[3:6], expected[1][0])
    np.testing.assert_array_equal(ds.targets[:3], expected[0][1])


def test_cifar100_python_version(tmp_path):
    sub = tmp_path / "cifar-100-python"
    sub.mkdir()
    images = _images(4, 9)
    data = pickle.dumps({"data": _planes(images), "fine_labels": [1, 2, 3, 4],
                         "coarse_labels": [0, 0, 1, 1]}, protocol=2)
    (sub / "test").write_bytes(data)
    names = [f"c{i}" for i in range(100)]
    (sub / "meta").write_bytes(pickle.dumps({"fine_label_names": names}, protocol=2))
    ds = CIFAR100(root=tmp_path, train=False)
    np.testing.assert_array_equal(ds.data, images)
    assert ds.targets.tolist() == [1, 2, 3, 4] and ds.coarse_targets.tolist() == [0, 0, 1, 1]
    assert ds.classes[3] == "c3"


class _Evil:
    def __init__(self, path):
        self.path = path

    def __reduce__(self):
        return os.mkdir, (self.path,)


def test_restricted_unpickler_never_runs_code(tmp_path):
    target = str(tmp_path / "pwned")
    evil = tmp_path / "evil"
    evil.write_bytes(pickle.dumps({"data": _Evil(target)}, protocol=2))
    with pytest.raises(DatasetFormatError, match="refusing to unpickle global .*mkdir"):
        load_restricted_pickle(evil)
    assert not os.path.exists(target)
    obj_array = tmp_path / "objarr"
    obj_array.write_bytes(pickle.dumps({"data": np.array([1, "a"], dtype=object)}))
    with pytest.raises(DatasetFormatError):
        load_restricted_pickle(obj_array)
    (tmp_path / "cut").write_bytes(pickle.dumps({"data": np.zeros(10)})[:-5])
    with pytest.raises(DatasetFormatError, match="cut.*truncated"):
        load_restricted_pickle(tmp_path / "cut")


def test_safe_extract_skips_links_and_escapes(tmp_path):
    archive = tmp_path / "a.tar"
    with tarfile.open(archive, "w") as tar:
        _add(tar, "ok/file.txt", b"fine")
        _add(tar, "/abs.txt", b"no")
        link = tarfile.TarInfo("ok/link")
        link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
        tar.addfile(link)
    out = tmp_path / "out"
    safe_extract(str(archive), str(out))
    assert (out / "ok" / "file.txt").read_bytes() == b"fine"
    assert not (out / "ok" / "link").exists() and not os.path.exists("/abs.txt")


def test_cifar_download_uses_checksum(tmp_path, monkeypatch):
    src = tmp_path / "src"
    src.mkdir()
    path, _ = _cifar10_binary(src)
    md5 = hashlib.md5(open(path, "rb").read()).hexdigest()
    monkeypatch.setattr(CIFAR10, "url", "file://" + path)
    monkeypatch.setattr(CIFAR10, "md5", md5)
    ds = CIFAR10(download=True)
    assert len(ds) == 20 and ds.folder == str(tmp_path / "cache" / "cifar-10")
