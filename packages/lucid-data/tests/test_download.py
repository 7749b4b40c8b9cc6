"""Downloads against a local HTTP server (with Range support) and file:// URLs; no network."""

from __future__ import annotations

import hashlib
import http.server
import os
import threading

import numpy as np
import pytest

from lucid.datasets import (
    MNIST,
    ChecksumError,
    DownloadError,
    cache_dir,
    data_home,
    download_url,
    write_idx,
)

PAYLOAD = bytes(range(256)) * 400  # 102400 bytes


class _Handler(http.server.BaseHTTPRequestHandler):
    files: dict[str, bytes] = {}
    log: list[tuple[str, str | None]] = []

    def do_GET(self):  # noqa: N802 - http.server's spelling
        self.log.append((self.path, self.headers.get("Range")))
        body = self.files.get(self.path)
        if body is None:
            self.send_error(404, "not here")
            return
        start = 0
        rng = self.headers.get("Range")
        if rng and rng.startswith("bytes="):
            start = int(rng[6:].split("-")[0])
            if start >= len(body):
                self.send_response(416)
                self.send_header("Content-Range", f"bytes */{len(body)}")
                self.end_headers()
                return
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{len(body) - 1}/{len(body)}")
        else:
            self.send_response(200)
        self.send_header("Content-Length", str(len(body) - start))
        self.end_headers()
        self.wfile.write(body[start:])

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    _Handler.files = {"/data.bin": PAYLOAD}
    _Handler.log = []
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", _Handler
    finally:
        httpd.shutdown()
        httpd.server_close()


def _md5(data: bytes) -> str:
    return hashlib.md5(data).hexdigest()


def test_download_verifies_checksum(server, tmp_path):
    base, handler = server
    dest = tmp_path / "d" / "data.bin"
    download_url(base + "/data.bin", str(dest), md5=_md5(PAYLOAD), progress=False)
    assert dest.read_bytes() == PAYLOAD
    sha = hashlib.sha256(PAYLOAD).hexdigest()
    dest.unlink()
    download_url(base + "/data.bin", str(dest), sha256=sha, progress=False)
    assert dest.read_bytes() == PAYLOAD


def test_bad_checksum_is_rejected_and_not_kept(server, tmp_path):
    base, _ = server
    dest = tmp_path / "data.bin"
    with pytest.raises(ChecksumError, match="MD5 .* expected 0{32}.*deleted"):
        download_url(base + "/data.bin", str(dest), md5="0" * 32, progress=False)
    assert os.listdir(tmp_path) == []  # neither the file nor its .part stays


def test_resume_from_part_file(server, tmp_path):
    base, handler = server
    dest = tmp_path / "data.bin"
    (tmp_path / "data.bin.part").write_bytes(PAYLOAD[:30000])
    download_url(base + "/data.bin", str(dest), md5=_md5(PAYLOAD), progress=False)
    assert dest.read_bytes() == PAYLOAD
    assert handler.log[-1] == ("/data.bin", "bytes=30000-")
    assert not (tmp_path / "data.bin.part").exists()


def test_complete_part_file_gets_416_and_is_kept(server, tmp_path):
    base, handler = server
    dest = tmp_path / "data.bin"
    (tmp_path / "data.bin.part").write_bytes(PAYLOAD)
    download_url(base + "/data.bin", str(dest), md5=_md5(PAYLOAD), progress=False)
    assert dest.read_bytes() == PAYLOAD


def test_corrupt_part_file_fails_checksum_then_restarts(server, tmp_path):
    base, _ = server
    dest = tmp_path / "data.bin"
    (tmp_path / "data.bin.part").write_bytes(b"\xff" * 1000)
    with pytest.raises(ChecksumError):
        download_url(base + "/data.bin", str(dest), md5=_md5(PAYLOAD), progress=False)
    assert not (tmp_path / "data.bin.part").exists()
    download_url(base + "/data.bin", str(dest), md5=_md5(PAYLOAD), progress=False)
    assert dest.read_bytes() == PAYLOAD


