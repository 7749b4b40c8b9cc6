"""``lucid-train``'s command line: defaults shown once each, the GPU hint, BLAS threads."""

import os
import re
import subprocess
import sys

import pytest
from lucid_train import cli
from lucid_train.trainer import build_parser, check_device, main

import lucid


def option_helps(text: str) -> dict[str, str]:
    """``{option: its help text}`` from argparse's formatted help."""
    blocks, current = {}, None
    for line in text.splitlines():
        m = re.match(r"^  (--[\w-]+)", line)
        if m:
            current = m.group(1)
            blocks[current] = line
        elif current and line.startswith("    "):
            blocks[current] += " " + line.strip()
        else:
            current = None
    return {k: " ".join(v.split()) for k, v in blocks.items()}


def test_help_shows_every_default_once():
    parser = build_parser()
    helps = option_helps(parser.format_help())
    for action in parser._actions:
        option = action.option_strings[-1] if action.option_strings else None
        if option in (None, "--help"):
            continue
        text = helps[option]
        assert text.count("default") <= 1, text
        if action.default is not None and action.default is not False:
            assert f"(default: {action.default})" in text, text
    assert "(default: 0.0)" in helps["--weight-decay"] and "(default: 0)" in helps["--seed"]
    assert "(default: runs/<model>-<dataset>-<time>)" in helps["--out"]
    assert "(default: None)" not in parser.format_help()


def gpu_available() -> bool:
    try:
        lucid.zeros(1, device="gpu")
    except lucid.errors.BackendError:
        return False
    return True


def test_device_gpu_without_gpu_explains_mlx_cpu(capsys):
    if gpu_available():  # a machine with a GPU: the check lets it through
        check_device("gpu")
        return
    with pytest.raises(lucid.errors.BackendError) as err:
        check_device("gpu")
    for hint in ("--backend mlx", "--device cpu", "lucid-backend-mlx[cpu]", "LUCID_DEMO_MLX=1"):
        assert hint in str(err.value)
    assert main(["--device", "gpu", "--epochs", "1"]) == 2
    assert "--backend mlx" in capsys.readouterr().err


def test_cpu_device_passes_the_check():
    check_device("cpu")


def test_threads_option_sets_blas_variables_before_numpy(monkeypatch):
    for var in cli.THREAD_VARS:
        monkeypatch.delenv(var, raising=False)
    cli.limit_blas_threads(["--epochs", "1", "--threads", "3"])
    assert all(os.environ[v] == "3" for v in cli.THREAD_VARS)
    monkeypatch.setenv("OMP_NUM_THREADS", "2")  # the user's own setting wins
    cli.limit_blas_threads(["--threads=5"])
    assert os.environ["OMP_NUM_THREADS"] == "2"


def test_console_entry_point_help():
    done = subprocess.run([sys.executable, "-m", "lucid_train", "--help"], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("usage: python -m lucid_train")
    assert "--epochs EPOCHS" in done.stdout and "(default: 3)" in done.stdout
