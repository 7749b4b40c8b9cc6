"""ResNet-18 (CIFAR stem), Lucid against PyTorch, side by side: the original Lucid's second
published experiment (CIFAR-10, Adam, StepLR).

    python bench/bench_resnet_torch.py          # the CPU subset: 1280/1000 images, 3 epochs
    python bench/bench_resnet_torch.py --device gpu --data-dir DIR --out OUT \
        --subset 0 --test-subset 0 --epochs 10 --step-size 5 --batch-size 128   # full, GPU
    python bench/bench_resnet_torch.py --plot-from OUT.json     # redraw a plot from its JSON

The defaults are the CPU run recorded in the README (about 10 minutes per framework on one
core); ``--subset 0 --test-subset 0`` uses every image.

Same experiment in both frameworks, each in its own process:

* the data: CIFAR-10 when its files are present (``cifar-10-batches-py`` in ``--data-dir``
  or ``/usr/share/datasets/cifar-10``), otherwise Fashion-MNIST (the four IDX ``.gz`` files
  in ``--data-dir`` or ``/usr/share/datasets/fashion-mnist``) zero-padded from 28x28 to 32x32;
  the output says which. Pixels ``x / 255`` normalised per channel by the mean and standard
  deviation of the training images used, in float32 NumPy, so both inputs are bit-identical;
* the augmentation: random 32x32 crop of the image zero-padded by 4, random horizontal flip,
  drawn by NumPy from ``(seed, epoch)`` and applied in NumPy on both sides;
* the batches: one permutation per epoch from ``(seed, epoch)``, the same indices in the
  same order for both;
* the initial weights: Lucid's ``resnet_18(cifar_stem=True)`` after ``lucid.manual_seed``,
  copied by state-dict key into the same network written in plain ``torch.nn`` (keys are
  torchvision's, so no torchvision is needed);
* the optimisation: Adam (``--lr``, ``--weight-decay``, L2 added to the gradient as in
  ``torch.optim.Adam``), StepLR (``--step-size`` epochs, ``--gamma``), mean cross-entropy.

``--device cpu`` (default): Lucid on its NumPy backend vs PyTorch CPU, ``--threads`` BLAS /
torch threads each. ``--device gpu``: Lucid on MLX (``mlx[cuda]``, device ``gpu``) vs
PyTorch CUDA. Needs only NumPy, PyTorch, MLX and the Lucid packages; matplotlib is used for
the plot when installed (else ``--plot-from`` redraws it from the JSON elsewhere).
Prints test accuracy per epoch for both, time per epoch and the ratio lucid/torch; writes
``<out>.txt`` (the table), ``<out>.json`` and ``<out>.png``.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))
from bench_lenet_torch import read_idx_gz, rss_mib  # noqa: E402

DEFAULT_DIRS = {"cifar-10": Path("/usr/share/datasets/cifar-10"),
                "fashion-mnist": Path("/usr/share/datasets/fashion-mnist")}
PAD = 4  # augmentation: random crop of the image zero-padded by 4 pixels


# -- data (NumPy, identical in both workers) -----------------------------------------------
def find_dataset(data_dir: str | None) -> tuple[str, Path]:
    """``(name, folder)``: CIFAR-10 when present, else Fashion-MNIST; raises when neither is."""
    dirs = [Path(data_dir)] if data_dir else list(DEFAULT_DIRS.values())
    for d in dirs:
        for cifar in (d / "cifar-10-batches-py", d):
            if (cifar / "data_batch_1").is_file():
                return "cifar-10", cifar
    for d in dirs:
        if (d / "train-images-idx3-ubyte.gz").is_file():
            return "fashion-mnist", d
    raise FileNotFoundError(
        f"no CIFAR-10 (cifar-10-batches-py) or Fashion-MNIST (*-idx?-ubyte.gz) files in "
        f"{', '.join(map(str, dirs))}; pass --data-dir or apt install dataset-fashion-mnist")


def load_split(name: str, folder: Path, train: bool) -> tuple[np.ndarray, np.ndarray]:
    """Images (N, C, 32, 32) uint8 and labels int64."""
    if name == "cifar-10":
        files = [f"data_batch_{i}" for i in range(1, 6)] if train else ["test_batch"]
        xs, ys = [], []
        for f in files:
            with open(folder / f, "rb") as fh:
                batch = pickle.load(fh, encoding="bytes")
            xs.append(np.asarray(batch[b"data"], np.uint8).reshape(-1, 3, 32, 32))
            ys.append(np.asarray(batch[b"labels"], np.int64))
        return np.concatenate(xs), np.concatenate(ys)
    prefix = "train" if train else "t10k"
    images = read_idx_gz(folder / f"{prefix}-images-idx3-ubyte.gz", 16).reshape(-1, 1, 28, 28)
    labels = read_idx_gz(folder / f"{prefix}-labels-idx1-ubyte.gz", 8).astype(np.int64)
    return np.pad(images, ((0, 0), (0, 0), (2, 2), (2, 2))), labels


class Data:
    """The train/test arrays, the normalisation statistics and the per-epoch augmentation."""

    def __init__(self, args) -> None:
        self.name, folder = find_dataset(args.data_dir)
        self.x_train, self.y_train = load_split(self.name, folder, True)
        self.x_test, self.y_test = load_split(self.name, folder, False)
        if args.subset:
            self.x_train, self.y_train = self.x_train[:args.subset], self.y_train[:args.subset]
        if args.test_subset:
            m = args.test_subset
            self.x_test, self.y_test = self.x_test[:m], self.y_test[:m]
        scaled = self.x_train.astype(np.float64) / 255
        shape = (1, -1, 1, 1)
        self.mean = scaled.mean(axis=(0, 2, 3)).astype(np.float32).reshape(shape)
        self.std = scaled.std(axis=(0, 2, 3)).astype(np.float32).reshape(shape)
        self.channels = self.x_train.shape[1]
        self.batch_size, self.seed = args.batch_size, args.seed

    def normalize(self, images: np.ndarray) -> np.ndarray:
        """uint8 -> float32 ``(x / 255 - mean) / std``."""
        return np.ascontiguousarray((images.astype(np.float32) / np.float32(255) - self.mean)
                                    / self.std)

    def train_batches(self, epoch: int):
        """Yield ``(images float32, labels int64)`` NumPy batches of one augmented epoch."""
        rng = np.random.default_rng([self.seed, epoch])
        n = len(self.x_train)
        order = rng.permutation(n)
        offsets = rng.integers(0, 2 * PAD + 1, size=(n, 2))
        flips = rng.random(n) < 0.5
        padded = np.pad(self.x_train, ((0, 0), (0, 0), (PAD, PAD), (PAD, PAD)))
        for i in range(0, n, self.batch_size):
            idx = order[i:i + self.batch_size]
            batch = np.empty((len(idx),) + self.x_train.shape[1:], np.uint8)
            for j, k in enumerate(idx):
                top, left = offsets[k]
                crop = padded[k, :, top:top + 32, left:left + 32]
                batch[j] = crop[:, :, ::-1] if flips[k] else crop
            yield self.normalize(batch), self.y_train[idx]

    def test_batches(self, size: int = 250):
        for i in range(0, len(self.x_test), size):
            yield self.normalize(self.x_test[i:i + size]), self.y_test[i:i + size]


# -- workers (each in its own process) -----------------------------------------------------
def run_lucid(args, data: Data, step_loop) -> dict:
    import lucid
    import lucid.nn.functional as F
    from lucid import optim
    from lucid.models import resnet_18

    device = "gpu" if args.device == "gpu" else "cpu"
    if args.lucid_backend:
        lucid.backends.bind(device, args.lucid_backend)
    lucid.manual_seed(args.seed)
    model = resnet_18(num_classes=10, in_channels=data.channels, cifar_stem=True)
    np.savez(args.init, **{k: v.numpy() for k, v in model.state_dict().items()})
    model.to(device)
    opt = optim.Adam(model.parameters(), lr=args.lr, weight_decay=args.weight_decay)
    sched = optim.lr_scheduler.StepLR(opt, step_size=args.step_size, gamma=args.gamma)

    def train_step(x, y):
        logits = model(lucid.tensor(x, device=device))
        loss = F.cross_entropy(logits, lucid.tensor(y, device=device))
        opt.zero_grad()
        loss.backward()
        opt.step()
        return loss.item(), int((logits.detach().numpy().argmax(1) == y).sum())

    def eval_batch(x, y):
        with lucid.no_grad():
            logits = model(lucid.tensor(x, device=device))
            loss = F.cross_entropy(logits, lucid.tensor(y, device=device), reduction="sum")
            return loss.item(), int((logits.numpy().argmax(1) == y).sum())

    return step_loop(args, data, model, sched, train_step, eval_batch, lambda: None)


def torch_resnet_18(channels: int):
    """ResNet-18 with the CIFAR stem in plain ``torch.nn``, torchvision's state-dict keys."""
    from torch import nn

    class BasicBlock(nn.Module):
        def __init__(self, cin: int, cout: int, stride: int) -> None:
            super().__init__()
            self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
            self.bn1 = nn.BatchNorm2d(cout)
            self.relu = nn.ReLU(inplace=True)
            self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
            self.bn2 = nn.BatchNorm2d(cout)
            self.downsample = None
            if stride != 1 or cin != cout:
                self.downsample = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False),
                                                nn.BatchNorm2d(cout))

        def forward(self, x):
            out = self.relu(self.bn1(self.conv1(x)))
            out = self.bn2(self.conv2(out))
            return self.relu(out + (x if self.downsample is None else self.downsample(x)))

    class ResNet18(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.conv1 = nn.Conv2d(channels, 64, 3, 1, 1, bias=False)
            self.bn1 = nn.BatchNorm2d(64)
            self.relu = nn.ReLU(inplace=True)
            widths, cin = (64, 128, 256, 512), 64
            for i, w in enumerate(widths, 1):
                stride = 1 if i == 1 else 2
                setattr(self, f"layer{i}", nn.Sequential(BasicBlock(cin, w, stride),
                                                         BasicBlock(w, w, 1)))
                cin = w
            self.fc = nn.Linear(512, 10)

        def forward(self, x):
            x = self.relu(self.bn1(self.conv1(x)))
            x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
            return self.fc(x.mean(dim=(2, 3)))

    return ResNet18()


def run_torch(args, data: Data, step_loop) -> dict:
    import torch
    import torch.nn.functional as F

    torch.set_num_threads(args.threads)
    device = torch.device("cuda" if args.device == "gpu" else "cpu")
    model = torch_resnet_18(data.channels)
    init = np.load(args.init)
    model.load_state_dict({k: torch.from_numpy(np.array(init[k])) for k in init.files},
                          strict=True)
    model.to(device)
    opt = torch.optim.Adam(model.parameters(), lr=args.lr, weight_decay=args.weight_decay)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=args.step_size, gamma=args.gamma)
    sync = torch.cuda.synchronize if device.type == "cuda" else (lambda: None)

    def train_step(x, y):
        logits = model(torch.from_numpy(x).to(device))
        loss = F.cross_entropy(logits, torch.from_numpy(y).to(device))
        opt.zero_grad()
        loss.backward()
        opt.step()
        return loss.item(), int((logits.detach().argmax(1).cpu().numpy() == y).sum())

    def eval_batch(x, y):
        with torch.no_grad():
            logits = model(torch.from_numpy(x).to(device))
            loss = F.cross_entropy(logits, torch.from_numpy(y).to(device), reduction="sum")
            return loss.item(), int((logits.argmax(1).cpu().numpy() == y).sum())

    result = step_loop(args, data, model, sched, train_step, eval_batch, sync)
    result["version"] = f"PyTorch {torch.__version__}"
    return result


