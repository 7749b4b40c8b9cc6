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
import os
import statistics
import time

import numpy as np


def blas_threads(set_to: int | None = None) -> int | None:
    """NumPy's OpenBLAS thread count (set to ``set_to`` first, when given)."""
    from lucid_backend_numpy.kernels import _blas

    if set_to is not None:
        _blas.set_threads(set_to)
    return _blas.threads()


def timeit_pair(fn_a, fn_b, repeat: int, burst: int = 8, settle: int = 4):
    """Median and best seconds of ``repeat`` calls of each, in alternating bursts of
    ``burst`` timed calls, so both see the same background load. Each burst starts with
    ``settle`` untimed calls: after torch returns, its OpenMP workers keep spinning for
    a few milliseconds (and OpenBLAS's after NumPy) and steal the second core from the
    other framework's next calls (measured: Lucid's first call after a torch burst 2.6x
    its steady time, its fourth one 1.1x)."""
    times = ([], [])
    while len(times[0]) < repeat:
        for fn, out in zip((fn_a, fn_b), times):
            for _ in range(settle):
                fn()
            for _ in range(min(burst, repeat - len(out))):
                t0 = time.perf_counter()
                fn()
                out.append(time.perf_counter() - t0)
    return [(statistics.median(t), min(t)) for t in times]


def conv_case(lucid, torch, shape_x, shape_w, padding, bias, dtype, rng):
    """conv2d (+ bias when ``bias``) forward, then backward of ``y.sum()``: gradients of
    the input, the weight (and the bias)."""
    x = rng.standard_normal(shape_x).astype(dtype)
    w = (rng.standard_normal(shape_w) * 0.1).astype(dtype)
    b = rng.standard_normal(shape_w[0]).astype(dtype)
    lx, lw, lb = (lucid.tensor(a, requires_grad=True) for a in (x, w, b))
    tx, tw, tb = (torch.tensor(a, requires_grad=True) for a in (x, w, b))
    lb, tb = (lb, tb) if bias else (None, None)

    def run_lucid():
        lx.grad = lw.grad = None
        lucid.conv2d(lx, lw, lb, padding=padding).sum().backward()

    def run_torch():
        tx.grad = tw.grad = None
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
    import lucid_backend_numpy

    threads = blas_threads(args.threads) if args.threads else blas_threads()
    threads = threads or args.threads or os.cpu_count()
    torch.set_num_threads(threads)
    lucid_backend_numpy.set_num_threads(threads)
    rng = np.random.default_rng(0)
    dtype = np.dtype(args.dtype)
    cases = [
        ("conv2d LeNet c1 N=128 1->6 5x5 28x28 +bias",
         conv_case(lucid, torch, (128, 1, 28, 28), (6, 1, 5, 5), 0, True, dtype, rng)),
        ("conv2d LeNet c2 N=128 6->16 5x5 12x12 +bias",
         conv_case(lucid, torch, (128, 6, 12, 12), (16, 6, 5, 5), 0, True, dtype, rng)),
        ("conv2d ResNet18 N=32 64->64 3x3 p1 32x32",
         conv_case(lucid, torch, (32, 64, 32, 32), (64, 64, 3, 3), 1, False, dtype, rng)),
        ("matmul 128x256 @ 256x120",
         matmul_case(lucid, torch, 128, 256, 120, dtype, rng)),
    ]
    print(f"forward+backward, {args.dtype}, median (and best) of {args.repeat}; "
          f"NumPy OpenBLAS threads: {blas_threads()}, Lucid kernel threads: "
          f"{lucid_backend_numpy.num_threads()}, torch threads: {torch.get_num_threads()}, "
          f"cpu_count: {os.cpu_count()}")
    print(f"{'case':46s} {'lucid ms':>9s} {'torch ms':>9s} {'ratio':>6s}   "
          f"{'best lucid':>10s} {'best torch':>10s} {'ratio':>6s}")
    worst = 0.0
    for name, (run_lucid, run_torch) in cases:
        (med_l, min_l), (med_t, min_t) = timeit_pair(run_lucid, run_torch, args.repeat)
        worst = max(worst, med_l / med_t)
        print(f"{name:46s} {med_l * 1e3:9.3f} {med_t * 1e3:9.3f} {med_l / med_t:6.2f}   "
              f"{min_l * 1e3:10.3f} {min_t * 1e3:10.3f} {min_l / min_t:6.2f}")
    print(f"worst median ratio: {worst:.2f} (target <= 1.5); load average at the end: "
          f"{os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