def test_cached_file_is_reused_without_network(server, tmp_path):
    base, handler = server
    dest = tmp_path / "data.bin"
    dest.write_bytes(PAYLOAD)
    download_url("http://127.0.0.1:9/never", str(dest), md5=_md5(PAYLOAD), progress=False)
    assert handler.log == []


def test_http_errors_name_the_url(server, tmp_path):
    base, _ = server
    with pytest.raises(DownloadError, match="missing.bin.*404"):
        download_url(base + "/missing.bin", str(tmp_path / "m"), progress=False)
    with pytest.raises(DownloadError, match="127.0.0.1:9"):
        download_url("http://127.0.0.1:9/x", str(tmp_path / "m"), progress=False, timeout=5)


def test_file_url(tmp_path):
    src = tmp_path / "src.bin"
    src.write_bytes(PAYLOAD)
    dest = tmp_path / "out" / "copy.bin"
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "copy.bin.part").write_bytes(b"junk")  # no Range on file://: restart
    download_url(src.as_uri(), str(dest), md5=_md5(PAYLOAD), progress=False)
    assert dest.read_bytes() == PAYLOAD


def test_cache_location(monkeypatch, tmp_path):
    monkeypatch.setenv("LUCID_DATA", str(tmp_path))
    assert data_home() == str(tmp_path) and cache_dir("mnist") == str(tmp_path / "mnist")
    monkeypatch.delenv("LUCID_DATA")
    assert cache_dir("mnist").endswith(os.path.join(".cache", "lucid", "mnist"))


def _fake_mnist_files(folder):
    rng = np.random.default_rng(0)
    files = {}
    for prefix, n in (("train", 12), ("t10k", 5)):
        write_idx(folder / f"{prefix}-images-idx3-ubyte.gz",
                  rng.integers(0, 256, (n, 28, 28), dtype=np.uint8))
        write_idx(folder / f"{prefix}-labels-idx1-ubyte.gz", np.arange(n, dtype=np.uint8) % 10)
    for p in folder.iterdir():
        files["/mnist/" + p.name] = p.read_bytes()
    return files


def test_dataset_download_mirrors_checksums_and_cache(server, tmp_path, monkeypatch):
    base, handler = server
    src = tmp_path / "src"
    src.mkdir()
    handler.files = _fake_mnist_files(src)
    monkeypatch.setenv("LUCID_DATA", str(tmp_path / "cache"))
    monkeypatch.setattr(MNIST, "system_dirs", ())
    monkeypatch.setattr(MNIST, "mirrors", [base + "/broken/", base + "/mnist/"])
    monkeypatch.setattr(MNIST, "resources", {k[len("/mnist/"):]: _md5(v)
                                             for k, v in handler.files.items()})
    ds = MNIST(download=True)
    assert len(ds) == 12 and ds.folder == str(tmp_path / "cache" / "mnist")
    assert any(path.startswith("/broken/") for path, _ in handler.log)  # first mirror failed
    handler.log.clear()
    assert len(MNIST(train=False)) == 5  # both splits were fetched
    assert len(MNIST(download=True)) == 12 and handler.log == []  # the cache, no network


def test_dataset_download_with_bad_checksum_keeps_nothing(server, tmp_path, monkeypatch):
    base, handler = server
    src = tmp_path / "src"
    src.mkdir()
    handler.files = _fake_mnist_files(src)
    monkeypatch.setattr(MNIST, "system_dirs", ())
    monkeypatch.setattr(MNIST, "mirrors", [base + "/mnist/"])
    monkeypatch.setattr(MNIST, "resources", {k[len("/mnist/"):]: "f" * 32
                                             for k in handler.files})
    root = tmp_path / "root"
    with pytest.raises(DownloadError, match="MD5"):
        MNIST(root=root, download=True)
    assert os.listdir(root / "mnist") == []
