"""The curves PNG: the running loss continues across epochs, the epoch axis has integer ticks."""

import matplotlib
import numpy as np
from lucid_train import report

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def test_running_mean_against_numpy():
    rng = np.random.default_rng(0)
    values = list(rng.random(37))
    got = report.running_mean(values, 5)
    expected = [np.mean(values[max(0, i - 4):i + 1]) for i in range(37)]
    np.testing.assert_allclose(got, expected, rtol=1e-12)


def test_plot_is_continuous_with_integer_epoch_ticks(tmp_path, monkeypatch):
    figures = []
    monkeypatch.setattr(plt, "close", lambda fig=None: figures.append(fig))
    epochs, per_epoch = 3, 40
    # per-batch losses falling steadily across epoch boundaries
    steps = list(np.linspace(2.3, 0.4, epochs * per_epoch))
    history = [{"epoch": e, "train_loss": 1.0, "test_loss": 1.0, "train_acc": 0.5,
                "test_acc": 0.5} for e in range(1, epochs + 1)]
    path = report.plot_curves(history, steps, tmp_path / "curves.png", "t")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    fig = figures[0]
    ax_loss, ax_acc = fig.axes
    running = ax_loss.lines[0]
    x, y = running.get_xdata(), running.get_ydata()
    assert len(x) == epochs * per_epoch and x[-1] == epochs
    # continuous: no step larger than the series' own slope, in particular not at the epoch
    # boundaries (a per-epoch running mean restarts there: a drop of ~0.3 here)
    slope = (2.3 - 0.4) / (epochs * per_epoch - 1)
    assert np.all(np.diff(y) <= 0)
    assert np.max(np.abs(np.diff(y))) <= 1.01 * slope
    for ax in (ax_loss, ax_acc):
        ticks = [t for t in ax.get_xticks() if ax.get_xlim()[0] <= t <= ax.get_xlim()[1]]
        assert ticks and all(float(t).is_integer() for t in ticks), ticks
