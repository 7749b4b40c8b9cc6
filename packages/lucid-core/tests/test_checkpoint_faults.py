"""Hostile and interrupted checkpoints (issue 10): a header nested 100,000 levels deep is a
``CheckpointError``; a save interrupted at any point (disk full, a killed process: the
bytes written so far) never yields a file that loads as something else and never loses
the previous good checkpoint."""

import errno
import json
import os
import random
import struct
import zlib

import numpy as np
import pytest

import lucid
import lucid.serialization as ser
from lucid.serialization import FORMAT_VERSION, MAGIC, CheckpointError


def _lcd_bytes(header_text: bytes, payload: bytes = b"") -> bytes:
    """A well-formed .lcd container (right sizes, CRC and end marker) around any header."""
    start = 20 + len(header_text)
    header_text += b" " * (-start % 64)
    body = (MAGIC + struct.pack("<IQ", FORMAT_VERSION, len(header_text)) + header_text
            + payload)
    return body + struct.pack("<I", zlib.crc32(body) & 0xFFFFFFFF) + b"LCD."


@pytest.mark.parametrize("depth", [100_000, 5_000])
def test_deeply_nested_header_is_a_checkpoint_error(tmp_path, depth):
    root = b"[" * depth + b"1" + b"]" * depth
    header = (b'{"format":"lucid.lcd","version":1,"payload_size":0,"root":' + root + b"}")
    path = tmp_path / "deep.lcd"
    path.write_bytes(_lcd_bytes(header))
    with pytest.raises(CheckpointError, match="deep.lcd.*nested too deeply"):
        lucid.load(path)


def test_deeply_nested_tags_are_a_checkpoint_error(tmp_path):
    """Nesting through ``$tuple`` nodes (JSON objects) is caught the same way."""
    node = "1"
    for _ in range(3_000):
        node = '{"$tuple":[' + node + "]}"
    header = ('{"format":"lucid.lcd","version":1,"payload_size":0,"root":' + node
              + "}").encode()
    path = tmp_path / "tags.lcd"
    path.write_bytes(_lcd_bytes(header))
    with pytest.raises(CheckpointError, match="nested too deeply"):
        lucid.load(path)


def test_saving_a_self_containing_object_is_a_checkpoint_error(tmp_path):
    loop = []
    loop.append(loop)
    with pytest.raises(CheckpointError, match="nested too deeply"):
        lucid.save({"x": loop}, tmp_path / "loop.lcd")
    assert os.listdir(tmp_path) == []


def test_a_reasonable_nesting_still_loads(tmp_path):
    obj = 1
    for _ in range(50):
        obj = [obj]
    lucid.save(obj, tmp_path / "ok.lcd")
    assert json.dumps(lucid.load(tmp_path / "ok.lcd")) == json.dumps(obj)


# -- interrupted writes ----------------------------------------------------------------------
def _state(seed):
    rng = np.random.default_rng(seed)
    return {"w": lucid.tensor(rng.standard_normal((64, 33)).astype(np.float32)),
            "b": lucid.tensor(rng.standard_normal(17)), "step": seed,
            "opt": {0: {"exp_avg": lucid.zeros(5)}}}


def _same(a, b):
    assert a["step"] == b["step"]
    np.testing.assert_array_equal(a["w"].numpy(), b["w"].numpy())
    np.testing.assert_array_equal(a["b"].numpy(), b["b"].numpy())


class _DiskFull:
    """A file wrapper whose writes fail with ENOSPC once ``budget`` bytes are written."""

    def __init__(self, f, budget):
        self.f, self.budget = f, budget

    def write(self, data):
        data = memoryview(data).cast("B")
        if len(data) > self.budget:
            self.f.write(data[:self.budget])
            self.budget = 0
            raise OSError(errno.ENOSPC, "No space left on device")
        self.budget -= len(data)
        return self.f.write(data)

    def __getattr__(self, name):
        return getattr(self.f, name)


def test_disk_full_at_random_points_keeps_the_previous_checkpoint(tmp_path, monkeypatch):
    path = tmp_path / "ck.lcd"
    good = _state(1)
    lucid.save(good, path)
    size = path.stat().st_size
    real_write_all = ser._write_all
    rng = random.Random(0)
    cuts = sorted({0, 1, 19, 20, size - 9, size - 1} | {rng.randrange(size) for _ in range(40)})
    for cut in cuts:
        monkeypatch.setattr(ser, "_write_all",
                            lambda f, parts, cut=cut: real_write_all(_DiskFull(f, cut), parts))
        with pytest.raises(OSError, match="No space"):
            lucid.save(_state(2), path)
        monkeypatch.setattr(ser, "_write_all", real_write_all)
        _same(lucid.load(path), good)  # the previous checkpoint, intact
        assert sorted(os.listdir(tmp_path)) == ["ck.lcd"]  # the partial file is removed


def test_every_prefix_of_a_checkpoint_is_refused(tmp_path):
    """What a killed writer leaves behind (any prefix of the file, e.g. the temporary file
    or a non-atomic write to a file object) never loads as something else."""
    full = tmp_path / "full.lcd"
    lucid.save(_state(3), full)
    data = full.read_bytes()
    cut_path = tmp_path / "cut.lcd"
    rng = random.Random(1)
    cuts = sorted(set(range(0, 64)) | {rng.randrange(len(data)) for _ in range(200)}
                  | set(range(len(data) - 16, len(data))))
    for cut in cuts:
        cut_path.write_bytes(data[:cut])
        with pytest.raises(CheckpointError):
            lucid.load(cut_path)
    cut_path.write_bytes(data)
    _same(lucid.load(cut_path), _state(3))


def test_random_byte_damage_is_refused(tmp_path):
    path = tmp_path / "d.lcd"
    lucid.save(_state(4), path)
    data = bytearray(path.read_bytes())
    rng = random.Random(2)
    for _ in range(200):
        damaged = bytearray(data)
        for _ in range(rng.randint(1, 4)):
            i = rng.randrange(len(damaged))
            damaged[i] = (damaged[i] + rng.randint(1, 255)) % 256
        path.write_bytes(bytes(damaged))
        with pytest.raises(CheckpointError):
            lucid.load(path)
