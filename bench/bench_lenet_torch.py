"""LeNet-5 on Fashion-MNIST, Lucid (NumPy backend) against PyTorch CPU, side by side.

    python bench/bench_lenet_torch.py                  # 10 epochs, the full data set
    python bench/bench_lenet_torch.py --epochs 1 --limit-train 6000

Same experiment in both frameworks:

* the same data: the Fashion-MNIST IDX files, scaled ``x / 255`` then normalised with
  ``(x - 0.2860) / 0.3530`` in float32 (Lucid through ``lucid.transforms``, torch through
  the same NumPy formula, so the inputs are bit-identical);
* the same initial weights: Lucid's ``lenet_5()`` after ``lucid.manual_seed(seed)``, copied
  (by state-dict key, which is torchvision-style in both) into an identical torch model;
* the same batches in the same order (one NumPy permutation per epoch from ``seed``, used by
  Lucid's ``DataLoader`` as its ``batch_sampler`` and by torch as plain indices);
* the same optimizer: SGD, lr 0.01, momentum 0.9, batch 128, mean cross-entropy.

Timing: wall-clock seconds of each epoch's training pass (and, separately, of the test-set
evaluation). Threads: NumPy's BLAS is limited with ``OPENBLAS_NUM_THREADS`` /
``OMP_NUM_THREADS`` = ``--threads`` (default 1) and torch gets ``torch.set_num_threads`` of
the same number, so both use the same cores. Memory: each framework trains in its own
subprocess; the peak resident set size (``resource.getrusage(RUSAGE_SELF).ru_maxrss``) is
read after the imports, after setup (data, model) and at the end, so the framework, the data
and the training show separately. Both keep the images as uint8 and normalise each batch.
Results: a table on stdout and in ``<out>.txt``, curves in
``<out>.png`` (default ``bench/results/lenet_torch_<epochs>ep``).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

MEAN, STD = 0.2860, 0.3530
DATA = Path("/usr/share/datasets/fashion-mnist")
ROOT = Path(__file__).resolve().parent


class EpochBatches:
    """Index batches of a new permutation each epoch, drawn from one seeded generator."""

    def __init__(self, n: int, batch_size: int, seed: int) -> None:
        self.n, self.batch_size = n, batch_size
        self.rng = np.random.default_rng(seed)

    def __iter__(self):
        order = self.rng.permutation(self.n)
        for i in range(0, self.n, self.batch_size):
            yield order[i:i + self.batch_size]

    def __len__(self) -> int:
        return -(-self.n // self.batch_size)


def rss_mib() -> float:
    """Peak resident set size of this process so far, MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def read_idx_gz(path: Path, header: int) -> np.ndarray:
    with gzip.open(path, "rb") as f:
        return np.frombuffer(f.read(), dtype=np.uint8, offset=header)


def numpy_split(train: bool, limit: int | None):
    """Images (N, 28, 28) uint8 and labels int64, read straight from the IDX files."""
    prefix = "train" if train else "t10k"
    images = read_idx_gz(DATA / f"{prefix}-images-idx3-ubyte.gz", 16).reshape(-1, 28, 28)
    labels = read_idx_gz(DATA / f"{prefix}-labels-idx1-ubyte.gz", 8).astype(np.int64)
    if limit:
        images, labels = images[:limit], labels[:limit]
    return images, labels


def normalize(images: np.ndarray) -> np.ndarray:
    """uint8 (N, 28, 28) -> float32 (N, 1, 28, 28), the formula of ToTensor + Normalize."""
    x = images[:, None].astype(np.float32) * np.float32(1 / 255)
    x = (x - np.asarray([MEAN], np.float32).reshape(-1, 1, 1)) / \
        np.asarray([STD], np.float32).reshape(-1, 1, 1)
    return np.ascontiguousarray(x)


