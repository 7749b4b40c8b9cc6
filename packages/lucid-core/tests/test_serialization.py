"""lucid.save / lucid.load: the .lcd format, its failure modes, atomic writes, safetensors."""

from __future__ import annotations

import math
import os
import signal
import struct
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest

import lucid
from lucid.serialization import FORMAT_VERSION, MAGIC, CheckpointError

DTYPES = ["float16", "float32", "float64", "int8", "uint8", "int16", "int32", "int64", "bool"]


def _sample(dtype: str, shape=(3, 4), seed=0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    if dtype == "bool":
        return rng.random(shape) > 0.5
    if dtype.startswith("float"):
        return rng.standard_normal(shape).astype(dtype)
    info = np.iinfo(dtype)
    return rng.integers(info.min, info.max, size=shape, endpoint=True, dtype=dtype)


def _assert_same_tensor(a, b):
    assert isinstance(b, lucid.Tensor)
    assert b.dtype == a.dtype
    assert b.shape == a.shape
    assert b.requires_grad == a.requires_grad
    np.testing.assert_array_equal(b.numpy(), a.numpy())


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(), (0,), (5,), (2, 3, 4)])
def test_round_trip_every_dtype(tmp_path, dtype, shape):
    t = lucid.tensor(_sample(dtype, shape), device="cpu")
    path = tmp_path / "t.lcd"
    lucid.save(t, path)
    _assert_same_tensor(t, lucid.load(path))


def test_requires_grad_and_extreme_values(tmp_path):
    w = lucid.tensor(np.array([np.nan, np.inf, -np.inf, -0.0, 1e-45], "float32"),
                     requires_grad=True)
    lucid.save({"w": w}, tmp_path / "w.lcd")
    out = lucid.load(tmp_path / "w.lcd")["w"]
    assert out.requires_grad and out.is_leaf
    np.testing.assert_array_equal(out.numpy(), w.numpy())
    assert np.signbit(out.numpy()[3])


def test_nested_state_round_trip(tmp_path):
    w = lucid.tensor(_sample("float32", (4, 3)), requires_grad=True)
    b = lucid.tensor(_sample("float32", (4,), seed=1), requires_grad=True)
    state = {
        "model": {"fc.weight": w, "fc.bias": b, "bn.num_batches_tracked": lucid.tensor(7)},
        "optimizer": {
            "state": {0: {"step": 10, "exp_avg": lucid.zeros((4, 3))},
                      1: {"step": 10, "exp_avg": lucid.ones((4,))}},
            "param_groups": [{"lr": 1e-3, "betas": (0.9, 0.999), "eps": 1e-8,
                              "weight_decay": 0.0, "amsgrad": False, "params": [0, 1],
                              "name": None}],
        },
        "epoch": 3,
        "best": float("inf"),
        "nan": float("nan"),
        "whole": 2.0,
        "history": [0.5, 0.25, (1, "two", [3.0])],
        "notes": "ünïcode ✓",
        "array": np.arange(6, dtype=np.int16).reshape(2, 3),
        "dtype": lucid.float16,
        "big": 2**62,
        "empty": {},
        "mixed_keys": {1: "int", "1": "str", 2.5: "float", False: "bool", None: "none"},
    }
    lucid.save(state, tmp_path / "ck.lcd")
    out = lucid.load(tmp_path / "ck.lcd")
    _assert_same_tensor(w, out["model"]["fc.weight"])
    _assert_same_tensor(b, out["model"]["fc.bias"])
    _assert_same_tensor(state["model"]["bn.num_batches_tracked"],
                        out["model"]["bn.num_batches_tracked"])
    opt = out["optimizer"]
    assert set(opt["state"]) == {0, 1}
    _assert_same_tensor(state["optimizer"]["state"][1]["exp_avg"], opt["state"][1]["exp_avg"])
    assert opt["param_groups"] == [{"lr": 1e-3, "betas": (0.9, 0.999), "eps": 1e-8,
                                    "weight_decay": 0.0, "amsgrad": False, "params": [0, 1],
                                    "name": None}]
    assert out["epoch"] == 3 and type(out["epoch"]) is int
    assert out["whole"] == 2.0 and type(out["whole"]) is float
    assert out["best"] == math.inf and math.isnan(out["nan"])
    assert out["history"] == [0.5, 0.25, (1, "two", [3.0])]
    assert isinstance(out["history"][2], tuple)
    assert out["notes"] == "ünïcode ✓"
    assert isinstance(out["array"], np.ndarray) and out["array"].dtype == np.int16
    np.testing.assert_array_equal(out["array"], state["array"])
    assert out["dtype"] == lucid.float16
    assert out["big"] == 2**62 and out["empty"] == {}
    assert out["mixed_keys"] == state["mixed_keys"]
    assert [type(k) for k in out["mixed_keys"]] == [int, str, float, bool, type(None)]
    assert list(out["model"]) == list(state["model"])  # key order survives


