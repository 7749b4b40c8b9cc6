"""The demo's dataset step (``examples/demo_dataset.py``): found, installed, or downloaded."""

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def dd(tmp_path, monkeypatch):
    spec = importlib.util.spec_from_file_location("demo_dataset",
                                                  ROOT / "examples/demo_dataset.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "SYSTEM_DIR", tmp_path)
    module.calls = []
    module.logged = []
    return module


def run(dd, args):
    return dd.ensure_dataset(list(args), log=dd.logged.append)


def fake_apt(dd, monkeypatch, how, succeeds):
    monkeypatch.setattr(dd, "apt_prefix", lambda: ([] if how else None, how or "no sudo"))

    def install(package, prefix):
        dd.calls.append((package, prefix))
        if succeeds:
            (dd.SYSTEM_DIR / "fashion-mnist").mkdir()
            (dd.SYSTEM_DIR / "fashion-mnist" / "train-images-idx3-ubyte.gz").write_bytes(b"x")
        return succeeds

    monkeypatch.setattr(dd, "apt_install", install)


def test_present_dataset_changes_nothing(dd, monkeypatch):
    fake_apt(dd, monkeypatch, "as root", True)
    (dd.SYSTEM_DIR / "fashion-mnist").mkdir()
    (dd.SYSTEM_DIR / "fashion-mnist" / "t10k-images-idx3-ubyte.gz").write_bytes(b"x")
    assert run(dd, ["--epochs", "1"]) == ["--epochs", "1"]
    assert dd.calls == [] and "found" in dd.logged[0]


@pytest.mark.parametrize("args", [["--help"], ["--download"], ["--data-root", "/x"],
                                  ["--data-root=/x"]])
def test_user_choices_are_respected(dd, monkeypatch, args):
    fake_apt(dd, monkeypatch, "as root", True)
    assert run(dd, args) == args and dd.calls == []


def test_installs_the_debian_package_when_root(dd, monkeypatch):
    fake_apt(dd, monkeypatch, "as root", True)
    assert run(dd, ["--epochs", "2"]) == ["--epochs", "2"]
    assert dd.calls == [("dataset-fashion-mnist", [])]
    assert "installing the Debian package dataset-fashion-mnist (as root)" in dd.logged[0]


def test_downloads_when_apt_fails(dd, monkeypatch):
    fake_apt(dd, monkeypatch, "with sudo", False)
    assert run(dd, []) == ["--download"]
    assert "downloading instead" in dd.logged[-1]


def test_downloads_without_root_or_passwordless_sudo(dd, monkeypatch):
    fake_apt(dd, monkeypatch, None, True)
    assert run(dd, ["--epochs", "1"]) == ["--epochs", "1", "--download"]
    assert dd.calls == [] and "downloading it instead" in dd.logged[0]


def test_dataset_without_debian_package_downloads(dd, monkeypatch):
    fake_apt(dd, monkeypatch, "as root", True)
    assert run(dd, ["--dataset", "mnist"]) == ["--dataset", "mnist", "--download"]
    assert dd.calls == [] and "no Debian package" in dd.logged[0]


def test_apt_prefix_reports_how(dd, monkeypatch):
    monkeypatch.setattr(dd.shutil, "which", lambda name: None)
    assert dd.apt_prefix() == (None, "no apt-get on this machine")
    monkeypatch.setattr(dd.shutil, "which", lambda name: f"/usr/bin/{name}")
    monkeypatch.setattr(dd.os, "geteuid", lambda: 0)
    assert dd.apt_prefix() == ([], "as root")
