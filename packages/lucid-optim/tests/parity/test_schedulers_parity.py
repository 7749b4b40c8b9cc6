"""Every scheduler's learning-rate curve (and momentum/beta1 curve where it cycles them)
over 300 steps against ``torch.optim.lr_scheduler`` (equal bit for bit), two parameter
groups."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
import torch  # noqa: E402

import lucid  # noqa: E402
import lucid.optim as lo  # noqa: E402

STEPS = 300
RTOL = 1e-13


def _decay(epoch):
    return 0.95 ** epoch


def _bump(epoch):
    return 1.0 + 0.1 * math.sin(epoch)


CASES = {
    "StepLR": ("sgd", lambda m, o: m.StepLR(o, step_size=30, gamma=0.5)),
    "MultiStepLR": ("sgd", lambda m, o: m.MultiStepLR(o, [30, 80, 80, 200], gamma=0.5)),
    "ExponentialLR": ("sgd", lambda m, o: m.ExponentialLR(o, gamma=0.99)),
    "CosineAnnealingLR": ("sgd", lambda m, o: m.CosineAnnealingLR(o, T_max=50, eta_min=1e-3)),
    "CosineAnnealingLR-long": ("sgd", lambda m, o: m.CosineAnnealingLR(o, T_max=300)),
    "WarmRestarts": ("sgd", lambda m, o: m.CosineAnnealingWarmRestarts(o, T_0=20)),
    "WarmRestarts-mult": ("sgd", lambda m, o: m.CosineAnnealingWarmRestarts(
        o, T_0=10, T_mult=2, eta_min=1e-4)),
    "CyclicLR-triangular": ("sgd", lambda m, o: m.CyclicLR(o, 0.01, 0.1, step_size_up=25)),
    "CyclicLR-triangular2": ("sgd", lambda m, o: m.CyclicLR(
        o, [0.01, 0.02], 0.1, step_size_up=20, step_size_down=10, mode="triangular2")),
    "CyclicLR-exp_range": ("sgd", lambda m, o: m.CyclicLR(
        o, 0.01, 0.1, step_size_up=15, mode="exp_range", gamma=0.995)),
    "CyclicLR-custom": ("sgd", lambda m, o: m.CyclicLR(
        o, 0.01, 0.1, step_size_up=15, scale_fn=lambda x: 1 / (1 + x), scale_mode="iterations")),
    "CyclicLR-adam": ("adam", lambda m, o: m.CyclicLR(o, 1e-3, 1e-2, step_size_up=30)),
    "CyclicLR-no-momentum": ("sgd", lambda m, o: m.CyclicLR(
        o, 0.01, 0.1, step_size_up=25, cycle_momentum=False)),
    "OneCycleLR-cos": ("sgd", lambda m, o: m.OneCycleLR(o, max_lr=0.1, total_steps=STEPS)),
    "OneCycleLR-linear": ("sgd", lambda m, o: m.OneCycleLR(
        o, max_lr=[0.1, 0.2], total_steps=STEPS, anneal_strategy="linear", pct_start=0.25)),
    "OneCycleLR-three-phase": ("sgd", lambda m, o: m.OneCycleLR(
        o, max_lr=0.1, epochs=10, steps_per_epoch=30, three_phase=True)),
    "OneCycleLR-adam": ("adam", lambda m, o: m.OneCycleLR(
        o, max_lr=0.01, total_steps=STEPS, div_factor=10.0, final_div_factor=100.0)),
    "LambdaLR": ("sgd", lambda m, o: m.LambdaLR(o, _decay)),
    "LambdaLR-per-group": ("sgd", lambda m, o: m.LambdaLR(o, [_decay, _bump])),
    "MultiplicativeLR": ("sgd", lambda m, o: m.MultiplicativeLR(o, lambda e: 0.99)),
    "LinearLR": ("sgd", lambda m, o: m.LinearLR(o, start_factor=0.25, total_iters=40)),
    "LinearLR-down": ("sgd", lambda m, o: m.LinearLR(o, 1.0, 0.1, total_iters=100)),
    "ConstantLR": ("sgd", lambda m, o: m.ConstantLR(o, factor=0.5, total_iters=30)),
    "PolynomialLR": ("sgd", lambda m, o: m.PolynomialLR(o, total_iters=200, power=2.0)),
    "SequentialLR": ("sgd", lambda m, o: m.SequentialLR(
        o, [m.LinearLR(o, start_factor=0.1, total_iters=10), m.CosineAnnealingLR(o, T_max=100)],
        milestones=[10])),
    "SequentialLR-three": ("sgd", lambda m, o: m.SequentialLR(
        o, [m.ConstantLR(o, factor=0.2, total_iters=5), m.ExponentialLR(o, gamma=0.98),
            m.StepLR(o, step_size=20, gamma=0.5)], milestones=[20, 120])),
    "ChainedScheduler": ("sgd", lambda m, o: m.ChainedScheduler(
        [m.ConstantLR(o, factor=0.5, total_iters=20), m.ExponentialLR(o, gamma=0.99)])),
    "ChainedScheduler-cosine": ("sgd", lambda m, o: m.ChainedScheduler(
        [m.LinearLR(o, start_factor=0.2, total_iters=15), m.CosineAnnealingLR(o, T_max=60)])),
}


def _optimizers(kind):
    lucid_params = [lucid.zeros(2, dtype=lucid.float64, requires_grad=True) for _ in range(2)]
    torch_params = [torch.zeros(2, dtype=torch.float64, requires_grad=True) for _ in range(2)]
    if kind == "adam":
        return (lo.Adam([{"params": lucid_params[:1]}, {"params": lucid_params[1:], "lr": 5e-4}],
                        lr=1e-3),
                torch.optim.Adam([{"params": torch_params[:1]},
                                  {"params": torch_params[1:], "lr": 5e-4}], lr=1e-3))
    return (lo.SGD([{"params": lucid_params[:1]}, {"params": lucid_params[1:], "lr": 0.05}],
                   lr=0.1, momentum=0.9),
            torch.optim.SGD([{"params": torch_params[:1]}, {"params": torch_params[1:],
                                                              "lr": 0.05}],
                            lr=0.1, momentum=0.9))


def _snapshot(opt):
    out = []
    for group in opt.param_groups:
        out.append(float(group["lr"]))
        if "betas" in group:
            out.append(float(group["betas"][0]))
        if "momentum" in group:
            out.append(float(group["momentum"]))
    return out


@pytest.mark.parametrize("name", list(CASES))
def test_scheduler_curve_matches_torch(name):
    kind, build = CASES[name]
    lopt, topt = _optimizers(kind)
    lsched = build(lo.lr_scheduler, lopt)
    tsched = build(torch.optim.lr_scheduler, topt)
    lucid_curve, torch_curve = [], []
    for _ in range(STEPS + 1):
        lucid_curve.append(_snapshot(lopt) + [float(v) for v in lsched.get_last_lr()])
        torch_curve.append(_snapshot(topt) + [float(v) for v in tsched.get_last_lr()])
        lopt.step()
        topt.step()
        if len(lucid_curve) <= STEPS:
            lsched.step()
            tsched.step()
    np.testing.assert_array_equal(np.array(lucid_curve), np.array(torch_curve))  # bit for bit
    assert getattr(lsched, "last_epoch", None) == getattr(tsched, "last_epoch", None)


def _metrics():
    rng = np.random.default_rng(7)
    # falls, plateaus, rises, falls again: every branch of the rule gets exercised
    trend = np.concatenate([np.linspace(1.0, 0.5, 60), np.full(80, 0.5),
                            np.linspace(0.5, 0.8, 60), np.linspace(0.8, 0.1, 100)])
    return trend + 1e-3 * rng.standard_normal(STEPS)


PLATEAU = [dict(), dict(patience=3), dict(mode="max", patience=5, factor=0.5),
           dict(threshold=1e-2, threshold_mode="abs", patience=2, cooldown=4),
           dict(mode="max", threshold_mode="abs", threshold=1e-3, patience=1),
           dict(patience=0, factor=0.5, min_lr=[1e-3, 5e-3]),
           dict(patience=2, factor=0.5, min_lr=0.01, eps=1e-3)]


@pytest.mark.parametrize("kwargs", PLATEAU, ids=lambda kw: "-".join(
    f"{k}={v}" for k, v in kw.items()) or "defaults")
def test_reduce_lr_on_plateau_matches_torch(kwargs):
    lopt, topt = _optimizers("sgd")
    lsched = lo.lr_scheduler.ReduceLROnPlateau(lopt, **kwargs)
    tsched = torch.optim.lr_scheduler.ReduceLROnPlateau(topt, **kwargs)
    for metric in _metrics():
        lopt.step()
        topt.step()
        lsched.step(float(metric))
        tsched.step(float(metric))
        assert _snapshot(lopt) == _snapshot(topt)
        assert lsched.get_last_lr() == tsched.get_last_lr()
        assert lsched.num_bad_epochs == tsched.num_bad_epochs
        assert lsched.cooldown_counter == tsched.cooldown_counter


def test_step_with_epoch_uses_closed_form_like_torch():
    for name in ("StepLR", "MultiStepLR", "ExponentialLR", "CosineAnnealingLR", "LinearLR",
                 "ConstantLR", "PolynomialLR", "WarmRestarts-mult"):
        kind, build = CASES[name]
        lopt, topt = _optimizers(kind)
        lsched = build(lo.lr_scheduler, lopt)
        tsched = build(torch.optim.lr_scheduler, topt)
        for epoch in (3, 17, 40, 41, 120, 7):
            lsched.step(epoch)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # torch deprecates step(epoch)
                tsched.step(epoch)
            np.testing.assert_allclose(lsched.get_last_lr(), tsched.get_last_lr(), rtol=RTOL,
                                       err_msg=f"{name} at epoch {epoch}")
