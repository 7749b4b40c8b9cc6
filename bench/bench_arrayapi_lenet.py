"""LeNet-5 train-step time on Lucid's ``arrayapi`` backend, for any namespace and device.

    python bench/bench_arrayapi_lenet.py --namespace cupy --device gpu     # CuPy on CUDA
    python bench/bench_arrayapi_lenet.py --namespace jax                   # JAX on the CPU
    python bench/bench_arrayapi_lenet.py --backend mlx --device gpu        # MLX-CUDA, same step
    python bench/bench_arrayapi_lenet.py --torch --device gpu              # PyTorch CUDA

One step: ``zero_grad``, LeNet-5 (``lucid.models.lenet_5``) forward on a batch of
28x28 images, mean cross-entropy, backward, SGD (lr 0.01, momentum 0.9), then
``loss.item()`` so the step has finished on the device before the clock reads. Data are
fixed random batches (the time does not depend on the values). ``--torch`` times the same
architecture in PyTorch (``torch.nn``) on the same device, for the side-by-side. Prints
``ms/step`` (median of ``--repeats`` runs of ``--steps`` steps after ``--warmup``).
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np


def lucid_step(args):
    import lucid
    import lucid.nn.functional as F
    from lucid import optim
    from lucid.models import lenet_5

    options = {"namespace": args.namespace} if args.backend == "arrayapi" else {}
    lucid.backends.bind(args.device, args.backend, **options)
    lucid.manual_seed(0)
    model = lenet_5().to(args.device)
    opt = optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    rng = np.random.default_rng(0)
    data = [(lucid.tensor(rng.standard_normal((args.batch, 1, 28, 28)).astype(np.float32),
                          device=args.device),
             lucid.tensor(rng.integers(0, 10, args.batch), device=args.device))
            for _ in range(4)]

    def step(i):
        x, y = data[i % len(data)]
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        return loss.item()

    return step


def torch_step(args):
    import torch
    from torch import nn

    device = "cuda" if args.device == "gpu" else "cpu"
    torch.manual_seed(0)
    model = nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(6, 16, 5),
        nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(400, 120), nn.ReLU(),
        nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10)).to(device)
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    data = [(torch.randn(args.batch, 1, 28, 28, device=device),
             torch.randint(0, 10, (args.batch,), device=device)) for _ in range(4)]

    def step(i):
        x, y = data[i % len(data)]
        opt.zero_grad()
        loss = nn.functional.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        return loss.item()

    return step


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--namespace", default="numpy",
                        help="Array API namespace for --backend arrayapi (numpy, cupy, jax, "
                             "torch, array_api_strict); default numpy")
    parser.add_argument("--backend", default="arrayapi",
                        help="Lucid backend to bind (default arrayapi)")
    parser.add_argument("--device", default="cpu", choices=["cpu", "gpu"])
    parser.add_argument("--torch", action="store_true", help="time PyTorch instead of Lucid")
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    step = torch_step(args) if args.torch else lucid_step(args)
    for i in range(args.warmup):
        step(i)
    runs = []
    for _ in range(args.repeats):
        t0 = time.perf_counter()
        for i in range(args.steps):
            step(i)
        runs.append((time.perf_counter() - t0) / args.steps * 1e3)
    what = ("torch" if args.torch else
            f"lucid {args.backend}" + (f"[{args.namespace}]" if args.backend == "arrayapi"
                                       else ""))
    print(f"LeNet-5 train step, {what} on {args.device}, batch {args.batch}: "
          f"{statistics.median(runs):.2f} ms/step")


if __name__ == "__main__":
    main()