def step_loop(args, data: Data, model, sched, train_step, eval_batch, sync) -> dict:
    """Train ``args.epochs`` epochs; per epoch: train/test loss and accuracy and seconds."""
    history = []
    for epoch in range(1, args.epochs + 1):
        model.train()
        t0, c0 = time.perf_counter(), time.process_time()
        total, correct = 0.0, 0
        for x, y in data.train_batches(epoch):
            loss, hits = train_step(x, y)
            total, correct = total + loss * len(y), correct + hits
        sync()
        t1, c1 = time.perf_counter(), time.process_time()
        sched.step()
        model.eval()
        test_total, test_correct = 0.0, 0
        for x, y in data.test_batches():
            loss, hits = eval_batch(x, y)
            test_total, test_correct = test_total + loss, test_correct + hits
        t2 = time.perf_counter()
        n, m = len(data.x_train), len(data.x_test)
        history.append({"epoch": epoch, "train_loss": total / n, "train_acc": correct / n,
                        "test_loss": test_total / m, "test_acc": test_correct / m,
                        "train_time": t1 - t0, "train_cpu": c1 - c0, "eval_time": t2 - t1})
        print(f"[{args.worker}] epoch {epoch}: train {total / n:.4f} {100 * correct / n:.2f}%"
              f"  test {test_total / m:.4f} {100 * test_correct / m:.2f}%  "
              f"{t1 - t0:.1f}+{t2 - t1:.1f} s", file=sys.stderr, flush=True)
    return {"history": history, "peak_rss_mib": rss_mib()}


