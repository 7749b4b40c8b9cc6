"""Launching 2-process jobs for the distributed tests, on MPI (``mpiexec``) and MLX
(``mlx.launch --backend ring``)."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

WORKERS = Path(__file__).parent / "workers"


def reports(stdout: str) -> list[str]:
    """The ``OK ...`` reports of every rank. The ranks share one stdout, and a launcher may
    interleave their writes (``OK 154OK 154``), so reports are found anywhere, each ending
    where the next begins or at a line end."""
    return [m.strip() for m in re.findall(r"OK (.*?)(?=OK |\n|$)", stdout)]


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


def launch_unsupervised(engine: str, worker: str, *args: str, timeout: float = 120) -> str:
    """Rank 0's output of a 2-process job whose launcher does not kill the survivors when
    one rank dies (MPICH: ``-disable-auto-cleanup``; MLX: the two processes started here
    with the ring backend's environment, as ``mlx.launch`` would set it)."""
    if engine == "mpi":
        return launch(engine, worker, *args, extra=("-disable-auto-cleanup",),
                      timeout=timeout).stdout
    ports = [_free_port(), _free_port()]
    hostfile = Path(tempfile.mkdtemp()) / "hosts.json"
    hostfile.write_text(json.dumps([[f"127.0.0.1:{p}"] for p in ports]))
    env = dict(os.environ, OMP_NUM_THREADS="1", PYTHONUNBUFFERED="1",
               MLX_HOSTFILE=str(hostfile), LUCID_MLX_DISTRIBUTED="ring")
    env.pop("LUCID_BACKEND", None)
    procs = [subprocess.Popen([sys.executable, str(WORKERS / worker), engine, *args],
                              env=dict(env, MLX_RANK=str(r)), stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True) for r in range(2)]
    try:
        out, _ = procs[0].communicate(timeout=timeout)
    finally:
        for p in procs:
            p.kill()
    return out


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


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
