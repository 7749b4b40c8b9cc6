"""Learning-rate schedulers against their formulas (independent of PyTorch), their
state dicts, and argument checks."""

from __future__ import annotations

import math

import numpy as np
import pytest

import lucid
import lucid.optim as lo
from lucid.optim import lr_scheduler as ls


def _opt(lr=0.1, kind="sgd", groups=1):
    params = [lucid.zeros(2, requires_grad=True) for _ in range(groups)]
    spec = [{"params": [p]} for p in params]
    if kind == "adam":
        return lo.Adam(spec, lr=lr)
    return lo.SGD(spec, lr=lr, momentum=0.9)


def _curve(sched, steps):
    out = [sched.get_last_lr()[0]]
    for _ in range(steps):
        sched.optimizer.step()
        sched.step()
        out.append(sched.get_last_lr()[0])
    return out


def test_construction_records_initial_lr_and_epoch_zero():
    opt = _opt(0.3)
    sched = ls.StepLR(opt, step_size=2)
    assert opt.param_groups[0]["initial_lr"] == 0.3
    assert sched.last_epoch == 0 and sched.base_lrs == [0.3] and sched.get_last_lr() == [0.3]


def test_resuming_needs_initial_lr():
    with pytest.raises(KeyError, match="initial_lr"):
        ls.StepLR(_opt(), step_size=2, last_epoch=4)


def test_step_multistep_exponential():
    assert np.allclose(_curve(ls.StepLR(_opt(1.0), 3, gamma=0.5), 7),
                       [1, 1, 1, .5, .5, .5, .25, .25])
    assert np.allclose(_curve(ls.MultiStepLR(_opt(1.0), [2, 4, 4], gamma=0.1), 5),
                       [1, 1, .1, .1, .001, .001])
    assert np.allclose(_curve(ls.ExponentialLR(_opt(1.0), 0.9), 4), [0.9 ** t for t in range(5)])


def test_constant_linear_polynomial():
    assert np.allclose(_curve(ls.ConstantLR(_opt(1.0), factor=0.25, total_iters=2), 3),
                       [.25, .25, 1, 1])
    assert np.allclose(_curve(ls.LinearLR(_opt(1.0), 0.2, 1.0, total_iters=4), 6),
                       [.2, .4, .6, .8, 1, 1, 1])
    assert np.allclose(_curve(ls.PolynomialLR(_opt(1.0), total_iters=4, power=2.0), 5),
                       [(1 - min(t, 4) / 4) ** 2 for t in range(6)])


def test_lambda_and_multiplicative():
    assert np.allclose(_curve(ls.LambdaLR(_opt(2.0), lambda e: 1 / (e + 1)), 3),
                       [2, 1, 2 / 3, 0.5])
    assert np.allclose(_curve(ls.MultiplicativeLR(_opt(1.0), lambda e: 0.5), 3),
                       [1, .5, .25, .125])
    with pytest.raises(ValueError, match="expected 2 lr_lambdas"):
        ls.LambdaLR(_opt(groups=2), [lambda e: 1.0])


def test_cosine_annealing_follows_the_closed_form():
    t_max, eta_min = 10, 0.01
    curve = _curve(ls.CosineAnnealingLR(_opt(0.1), T_max=t_max, eta_min=eta_min), 30)
    expected = [eta_min + (0.1 - eta_min) * (1 + math.cos(math.pi * t / t_max)) / 2
                for t in range(31)]
    np.testing.assert_allclose(curve, expected, rtol=1e-12, atol=1e-15)


def test_warm_restarts():
    curve = _curve(ls.CosineAnnealingWarmRestarts(_opt(1.0), T_0=2, T_mult=2), 7)
    # periods of 2, 4, 8: t_cur = 0,1 | 0,1,2,3 | 0,1
    t_cur, t_i = [0, 1, 0, 1, 2, 3, 0, 1], [2, 2, 4, 4, 4, 4, 8, 8]
    expected = [(1 + math.cos(math.pi * c / i)) / 2 for c, i in zip(t_cur, t_i)]
    np.testing.assert_allclose(curve, expected, rtol=1e-12, atol=1e-15)


def test_cyclic_triangle_and_momentum():
    opt = _opt()
    sched = ls.CyclicLR(opt, base_lr=0.1, max_lr=0.5, step_size_up=4)
    curve = _curve(sched, 8)
    np.testing.assert_allclose(curve, [.1, .2, .3, .4, .5, .4, .3, .2, .1], rtol=1e-12)
    assert opt.param_groups[0]["momentum"] == pytest.approx(0.9)  # back at the cycle start
    sched = ls.CyclicLR(_opt(), 0.1, 0.5, step_size_up=2, mode="triangular2")
    np.testing.assert_allclose(_curve(sched, 6), [.1, .3, .5, .3, .1, .2, .3], rtol=1e-12)
    with pytest.raises(ValueError, match="momentum"):
        ls.CyclicLR(lo.Adagrad([lucid.zeros(1, requires_grad=True)]), 0.1, 0.5)


