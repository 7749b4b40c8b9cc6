"""PyTorch checkpoints without torch: the restricted ``.pth`` reader and the entries that use
it. The files here are written byte by byte in PyTorch's format (a zip of ``data.pkl`` and
raw storages; the pickle opcodes are the ones ``torch.save`` emits, see ``pickletools.dis``
of a real file); the parity session checks files written by torch itself."""

import io
import os
import pickle
import struct
import zipfile

import numpy as np
import pytest

import lucid
from lucid.models import lenet_5
from lucid.serialization import CheckpointError
from lucid.weights import WeightsEntry, WeightsError, read_pth, sha256_of
from lucid.weights.api import hash_matches

STORAGE = {np.dtype(np.float32): "FloatStorage", np.dtype(np.float64): "DoubleStorage",
           np.dtype(np.int64): "LongStorage", np.dtype(np.float16): "HalfStorage",
           np.dtype(np.uint8): "ByteStorage", np.dtype(np.bool_): "BoolStorage"}


def _str(text: str) -> bytes:
    data = text.encode()
    return b"X" + struct.pack("<I", len(data)) + data


def _int(n: int) -> bytes:
    return b"J" + struct.pack("<i", n)


def _global(module: str, name: str) -> bytes:
    return b"c" + f"{module}\n{name}\n".encode()


def _ints(values) -> bytes:
    return b"(" + b"".join(_int(v) for v in values) + b"t"


def _tensor_pickle(key, storage_type, numel, offset, size, stride, parameter=False) -> bytes:
    """``torch._utils._rebuild_tensor_v2((storage pid), offset, size, stride, False, {})``."""
    pid = (b"(" + _str("storage") + _global("torch", storage_type) + _str(key) + _str("cpu")
           + _int(numel) + b"tQ")
    args = (b"(" + pid + _int(offset) + _ints(size) + _ints(stride) + b"\x89"
            + _global("collections", "OrderedDict") + b")R" + b"t")
    out = _global("torch._utils", "_rebuild_tensor_v2") + args + b"R"
    if parameter:
        out = _global("torch._utils", "_rebuild_parameter") + b"(" + out + b"\x88" \
            + _global("collections", "OrderedDict") + b")R" + b"tR"
    return out


