"""Convolution and matmul speed: Lucid (NumPy backend) vs torch.nn.functional on CPU.

Each row times forward + backward (input and weight gradients through ``.backward()``)
of the same float32 problem in Lucid and in PyTorch, in the same process, with the same
number of BLAS/intra-op threads, and prints the ratio lucid/torch (lower is better).

    python bench/bench_conv.py [--threads N] [--repeat R] [--dtype float32|float64]

``--threads`` defaults to the thread count NumPy's OpenBLAS uses; it is applied to
OpenBLAS (when the library exposes its setter) and to ``torch.set_num_threads``.
"""

from __future__ import annotations

import argparse
import ctypes
import glob
import os
import statistics
import time

import numpy as np


def _openblas():
    """NumPy's bundled OpenBLAS (``numpy.libs``), or None."""
    root = os.path.join(os.path.dirname(np.__file__), "..", "numpy.libs")
    for path in glob.glob(os.path.join(root, "*openblas*")):
        return ctypes.CDLL(path)
    return None


def blas_threads(set_to: int | None = None) -> int | None:
    lib = _openblas()
    if lib is None:
        return None
    for prefix in ("scipy_openblas_", "openblas_"):
        for suffix in ("64_", ""):
            getter = getattr(lib, f"{prefix}get_num_threads{suffix}", None)
            setter = getattr(lib, f"{prefix}set_num_threads{suffix}", None)
            if getter is None:
                continue
            if set_to is not None and setter is not None:
                setter(int(set_to))
            return int(getter())
    return None


def timeit(fn, repeat: int) -> float:
    """Median seconds of ``repeat`` calls after two warm-up calls."""
    fn()
    fn()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def conv_case(lucid, torch, shape_x, shape_w, padding, dtype, rng):
    x = rng.standard_normal(shape_x).astype(dtype)
    w = (rng.standard_normal(shape_w) * 0.1).astype(dtype)
    b = rng.standard_normal(shape_w[0]).astype(dtype)
    lx, lw, lb = (lucid.tensor(a, requires_grad=True) for a in (x, w, b))
    tx, tw, tb = (torch.tensor(a, requires_grad=True) for a in (x, w, b))

    def run_lucid():
        lx.grad = lw.grad = lb.grad = None
        lucid.conv2d(lx, lw, lb, padding=padding).sum().backward()

    def run_torch():
        tx.grad = tw.grad = tb.grad = None
        torch.nn.functional.conv2d(tx, tw, tb, padding=padding).sum().backward()

    return run_lucid, run_torch


def matmul_case(lucid, torch, m, k, n, dtype, rng):
    a = rng.standard_normal((m, k)).astype(dtype)
    b = rng.standard_normal((k, n)).astype(dtype)
    la, lb = lucid.tensor(a, requires_grad=True), lucid.tensor(b, requires_grad=True)
    ta, tb = torch.tensor(a, requires_grad=True), torch.tensor(b, requires_grad=True)

    def run_lucid():
        la.grad = lb.grad = None
        (la @ lb).sum().backward()

    def run_torch():
        ta.grad = tb.grad = None
        (ta @ tb).sum().backward()

    return run_lucid, run_torch


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--dtype", default="float32", choices=["float32", "float64"])
    args = parser.parse_args()

    import torch

    import lucid

    threads = blas_threads(args.threads) if args.threads else blas_threads()
    torch.set_num_threads(threads or args.threads or os.cpu_count())
    rng = np.random.default_rng(0)
    dtype = np.dtype(args.dtype)
    cases = [
        ("conv2d LeNet c1 N=128 1->6 5x5 28x28",
         conv_case(lucid, torch, (128, 1, 28, 28), (6, 1, 5, 5), 0, dtype, rng)),
        ("conv2d LeNet c2 N=128 6->16 5x5 12x12",
         conv_case(lucid, torch, (128, 6, 12, 12), (16, 6, 5, 5), 0, dtype, rng)),
        ("conv2d ResNet18 N=32 64->64 3x3 p1 32x32",
         conv_case(lucid, torch, (32, 64, 32, 32), (64, 64, 3, 3), 1, dtype, rng)),
        ("matmul 128x256 @ 256x120",
         matmul_case(lucid, torch, 128, 256, 120, dtype, rng)),
    ]
    print(f"forward+backward, {args.dtype}, median of {args.repeat}; "
          f"NumPy OpenBLAS threads: {blas_threads()}, torch threads: {torch.get_num_threads()}, "
          f"cpu_count: {os.cpu_count()}")
    print(f"{'case':44s} {'lucid ms':>10s} {'torch ms':>10s} {'ratio':>7s}")
    worst = 0.0
    for name, (run_lucid, run_torch) in cases:
        # interleave to share any background noise fairly
        t_lucid = timeit(run_lucid, args.repeat)
        t_torch = timeit(run_torch, args.repeat)
        ratio = t_lucid / t_torch
        worst = max(worst, ratio)
        print(f"{name:44s} {t_lucid * 1e3:10.3f} {t_torch * 1e3:10.3f} {ratio:7.2f}")
    print(f"worst ratio: {worst:.2f} (target <= 1.5)")


if __name__ == "__main__":
    main()
