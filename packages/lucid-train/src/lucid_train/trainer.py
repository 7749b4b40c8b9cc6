"""The training loop behind ``lucid-train`` and ``examples/train.py``.

Each epoch: one pass over the (shuffled) training set with a progress bar showing the running
loss and accuracy, then an evaluation on the test set. Into ``--out`` (default
``runs/<model>-<dataset>-<timestamp>``) go ``checkpoint.lcd`` (model, optimizer, scheduler,
epoch; written with :func:`lucid.save` after every epoch), ``curves.png`` (loss and accuracy)
and ``history.json``; a summary table is printed at the end.

Speed: the data are decoded once into memory and served by :class:`lucid.data.DataLoader`'s
batched fast path (one fancy index + one vectorised transform per batch).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import datetime
from pathlib import Path

import numpy as np

import lucid
import lucid.nn.functional as F
from lucid import models

from .builders import (
    DATASETS,
    OPTIMIZERS,
    SCHEDULERS,
    make_loaders,
    make_model,
    make_optimizer,
    make_scheduler,
)
from .distributed import Replica
from .report import plot_curves, summary_table, write_history


class _HelpFormatter(argparse.HelpFormatter):
    """Appends ``(default: X)`` to an option's help once, unless the help already says it
    or there is no default to show (``None``, ``False``)."""

    def _get_help_string(self, action):
        text = action.help or ""
        if "default" in text or action.default is None or action.default is False \
                or action.default == argparse.SUPPRESS:
            return text
        return f"{text} (default: %(default)s)" if text else "default: %(default)s"


def build_parser(prog: str = "lucid-train") -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog=prog, formatter_class=_HelpFormatter,
                                description="Train a Lucid model zoo network on Fashion-MNIST "
                                "or MNIST: progress bar, test evaluation, checkpoint, curves "
                                "PNG and summary table.")
    p.add_argument("--model", default="lenet_5", choices=models.list_models(), metavar="NAME",
                   help="model of the registry (lucid.models.list_models()); ResNets get the "
                   "CIFAR stem and 1 input channel")
    p.add_argument("--dataset", default="fashion-mnist", choices=sorted(DATASETS),
                   help="data set")
    p.add_argument("--data-root", default=None, metavar="DIR", help="folder holding the "
                   "dataset files (default: the Debian package's folder, then the download "
                   "cache)")
    p.add_argument("--download", action="store_true",
                   help="download the dataset if its files are missing")
    p.add_argument("--optimizer", default="sgd", choices=sorted(OPTIMIZERS), help="optimizer")
    p.add_argument("--scheduler", default="none", choices=SCHEDULERS,
                   help="learning-rate schedule")
    p.add_argument("--epochs", type=int, default=3, help="passes over the training set")
    p.add_argument("--batch-size", type=int, default=128, help="training batch size")
    p.add_argument("--lr", type=float, default=0.01, help="learning rate")
    p.add_argument("--momentum", type=float, default=0.9, help="momentum, SGD and RMSprop only")
    p.add_argument("--weight-decay", type=float, default=0.0, help="L2 weight decay")
    p.add_argument("--seed", type=int, default=0, help="seed of weights and shuffling")
    p.add_argument("--device", default="cpu", help="cpu, gpu or gpu:N")
    p.add_argument("--backend", default=None, help="backend serving --device, e.g. mlx "
                   "to run MLX on the CPU (default: the installed binding, NumPy for cpu)")
    p.add_argument("--limit-train", type=int, default=None, metavar="N",
                   help="use only the first N training images (default: all)")
    p.add_argument("--limit-test", type=int, default=None, metavar="N",
                   help="use only the first N test images (default: all)")
    p.add_argument("--threads", type=int, default=1, help="BLAS threads (set before NumPy "
                   "loads, so only from the command line)")
    p.add_argument("--out", default=None, metavar="DIR",
                   help="output folder (default: runs/<model>-<dataset>-<time>)")
    p.add_argument("--save-weights", default=None, metavar="PATH",
                   help="also write the final model state dict alone (lucid.save) to PATH")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.add_argument("--distributed", action="store_true",
                   help="data-parallel training in every process started by mpiexec or "
                   "mlx.launch (lucid.distributed; --batch-size is per process)")
    p.add_argument("--dist-engine", default=None, choices=("mpi", "mlx"),
                   help="communication engine (default: the launcher's)")
    return p


def parse_args(argv=None, prog: str = "lucid-train") -> argparse.Namespace:
    return build_parser(prog).parse_args(argv)


def check_device(device: str) -> None:
    """Raise a :class:`lucid.errors.BackendError` saying what to do when ``device`` cannot be
    used (``gpu`` on a machine without one: MLX on the CPU with ``--backend mlx``)."""
    try:
        lucid.zeros(1, device=device)
    except lucid.errors.BackendError as exc:
        if lucid.device(device).type != "gpu":
            raise
        raise lucid.errors.BackendError(
            f"--device {device}: {exc}\nOn this machine, run MLX on the CPU instead: "
            "--device cpu --backend mlx. MLX comes with `pip install "
            "\"packages/lucid-backend-mlx[cpu]\"` (Linux without GPU; [cuda] for NVIDIA); the "
            "demo installs it when run as `LUCID_DEMO_MLX=1 python3 demo.py --backend mlx`."
        ) from None


def evaluate(model, loader, replica: Replica | None = None) -> tuple[float, float]:
    """Mean cross-entropy and accuracy of ``model`` over ``loader`` (eval mode, no grad);
    with a ``replica``, over the union of every rank's loader."""
    model.eval()
    total_loss, correct, seen = 0.0, 0, 0
    with lucid.no_grad():
        for images, labels in loader:
            logits = model(images)
            n = labels.shape[0]
            total_loss += F.cross_entropy(logits, labels, reduction="sum").item()
            correct += int((logits.numpy().argmax(1) == labels.numpy()).sum())
            seen += n
    if replica is not None:
        total_loss, correct, seen = replica.reduce_sums(total_loss, correct, seen)
    return total_loss / seen, correct / seen


