"""Products, ordering and linear algebra: Lucid (NumPy backend) vs PyTorch on CPU.

Each row times forward + backward (``.sum().backward()`` or a weighted sum of the
outputs) of the same float32 problem in Lucid and in PyTorch, in the same process and
thread settings as ``bench_conv.py``, and prints the ratio lucid/torch (lower is better).

    python bench/bench_linalg.py [--threads N] [--repeat R] [--dtype float32|float64]
"""

from __future__ import annotations

import argparse
import os

import numpy as np
from bench_conv import blas_threads, timeit


def make_case(lucid, torch, lucid_fn, torch_fn, arrays):
    lts = [lucid.tensor(a, requires_grad=True) for a in arrays]
    tts = [torch.tensor(a, requires_grad=True) for a in arrays]

    def run_lucid():
        for t in lts:
            t.grad = None
        lucid_fn(*lts).sum().backward()

    def run_torch():
        for t in tts:
            t.grad = None
        torch_fn(*tts).sum().backward()

    return run_lucid, run_torch


def cases(lucid, torch, dtype, rng):
    def r(*shape):
        return rng.standard_normal(shape).astype(dtype)

    def well(*shape):
        return (r(*shape) + 4 * np.eye(shape[-1])).astype(dtype)

    def spd(*shape):
        m = r(*shape)
        return (m @ np.swapaxes(m, -1, -2) + shape[-1] * np.eye(shape[-1])).astype(dtype)

    la, ta = lucid.linalg, torch.linalg
    return [
        ("einsum bqd,bkd->bqk 32x128x64",
         (lambda a, b: lucid.einsum("bqd,bkd->bqk", a, b),
          lambda a, b: torch.einsum("bqd,bkd->bqk", a, b), [r(32, 128, 64), r(32, 128, 64)])),
        ("einsum ij,jk,kl->il 64x256x256x64",
         (lambda a, b, c: lucid.einsum("ij,jk,kl->il", a, b, c),
          lambda a, b, c: torch.einsum("ij,jk,kl->il", a, b, c),
          [r(64, 256), r(256, 256), r(256, 64)])),
        ("tensordot 16x32x64 . 32x64x48 (2 axes)",
         (lambda a, b: lucid.tensordot(a, b, 2), lambda a, b: torch.tensordot(a, b, 2),
          [r(16, 32, 64), r(32, 64, 48)])),
        ("sort 256x1024 dim=-1",
         (lambda x: x.sort(-1).values, lambda x: x.sort(-1).values, [r(256, 1024)])),
        ("topk k=10 256x1024",
         (lambda x: x.topk(10).values, lambda x: x.topk(10).values, [r(256, 1024)])),
        ("inv 64x32x32", (la.inv, ta.inv, [well(64, 32, 32)])),
        ("det 64x32x32", (la.det, ta.det, [well(64, 32, 32)])),
        ("solve 64x32x32 . 64x32x8", (la.solve, ta.solve, [well(64, 32, 32), r(64, 32, 8)])),
        ("cholesky 64x32x32", (la.cholesky, ta.cholesky, [spd(64, 32, 32)])),
        ("svdvals 64x32x16", (la.svdvals, ta.svdvals, [r(64, 32, 16)])),
        ("eigvalsh 64x32x32", (la.eigvalsh, ta.eigvalsh, [spd(64, 32, 32)])),
        ("qr R 64x32x16", (lambda x: la.qr(x).R, lambda x: ta.qr(x).R, [r(64, 32, 16)])),
        ("matrix_norm nuc 64x32x16",
         (lambda x: la.matrix_norm(x, "nuc"), lambda x: ta.matrix_norm(x, "nuc"),
          [r(64, 32, 16)])),
    ]


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
    print(f"forward+backward, {args.dtype}, median of {args.repeat}; "
          f"NumPy OpenBLAS threads: {blas_threads()}, torch threads: {torch.get_num_threads()}")
    print(f"{'case':44s} {'lucid ms':>10s} {'torch ms':>10s} {'ratio':>7s}")
    for name, (lucid_fn, torch_fn, arrays) in cases(lucid, torch, np.dtype(args.dtype), rng):
        run_lucid, run_torch = make_case(lucid, torch, lucid_fn, torch_fn, arrays)
        t_lucid = timeit(run_lucid, args.repeat)
        t_torch = timeit(run_torch, args.repeat)
        print(f"{name:44s} {t_lucid * 1e3:10.3f} {t_torch * 1e3:10.3f} "
              f"{t_lucid / t_torch:7.2f}")


if __name__ == "__main__":
    main()
