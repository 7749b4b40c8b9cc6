"""ViT-Tiny train step: Lucid (NumPy backend, or ``--lucid-backend mlx``) vs the same timm
model (``vit_tiny_patch16_224``) on PyTorch CPU, side by side.

    python bench/bench_vit_tiny.py                       # batch 32, 224x224, 1 and 2 threads
    python bench/bench_vit_tiny.py --steps 2 --warmup 1 --threads 1

A step is forward, mean cross-entropy, backward, SGD (lr 0.01, momentum 0.9) step and
``zero_grad`` on one fixed random batch (NumPy, seeded; the same arrays on both sides). The
Lucid model is ``lucid.models.vit_tiny``; timm's weights are copied into it by state-dict
key (identical keys are what the parity tests check), so both train the same network from
the same start; each worker prints its parameter count and first loss.

Each (framework, threads) runs in its own subprocess with ``OMP_NUM_THREADS``,
``OPENBLAS_NUM_THREADS``, ``MKL_NUM_THREADS`` = T and ``torch.set_num_threads(T)``;
``--warmup`` steps are excluded; the table shows the median step time and lucid/torch
(lower is better; the issue's target is <= 1.3). No timing is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

import numpy as np

MODEL = "vit_tiny_patch16_224"


def _batch(batch: int, size: int, seed: int):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((batch, 3, size, size)).astype(np.float32)
    return x, rng.integers(0, 1000, batch).astype(np.int64)


def _torch_model(size: int):
    import sys as _sys
    import types

    _sys.modules.setdefault("torchvision._meta_registrations",
                            types.ModuleType("torchvision._meta_registrations"))
    import timm
    import torch

    torch.manual_seed(0)
    return timm.create_model(MODEL, img_size=size)


def run_torch(args) -> dict:
    import torch

    torch.set_num_threads(args.threads)
    model = _torch_model(args.size).train()
    x, y = (torch.from_numpy(a) for a in _batch(args.batch, args.size, args.seed))
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)

    def step():
        loss = torch.nn.functional.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        opt.zero_grad()
        return float(loss)

    return _time(step, args, sum(p.numel() for p in model.parameters()))


def run_lucid(args) -> dict:
    import lucid
    from lucid import models, optim
    from lucid.nn import functional as F

    ref = _torch_model(args.size)
    model = models.vit_tiny(img_size=args.size).train()
    model.load_state_dict({k: lucid.tensor(v.detach().numpy())
                           for k, v in ref.state_dict().items()})
    x, y = (lucid.tensor(a) for a in _batch(args.batch, args.size, args.seed))
    opt = optim.SGD(model.parameters(), lr=0.01, momentum=0.9)

    def step():
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        opt.zero_grad()
        return float(loss.item())

    return _time(step, args, sum(p.numel() for p in model.parameters()))


def _time(step, args, n_params: int) -> dict:
    losses, times = [], []
    for i in range(args.warmup + args.steps):
        start = time.perf_counter()
        losses.append(step())
        if i >= args.warmup:
            times.append(time.perf_counter() - start)
    return {"params": n_params, "first_loss": losses[0], "step_s": statistics.median(times),
            "times": times}


def _spawn(framework: str, threads: int, args) -> dict:
    env = {**os.environ, "OMP_NUM_THREADS": str(threads), "OPENBLAS_NUM_THREADS": str(threads),
           "MKL_NUM_THREADS": str(threads)}
    if framework == "lucid" and args.lucid_backend:
        env["LUCID_BACKEND"] = args.lucid_backend
    cmd = [sys.executable, __file__, "--worker", framework, "--threads", str(threads),
           "--batch", str(args.batch), "--size", str(args.size), "--steps", str(args.steps),
           "--warmup", str(args.warmup), "--seed", str(args.seed)]
    out = subprocess.run(cmd, env=env, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--size", type=int, default=224)
    p.add_argument("--steps", type=int, default=3, help="timed steps per worker")
    p.add_argument("--warmup", type=int, default=1)
    p.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--lucid-backend", default=None, help="LUCID_BACKEND for the Lucid worker")
    p.add_argument("--worker", choices=["lucid", "torch"], help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.worker:
        args.threads = args.threads[0]
        print(json.dumps((run_lucid if args.worker == "lucid" else run_torch)(args)))
        return
    print(f"ViT-Tiny train step, batch {args.batch}, {args.size}x{args.size}, "
          f"{args.steps} timed steps after {args.warmup} warm-up")
    print(f"{'threads':>7} {'lucid s/step':>13} {'torch s/step':>13} {'lucid/torch':>11}"
          f"  params (lucid, torch), first loss (lucid, torch)")
    for t in args.threads:
        lu, to = _spawn("lucid", t, args), _spawn("torch", t, args)
        print(f"{t:>7} {lu['step_s']:>13.3f} {to['step_s']:>13.3f} "
              f"{lu['step_s'] / to['step_s']:>11.2f}  ({lu['params']:,}, {to['params']:,}), "
              f"({lu['first_loss']:.4f}, {to['first_loss']:.4f})")


if __name__ == "__main__":
    main()
