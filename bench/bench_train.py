"""Training-step speed and memory: Lucid (NumPy backend) vs PyTorch CPU on five models.

    python bench/bench_train.py                        # all models, 1 thread and all cores
    python bench/bench_train.py --threads 1 --models lenet5 mlp --steps 40 --json out.json

A step is forward, loss, backward, optimizer step and ``zero_grad`` on one fixed batch of
random data (NumPy generator seeded by ``--seed``, the same arrays in both frameworks):

* ``lenet5``: Lucid's ``lucid.models.lenet_5`` (conv 1->6 5x5, tanh, avg-pool 2; conv
  6->16 5x5, tanh, avg-pool 2; 256->120->84->10 with tanh), batch 128 of 1x28x28, SGD
  lr 0.01 momentum 0.9;
* ``mlp``: 784-512-512-10 with ReLU, batch 128, SGD lr 0.01 momentum 0.9;
* ``resnet18``: ``lucid.models.resnet_18(cifar_stem=True)`` (3x3 stride-1 stem, no
  max-pool), 10 classes, batch 32 of 3x32x32, Adam lr 1e-3;
* ``lstm``: Embedding(1000, 128) -> 2-layer LSTM(128, 256, batch_first) -> Linear(256,
  1000), batch 32 of 35 tokens, cross-entropy over every token, Adam;
* ``transformer``: 2 post-norm TransformerEncoderLayer (d_model 128, 4 heads, feed-forward
  512, dropout 0, batch_first) -> Linear(128, 10), batch 32 of (64, 128) random floats,
  cross-entropy over every position, Adam.

The torch side builds the same modules by name (``build`` below serves both frameworks);
each worker reports its parameter count and first loss so a reader sees both train the
same model. Every (framework, model, threads, round) runs in its own subprocess,
interleaved (lucid, torch, lucid, torch, ...), ``--warmup`` steps excluded; the table
shows the median per-step time over all timed steps of all rounds, lucid/torch (lower is
better) and the peak RSS of each worker (``ru_maxrss``, largest over rounds). Threads:
``OMP_NUM_THREADS`` / ``OPENBLAS_NUM_THREADS`` / ``MKL_NUM_THREADS`` / ``LUCID_NUM_THREADS``
= T for both workers, plus ``torch.set_num_threads(T)`` and
``lucid_backend_numpy.set_num_threads(T)``. No timing is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time

import numpy as np

# name: (input kind, input shape, classes, target shape, optimizer, steps scale)
MODELS = {
    "lenet5": ("float", (128, 1, 28, 28), 10, (128,), "sgd", 1.0),
    "mlp": ("float", (128, 784), 10, (128,), "sgd", 1.0),
    "resnet18": ("float", (32, 3, 32, 32), 10, (32,), "adam", 0.25),
    "lstm": ("tokens", (32, 35), 1000, (32, 35), "adam", 1.0),
    "transformer": ("float", (32, 64, 128), 10, (32, 64), "adam", 1.0),
}


def build(nn, name: str):
    """The model ``name`` from the torch-shaped module library ``nn`` (lucid.nn or torch.nn)."""
    if name == "lenet5":
        return nn.Sequential(nn.Conv2d(1, 6, 5), nn.Tanh(), nn.AvgPool2d(2, 2),
                             nn.Conv2d(6, 16, 5), nn.Tanh(), nn.AvgPool2d(2, 2), nn.Flatten(),
                             nn.Linear(256, 120), nn.Tanh(), nn.Linear(120, 84), nn.Tanh(),
                             nn.Linear(84, 10))
    if name == "mlp":
        return nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(),
                             nn.Linear(512, 10))
    if name == "resnet18":
        return cifar_resnet18(nn)
    if name == "lstm":
        class LanguageModel(nn.Module):
            def __init__(self):
                super().__init__()
                self.embed = nn.Embedding(1000, 128)
                self.lstm = nn.LSTM(128, 256, num_layers=2, batch_first=True)
                self.head = nn.Linear(256, 1000)

            def forward(self, x):
                return self.head(self.lstm(self.embed(x))[0])

        return LanguageModel()
    if name == "transformer":
        layer = lambda: nn.TransformerEncoderLayer(128, 4, dim_feedforward=512, dropout=0.0,
                                                   batch_first=True)
        return nn.Sequential(layer(), layer(), nn.Linear(128, 10))
    raise ValueError(f"unknown model {name!r}")


def cifar_resnet18(nn):
    """ResNet-18 with the CIFAR stem, torchvision's block structure (= lucid.models')."""
    class BasicBlock(nn.Module):
        def __init__(self, cin, cout, stride):
            super().__init__()
            self.conv1 = nn.Conv2d(cin, cout, 3, stride=stride, padding=1, bias=False)
            self.bn1 = nn.BatchNorm2d(cout)
            self.relu = nn.ReLU()
            self.conv2 = nn.Conv2d(cout, cout, 3, padding=1, bias=False)
            self.bn2 = nn.BatchNorm2d(cout)
            self.downsample = None
            if stride != 1 or cin != cout:
                self.downsample = nn.Sequential(nn.Conv2d(cin, cout, 1, stride=stride,
                                                          bias=False), nn.BatchNorm2d(cout))

        def forward(self, x):
            shortcut = x if self.downsample is None else self.downsample(x)
            out = self.bn2(self.conv2(self.relu(self.bn1(self.conv1(x)))))
            return self.relu(out + shortcut)

    layers = [nn.Conv2d(3, 64, 3, padding=1, bias=False), nn.BatchNorm2d(64), nn.ReLU()]
    cin = 64
    for cout, stride in ((64, 1), (128, 2), (256, 2), (512, 2)):
        layers += [BasicBlock(cin, cout, stride), BasicBlock(cout, cout, 1)]
        cin = cout
    layers += [nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten(), nn.Linear(512, 10)]
    return nn.Sequential(*layers)


def make_data(name: str, seed: int):
    kind, shape, classes, target_shape, _, _ = MODELS[name]
    rng = np.random.default_rng(seed)
    if kind == "tokens":
        x = rng.integers(0, classes, shape, dtype=np.int64)
    else:
        x = rng.standard_normal(shape, dtype=np.float32)
    return x, rng.integers(0, classes, target_shape, dtype=np.int64)


# -- worker (one framework, one model, one round) ------------------------------------------
def worker(args) -> dict:
    x_np, y_np = make_data(args.model, args.seed)
    if args.worker in ("lucid", "compiled"):
        import lucid
        import lucid.nn.functional as F
        import lucid_backend_numpy
        from lucid import nn, optim

        if hasattr(lucid_backend_numpy, "set_num_threads"):
            lucid_backend_numpy.set_num_threads(args.threads)
        lucid.manual_seed(args.seed)
        if args.model == "lenet5":
            from lucid.models import lenet_5
            model = lenet_5()
        elif args.model == "resnet18":
            from lucid.models import resnet_18
            model = resnet_18(num_classes=10, cifar_stem=True)
        else:
            model = build(nn, args.model)
        x, y = lucid.tensor(x_np), lucid.tensor(y_np)
    else:
        import torch
        import torch.nn.functional as F
        from torch import nn, optim

        torch.set_num_threads(args.threads)
        torch.manual_seed(args.seed)
        model = build(nn, args.model)
        x, y = torch.from_numpy(x_np), torch.from_numpy(y_np)
    model.train()
    compiled = args.worker == "compiled"
    if MODELS[args.model][4] == "sgd":
        opt = optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    elif compiled:  # the step count on the device: the update is part of the replay
        opt = optim.Adam(model.parameters(), lr=1e-3, capturable=True)
    else:
        opt = optim.Adam(model.parameters(), lr=1e-3)

    def train_step(x, y):
        out = model(x)
        loss = F.cross_entropy(out.reshape(-1, out.shape[-1]), y.reshape(-1))
        loss.backward()
        opt.step()
        opt.zero_grad()
        return loss

    if compiled:
        train_step = lucid.compile(train_step, state=(model, opt))

    def step():
        return train_step(x, y)

    first_loss = step().item()
    for _ in range(args.warmup - 1):
        step()
    times = []
    for _ in range(args.steps):
        t0 = time.perf_counter()
        step()
        times.append(time.perf_counter() - t0)
    if compiled and train_step.calls["replayed"] == 0:
        raise RuntimeError(f"the compiled step never replayed: {train_step.eager_reason}")
    return {"times": times, "first_loss": first_loss,
            "params": sum(int(np.prod(p.shape)) for p in model.parameters()),
            "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


# -- driver --------------------------------------------------------------------------------
def run_worker(args, framework: str, model: str, threads: int) -> dict | None:
    scale = MODELS[model][5]
    cmd = [sys.executable, os.path.abspath(__file__), "--worker", framework, "--model", model,
           "--threads", str(threads), "--seed", str(args.seed),
           "--steps", str(max(3, round(args.steps * scale))),
           "--warmup", str(max(1, round(args.warmup * max(scale, 0.5))))]
    env = dict(os.environ, **{k: str(threads) for k in (
        "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "LUCID_NUM_THREADS")})
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        tail = "\n".join(proc.stderr.strip().splitlines()[-6:])
        print(f"  {framework} {model} T={threads} failed:\n{tail}", file=sys.stderr)
        return None
    return json.loads(proc.stdout.strip().splitlines()[-1])


def measure(args, model: str, threads: int) -> dict:
    runs = {"lucid": [], "torch": []}
    if args.compiled:
        runs["compiled"] = []
    for r in range(args.rounds):
        for framework in runs:
            result = run_worker(args, framework, model, threads)
            if result is not None:
                runs[framework].append(result)
                print(f"  {model:11s} T={threads} round {r + 1}/{args.rounds} {framework}: "
                      f"{1e3 * statistics.median(result['times']):9.2f} ms/step",
                      file=sys.stderr, flush=True)
    row = {"model": model, "threads": threads}
    for framework, results in runs.items():
        if not results:
            row[framework] = None
            continue
        times = [t for res in results for t in res["times"]]
        row[framework] = {
            "ms_per_step": 1e3 * statistics.median(times),
            "round_medians_ms": [1e3 * statistics.median(res["times"]) for res in results],
            "peak_rss_mib": max(res["peak_rss_mib"] for res in results),
            "first_loss": results[0]["first_loss"], "params": results[0]["params"],
            "steps": len(times)}
    if row["lucid"] and row["torch"]:
        row["ratio"] = row["lucid"]["ms_per_step"] / row["torch"]["ms_per_step"]
    if row.get("compiled") and row["torch"]:
        row["compiled_ratio"] = row["compiled"]["ms_per_step"] / row["torch"]["ms_per_step"]
    return row


def table(rows: list[dict], args) -> str:
    import torch

    lines = [f"training step (forward, loss, backward, optimizer step, zero_grad): Lucid "
             f"(NumPy backend) vs PyTorch {torch.__version__} CPU; median per-step ms over "
             f"{args.rounds} interleaved rounds in separate processes; cpu_count "
             f"{os.cpu_count()}; 'compiled': the same Lucid step under lucid.compile "
             "(recorded once, replayed)", "",
             f"{'model':11s} {'threads':>7s} {'lucid ms':>10s} {'torch ms':>10s} "
             f"{'lucid/torch':>11s} {'compiled ms':>11s} {'compiled/torch':>14s} "
             f"{'lucid RSS':>10s} {'compiled RSS':>12s} {'torch RSS':>10s}  "
             f"{'params':>10s}  first loss lucid / torch"]
    lines.append("-" * len(lines[-1]))
    for row in rows:
        lu, to = row["lucid"], row["torch"]
        ms = lambda r: f"{r['ms_per_step']:10.2f}" if r else f"{'failed':>10s}"
        rss = lambda r: f"{r['peak_rss_mib']:6.0f} MiB" if r else f"{'-':>10s}"
        ratio = f"{row['ratio']:11.2f}" if "ratio" in row else f"{'-':>11s}"
        co = row.get("compiled")
        compiled = (f"{co['ms_per_step']:11.2f} {row['compiled_ratio']:14.2f}"
                    if co and "compiled_ratio" in row else f"{'-':>11s} {'-':>14s}")
        params = f"{(lu or to)['params']:10,d}" if lu or to else f"{'-':>10s}"
        loss = lambda r: f"{r['first_loss']:.4f}" if r else "-"
        noisy = any(r and max(r["round_medians_ms"]) > 1.3 * min(r["round_medians_ms"])
                    for r in (lu, to, co))
        lines.append(f"{row['model']:11s} {row['threads']:7d} {ms(lu)} {ms(to)} {ratio} "
                     f"{compiled} {rss(lu)} {rss(co):>12s} {rss(to)}  {params}  "
                     f"{loss(lu)} / {loss(to)}"
                     + ("  *" if noisy else ""))
    if any(line.endswith("*") for line in lines):
        lines.append("* round medians differ by more than 30% (was the machine busy?); "
                     "see round_medians_ms in --json")
    return "\n".join(lines)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--models", nargs="+", choices=list(MODELS), default=list(MODELS))
    p.add_argument("--threads", nargs="+", type=int, default=None,
                   help="thread counts to run (default: 1 and os.cpu_count())")
    p.add_argument("--steps", type=int, default=20,
                   help="timed steps per round (resnet18: a quarter, at least 3)")
    p.add_argument("--warmup", type=int, default=3, help="untimed steps first")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--json", default=None, help="also write the results to this file")
    p.add_argument("--no-compiled", dest="compiled", action="store_false",
                   help="skip the lucid.compile'd Lucid step")
    p.add_argument("--worker", choices=["lucid", "compiled", "torch"], help=argparse.SUPPRESS)
    p.add_argument("--model", choices=list(MODELS), help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.worker:
        args.threads = args.threads[0] if args.threads else 1
        print(json.dumps(worker(args)))
        return 0
    threads = args.threads or sorted({1, os.cpu_count() or 1})
    rows = [measure(args, model, t) for t in threads for model in args.models]
    print(table(rows, args))
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"cpu_count": os.cpu_count(), "steps": args.steps,
                       "warmup": args.warmup, "rounds": args.rounds, "rows": rows}, f, indent=1)
        print(f"\nwritten: {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