def write_pth(path, tensors: dict, wrap: str | None = None, byteorder: str = "little",
              views: dict | None = None) -> None:
    """A torch.save-format file of ``{name: array}`` (each its own storage; names ending
    in ``w`` saved as parameters), plus ``views``: ``{name: (source, offset, size,
    stride)}`` sharing a source's storage. ``wrap``: save ``{"epoch": 3, wrap: state}``."""
    items, storages = b"", {}
    for i, (name, array) in enumerate(tensors.items()):
        array = np.array(array, order="C")
        storages[name] = (str(i), array)
        stride = [s // array.itemsize for s in array.strides]
        items += _str(name) + _tensor_pickle(str(i), STORAGE[array.dtype], array.size, 0,
                                             array.shape, stride, parameter=name.endswith("w"))
    for name, (source, offset, size, stride) in (views or {}).items():
        key, array = storages[source]
        items += _str(name) + _tensor_pickle(key, STORAGE[array.dtype], array.size, offset,
                                             size, stride)
    state = _global("collections", "OrderedDict") + b")R(" + items + b"u"
    if wrap is not None:
        state = b"}(" + _str("epoch") + _int(3) + _str(wrap) + state + b"u"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("archive/data.pkl", b"\x80\x02" + state + b".")
        z.writestr("archive/byteorder", byteorder)
        for key, array in storages.values():
            data = array.astype(array.dtype.newbyteorder("<" if byteorder == "little" else ">"))
            z.writestr(f"archive/data/{key}", data.tobytes())
        z.writestr("archive/version", "3\n")


def test_reads_tensors_of_every_dtype_views_and_parameters(tmp_path):
    rng = np.random.default_rng(0)
    arrays = {"a": rng.standard_normal((2, 3)).astype(np.float32),
              "b": np.arange(5, dtype=np.int64), "c": rng.standard_normal(4),
              "d": np.float16([1.5, -2]), "e": np.array([True, False]),
              "f": np.uint8([[1, 2], [3, 255]]), "w": np.float32([0.25, 4.0]),
              "s": np.float32(7.0)}
    path = tmp_path / "m.pth"
    write_pth(path, arrays, views={"a_col": ("a", 1, (2,), (3,)),
                                   "a_t": ("a", 0, (3, 2), (1, 3))})
    state = read_pth(path)
    assert list(state) == [*arrays, "a_col", "a_t"]
    for name, array in arrays.items():
        assert state[name].dtype == array.dtype and state[name].shape == array.shape, name
        np.testing.assert_array_equal(state[name], array)
    np.testing.assert_array_equal(state["a_col"], arrays["a"][:, 1])
    np.testing.assert_array_equal(state["a_t"], arrays["a"].T)
    assert state["a_t"].flags.writeable  # copies, not views of the storage


def test_big_endian_files_and_training_checkpoints(tmp_path):
    arrays = {"x": np.float64([1.0, -3.5, 1e300])}
    write_pth(tmp_path / "be.pth", arrays, byteorder="big")
    np.testing.assert_array_equal(read_pth(tmp_path / "be.pth")["x"], arrays["x"])
    write_pth(tmp_path / "ckpt.pth", arrays, wrap="state_dict")
    loaded = read_pth(tmp_path / "ckpt.pth")
    assert loaded["epoch"] == 3
    state = lucid.weights.load_state_file(tmp_path / "ckpt.pth")  # finds the nested dict
    np.testing.assert_array_equal(state["x"].numpy(), arrays["x"])


def test_bfloat16_storage_widens_to_float32(tmp_path):
    want = np.float32([1.0, -2.5, 3.140625])
    bf16 = (want.view(np.uint32) >> 16).astype(np.uint16)  # exactly representable values
    path = tmp_path / "bf.pth"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("a/data.pkl", b"\x80\x02}(" + _str("x")
                   + _tensor_pickle("0", "BFloat16Storage", 3, 0, (3,), (1,)) + b"u.")
        z.writestr("a/data/0", bf16.astype("<u2").tobytes())
    got = read_pth(path)["x"]
    assert got.dtype == np.float32
    np.testing.assert_array_equal(got, want)


class _RunsCode:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def _zip_with_pickle(path, payload: bytes):
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("evil/data.pkl", payload)


@pytest.mark.parametrize("make", [
    lambda m: pickle.dumps(_RunsCode(m), protocol=2),
    lambda m: pickle.dumps({"weight": _RunsCode(m)}, protocol=4),
    lambda m: b"\x80\x02" + _global("builtins", "eval") + b"(" + _str(
        f"__import__('os').system('touch {m}')") + b"tR.",
    lambda m: b"\x80\x02" + _global("subprocess", "check_call") + b"((" + _str("touch")
    + _str(str(m)) + b"ltR.",
    lambda m: b"\x80\x02" + _global("torch", "load") + b"(" + _str(str(m)) + b"tR.",
], ids=["os.system", "nested-in-dict", "builtins.eval", "subprocess", "torch.load"])
def test_malicious_pickles_are_refused_without_side_effects(tmp_path, make):
    marker = tmp_path / "pwned"
    path = tmp_path / "evil.pth"
    _zip_with_pickle(path, make(marker))
    with pytest.raises(CheckpointError, match="refusing to load"):
        read_pth(path)
    assert not marker.exists()
    with pytest.raises(CheckpointError):
        lucid.weights.load_state_file(path)
    assert not marker.exists()


def test_out_of_bounds_views_and_broken_archives_are_refused(tmp_path):
    path = tmp_path / "oob.pth"
    write_pth(path, {"a": np.zeros(4, np.float32)}, views={"b": ("a", 2, (3,), (1,))})
    with pytest.raises(CheckpointError, match="past its storage"):
        read_pth(path)
    (tmp_path / "legacy.pth").write_bytes(b"\x80\x02\x8a\x0al\xfc\x9cF\xf9 j\xa8P\x19.")
    with pytest.raises(CheckpointError, match="not a PyTorch zip checkpoint"):
        read_pth(tmp_path / "legacy.pth")
    missing = tmp_path / "missing.pth"
    with zipfile.ZipFile(missing, "w") as z:
        z.writestr("a/data.pkl", b"\x80\x02}(" + _str("x")
                   + _tensor_pickle("0", "FloatStorage", 3, 0, (3,), (1,)) + b"u.")
    with pytest.raises(CheckpointError, match="missing from the archive"):
        read_pth(missing)
    truncated = tmp_path / "truncated.pth"
    write_pth(truncated, {"a": np.zeros(4, np.float32)})
    data = io.BytesIO(truncated.read_bytes())
    with zipfile.ZipFile(data) as z:
        pkl = z.read("archive/data.pkl")
    _zip_with_pickle(truncated, pkl[:-8])
    with pytest.raises(CheckpointError):
        read_pth(truncated)


def test_entry_with_a_pth_file_loads_into_the_model(tmp_path, monkeypatch):
    """A ``.pth`` entry found in the cache, verified by its SHA-256, loaded by name."""
    monkeypatch.setenv("LUCID_HOME", str(tmp_path))
    lucid.random.seed(0)
    source = lenet_5().eval()
    state = {k: v.numpy() for k, v in source.state_dict().items()}
    cache = tmp_path / "weights"
    cache.mkdir()
    write_pth(cache / "lenet5-test.pth", state)
    digest = sha256_of(cache / "lenet5-test.pth")
    entry = WeightsEntry("lenet5-test.pth", "https://example.invalid/lenet5-test.pth",
                         digest[:8], meta={"num_classes": 10})
    model = lenet_5(weights=entry).eval()
    x = lucid.randn(3, 1, 28, 28)
    np.testing.assert_array_equal(model(x).numpy(), source(x).numpy())
    bad = WeightsEntry("lenet5-test.pth", "file:///nonexistent/lenet5-test.pth", "00000000")
    with pytest.raises(WeightsError):
        lenet_5(weights=bad)


def test_published_hash_prefixes():
    full = "0676ba61" + "a" * 56
    assert hash_matches(full, "0676ba61") and hash_matches(full, full)
    assert not hash_matches(full, "0676ba62") and not hash_matches(full, "0676")
