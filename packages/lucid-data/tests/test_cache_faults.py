"""Fault injection for the dataset cache (issue 10): a download cut at random points (the
connection dropped, or the disk full) never leaves a file under the real name, never
replaces a good cached file, and the next call resumes to the exact bytes."""

import errno
import hashlib
import io
import random

import pytest

from lucid.datasets import download as dl
from lucid.datasets.errors import ChecksumError, DownloadError

DATA = random.Random(0).randbytes(50_000)
SHA = hashlib.sha256(DATA).hexdigest()


class _Response:
    """A fake HTTP response serving ``DATA`` (from the Range start), failing with
    ECONNRESET once ``cut`` bytes of it were read (``None``: never)."""

    def __init__(self, request, cut):
        rng = request.headers.get("Range")
        self.start = int(rng.split("=")[1].split("-")[0]) if rng else 0
        self.status = 206 if rng else 200
        self.body = io.BytesIO(DATA[self.start:])
        self.cut = cut
        self.headers = {"Content-Length": str(len(DATA) - self.start)}

    def getcode(self):
        return self.status

    def read(self, n):
        if self.cut is not None and self.body.tell() + n > self.cut:
            chunk = self.body.read(max(self.cut - self.body.tell(), 0))
            if chunk:
                return chunk
            raise ConnectionResetError(errno.ECONNRESET, "Connection reset by peer")
        return self.body.read(n)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


class _Network:
    def __init__(self):
        self.cut, self.ranges = None, []

    def urlopen(self, request, timeout=None):
        self.ranges.append(request.headers.get("Range"))
        return _Response(request, self.cut)


@pytest.fixture
def network(monkeypatch):
    net = _Network()
    monkeypatch.setattr(dl.urllib.request, "urlopen", net.urlopen)
    monkeypatch.setattr(dl, "_CHUNK", 4096)
    return net


class _FullDisk:
    """``open`` whose files fail with ENOSPC after ``budget`` more bytes."""

    def __init__(self, budget):
        self.budget = budget

    def __call__(self, path, mode="r", *args, **kwargs):
        f = open(path, mode, *args, **kwargs)  # noqa: SIM115 - wrapped below
        if "b" not in mode or "r" in mode:
            return f
        disk = self

        class Wrapped:
            def write(self, data):
                if len(data) > disk.budget:
                    f.write(data[:disk.budget])
                    disk.budget = 0
                    raise OSError(errno.ENOSPC, "No space left on device")
                disk.budget -= len(data)
                return f.write(data)

            def __enter__(self):
                return self

            def __exit__(self, *exc):
                f.close()
                return False

        return Wrapped()


_PICK = random.Random(1)
CUTS = sorted({0, 1, 4095, 4096, 4097, len(DATA) - 1}
              | {_PICK.randrange(len(DATA)) for _ in range(12)})


@pytest.mark.parametrize("cut", CUTS)
def test_dropped_connection_leaves_no_file_and_resumes(tmp_path, network, cut):
    dest = tmp_path / "train.bin"
    network.cut = cut
    with pytest.raises(DownloadError, match="interrupted.*resume"):
        dl.download_url("http://example.invalid/train.bin", str(dest), sha256=SHA,
                        progress=False)
    assert not dest.exists()
    part = tmp_path / "train.bin.part"
    have = part.stat().st_size
    assert part.read_bytes() == DATA[:have]  # a true prefix, nothing else
    network.cut = None
    assert dl.download_url("http://example.invalid/train.bin", str(dest), sha256=SHA,
                           progress=False) == str(dest)
    assert dest.read_bytes() == DATA
    assert not part.exists()
    assert network.ranges[-1] == (f"bytes={have}-" if have else None)  # resumed, not redone


@pytest.mark.parametrize("budget", [0, 10, 4096, 30_000, len(DATA) - 1])
def test_full_disk_leaves_no_file_and_resumes(tmp_path, network, monkeypatch, budget):
    dest = tmp_path / "t.bin"
    monkeypatch.setattr(dl, "open", _FullDisk(budget), raising=False)
    with pytest.raises(DownloadError, match="No space left"):
        dl.download_url("http://x.invalid/t.bin", str(dest), sha256=SHA, progress=False)
    assert not dest.exists()
    monkeypatch.undo()
    monkeypatch.setattr(dl.urllib.request, "urlopen", network.urlopen)
    network.cut = None
    dl.download_url("http://x.invalid/t.bin", str(dest), sha256=SHA, progress=False)
    assert dest.read_bytes() == DATA


def test_a_good_cached_file_survives_a_failing_network(tmp_path, network):
    dest = tmp_path / "good.bin"
    dest.write_bytes(DATA)
    network.cut = 0
    for _ in range(3):  # cached and verified: the network is never asked
        assert dl.download_url("http://x.invalid/g.bin", str(dest), sha256=SHA,
                               progress=False) == str(dest)
    assert network.ranges == []
    assert dest.read_bytes() == DATA


def test_a_damaged_part_file_never_becomes_the_dataset(tmp_path, network):
    """A ``.part`` holding wrong bytes (a crash mid-write on another machine, a bad mirror)
    completes to a file whose checksum fails: it is deleted, not renamed into place."""
    dest = tmp_path / "d.bin"
    (tmp_path / "d.bin.part").write_bytes(b"\x00" * 1000)
    with pytest.raises(ChecksumError, match="deleted"):
        dl.download_url("http://x.invalid/d.bin", str(dest), sha256=SHA, progress=False)
    assert not dest.exists() and not (tmp_path / "d.bin.part").exists()
    dl.download_url("http://x.invalid/d.bin", str(dest), sha256=SHA, progress=False)
    assert dest.read_bytes() == DATA