def test_shared_tensors_stay_shared(tmp_path):
    w = lucid.ones((3,))
    lucid.save({"a": w, "b": [w]}, tmp_path / "s.lcd")
    out = lucid.load(tmp_path / "s.lcd")
    assert out["a"] is out["b"][0]
    assert os.path.getsize(tmp_path / "s.lcd") < 1024


def test_map_location_cpu(tmp_path):
    lucid.save({"x": lucid.ones((2,))}, tmp_path / "m.lcd")
    for loc in ("cpu", lucid.device("cpu"), {"gpu": "cpu"}, lambda d: "cpu"):
        x = lucid.load(tmp_path / "m.lcd", map_location=loc)["x"]
        assert x.device == "cpu"


def test_map_location_gpu(tmp_path):
    try:
        lucid.zeros((1,), device="gpu")
    except Exception as exc:  # no backend serves gpu in this environment
        pytest.skip(f"no backend serves device gpu here: {exc}")
    lucid.save({"x": lucid.ones((2,))}, tmp_path / "g.lcd")
    x = lucid.load(tmp_path / "g.lcd", map_location="gpu")["x"]
    assert x.device.type == "gpu"
    np.testing.assert_array_equal(x.numpy(), np.ones(2, np.float32))


def test_file_objects(tmp_path):
    import io

    buf = io.BytesIO()
    lucid.save({"x": lucid.arange(3) if hasattr(lucid, "arange") else lucid.ones((3,))}, buf)
    buf.seek(0)
    assert lucid.load(buf)["x"].shape == (3,)


def test_unsupported_object_is_a_clear_error(tmp_path):
    with pytest.raises(CheckpointError, match="object"):
        lucid.save({"f": object()}, tmp_path / "bad.lcd")
    assert not os.path.exists(tmp_path / "bad.lcd")
    assert os.listdir(tmp_path) == []  # no temporary file left behind


def test_atomic_save_replaces_and_leaves_no_temp(tmp_path):
    path = tmp_path / "ck.lcd"
    lucid.save({"v": 1}, path)
    lucid.save({"v": 2}, path)
    assert lucid.load(path) == {"v": 2}
    assert os.listdir(tmp_path) == ["ck.lcd"]


# -- damaged files ---------------------------------------------------------------------
@pytest.fixture
def good_file(tmp_path):
    path = tmp_path / "good.lcd"
    lucid.save({"w": lucid.tensor(_sample("float32", (16, 16))), "epoch": 1}, path)
    return path


def test_truncated_file(good_file):
    data = good_file.read_bytes()
    for keep in (0, 5, 15, 100, len(data) // 2, len(data) - 1):
        good_file.write_bytes(data[:keep])
        with pytest.raises(CheckpointError, match="truncated|magic") as info:
            lucid.load(good_file)
        assert str(good_file) in str(info.value)


def test_flipped_byte_in_payload_and_header(good_file):
    data = bytearray(good_file.read_bytes())
    for where in (len(data) - 100, 40):  # a tensor byte, a header byte
        damaged = bytearray(data)
        damaged[where] ^= 0x10
        good_file.write_bytes(bytes(damaged))
        with pytest.raises(CheckpointError) as info:
            lucid.load(good_file)
        assert str(good_file) in str(info.value)
        assert "checksum" in str(info.value) or "corrupt" in str(info.value)


def test_every_single_byte_flip_is_rejected(tmp_path):
    path = tmp_path / "small.lcd"
    lucid.save({"w": lucid.tensor(_sample("float32", (3,))), "n": 1}, path)
    data = path.read_bytes()
    for pos in range(len(data)):
        damaged = bytearray(data)
        damaged[pos] ^= 0x04
        path.write_bytes(bytes(damaged))
        with pytest.raises(CheckpointError):
            lucid.load(path)


def test_wrong_magic(good_file):
    data = bytearray(good_file.read_bytes())
    data[1:4] = b"PNG"
    good_file.write_bytes(bytes(data))
    with pytest.raises(CheckpointError, match="magic"):
        lucid.load(good_file)
    good_file.write_bytes(b"\x80\x02}q\x00.")  # a pickle is rejected, never run
    with pytest.raises(CheckpointError, match="magic"):
        lucid.load(good_file)


def test_wrong_version(good_file):
    data = bytearray(good_file.read_bytes())
    struct.pack_into("<I", data, len(MAGIC), FORMAT_VERSION + 1)
    good_file.write_bytes(bytes(data))
    with pytest.raises(CheckpointError, match=f"version {FORMAT_VERSION + 1}"):
        lucid.load(good_file)


def test_trailing_garbage(good_file):
    good_file.write_bytes(good_file.read_bytes() + b"junk")
    with pytest.raises(CheckpointError, match="unexpected bytes"):
        lucid.load(good_file)


def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="nope.lcd"):
        lucid.load(tmp_path / "nope.lcd")


