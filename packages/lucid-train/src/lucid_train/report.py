"""Reporting for ``lucid-train``: the summary table, the curves PNG, the history JSON."""

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


def running_mean(values: list[float], window: int) -> list[float]:
    """Mean of the last ``window`` values at each position (fewer at the start), computed
    across epoch boundaries, so the curve never restarts."""
    out, total = [], 0.0
    for i, v in enumerate(values):
        total += v
        if i >= window:
            total -= values[i - window]
        out.append(total / min(i + 1, window))
    return out


def plot_curves(history: list[dict], steps: list[float], path: Path, title: str) -> Path:
    """Two panels: loss (running mean of the per-batch training loss over the last
    ``max(10, batches per epoch / 5)`` batches, continuous across epochs, plus the epoch
    train/test losses) and accuracy; the epoch axis has integer ticks."""
    import matplotlib

    if matplotlib.get_backend().lower() not in ("agg", "pdf", "svg", "ps", "cairo"):
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    epochs = [r["epoch"] for r in history]
    fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(11, 4))
    if steps:
        per_epoch = len(steps) / len(history)
        x = [(i + 1) / per_epoch for i in range(len(steps))]  # batch i ends at x epochs
        window = max(10, round(per_epoch / 5))
        ax_loss.plot(x, running_mean(steps, window), color="0.7", lw=0.9,
                     label=f"train (mean of last {window} batches)")
    ax_loss.plot(epochs, [r["train_loss"] for r in history], "o-", label="train")
    ax_loss.plot(epochs, [r["test_loss"] for r in history], "s-", label="test")
    ax_loss.set(xlabel="epoch", ylabel="cross-entropy loss", title="loss")
    ax_acc.plot(epochs, [100 * r["train_acc"] for r in history], "o-", label="train")
    ax_acc.plot(epochs, [100 * r["test_acc"] for r in history], "s-", label="test")
    ax_acc.set(xlabel="epoch", ylabel="accuracy (%)", title="accuracy")
    for ax in (ax_loss, ax_acc):
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
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
