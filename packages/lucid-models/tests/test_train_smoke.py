"""Short real training runs of ``examples/train.py`` (the demo) on Fashion-MNIST.

A few thousand real images for a few epochs: the loss must go down and the test accuracy
must clearly beat chance (10%). Skipped only when the Debian package
``dataset-fashion-mnist`` (``/usr/share/datasets/fashion-mnist``) is absent.
"""

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import lucid
from lucid.models import lenet_5

DATA = Path("/usr/share/datasets/fashion-mnist")
TRAIN_PY = Path(__file__).resolve().parents[3] / "examples" / "train.py"

pytestmark = pytest.mark.skipif(not DATA.is_dir(), reason=f"{DATA} absent (apt install "
                                "dataset-fashion-mnist)")


@pytest.fixture(scope="module")
def train_module():
    spec = importlib.util.spec_from_file_location("lucid_example_train", TRAIN_PY)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def run(train_module, tmp_path_factory):
    out = tmp_path_factory.mktemp("run")
    args = train_module.parse_args(["--epochs", "3", "--batch-size", "64", "--limit-train",
                                    "4000", "--limit-test", "1000", "--seed", "0",
                                    "--out", str(out), "--no-progress"])
    return train_module, train_module.train(args, log=lambda *a: None)


def test_loss_decreases_and_accuracy_beats_chance(run):
    _, result = run
    history = result["history"]
    assert len(history) == 3
    train_losses = [r["train_loss"] for r in history]
    test_losses = [r["test_loss"] for r in history]
    assert train_losses[-1] < 0.8 * train_losses[0]
    assert test_losses[-1] < test_losses[0]
    assert history[-1]["test_acc"] > 0.5, history
    assert all(np.isfinite(train_losses + test_losses))


def test_outputs_written(run):
    _, result = run
    out = result["out"]
    for name in ("checkpoint.lcd", "curves.png", "history.json"):
        assert (out / name).is_file() and (out / name).stat().st_size > 0
    assert (out / "curves.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_checkpoint_restores_model_and_optimizer(run):
    module, result = run
    state = lucid.load(result["checkpoint"])
    assert state["epoch"] == 3
    assert set(state) >= {"model", "optimizer", "epoch"}
    model = lenet_5()
    model.load_state_dict(state["model"])
    _, test_loader = module.make_loaders("fashion-mnist", 64, 0, limit_train=10,
                                         limit_test=1000)
    loss, acc = module.evaluate(model, test_loader)
    assert acc == pytest.approx(result["history"][-1]["test_acc"], abs=1e-9)
    assert loss == pytest.approx(result["history"][-1]["test_loss"], rel=1e-5)
    optimizer = module.make_optimizer("sgd", model.parameters(), 0.01, 0.9, 0.0)
    optimizer.load_state_dict(state["optimizer"])
    assert len(optimizer.state_dict()["state"]) == len(state["optimizer"]["state"])


def test_command_line_end_to_end(tmp_path):
    env = dict(os.environ, MPLBACKEND="Agg")
    done = subprocess.run(
        [sys.executable, str(TRAIN_PY), "--epochs", "1", "--limit-train", "512",
         "--limit-test", "256", "--optimizer", "adam", "--lr", "0.002", "--scheduler",
         "cosine", "--out", str(tmp_path / "cli")],
        capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "test acc" in done.stdout and "total time" in done.stdout
    assert (tmp_path / "cli" / "checkpoint.lcd").is_file()
