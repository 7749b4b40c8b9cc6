"""``lucid.weights``: the shipped LeNet-5 weights, the cache, downloads and checksums.

Downloads are tested against a local HTTP server (a thread on 127.0.0.1 that honours Range
requests, or can be told to ignore them) and ``file://`` URLs; nothing leaves the machine.
"""

import hashlib
import http.server
import threading
from pathlib import Path

import numpy as np
import pytest

import lucid
from lucid import weights
from lucid.models import lenet_1, lenet_5
from lucid.weights import LeNet_5_Weights, WeightsEntry, WeightsError, api

DATA = Path("/usr/share/datasets/fashion-mnist")


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    """Every test gets an empty cache: ``$LUCID_HOME/weights`` under its tmp folder."""
    monkeypatch.setenv("LUCID_HOME", str(tmp_path / "home"))
    return tmp_path / "home" / "weights"


# -- the shipped file ---------------------------------------------------------------------------
def test_packaged_file_matches_its_sha256():
    entry = LeNet_5_Weights.DEFAULT.entry
    path = api.PACKAGE_FILES / entry.file_name
    assert path.is_file()
    assert len(entry.sha256) == 64 and entry.sha256 != "0" * 64
    assert hashlib.sha256(path.read_bytes()).hexdigest() == entry.sha256
    assert path.stat().st_size < 250_000


def test_default_is_the_fashion_mnist_entry_with_metadata():
    assert LeNet_5_Weights.DEFAULT is LeNet_5_Weights.FASHION_MNIST_V1
    meta = LeNet_5_Weights.DEFAULT.meta
    for key in ("dataset", "epochs", "optimizer", "test_accuracy", "command", "date",
                "normalize", "num_params"):
        assert key in meta, key
    assert meta["num_params"] == 44_426 and meta["dataset"] == "Fashion-MNIST"


def test_loads_offline_without_touching_the_network(monkeypatch, private_cache):
    def no_network(*args, **kwargs):
        raise AssertionError("network used")

    monkeypatch.setattr(api.urllib.request, "urlopen", no_network)
    model = lenet_5(weights=LeNet_5_Weights.DEFAULT)
    state = lucid.load(api.PACKAGE_FILES / LeNet_5_Weights.DEFAULT.entry.file_name)
    for key, value in model.state_dict().items():
        np.testing.assert_array_equal(value.numpy(), state[key].numpy())
    assert not private_cache.exists()  # nothing downloaded, nothing cached
    # by name, too
    model = lenet_5(weights="LeNet_5_Weights.DEFAULT")
    assert model.classifier[4].weight.shape == (10, 84)


@pytest.mark.skipif(not DATA.is_dir(), reason=f"{DATA} absent (dataset-fashion-mnist)")
def test_default_weights_reach_the_stated_accuracy():
    from lucid import transforms as T
    from lucid.data import DataLoader
    from lucid.datasets import FashionMNIST

    meta = LeNet_5_Weights.DEFAULT.meta
    norm = meta["normalize"]
    tf = T.Compose([T.ToTensor(), T.Normalize(norm["mean"], norm["std"])])
    loader = DataLoader(FashionMNIST(train=False, transform=tf), batch_size=1000)
    model = lenet_5(weights=LeNet_5_Weights.DEFAULT)
    model.eval()
    correct = seen = 0
    with lucid.no_grad():
        for images, labels in loader:
            correct += int((model(images).numpy().argmax(1) == labels.numpy()).sum())
            seen += labels.shape[0]
    assert seen == 10_000
    assert abs(100 * correct / seen - meta["test_accuracy"]) <= 0.1, (correct, meta)
    assert meta["test_accuracy"] > 85


def test_wrong_model_is_refused():
    with pytest.raises(WeightsError, match="does not fit"):
        lenet_1(weights=LeNet_5_Weights.DEFAULT)


def test_unknown_weights_name():
    with pytest.raises(WeightsError, match="unknown weights"):
        weights.resolve("LeNet_5_Weights.IMAGENET")
    with pytest.raises(TypeError):
        weights.resolve(42)


