"""``lucid-train --distributed`` under ``mpiexec -n 2`` and ``mlx.launch -n 2``: one
checkpoint with the bare model's keys, one report, and metrics over the whole test set
(each rank evaluates an exact share; the sums are reduced across the ranks)."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from lucid_train.builders import make_model

import lucid

BIN = Path(sys.executable).parent
LIMIT_TRAIN, LIMIT_TEST = 1024, 300
SINGLE_PROCESS_EVAL = f"""
import json, sys
import lucid
from lucid_train.builders import make_loaders, make_model
from lucid_train.trainer import evaluate
model = make_model("lenet_5")
model.load_state_dict(lucid.load(sys.argv[1] + "/checkpoint.lcd")["model"])
_, test_loader = make_loaders("fashion-mnist", 64, 0, limit_train=64, limit_test={LIMIT_TEST})
print(json.dumps(evaluate(model, test_loader)))
"""


def launcher(engine: str) -> list[str]:
    if engine == "mpi":
        return [shutil.which("mpiexec", path=str(BIN)) or "mpiexec", "-n", "2"]
    return [shutil.which("mlx.launch", path=str(BIN)) or "mlx.launch", "-n", "2",
            "--backend", "ring"]


@pytest.mark.parametrize("engine", ["mpi", "mlx"])
def test_two_processes_train_and_report_the_whole_test_set(engine, tmp_path):
    out = tmp_path / "run"
    command = launcher(engine) + [
        sys.executable, "-m", "lucid_train", "--distributed", "--dist-engine", engine,
        "--limit-train", str(LIMIT_TRAIN), "--limit-test", str(LIMIT_TEST), "--epochs", "1",
        "--batch-size", "64", "--lr", "0.05", "--no-progress", "--out", str(out)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count("epoch 1: train loss") == 1  # rank 0 alone reports
    assert f"2 processes ({engine}), global batch 128" in done.stdout
    history = json.loads((out / "history.json").read_text())
    assert history["config"]["world_size"] == 2
    record = history["history"][0]

    state = lucid.load(out / "checkpoint.lcd")
    assert sorted(state["model"]) == sorted(make_model("lenet_5").state_dict())  # no "module."
    # the checkpoint evaluated by one fresh process on the whole test set
    single = subprocess.run([sys.executable, "-c", SINGLE_PROCESS_EVAL, str(out)],
                            capture_output=True, text=True, timeout=300)
    assert single.returncode == 0, single.stderr
    test_loss, test_acc = json.loads(single.stdout)
    report = f"{done.stdout}\nsingle process: loss {test_loss}, accuracy {test_acc}"
    np.testing.assert_allclose(record["test_loss"], test_loss, rtol=1e-5, err_msg=report)
    assert record["test_acc"] == pytest.approx(test_acc, abs=1 / LIMIT_TEST), report
    assert test_acc > 0.3, report  # it learned: chance is 0.1
