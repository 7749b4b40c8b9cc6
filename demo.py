#!/usr/bin/env python3
"""Lucid's main job in one command: train LeNet-5 on Fashion-MNIST.

    python3 demo.py                      # 3 epochs; progress bar, table, plot, checkpoint
    python3 demo.py --epochs 10 --scheduler cosine
    python3 demo.py --help               # every option with its default

Does all the set-up itself, with nothing but Python 3.10+ (standard library only here):

1. finds nox, else installs it (into ``.nox/_bootstrap``, a virtual environment of its own,
   or with ``pip --user`` where ``venv`` is unavailable);
2. runs the ``demo`` nox session, which builds the demo's virtual environment once and
   reuses it while the packages are unchanged, installs the dataset's Debian package where
   it can (as root, or with sudo without a password) and otherwise downloads the files,
   saying which; then runs ``lucid-train`` with the options given here.
"""

from __future__ import annotations

import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
BOOTSTRAP = ROOT / ".nox" / "_bootstrap"


def has_nox(python: str) -> bool:
    return subprocess.run([python, "-c", "import nox"], capture_output=True,
                          check=False).returncode == 0


def nox_python() -> str:
    """An interpreter that can run ``-m nox``, installing nox first when none can."""
    if has_nox(sys.executable):
        return sys.executable
    python = BOOTSTRAP / "bin" / "python"
    if python.exists() and has_nox(str(python)):
        return str(python)
    print(f"demo.py: nox not found; installing it into {BOOTSTRAP}", flush=True)
    try:
        venv.create(BOOTSTRAP, with_pip=True, clear=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "nox"], check=True)
        return str(python)
    except (OSError, subprocess.CalledProcessError) as exc:
        print(f"demo.py: no virtual environment ({exc}); trying pip install --user nox",
              flush=True)
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--user", "nox"], check=True)
    return sys.executable


def main(argv: list[str]) -> int:
    try:
        python = nox_python()
    except (OSError, subprocess.CalledProcessError) as exc:
        print(f"demo.py: could not install nox ({exc}); install it (pip install nox) and run "
              "python3 -m nox -s demo", file=sys.stderr)
        return 1
    return subprocess.call([python, "-m", "nox", "-s", "demo", "--", *argv], cwd=ROOT)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