def test_one_cycle_start_peak_end():
    opt = _opt(kind="adam")
    sched = ls.OneCycleLR(opt, max_lr=1.0, total_steps=100, div_factor=10.0,
                          final_div_factor=100.0)
    curve = _curve(sched, 99)
    assert curve[0] == pytest.approx(0.1)
    assert max(curve) == pytest.approx(1.0) and int(np.argmax(curve)) == 29
    assert curve[-1] == pytest.approx(0.1 / 100)
    assert opt.param_groups[0]["betas"][0] == pytest.approx(0.95)
    with pytest.raises(ValueError, match="total_steps"):
        ls.OneCycleLR(_opt(), max_lr=1.0)


def test_noam_follows_the_transformer_formula():
    d_model, warmup = 512, 10
    curve = _curve(ls.NoamScheduler(_opt(1.0, kind="adam"), d_model=d_model,
                                    warmup_steps=warmup), 40)
    expected = [d_model ** -0.5 * min(s ** -0.5, s * warmup ** -1.5) for s in range(1, 42)]
    np.testing.assert_allclose(curve, expected, rtol=1e-14)
    assert int(np.argmax(curve)) + 1 == warmup


def test_sequential_and_chained():
    opt = _opt(1.0)
    sched = ls.SequentialLR(opt, [ls.ConstantLR(opt, factor=0.5, total_iters=10),
                                  ls.ExponentialLR(opt, gamma=0.5)], milestones=[2])
    np.testing.assert_allclose(_curve(sched, 4), [.5, .5, 1, .5, .25])
    opt = _opt(1.0)
    sched = ls.ChainedScheduler([ls.ConstantLR(opt, factor=0.5, total_iters=2),
                                 ls.ExponentialLR(opt, gamma=0.9)])
    np.testing.assert_allclose(_curve(sched, 3), [.5, .45, .81, .729])
    with pytest.raises(ValueError, match="milestone"):
        ls.SequentialLR(opt, [ls.StepLR(opt, 2)], milestones=[3])


def test_reduce_on_plateau():
    opt = _opt(1.0)
    sched = ls.ReduceLROnPlateau(opt, patience=2, factor=0.5, cooldown=1, min_lr=0.2)
    lrs = []
    for metric in [1.0, 0.9] + [0.9] * 12:
        sched.step(metric)
        lrs.append(opt.param_groups[0]["lr"])
    # 3 bad epochs (> patience 2) halve the rate, then 1 cooldown epoch is not counted;
    # the rate never goes below min_lr
    assert lrs == [1, 1, 1, 1, .5, .5, .5, .5, .25, .25, .25, .25, .2, .2]
    assert sched.get_last_lr() == [0.2]
    with pytest.raises(ValueError, match="mode 'median'"):
        ls.ReduceLROnPlateau(opt, mode="median")
    with pytest.raises(ValueError, match="factor"):
        ls.ReduceLROnPlateau(opt, factor=1.5)


def test_reduce_on_plateau_max_mode_abs_threshold():
    opt = _opt(1.0)
    sched = ls.ReduceLROnPlateau(opt, mode="max", threshold=0.1, threshold_mode="abs",
                                 patience=0)
    sched.step(1.0)   # improves on -inf
    sched.step(1.05)  # not by more than 0.1: bad epoch > patience 0
    assert opt.param_groups[0]["lr"] == pytest.approx(0.1)
    sched.step(1.2)
    assert opt.param_groups[0]["lr"] == pytest.approx(0.1) and sched.best == 1.2


@pytest.mark.parametrize("build", [
    lambda o: ls.StepLR(o, 3, 0.5), lambda o: ls.CosineAnnealingLR(o, T_max=7),
    lambda o: ls.CyclicLR(o, 0.01, 0.1, step_size_up=3),
    lambda o: ls.OneCycleLR(o, max_lr=0.5, total_steps=30),
    lambda o: ls.CosineAnnealingWarmRestarts(o, T_0=3, T_mult=2),
    lambda o: ls.LinearLR(o, 0.1, total_iters=5), lambda o: ls.MultiStepLR(o, [3, 6]),
    lambda o: ls.LambdaLR(o, lambda e: 0.9 ** e), lambda o: ls.NoamScheduler(o, 16, 4),
    lambda o: ls.SequentialLR(o, [ls.LinearLR(o, 0.5, total_iters=3),
                                  ls.ExponentialLR(o, 0.9)], milestones=[3]),
])
def test_state_dict_round_trip_resumes_the_curve(build, tmp_path):
    reference = _curve(build(_opt()), 20)

    opt = _opt()
    sched = build(opt)
    first = _curve(sched, 9)
    path = tmp_path / "sched.lcd"
    lucid.save({"optim": opt.state_dict(), "sched": sched.state_dict()}, path)
    checkpoint = lucid.load(path)
    opt2 = _opt()
    sched2 = build(opt2)
    opt2.load_state_dict(checkpoint["optim"])
    sched2.load_state_dict(checkpoint["sched"])
    rest = _curve(sched2, 11)[1:]
    assert first + rest == reference


def test_reduce_on_plateau_state_dict_round_trip():
    opt = _opt(1.0)
    sched = ls.ReduceLROnPlateau(opt, patience=1)
    for metric in [1.0, 1.0, 1.0]:
        sched.step(metric)
    sd = sched.state_dict()
    sched2 = ls.ReduceLROnPlateau(_opt(1.0), patience=1)
    sched2.load_state_dict(sd)
    assert sched2.best == 1.0 and sched2.num_bad_epochs == sched.num_bad_epochs
