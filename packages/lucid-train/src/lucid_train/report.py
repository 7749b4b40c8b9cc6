"""Reporting for ``examples/train.py``: the summary table, the curves PNG, the history JSON."""

from __future__ import annotations

import json
from pathlib import Path

COLUMNS = [("epoch", "{:>5}", "{:>5d}"), ("lr", "{:>9}", "{:>9.2e}"),
           ("train loss", "{:>10}", "{:>10.4f}"), ("train acc", "{:>9}", "{:>8.2f}%"),
           ("test loss", "{:>9}", "{:>9.4f}"), ("test acc", "{:>8}", "{:>7.2f}%"),
           ("time s", "{:>7}", "{:>7.1f}")]
KEYS = ["epoch", "lr", "train_loss", "train_acc", "test_loss", "test_acc", "time"]


def summary_table(history: list[dict]) -> str:
    """One row per epoch: lr, train loss/accuracy, test loss/accuracy, seconds (train+eval)."""
    head = "  ".join(h.format(name) for name, h, _ in COLUMNS)
    lines = [head, "-" * len(head)]
    for rec in history:
        values = [rec[k] * 100 if k.endswith("acc") else rec[k] for k in KEYS]
        lines.append("  ".join(fmt.format(v) for (_, _, fmt), v in zip(COLUMNS, values)))
    total = sum(r["time"] for r in history)
    lines.append(f"total time {total:.1f} s")
    return "\n".join(lines)


def plot_curves(history: list[dict], steps: list[float], path: Path, title: str) -> Path:
    """Two panels: loss (per-batch running train loss, epoch train/test loss) and accuracy."""
    import matplotlib

    if matplotlib.get_backend().lower() not in ("agg", "pdf", "svg", "ps", "cairo"):
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    epochs = [r["epoch"] for r in history]
    fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(11, 4))
    if steps:
        x = [(i + 1) / len(steps) * len(history) for i in range(len(steps))]
        ax_loss.plot(x, steps, color="0.75", lw=0.8, label="train (running, per batch)")
    ax_loss.plot(epochs, [r["train_loss"] for r in history], "o-", label="train")
    ax_loss.plot(epochs, [r["test_loss"] for r in history], "s-", label="test")
    ax_loss.set(xlabel="epoch", ylabel="cross-entropy loss", title="loss")
    ax_acc.plot(epochs, [100 * r["train_acc"] for r in history], "o-", label="train")
    ax_acc.plot(epochs, [100 * r["test_acc"] for r in history], "s-", label="test")
    ax_acc.set(xlabel="epoch", ylabel="accuracy (%)", title="accuracy")
    for ax in (ax_loss, ax_acc):
        ax.grid(alpha=0.3)
        ax.legend()
    fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def write_history(history: list[dict], config: dict, path: Path) -> Path:
    path.write_text(json.dumps({"config": config, "history": history}, indent=2))
    return path