# -- driver --------------------------------------------------------------------------------
def table(results: dict) -> str:
    cfg, lu, to = results["config"], results["lucid"]["history"], results["torch"]["history"]
    lines = [f"ResNet-18 (CIFAR stem) on {results['dataset']}: {results['lucid']['version']} vs "
             f"{results['torch']['version']}; {cfg['train_images']} train / "
             f"{cfg['test_images']} test images, batch {cfg['batch_size']}, Adam lr "
             f"{cfg['lr']} weight decay {cfg['weight_decay']}, StepLR {cfg['step_size']} x "
             f"{cfg['gamma']}, seed {cfg['seed']}, {cfg['threads']} thread(s) each",
             "", f"{'epoch':>5} | {'lucid test acc':>14} {'train loss':>10} {'time s':>7} | "
             f"{'torch test acc':>14} {'train loss':>10} {'time s':>7} | {'diff pp':>7} "
             f"{'ratio':>5}"]
    lines.append("-" * len(lines[-1]))
    for a, b in zip(lu, to):
        lines.append(f"{a['epoch']:>5} | {100 * a['test_acc']:>13.2f}% {a['train_loss']:>10.4f} "
                     f"{a['train_time']:>7.1f} | {100 * b['test_acc']:>13.2f}% "
                     f"{b['train_loss']:>10.4f} {b['train_time']:>7.1f} | "
                     f"{100 * (a['test_acc'] - b['test_acc']):>+7.2f} "
                     f"{a['train_time'] / b['train_time']:>5.2f}")
    t_lu, t_to = (sum(r["train_time"] for r in h) for h in (lu, to))
    diff = 100 * abs(lu[-1]["test_acc"] - to[-1]["test_acc"])
    lines += ["", f"final test accuracy: lucid {100 * lu[-1]['test_acc']:.2f}%, torch "
              f"{100 * to[-1]['test_acc']:.2f}% (difference {diff:.2f} pp; "
              f"{'within' if diff <= 0.5 else 'NOT within'} 0.5 pp)",
              f"training time per epoch: lucid {t_lu / len(lu):.1f} s, torch "
              f"{t_to / len(to):.1f} s, ratio lucid/torch {t_lu / t_to:.2f}",
              *cpu_time_line(lu, to),
              f"peak RSS: lucid {results['lucid']['peak_rss_mib']:.0f} MiB, torch "
              f"{results['torch']['peak_rss_mib']:.0f} MiB"]
    return "\n".join(lines)