# -- workers (each runs in its own process) -----------------------------------------------
def run_lucid(args) -> dict:
    import lucid
    import lucid.nn.functional as F
    from lucid import optim
    from lucid import transforms as T
    from lucid.data import DataLoader, Subset
    from lucid.datasets import FashionMNIST
    from lucid.models import lenet_5

    import_rss = rss_mib()
    tf = T.Compose([T.ToTensor(), T.Normalize((MEAN,), (STD,))])
    train_set = FashionMNIST(train=True, transform=tf)
    test_set = FashionMNIST(train=False, transform=tf)
    if args.limit_train:
        train_set = Subset(train_set, np.arange(args.limit_train))
    lucid.manual_seed(args.seed)
    model = lenet_5()
    np.savez(args.init, **{k: v.numpy() for k, v in model.state_dict().items()})
    opt = optim.SGD(model.parameters(), lr=args.lr, momentum=args.momentum)
    train_loader = DataLoader(train_set, batch_sampler=EpochBatches(
        len(train_set), args.batch_size, args.seed))
    test_loader = DataLoader(test_set, batch_size=1000)
    setup_rss = rss_mib()

    def train_epoch():
        model.train()
        total, correct, seen = 0.0, 0, 0
        for x, y in train_loader:
            logits = model(x)
            loss = F.cross_entropy(logits, y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * y.shape[0]
            correct += int((logits.detach().numpy().argmax(1) == y.numpy()).sum())
            seen += y.shape[0]
        return total / seen, correct / seen

    def evaluate():
        model.eval()
        total, correct, seen = 0.0, 0, 0
        with lucid.no_grad():
            for x, y in test_loader:
                logits = model(x)
                total += F.cross_entropy(logits, y, reduction="sum").item()
                correct += int((logits.numpy().argmax(1) == y.numpy()).sum())
                seen += y.shape[0]
        return total / seen, correct / seen

    return loop(args, train_epoch, evaluate, import_rss, setup_rss)


def run_torch(args) -> dict:
    import torch
    import torch.nn.functional as F
    from torch import nn

    import_rss = rss_mib()
    torch.set_num_threads(args.threads)
    # uint8 in memory, normalised batch by batch (as Lucid's DataLoader does)
    x_train, y_train = numpy_split(True, args.limit_train)
    x_test, y_test = numpy_split(False, None)
    y_train, y_test = torch.from_numpy(y_train), torch.from_numpy(y_test)
    model = nn.Module()
    model.features = nn.Sequential(nn.Conv2d(1, 6, 5), nn.Tanh(), nn.AvgPool2d(2, 2),
                                   nn.Conv2d(6, 16, 5), nn.Tanh(), nn.AvgPool2d(2, 2))
    model.classifier = nn.Sequential(nn.Linear(256, 120), nn.Tanh(), nn.Linear(120, 84),
                                     nn.Tanh(), nn.Linear(84, 10))
    forward = lambda x: model.classifier(model.features(x).flatten(1))
    init = np.load(args.init)
    model.load_state_dict({k: torch.from_numpy(init[k]) for k in init.files}, strict=True)
    opt = torch.optim.SGD(model.parameters(), lr=args.lr, momentum=args.momentum)
    batches = EpochBatches(len(x_train), args.batch_size, args.seed)
    setup_rss = rss_mib()

    def train_epoch():
        model.train()
        total, correct, seen = 0.0, 0, 0
        for idx in batches:
            x = torch.from_numpy(normalize(x_train[idx]))
            y = y_train[torch.from_numpy(idx)]
            logits = forward(x)
            loss = F.cross_entropy(logits, y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(y)
            correct += int((logits.detach().argmax(1) == y).sum())
            seen += len(y)
        return total / seen, correct / seen

    def evaluate():
        model.eval()
        total, correct, seen = 0.0, 0, 0
        with torch.no_grad():
            for i in range(0, len(x_test), 1000):
                x = torch.from_numpy(normalize(x_test[i:i + 1000]))
                y = y_test[i:i + 1000]
                logits = forward(x)
                total += F.cross_entropy(logits, y, reduction="sum").item()
                correct += int((logits.argmax(1) == y).sum())
                seen += len(y)
        return total / seen, correct / seen

    return loop(args, train_epoch, evaluate, import_rss, setup_rss)


def loop(args, train_epoch, evaluate, import_rss, setup_rss) -> dict:
    history = []
    for epoch in range(1, args.epochs + 1):
        t0 = time.perf_counter()
        train_loss, train_acc = train_epoch()
        t1 = time.perf_counter()
        test_loss, test_acc = evaluate()
        t2 = time.perf_counter()
        history.append({"epoch": epoch, "train_loss": train_loss, "train_acc": train_acc,
                        "test_loss": test_loss, "test_acc": test_acc, "train_time": t1 - t0,
                        "eval_time": t2 - t1})
        print(f"[{args.worker}] epoch {epoch}: train {train_loss:.4f} {100 * train_acc:.2f}%  "
              f"test {test_loss:.4f} {100 * test_acc:.2f}%  {t1 - t0:.1f}+{t2 - t1:.1f} s",
              file=sys.stderr, flush=True)
    return {"history": history, "import_rss_mib": import_rss, "setup_rss_mib": setup_rss,
            "peak_rss_mib": rss_mib()}


# -- driver -------------------------------------------------------------------------------
def worker_cmd(args, name: str, result: Path) -> list[str]:
    cmd = [sys.executable, __file__, "--worker", name, "--result", str(result),
           "--init", args.init, "--epochs", str(args.epochs), "--batch-size",
           str(args.batch_size), "--lr", str(args.lr), "--momentum", str(args.momentum),
           "--seed", str(args.seed), "--threads", str(args.threads)]
    return cmd + (["--limit-train", str(args.limit_train)] if args.limit_train else [])


def table(results: dict, args) -> str:
    lu, to = results["lucid"]["history"], results["torch"]["history"]
    lines = [f"LeNet-5 on Fashion-MNIST: Lucid (NumPy) vs PyTorch {results['torch_version']} "
             f"CPU, SGD lr {args.lr} momentum {args.momentum}, batch {args.batch_size}, "
             f"seed {args.seed}, {args.threads} thread(s) each "
             f"(OPENBLAS/OMP_NUM_THREADS and torch.set_num_threads)",
             "", f"{'epoch':>5} | {'lucid train loss/acc':>21} {'test loss/acc':>16} "
             f"{'time s':>7} | {'torch train loss/acc':>21} {'test loss/acc':>16} "
             f"{'time s':>7} | {'ratio':>5}"]
    lines.append("-" * len(lines[-1]))
    for a, b in zip(lu, to):
        lines.append(
            f"{a['epoch']:>5} | {a['train_loss']:>12.4f} {100 * a['train_acc']:>7.2f}% "
            f"{a['test_loss']:>7.4f} {100 * a['test_acc']:>7.2f}% {a['train_time']:>7.1f} | "
            f"{b['train_loss']:>12.4f} {100 * b['train_acc']:>7.2f}% "
            f"{b['test_loss']:>7.4f} {100 * b['test_acc']:>7.2f}% {b['train_time']:>7.1f} | "
            f"{a['train_time'] / b['train_time']:>5.1f}")
    t_lu, t_to = sum(r["train_time"] for r in lu), sum(r["train_time"] for r in to)
    e_lu, e_to = sum(r["eval_time"] for r in lu), sum(r["eval_time"] for r in to)
    diff = 100 * abs(lu[-1]["test_acc"] - to[-1]["test_acc"])
    lines += ["",
              f"final test accuracy: lucid {100 * lu[-1]['test_acc']:.2f}%, torch "
              f"{100 * to[-1]['test_acc']:.2f}% (difference {diff:.2f} pp; "
              f"{'within' if diff < 0.5 else 'NOT within'} 0.5 pp)",
              f"training time: lucid {t_lu:.1f} s, torch {t_to:.1f} s, ratio lucid/torch "
              f"{t_lu / t_to:.2f}",
              f"evaluation time (all epochs): lucid {e_lu:.1f} s, torch {e_to:.1f} s, ratio "
              f"{e_lu / e_to:.2f}"]
    for name in ("lucid", "torch"):
        r = results[name]
        lines.append(f"peak RSS {name}: {r['peak_rss_mib']:.0f} MiB (after imports "
                     f"{r['import_rss_mib']:.0f} MiB, after data+model setup "
                     f"{r['setup_rss_mib']:.0f} MiB; training adds "
                     f"{r['peak_rss_mib'] - r['setup_rss_mib']:.0f} MiB)")
    return "\n".join(lines)


def plot(results: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 3, figsize=(15, 4))
    for name, style in (("lucid", "-o"), ("torch", "--s")):
        h = results[name]["history"]
        ep = [r["epoch"] for r in h]
        axes[0].plot(ep, [r["train_loss"] for r in h], style, label=f"{name} train")
        axes[0].plot(ep, [r["test_loss"] for r in h], style, label=f"{name} test", alpha=0.6)
        axes[1].plot(ep, [100 * r["train_acc"] for r in h], style, label=f"{name} train")
        axes[1].plot(ep, [100 * r["test_acc"] for r in h], style, label=f"{name} test",
                     alpha=0.6)
        axes[2].plot(ep, [r["train_time"] for r in h], style, label=name)
    for ax, title, ylabel in zip(axes, ("loss", "accuracy", "training time per epoch"),
                                 ("cross-entropy", "%", "seconds")):
        ax.set(title=title, xlabel="epoch", ylabel=ylabel)
        ax.grid(alpha=0.3)
        ax.legend()
    fig.suptitle("LeNet-5 on Fashion-MNIST: Lucid vs PyTorch CPU (same data, weights, batches)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--epochs", type=int, default=10)
    p.add_argument("--batch-size", type=int, default=128)
    p.add_argument("--lr", type=float, default=0.01)
    p.add_argument("--momentum", type=float, default=0.9)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--limit-train", type=int, default=None)
    p.add_argument("--out", default=None, help="results path without extension")
    p.add_argument("--worker", choices=["lucid", "torch"], help=argparse.SUPPRESS)
    p.add_argument("--result", help=argparse.SUPPRESS)
    p.add_argument("--init", default=None, help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.worker:
        result = (run_lucid if args.worker == "lucid" else run_torch)(args)
        if args.worker == "torch":
            import torch

            result["torch_version"] = torch.__version__
        Path(args.result).write_text(json.dumps(result))
        return 0
    if not DATA.is_dir():
        print(f"bench_lenet_torch: {DATA} not found (apt install dataset-fashion-mnist)")
        return 0
    out = Path(args.out) if args.out else ROOT / "results" / f"lenet_torch_{args.epochs}ep"
    out.parent.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, OPENBLAS_NUM_THREADS=str(args.threads),
               OMP_NUM_THREADS=str(args.threads), MKL_NUM_THREADS=str(args.threads))
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        args.init = str(Path(tmp) / "init.npz")
        for name in ("lucid", "torch"):  # lucid first: it writes the initial weights
            result = Path(tmp) / f"{name}.json"
            subprocess.run(worker_cmd(args, name, result), env=env, check=True)
            results[name] = json.loads(result.read_text())
    results["torch_version"] = results["torch"].pop("torch_version")
    text = table(results, args)
    print(text)
    out.with_suffix(".txt").write_text(text + "\n")
    out.with_suffix(".json").write_text(json.dumps(results, indent=1))
    plot(results, out.with_suffix(".png"))
    print(f"\nwritten: {out.with_suffix('.txt')}, {out.with_suffix('.png')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
