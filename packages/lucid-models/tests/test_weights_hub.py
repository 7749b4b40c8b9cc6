"""Hub files (timm's weights on Hugging Face): no hash is stored in the entry; the download
asks the hub for the SHA-256 it publishes (``X-Linked-Etag`` on the redirect of a ``HEAD``),
checks the bytes against it and records it next to the cached file for offline use. The
hub is a thread on 127.0.0.1 that answers as huggingface.co does; nothing leaves the
machine."""

import hashlib
import http.server
import threading

import numpy as np
import pytest

import lucid
from lucid.models import lenet_5
from lucid.weights import WeightsEntry, WeightsError, api, hub

REPO_PATH = "/timm/lenet.test/resolve/main/model.safetensors"


class Hub(http.server.BaseHTTPRequestHandler):
    payload = b""
    published = ""  # the X-Linked-Etag value
    requests: list = []

    def _redirect(self):
        self.send_response(302)
        self.send_header("Location", "/cdn/blob")
        if self.published is not None:
            self.send_header("X-Linked-Etag", f'"{self.published}"')
        self.send_header("ETag", '"not-a-sha"')
        self.end_headers()

    def do_HEAD(self):  # noqa: N802 - http.server's naming
        type(self).requests.append(("HEAD", self.path))
        self._redirect() if self.path == REPO_PATH else self.send_error(404)

    def do_GET(self):  # noqa: N802
        type(self).requests.append(("GET", self.path))
        if self.path == REPO_PATH:
            return self._redirect()
        if self.path != "/cdn/blob":
            return self.send_error(404)
        self.send_response(200)
        self.send_header("Content-Length", str(len(self.payload)))
        self.end_headers()
        self.wfile.write(self.payload)

    def log_message(self, *args):
        pass


@pytest.fixture
def server(tmp_path, monkeypatch):
    monkeypatch.setenv("LUCID_HOME", str(tmp_path / "home"))
    lucid.random.seed(0)
    model = lenet_5()
    lucid.save(model.state_dict(), tmp_path / "lenet.safetensors")  # via safetensors
    Hub.payload = (tmp_path / "lenet.safetensors").read_bytes()
    Hub.published = hashlib.sha256(Hub.payload).hexdigest()
    Hub.requests = []
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Hub)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield model, f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def entry_for(base: str) -> WeightsEntry:
    return WeightsEntry("timm--lenet.test.safetensors", base + REPO_PATH, None,
                        meta={"num_classes": 10})


def test_published_sha256_is_read_from_the_redirect(server):
    _, base = server
    assert hub.published_sha256(base + REPO_PATH) == Hub.published
    assert ("HEAD", REPO_PATH) in Hub.requests and ("HEAD", "/cdn/blob") not in Hub.requests


def test_download_checks_the_published_hash_records_it_and_loads_offline(server, monkeypatch):
    model, base = server
    entry = entry_for(base)
    loaded = lenet_5(weights=entry).eval()
    x = lucid.randn(2, 1, 28, 28)
    np.testing.assert_array_equal(loaded(x).numpy(), model.eval()(x).numpy())
    cached = api.cache_dir() / entry.file_name
    assert hub.recorded_sha256(cached) == Hub.published
    Hub.requests = []

    def no_network(*args, **kwargs):
        raise AssertionError("network used")

    monkeypatch.setattr(api.urllib.request, "urlopen", no_network)
    monkeypatch.setattr(hub.urllib.request, "build_opener", no_network)
    assert entry.path() == cached and Hub.requests == []  # verified against the record


def test_bytes_that_differ_from_the_published_hash_are_discarded(server):
    _, base = server
    Hub.published = "0" * 64
    with pytest.raises(WeightsError, match="expected 0000"):
        entry_for(base).path()
    leftovers = list(api.cache_dir().glob("timm--lenet*"))
    assert leftovers == []  # neither the file, nor its .part, nor a record


def test_no_published_hash_means_no_download(server):
    _, base = server
    Hub.published = None  # only the non-SHA ETag is left
    with pytest.raises(WeightsError, match="published SHA-256"):
        entry_for(base).path()
    assert ("GET", "/cdn/blob") not in Hub.requests


def test_cached_file_without_or_with_a_wrong_record_is_fetched_again(server):
    model, base = server
    entry = entry_for(base)
    cached = api.cache_dir() / entry.file_name
    cached.parent.mkdir(parents=True)
    cached.write_bytes(b"tampered")
    hub.record_sha256(cached, hashlib.sha256(b"something else").hexdigest())
    path = entry.path()  # the record does not match: download again, record the hub's hash
    assert path.read_bytes() == Hub.payload and hub.recorded_sha256(path) == Hub.published
    assert ("GET", "/cdn/blob") in Hub.requests