def cpu_time_line(lu: list[dict], to: list[dict]) -> list[str]:
    """Process CPU seconds of training (user + system, all threads): on a shared machine
    the wall-clock time counts other programs' load, the CPU time does not."""
    if "train_cpu" not in lu[0] or "train_cpu" not in to[0]:
        return []
    c_lu, c_to = (sum(r["train_cpu"] for r in h) for h in (lu, to))
    return [f"training CPU time per epoch (process): lucid {c_lu / len(lu):.1f} s, torch "
            f"{c_to / len(to):.1f} s, ratio lucid/torch {c_lu / c_to:.2f}"]


def plot(results: dict, path: Path) -> Path | None:
    """Test accuracy, train loss and seconds per epoch, both frameworks; None without matplotlib."""
    try:
        import matplotlib
    except ImportError:
        return None
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    fig, axes = plt.subplots(1, 3, figsize=(15, 4))
    for name, style in (("lucid", "-o"), ("torch", "--s")):
        h = results[name]["history"]
        ep = [r["epoch"] for r in h]
        axes[0].plot(ep, [100 * r["test_acc"] for r in h], style, label=f"{name} test")
        axes[0].plot(ep, [100 * r["train_acc"] for r in h], style, alpha=0.5,
                     label=f"{name} train")
        axes[1].plot(ep, [r["train_loss"] for r in h], style, label=f"{name} train")
        axes[1].plot(ep, [r["test_loss"] for r in h], style, alpha=0.5, label=f"{name} test")
        axes[2].plot(ep, [r["train_time"] for r in h], style, label=name)
    for ax, title, ylabel in zip(axes, ("accuracy", "loss", "training time per epoch"),
                                 ("%", "cross-entropy", "seconds")):
        ax.set(title=title, xlabel="epoch", ylabel=ylabel)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.grid(alpha=0.3)
        ax.legend()
    fig.suptitle(f"ResNet-18 on {results['dataset']}: {results['lucid']['version']} vs "
                 f"{results['torch']['version']} (same data, weights, batches, augmentation)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description="ResNet-18 (CIFAR stem), Lucid vs PyTorch, side by "
                                "side: same data, weights, batches and augmentation.")
    p.add_argument("--device", choices=["cpu", "gpu"], default="cpu",
                   help="cpu: Lucid on NumPy vs torch CPU; gpu: Lucid on MLX vs torch CUDA "
                   "(default: %(default)s)")
    p.add_argument("--lucid-backend", default=None, metavar="NAME",
                   help="backend serving Lucid's device (default: numpy for cpu, mlx for "
                   "gpu); --lucid-backend mlx with --device cpu runs MLX's CPU build")
    p.add_argument("--data-dir", default=None, metavar="DIR", help="folder with the CIFAR-10 "
                   "or Fashion-MNIST files (default: /usr/share/datasets/cifar-10, then "
                   "/usr/share/datasets/fashion-mnist)")
    p.add_argument("--subset", type=int, default=1280, metavar="N",
                   help="train on the first N training images, 0: all (default: %(default)s)")
    p.add_argument("--test-subset", type=int, default=1000, metavar="N",
                   help="test on the first N test images, 0: all (default: %(default)s)")
    p.add_argument("--epochs", type=int, default=3, help="(default: %(default)s)")
    p.add_argument("--batch-size", type=int, default=64, help="(default: %(default)s)")
    p.add_argument("--lr", type=float, default=1e-3, help="Adam (default: %(default)s)")
    p.add_argument("--weight-decay", type=float, default=5e-4,
                   help="Adam's L2 term (default: %(default)s)")
    p.add_argument("--step-size", type=int, default=2,
                   help="StepLR period in epochs (default: %(default)s)")
    p.add_argument("--gamma", type=float, default=0.1,
                   help="StepLR factor (default: %(default)s)")
    p.add_argument("--seed", type=int, default=0, help="(default: %(default)s)")
    p.add_argument("--threads", type=int, default=1,
                   help="BLAS / torch threads each (default: %(default)s)")
    p.add_argument("--out", default=None, metavar="PATH", help="results path without "
                   "extension (default: bench/results/resnet18_torch_<device>_<epochs>ep)")
    p.add_argument("--plot-from", default=None, metavar="JSON",
                   help="only redraw the plot and table of a results JSON")
    p.add_argument("--worker", choices=["lucid", "torch"], help=argparse.SUPPRESS)
    p.add_argument("--result", help=argparse.SUPPRESS)
    p.add_argument("--init", help=argparse.SUPPRESS)
    return p.parse_args(argv)


