"""``lucid-train``: train a Lucid model zoo network on Fashion-MNIST or MNIST.

    lucid-train --epochs 3                 # the console entry point (lucid_train.cli:main)
    python -m lucid_train --help

The library side: :func:`lucid_train.trainer.train` runs an experiment from the parsed
options (:func:`lucid_train.trainer.parse_args`). This module imports nothing, so the command
line can limit the BLAS threads before NumPy loads.
"""