def test_corrupt_packaged_file_is_refused(tmp_path, monkeypatch):
    packaged = tmp_path / "files"
    packaged.mkdir()
    entry = LeNet_5_Weights.DEFAULT.entry
    good = (api.PACKAGE_FILES / entry.file_name).read_bytes()
    bad = bytearray(good)
    bad[len(bad) // 2] ^= 0xFF  # one flipped byte in the middle of the tensor data
    (packaged / entry.file_name).write_bytes(bytes(bad))
    monkeypatch.setattr(api, "PACKAGE_FILES", packaged)
    with pytest.raises(WeightsError, match="packaged file"):
        lenet_5(weights=LeNet_5_Weights.DEFAULT)


# -- cache and downloads (a small file of our own) ----------------------------------------------
@pytest.fixture
def payload(tmp_path):
    """A small ``.lcd`` state dict, its bytes and SHA-256."""
    lucid.manual_seed(3)
    state = lenet_1().state_dict()
    path = tmp_path / "src" / "tiny.lcd"
    path.parent.mkdir()
    lucid.save(state, path)
    data = path.read_bytes()
    return {"state": state, "path": path, "bytes": data,
            "sha256": hashlib.sha256(data).hexdigest()}


class Server:
    """A local HTTP server in a thread serving ``files`` (name -> bytes), with Range support
    unless ``honour_range`` is False; records each request's path and Range header."""

    def __init__(self, files: dict, honour_range: bool = True) -> None:
        self.files, self.honour_range, self.requests = files, honour_range, []
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - http.server's naming
                name = self.path.lstrip("/")
                server.requests.append((name, self.headers.get("Range")))
                if name not in server.files:
                    self.send_error(404)
                    return
                data, status = server.files[name], 200
                rng = self.headers.get("Range")
                if rng and server.honour_range:
                    start = int(rng.split("=")[1].split("-")[0])
                    data, status = data[start:], 206
                self.send_response(status)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/{name}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


def same_state(a: dict, b: dict) -> bool:
    return list(a) == list(b) and all(np.array_equal(a[k].numpy(), b[k].numpy()) for k in a)


def test_download_into_cache_then_offline(payload, private_cache):
    with Server({"tiny.lcd": payload["bytes"]}) as server:
        entry = WeightsEntry("tiny.lcd", server.url("tiny.lcd"), payload["sha256"])
        path = entry.path()
        assert path == private_cache / "tiny.lcd"
        assert server.requests == [("tiny.lcd", None)]
        assert same_state(entry.get_state_dict(), payload["state"])
        assert len(server.requests) == 1  # second use comes from the cache
    assert not (private_cache / "tiny.lcd.part").exists()
    # server gone: the cached copy still serves, with or without downloads allowed
    assert same_state(entry.get_state_dict(download_missing=False), payload["state"])
    assert entry.path() == private_cache / "tiny.lcd"


def test_bad_sha256_rejected_and_discarded(payload, private_cache):
    with Server({"tiny.lcd": payload["bytes"]}) as server:
        entry = WeightsEntry("tiny.lcd", server.url("tiny.lcd"), "f" * 64)
        with pytest.raises(WeightsError, match="SHA-256"):
            entry.path()
    assert not (private_cache / "tiny.lcd").exists()
    assert not (private_cache / "tiny.lcd.part").exists()


def test_resume_from_part_file(payload, private_cache):
    half = len(payload["bytes"]) // 2
    private_cache.mkdir(parents=True)
    (private_cache / "tiny.lcd.part").write_bytes(payload["bytes"][:half])
    with Server({"tiny.lcd": payload["bytes"]}) as server:
        entry = WeightsEntry("tiny.lcd", server.url("tiny.lcd"), payload["sha256"])
        path = entry.path()
        assert server.requests == [("tiny.lcd", f"bytes={half}-")]
    assert path.read_bytes() == payload["bytes"]
    assert not (private_cache / "tiny.lcd.part").exists()


def test_resume_when_server_ignores_range(payload, private_cache):
    private_cache.mkdir(parents=True)
    (private_cache / "tiny.lcd.part").write_bytes(payload["bytes"][:100])
    with Server({"tiny.lcd": payload["bytes"]}, honour_range=False) as server:
        entry = WeightsEntry("tiny.lcd", server.url("tiny.lcd"), payload["sha256"])
        assert entry.path().read_bytes() == payload["bytes"]  # restarted from zero
        assert server.requests == [("tiny.lcd", "bytes=100-")]


def test_file_url_download(payload, private_cache):
    entry = WeightsEntry("tiny.lcd", payload["path"].as_uri(), payload["sha256"])
    assert same_state(entry.get_state_dict(), payload["state"])
    assert (private_cache / "tiny.lcd").read_bytes() == payload["bytes"]


def test_missing_offline_and_unreachable(payload, private_cache):
    entry = WeightsEntry("tiny.lcd", "http://127.0.0.1:9/tiny.lcd", payload["sha256"])
    with pytest.raises(WeightsError, match="neither packaged nor cached"):
        entry.path(download_missing=False)
    with pytest.raises(WeightsError, match="could not download"):
        entry.path()
    with Server({}) as server:  # 404
        entry = WeightsEntry("tiny.lcd", server.url("tiny.lcd"), payload["sha256"])
        with pytest.raises(WeightsError, match="could not download"):
            entry.path()
    assert not (private_cache / "tiny.lcd").exists()


def test_corrupt_cached_file_is_refused_then_replaced(payload, private_cache):
    private_cache.mkdir(parents=True)
    corrupt = bytearray(payload["bytes"])
    corrupt[-10] ^= 0xFF
    (private_cache / "tiny.lcd").write_bytes(bytes(corrupt))
    entry = WeightsEntry("tiny.lcd", "http://127.0.0.1:9/tiny.lcd", payload["sha256"])
    with pytest.raises(WeightsError):  # never loaded; offline there is nothing else
        entry.get_state_dict(download_missing=False)
    with Server({"tiny.lcd": payload["bytes"]}) as server:
        entry = WeightsEntry("tiny.lcd", server.url("tiny.lcd"), payload["sha256"])
        assert same_state(entry.get_state_dict(), payload["state"])
    assert (private_cache / "tiny.lcd").read_bytes() == payload["bytes"]


def test_cache_dir_follows_lucid_home(tmp_path, monkeypatch):
    monkeypatch.setenv("LUCID_HOME", str(tmp_path / "elsewhere"))
    assert weights.cache_dir() == tmp_path / "elsewhere" / "weights"
    monkeypatch.delenv("LUCID_HOME")
    assert weights.cache_dir() == Path.home() / ".cache" / "lucid" / "weights"
