"""Data-parallel scaling: LeNet-5 and ResNet-18 throughput with 1 and 2 processes, Lucid
(DistributedDataParallel on the MPI engine, NumPy backend) and PyTorch (DDP on gloo) side
by side, 1 thread per process.

    python bench/bench_ddp_scaling.py [--steps 20] [--models lenet_5 resnet_18]

Each process trains on its own batch (LeNet-5: 64 images 1x28x28; ResNet-18 with the
CIFAR stem: 32 images 3x32x32; SGD momentum), so 2 processes do twice the work per
step (weak scaling). Printed: global images per second at 1 and 2 processes and the
speed-up, for each framework (a perfect speed-up is 2.0; on a 2-core machine the two
processes also share the memory bandwidth).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
import types

BATCH = {"lenet_5": (64, (1, 28, 28)), "resnet_18": (32, (3, 32, 32))}


def lucid_worker(model_name: str, steps: int) -> None:
    import numpy as np

    import lucid
    import lucid.nn.functional as F
    import lucid.optim as optim
    from lucid.models import create_model

    world = int(os.environ.get("PMI_SIZE", "1"))
    if world > 1:
        import lucid.distributed as dist

        dist.init_process_group("mpi")
    kwargs = {"cifar_stem": True} if model_name == "resnet_18" else {}
    model = create_model(model_name, num_classes=10, **kwargs)
    if world > 1:
        model = dist.DistributedDataParallel(model)
    opt = optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    batch, shape = BATCH[model_name]
    rng = np.random.default_rng(0)
    x = lucid.tensor(rng.standard_normal((batch, *shape)).astype(np.float32))
    y = lucid.tensor(rng.integers(0, 10, batch))

    def step():
        opt.zero_grad()
        F.cross_entropy(model(x), y).backward()
        opt.step()

    report(step, steps, batch, world, int(os.environ.get("PMI_RANK", "0")))


def torch_worker(model_name: str, steps: int, rank: int, world: int, port: int) -> None:
    import torch
    import torch.distributed as tdist
    import torch.nn.functional as F

    # torchvision's compiled ops do not load against the CPU torch wheel; its models do
    sys.modules.setdefault("torchvision._meta_registrations",
                           types.ModuleType("torchvision._meta_registrations"))
    import torchvision

    torch.set_num_threads(1)
    if world > 1:
        tdist.init_process_group("gloo", init_method=f"tcp://127.0.0.1:{port}", rank=rank,
                                 world_size=world)
    if model_name == "resnet_18":
        model = torchvision.models.resnet18(num_classes=10)
        model.conv1 = torch.nn.Conv2d(3, 64, 3, 1, 1, bias=False)
        model.maxpool = torch.nn.Identity()
    else:
        model = torch.nn.Sequential(
            torch.nn.Conv2d(1, 6, 5, padding=2), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
            torch.nn.Conv2d(6, 16, 5), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
            torch.nn.Flatten(), torch.nn.Linear(400, 120), torch.nn.ReLU(),
            torch.nn.Linear(120, 84), torch.nn.ReLU(), torch.nn.Linear(84, 10))
    if world > 1:
        model = torch.nn.parallel.DistributedDataParallel(model)
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    batch, shape = BATCH[model_name]
    x, y = torch.randn(batch, *shape), torch.randint(0, 10, (batch,))

    def step():
        opt.zero_grad()
        F.cross_entropy(model(x), y).backward()
        opt.step()

    report(step, steps, batch, world, rank)


def report(step, steps: int, batch: int, world: int, rank: int) -> None:
    for _ in range(3):
        step()
    start = time.perf_counter()
    for _ in range(steps):
        step()
    seconds = (time.perf_counter() - start) / steps
    if rank == 0:
        print(json.dumps({"images_per_s": batch * world / seconds}), flush=True)


def run(framework: str, model: str, world: int, steps: int) -> float:
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1",
               MKL_NUM_THREADS="1")
    me = [sys.executable, os.path.abspath(__file__), "--steps", str(steps)]
    if framework == "lucid":
        command = me + ["--worker", "lucid", "--models", model]
        if world > 1:
            mpiexec = shutil.which("mpiexec", path=os.path.dirname(sys.executable)) or "mpiexec"
            command = [mpiexec, "-n", str(world)] + command
        outputs = [subprocess.run(command, capture_output=True, text=True, env=env)]
    else:
        procs = [subprocess.Popen(me + ["--worker", "torch", "--models", model, "--rank",
                                        str(r), "--world", str(world)],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                  env=env) for r in range(world)]
        outputs = [subprocess.CompletedProcess(p.args, p.wait(), *p.communicate())
                   for p in procs]
    for done in outputs:
        for line in done.stdout.splitlines():
            if line.startswith("{"):
                return json.loads(line)["images_per_s"]
    raise RuntimeError(f"{framework} {model} x{world} failed: "
                       f"{[o.stderr[-2000:] for o in outputs]}")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--steps", type=int, default=20)
    p.add_argument("--models", nargs="+", default=["lenet_5", "resnet_18"])
    p.add_argument("--worker", default=None, help=argparse.SUPPRESS)
    p.add_argument("--rank", type=int, default=0, help=argparse.SUPPRESS)
    p.add_argument("--world", type=int, default=1, help=argparse.SUPPRESS)
    p.add_argument("--port", type=int, default=29517, help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.worker == "lucid":
        lucid_worker(args.models[0], args.steps)
        return
    if args.worker == "torch":
        torch_worker(args.models[0], args.steps, args.rank, args.world, args.port)
        return
    print(f"{'model':10s} {'framework':9s} {'1 proc img/s':>13s} {'2 procs img/s':>14s} "
          f"{'speed-up':>9s}")
    for model in args.models:
        for framework in ("lucid", "torch"):
            one, two = (run(framework, model, w, args.steps) for w in (1, 2))
            print(f"{model:10s} {framework:9s} {one:13.1f} {two:14.1f} {two / one:9.2f}")


if __name__ == "__main__":
    main()
