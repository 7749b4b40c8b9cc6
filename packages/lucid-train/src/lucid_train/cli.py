"""The ``lucid-train`` command: limit BLAS threads, then train (see :mod:`lucid_train.trainer`).

Only the standard library is imported at module level: OpenBLAS and OpenMP read their thread
counts once, when NumPy loads, so ``--threads`` (default 1) must be in the environment before
``lucid`` (and with it NumPy) is imported. LeNet's matrices are small and, on a busy machine,
a multi-threaded BLAS spends more time spinning than computing (3x slower measured on 2
shared cores).
"""

from __future__ import annotations

import os
import sys

THREAD_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def limit_blas_threads(argv: list[str]) -> None:
    """Set the BLAS/OpenMP thread variables from ``--threads N`` (default 1) unless the
    environment already sets them."""
    threads = "1"
    for i, arg in enumerate(argv):
        if arg == "--threads" and i + 1 < len(argv):
            threads = argv[i + 1]
        elif arg.startswith("--threads="):
            threads = arg.split("=", 1)[1]
    for var in THREAD_VARS:
        os.environ.setdefault(var, threads)


def main(argv: list[str] | None = None, prog: str = "lucid-train") -> int:
    argv = sys.argv[1:] if argv is None else argv
    limit_blas_threads(argv)
    from .trainer import main as train_main

    return train_main(argv, prog)