def test_is_a_value_error():
    assert issubclass(CheckpointError, ValueError)
    assert issubclass(CheckpointError, lucid.LucidError)


# -- a crash in the middle of a save -----------------------------------------------------
_WRITER = textwrap.dedent("""
    import sys, numpy as np, lucid
    big = lucid.tensor(np.full((16, 1 << 20), 2.0, dtype=np.float32))  # 64 MiB
    print("ready", flush=True)
    lucid.save({"w": big, "epoch": 2}, sys.argv[1])
    print("done", flush=True)
""")


def test_kill_during_save_keeps_previous_checkpoint(tmp_path):
    path = tmp_path / "ck.lcd"
    old = lucid.tensor(np.full((4, 4), 1.0, dtype=np.float32))
    lucid.save({"w": old, "epoch": 1}, path)
    env = dict(os.environ, LUCID_TEST_SAVE_CHUNK_DELAY="0.2")  # 8 chunks -> >= 1.6 s
    proc = subprocess.Popen([sys.executable, "-c", _WRITER, str(path)], env=env,
                            stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "ready"
        deadline = time.monotonic() + 60
        temps = []
        while time.monotonic() < deadline:  # wait until the writer is mid-file
            temps = [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
            if temps and temps[0].stat().st_size > (8 << 20):
                break
            time.sleep(0.01)
        assert temps, "the writer never started its temporary file"
        assert proc.poll() is None, "the writer finished before it could be killed"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == -signal.SIGKILL
    out = lucid.load(path)
    assert out["epoch"] == 1
    np.testing.assert_array_equal(out["w"].numpy(), old.numpy())
    partial = [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    assert partial and partial[0].stat().st_size < 64 << 20
    with pytest.raises(CheckpointError, match="truncated"):  # the half-written file is caught
        lucid.load(partial[0])


# -- safetensors -------------------------------------------------------------------------
import safetensors.numpy as safetensors_numpy  # noqa: E402


def test_lucid_writes_safetensors_that_safetensors_reads(tmp_path):
    tensors = {d: lucid.tensor(_sample(d, (2, 3))) for d in DTYPES}
    path = tmp_path / "w.safetensors"
    lucid.save(tensors, path)
    loaded = safetensors_numpy.load_file(str(path))
    assert set(loaded) == set(DTYPES)
    for d in DTYPES:
        assert loaded[d].dtype == np.dtype(d)
        np.testing.assert_array_equal(loaded[d], tensors[d].numpy())


def test_safetensors_file_loads_in_lucid(tmp_path):
    arrays = {"conv.weight": _sample("float32", (4, 3, 3, 3)), "bn.count": np.int64([5]),
              "mask": _sample("bool", (7,))}
    path = tmp_path / "ext.safetensors"
    safetensors_numpy.save_file(arrays, str(path))
    for out in (lucid.load(path), lucid.serialization.load_safetensors(path, device="cpu")):
        assert set(out) == set(arrays)
        for k, v in arrays.items():
            assert out[k].dtype == lucid.dtypes.to_dtype(v.dtype)
            np.testing.assert_array_equal(out[k].numpy(), v)


def test_safetensors_metadata_and_explicit_api(tmp_path):
    path = tmp_path / "m.safetensors"
    lucid.serialization.save_safetensors({"x": lucid.ones((2,))}, path, metadata={"epoch": 3})
    from safetensors import safe_open

    with safe_open(str(path), framework="numpy") as f:
        assert f.metadata() == {"epoch": "3"}


def test_safetensors_rejects_nested_state(tmp_path):
    with pytest.raises(CheckpointError, match="flat dict"):
        lucid.save({"model": {"w": lucid.ones((2,))}}, tmp_path / "n.safetensors")
    with pytest.raises(CheckpointError, match="flat dict"):
        lucid.save(lucid.ones((2,)), tmp_path / "n.safetensors")
    assert not os.path.exists(tmp_path / "n.safetensors")


def test_corrupted_safetensors(tmp_path):
    path = tmp_path / "c.safetensors"
    lucid.save({"x": lucid.ones((64,))}, path)
    path.write_bytes(path.read_bytes()[:40])
    with pytest.raises(CheckpointError, match="c.safetensors"):
        lucid.load(path)
