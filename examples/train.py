"""Train a Lucid model zoo network on Fashion-MNIST (or MNIST), the main demo of Lucid.

    python examples/train.py                       # LeNet-5, Fashion-MNIST, 3 epochs, SGD
    python examples/train.py --epochs 10 --scheduler cosine --out runs/lenet5
    python examples/train.py --model resnet_18 --optimizer adamw --lr 1e-3 --limit-train 5000

The same program as the ``lucid-train`` command (package ``packages/lucid-train``): this file
only makes it runnable from a checkout. ``python3 demo.py`` (or ``nox -s demo``) runs it in a
prepared environment.
"""

from __future__ import annotations

import sys
from pathlib import Path

try:
    from lucid_train import cli
except ImportError:  # a checkout without lucid-train installed: use its sources
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "packages/lucid-train/src"))
    from lucid_train import cli

if __name__ == "__main__":
    sys.exit(cli.main(prog="train.py"))

# The library side, for scripts and tests that load this file.
from lucid_train.builders import make_loaders, make_model, make_optimizer  # noqa: E402,F401
from lucid_train.trainer import evaluate, parse_args, train  # noqa: E402,F401
