"""Launching 2-process jobs for the distributed tests, on MPI (``mpiexec``) and MLX
(``mlx.launch --backend ring``)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

WORKERS = Path(__file__).parent / "workers"


def launch(engine: str, worker: str, *args: str, n: int = 2, timeout: float = 240,
           extra: tuple[str, ...] = ()) -> subprocess.CompletedProcess:
    script = [sys.executable, str(WORKERS / worker), engine, *args]
    env = dict(os.environ, OMP_NUM_THREADS="1", PYTHONUNBUFFERED="1")
    env.pop("LUCID_BACKEND", None)  # the worker binds what its engine needs
    if engine == "mpi":
        mpiexec = shutil.which("mpiexec", path=str(Path(sys.executable).parent)) or \
            shutil.which("mpiexec")
        command = [mpiexec, *extra, "-n", str(n), *script]
    else:
        launcher = shutil.which("mlx.launch", path=str(Path(sys.executable).parent)) or \
            shutil.which("mlx.launch")
        command = [launcher, "-n", str(n), "--backend", "ring", *extra, *script]
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout, env=env)


def engines() -> list:
    found = []
    try:
        import mpi4py  # noqa: F401

        found.append("mpi")
    except ImportError:
        found.append(pytest.param("mpi", marks=pytest.mark.skip(reason="mpi4py missing")))
    try:
        import mlx.core  # noqa: F401

        found.append("mlx")
    except ImportError:
        found.append(pytest.param("mlx", marks=pytest.mark.skip(reason="mlx missing")))
    return found