def worker_cmd(argv: list[str], name: str, result: Path, init: Path) -> list[str]:
    return [sys.executable, __file__, *argv, "--worker", name, "--result", str(result),
            "--init", str(init)]


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    if args.plot_from:
        results = json.loads(Path(args.plot_from).read_text())
        print(table(results))
        print(f"plot: {plot(results, Path(args.plot_from).with_suffix('.png'))}")
        return 0
    try:
        data = Data(args)
    except FileNotFoundError as exc:
        print(f"bench_resnet_torch: {exc}", file=sys.stderr)
        return 2
    if args.worker:
        run = run_lucid if args.worker == "lucid" else run_torch
        Path(args.result).write_text(json.dumps(run(args, data, step_loop)))
        return 0
    print(f"dataset: {data.name}" + (" (Fashion-MNIST padded to 32x32; no CIFAR-10 files "
                                      "found)" if data.name == "fashion-mnist" else ""))
    out = Path(args.out) if args.out else \
        ROOT / "results" / f"resnet18_torch_{args.device}_{args.epochs}ep"
    out.parent.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, OPENBLAS_NUM_THREADS=str(args.threads),
               OMP_NUM_THREADS=str(args.threads), MKL_NUM_THREADS=str(args.threads))
    if args.device == "cpu" and not args.lucid_backend:
        env["LUCID_BACKEND"] = "numpy"
    results = {"dataset": data.name, "config": dict(
        vars(args), train_images=len(data.x_train), test_images=len(data.x_test))}
    with tempfile.TemporaryDirectory() as tmp:
        init = Path(tmp) / "init.npz"
        for name in ("lucid", "torch"):  # lucid first: it writes the initial weights
            result = Path(tmp) / f"{name}.json"
            subprocess.run(worker_cmd(argv, name, result, init), env=env, check=True)
            results[name] = json.loads(result.read_text())
    import lucid  # noqa: F401  (the version string only; the workers did the work)

    backend = {"numpy": "NumPy", "mlx": "MLX"}.get(
        args.lucid_backend or ("mlx" if args.device == "gpu" else "numpy"), args.lucid_backend)
    results["lucid"]["version"] = f"Lucid {lucid.__version__} ({backend})"
    text = table(results)
    print(text)
    out.with_suffix(".txt").write_text(text + "\n")
    out.with_suffix(".json").write_text(json.dumps(results, indent=1))
    png = plot(results, out.with_suffix(".png"))
    print(f"\nwritten: {out.with_suffix('.txt')}, {out.with_suffix('.json')}, "
          f"{png or '(no plot: matplotlib missing; use --plot-from)'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
