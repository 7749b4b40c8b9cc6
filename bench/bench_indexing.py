"""Indexing and shape-function speed: Lucid (NumPy backend) vs PyTorch on CPU.

Each row times forward + backward (``out.sum().backward()`` or the op alone for rows
without gradients) of the same float32 problem in Lucid and in PyTorch, in the same
process, and prints the ratio lucid/torch (lower is better). Small problems measure the
dispatch path, large ones the kernels.

    python bench/bench_indexing.py [--repeat R]
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np


def timeit(fn, repeat: int) -> float:
    """Median seconds of ``repeat`` calls after two warm-up calls."""
    fn()
    fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def cases(lucid, torch, rng):
    """(name, lucid thunk, torch thunk) rows."""
    def pair(*shape):
        a = rng.standard_normal(shape).astype(np.float32)
        return (lucid.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True))

    def fb(lib_fn, x):
        def run():
            x.grad = None
            lib_fn(x).sum().backward()
        return run

    small_l, small_t = pair(64, 128)
    big_l, big_t = pair(256, 1024)
    emb_l, emb_t = pair(30000, 256)
    ids = rng.integers(0, 30000, (32, 128))
    ids_l, ids_t = lucid.tensor(ids), torch.tensor(ids)
    mask = rng.standard_normal((256, 1024)) > 0
    mask_l, mask_t = lucid.tensor(mask), torch.tensor(mask)
    img_l, img_t = pair(16, 32, 64, 64)
    logit_l, logit_t = pair(512, 1000)
    tgt = rng.integers(0, 1000, (512, 1))
    tgt_l, tgt_t = lucid.tensor(tgt), torch.tensor(tgt)
    return [
        ("x[0] (64x128), forward", lambda: small_l[0], lambda: small_t[0]),
        ("x[:, 1:5] (64x128), forward", lambda: small_l[:, 1:5], lambda: small_t[:, 1:5]),
        ("x[:, ::2] (256x1024)", fb(lambda x: x[:, ::2], big_l), fb(lambda x: x[:, ::2], big_t)),
        ("embedding W[ids] 30000x256, 32x128 ids", fb(lambda w: w[ids_l], emb_l),
         fb(lambda w: w[ids_t], emb_t)),
        ("x[mask] (256x1024)", fb(lambda x: x[mask_l], big_l), fb(lambda x: x[mask_t], big_t)),
        ("cat([x, x], 1) (256x1024)", fb(lambda x: lucid.cat([x, x], 1), big_l),
         fb(lambda x: torch.cat([x, x], 1), big_t)),
        ("stack 8 x (256x1024)", fb(lambda x: lucid.stack([x] * 8), big_l),
         fb(lambda x: torch.stack([x] * 8), big_t)),
        ("chunk(4, 1)[1] (256x1024)", fb(lambda x: x.chunk(4, 1)[1], big_l),
         fb(lambda x: x.chunk(4, 1)[1], big_t)),
        ("unbind(0) x 256 rows, sum of rows", fb(lambda x: sum(x.unbind(0)), big_l),
         fb(lambda x: sum(x.unbind(0)), big_t)),
        ("pad reflect 16x32x64x64 by 2", fb(lambda x: lucid.pad(
            x, ((0, 0), (0, 0), (2, 2), (2, 2)), mode="reflect"), img_l),
         fb(lambda x: torch.nn.functional.pad(x, (2, 2, 2, 2), mode="reflect"), img_t)),
        ("pad constant 16x32x64x64 by 1", fb(lambda x: lucid.pad(
            x, ((0, 0), (0, 0), (1, 1), (1, 1))), img_l),
         fb(lambda x: torch.nn.functional.pad(x, (1, 1, 1, 1)), img_t)),
        ("gather(1, targets) 512x1000", fb(lambda x: x.gather(1, tgt_l), logit_l),
         fb(lambda x: x.gather(1, tgt_t), logit_t)),
        ("roll 16x32x64x64 (1, 2) on (2, 3)", fb(lambda x: lucid.roll(x, (1, 2), (2, 3)), img_l),
         fb(lambda x: torch.roll(x, (1, 2), (2, 3)), img_t)),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    import torch

    import lucid

    torch.set_num_threads(1)
    rng = np.random.default_rng(0)
    print(f"{'case':45s} {'lucid ms':>10s} {'torch ms':>10s} {'ratio':>7s}")
    for name, run_lucid, run_torch in cases(lucid, torch, rng):
        tl, tt = timeit(run_lucid, args.repeat), timeit(run_torch, args.repeat)
        print(f"{name:45s} {tl * 1e3:10.3f} {tt * 1e3:10.3f} {tl / tt:7.2f}")


if __name__ == "__main__":
    main()