def train_one_epoch(model, loader, optimizer, scheduler, per_batch, bar, step_losses,
                    replica: Replica | None = None):
    """One pass over ``loader``; returns (mean loss, accuracy), over every rank's batches
    with a ``replica``. Appends each (local) batch's loss."""
    model.train()
    total_loss, correct, seen = 0.0, 0, 0
    for images, labels in loader:
        logits = model(images)
        loss = F.cross_entropy(logits, labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if per_batch:
            scheduler.step()
        n, batch_loss = labels.shape[0], loss.item()
        total_loss += batch_loss * n
        correct += int((logits.detach().numpy().argmax(1) == labels.numpy()).sum())
        seen += n
        step_losses.append(batch_loss)
        if bar is not None:
            bar.set_postfix(loss=f"{total_loss / seen:.4f}", acc=f"{100 * correct / seen:.2f}%",
                            refresh=False)
            bar.update(1)
    if replica is not None:
        total_loss, correct, seen = replica.reduce_sums(total_loss, correct, seen)
    return total_loss / seen, correct / seen


def default_out(args) -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    return Path("runs") / f"{args.model}-{args.dataset}-{stamp}"


def train(args: argparse.Namespace, log=print) -> dict:
    """Run the whole experiment described by ``args`` (see :func:`parse_args`).

    Returns ``{"history": [per-epoch dicts], "model", "optimizer", "out": Path,
    "checkpoint": Path, "plot": Path}`` (on every rank with ``--distributed``; only rank 0
    writes the files).
    """
    replica = Replica.join(args.dist_engine) if args.distributed else Replica()
    try:
        return _train(args, replica, log if replica.is_main else (lambda *a, **k: None))
    finally:
        replica.close()


def _train(args: argparse.Namespace, replica: Replica, log) -> dict:
    backend = args.backend or ("mlx" if replica.engine == "mlx" else None)
    if backend:  # MLX's engine reduces MLX arrays where they are
        lucid.backends.bind(lucid.device(args.device).type, backend)
    check_device(args.device)
    lucid.manual_seed(args.seed)
    np.random.seed(args.seed)
    out = Path(args.out) if args.out else default_out(args)
    if replica.is_main:
        out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    train_loader, test_loader = make_loaders(
        args.dataset, args.batch_size, args.seed, device=args.device, download=args.download,
        root=args.data_root, limit_train=args.limit_train, limit_test=args.limit_test,
        shard=replica.shard)
    bare_model = make_model(args.model).to(args.device)
    model = replica.wrap(bare_model)
    optimizer = make_optimizer(args.optimizer, model.parameters(), args.lr, args.momentum,
                               args.weight_decay)
    scheduler, per_batch = make_scheduler(args.scheduler, optimizer, args.epochs,
                                          len(train_loader), args.lr)
    n_params = sum(p.numel() for p in model.parameters())
    n_test = int(replica.reduce_sums(len(test_loader.dataset))[0])  # every rank's share
    group = (f", {replica.world_size} processes ({replica.engine}), global batch "
             f"{args.batch_size * replica.world_size}" if replica.dist else "")
    log(f"{args.model} ({n_params:,} parameters) on {args.dataset}: "
        f"{len(train_loader.dataset)} train / {n_test} test images{group}, "
        f"{args.optimizer} lr={args.lr} batch={args.batch_size}, scheduler={args.scheduler}, "
        f"device={args.device} ({lucid.backends.binding()[lucid.device(args.device).type]}), "
        f"BLAS threads={os.environ.get('OPENBLAS_NUM_THREADS', '?')}; "
        f"setup {time.perf_counter() - t0:.1f} s; output in {out}")

    history, step_losses = [], []
    checkpoint = out / "checkpoint.lcd"
    for epoch in range(1, args.epochs + 1):
        lr = optimizer.param_groups[0]["lr"]
        start = time.perf_counter()
        bar = None
        if replica.dist:
            train_loader.sampler.set_epoch(epoch - 1)
        if not args.no_progress and replica.is_main:
            from tqdm import tqdm

            bar = tqdm(total=len(train_loader), desc=f"epoch {epoch}/{args.epochs}",
                       unit="batch", leave=True, mininterval=0.5, dynamic_ncols=True)
        train_loss, train_acc = train_one_epoch(model, train_loader, optimizer, scheduler,
                                                per_batch, bar, step_losses, replica)
        train_time = time.perf_counter() - start
        test_loss, test_acc = evaluate(model, test_loader, replica)
        if scheduler is not None and not per_batch:
            scheduler.step(test_loss) if args.scheduler == "plateau" else scheduler.step()
        elapsed = time.perf_counter() - start
        if bar is not None:
            bar.set_postfix(loss=f"{train_loss:.4f}", acc=f"{100 * train_acc:.2f}%",
                            test_acc=f"{100 * test_acc:.2f}%")
            bar.close()
        record = {"epoch": epoch, "lr": lr, "train_loss": train_loss, "train_acc": train_acc,
                  "test_loss": test_loss, "test_acc": test_acc, "train_time": train_time,
                  "time": elapsed}
        history.append(record)
        state = {"model": model.state_dict(), "optimizer": optimizer.state_dict(),
                 "epoch": epoch, "history": history}
        if scheduler is not None:
            state["scheduler"] = scheduler.state_dict()
        if replica.is_main:
            lucid.save(state, checkpoint)
        if bar is None:
            log(f"epoch {epoch}: train loss {train_loss:.4f} acc {100 * train_acc:.2f}%, "
                f"test loss {test_loss:.4f} acc {100 * test_acc:.2f}% ({elapsed:.1f} s)")

    result = {"history": history, "model": bare_model, "optimizer": optimizer, "out": out,
              "checkpoint": checkpoint, "plot": out / "curves.png"}
    if not replica.is_main:
        return result
    config = {k: v for k, v in vars(args).items()} | {"world_size": replica.world_size}
    write_history(history, config, out / "history.json")
    plot = plot_curves(history, step_losses, out / "curves.png",
                       f"{args.model} on {args.dataset} ({args.optimizer}, lr {args.lr})")
    if args.save_weights:
        Path(args.save_weights).parent.mkdir(parents=True, exist_ok=True)
        lucid.save(model.state_dict(), args.save_weights)
        log(f"model weights: {args.save_weights}")
    log(summary_table(history))
    log(f"checkpoint: {checkpoint}\nplot: {plot}")
    return result | {"plot": plot}


def main(argv=None, prog: str = "lucid-train") -> int:
    """Command-line entry: parse ``argv``, train, exit status 2 on a Lucid error."""
    try:
        train(parse_args(argv, prog))
    except lucid.LucidError as exc:  # missing dataset, backend without a GPU, ...
        print(f"{prog}: {exc}", file=sys.stderr)
        return 2
    return 0
