"""``lucid.compile``: a compiled training step gives the eager step's numbers.

The reference is the same step run eagerly from the same initial weights on the same
batches. The calls after the first are traced once and then replayed (``calls`` says
which ran how): on MLX (also on its CPU device) through ``mx.compile``, on NumPy as the
recorded list of kernel calls; on a backend with neither, the function runs eagerly and a
warning says so.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import lucid
import lucid.nn as nn
import lucid.nn.functional as F
import lucid.optim as optim

COMPILES = lucid.backends.serving(lucid.device("cpu")).can_compile
needs_compiler = pytest.mark.skipif(not COMPILES, reason="the backend serving cpu has no "
                                    "graph compiler (test_eager_fallback_warns covers it)")


def small_net(batch_norm: bool = False, dropout: float = 0.0):
    lucid.random.seed(0)
    layers = [nn.Conv2d(1, 4, 3, padding=1)]
    layers += [nn.BatchNorm2d(4)] if batch_norm else []
    layers += [nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Dropout(dropout),
               nn.Linear(4 * 4 * 4, 10)]
    return nn.Sequential(*layers)


def batches(count: int = 5, size: int = 6, seed: int = 0):
    rng = np.random.default_rng(seed)
    return [(lucid.tensor(rng.standard_normal((size, 1, 8, 8)).astype(np.float32)),
             lucid.tensor(rng.integers(0, 10, size))) for _ in range(count)]


def train_step(model, opt):
    def step(x, y):
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        return loss

    return step


def side_by_side(make_opt, batch_norm=False, data=None, between=None):
    """Losses and final parameters/buffers of the eager and the compiled step."""
    data = data or batches()
    results = []
    for compiled in (False, True):
        model = small_net(batch_norm)
        opt = make_opt(model.parameters())
        step = train_step(model, opt)
        if compiled:
            step = lucid.compile(step, state=(model, opt))
        losses = []
        for i, (x, y) in enumerate(data):
            if between is not None:
                between(i, opt)
            losses.append(step(x, y).item())
        state = {k: v.numpy() for k, v in model.state_dict().items()}
        results.append((losses, state, step))
    return results


def assert_same(eager, compiled, tol=1e-6):
    np.testing.assert_allclose(compiled[0], eager[0], rtol=tol, atol=tol)
    for key, value in eager[1].items():
        np.testing.assert_allclose(compiled[1][key], value, rtol=tol, atol=tol, err_msg=key)


@needs_compiler
def test_sgd_momentum_step_replays_with_eager_numbers():
    eager, compiled = side_by_side(lambda p: optim.SGD(p, lr=0.1, momentum=0.9))
    assert_same(eager, compiled)
    assert compiled[2].calls == {"eager": 1, "traced": 1, "replayed": 3}
    assert compiled[2].eager_reason is None


@needs_compiler
def test_batch_norm_buffers_follow_the_eager_run():
    eager, compiled = side_by_side(lambda p: optim.SGD(p, lr=0.05), batch_norm=True)
    assert_same(eager, compiled, tol=1e-5)
    assert compiled[1]["1.num_batches_tracked"] == 5
    assert compiled[2].calls["replayed"] == 3


@needs_compiler
def test_learning_rate_change_retraces():
    def schedule(i, opt):
        if i == 3:
            opt.param_groups[0]["lr"] = 0.01

    eager, compiled = side_by_side(lambda p: optim.SGD(p, lr=0.1, momentum=0.9),
                                   between=schedule)
    assert_same(eager, compiled)
    assert compiled[2].calls == {"eager": 1, "traced": 2, "replayed": 2}


@needs_compiler
def test_new_shape_retraces():
    data = batches(4) + batches(3, size=4, seed=1)
    eager, compiled = side_by_side(lambda p: optim.SGD(p, lr=0.1), data=data)
    assert_same(eager, compiled)
    assert compiled[2].calls["traced"] == 2


@needs_compiler
def test_adam_step_counter_makes_it_eager_with_a_warning():
    with pytest.warns(RuntimeWarning, match="step counter"):
        eager, compiled = side_by_side(lambda p: optim.Adam(p, lr=1e-2))
    assert_same(eager, compiled, tol=1e-5)
    assert "step counter" in compiled[2].eager_reason
    assert compiled[2].calls["replayed"] == 0


@needs_compiler
def test_capturable_adam_replays_with_eager_numbers():
    eager, compiled = side_by_side(lambda p: optim.AdamW(p, lr=1e-2, capturable=True),
                                   batch_norm=True)
    assert_same(eager, compiled, tol=1e-5)
    assert compiled[2].calls == {"eager": 1, "traced": 1, "replayed": 3}


def test_capturable_adam_matches_torch():
    torch = pytest.importorskip("torch")
    w0 = np.random.default_rng(0).standard_normal(5).astype(np.float32)
    w = lucid.tensor(w0, requires_grad=True)
    tw = torch.tensor(w0, requires_grad=True)
    ours = optim.Adam([w], lr=0.1, weight_decay=0.01, capturable=True)
    ref = torch.optim.Adam([tw], lr=0.1, weight_decay=0.01)
    for _ in range(5):
        for opt, x in ((ours, w), (ref, tw)):
            opt.zero_grad()
            (x * x * x).sum().backward()
            opt.step()
    # the bias corrections run in float32 on the device, hence the looser atol
    np.testing.assert_allclose(w.numpy(), tw.detach().numpy(), rtol=1e-5, atol=2e-5)
    assert isinstance(ours.state[w]["step"], lucid.Tensor) and ours.state[w]["step"].item() == 5


def test_eager_fallback_warns_on_a_backend_without_compiler():
    if COMPILES:
        pytest.skip("the backend serving cpu compiles (the other tests cover it)")
    with pytest.warns(RuntimeWarning, match="no graph compiler"):
        eager, compiled = side_by_side(lambda p: optim.SGD(p, lr=0.1, momentum=0.9))
    assert_same(eager, compiled, tol=0)
    assert compiled[2].calls == {"eager": 5, "traced": 0, "replayed": 0}


@needs_compiler
def test_dropout_draws_fresh_masks_at_every_replay():
    model = small_net(dropout=0.5).train()
    x = batches(1)[0][0]
    forward = lucid.compile(lambda t: model(t), state=model)
    with lucid.no_grad():
        outs = [forward(x).numpy() for _ in range(4)]
    assert forward.calls["replayed"] == 2
    assert not np.allclose(outs[2], outs[3])  # two replays, two masks
    assert not np.allclose(outs[1], outs[2])  # the trace's mask is not frozen in


@needs_compiler
def test_bad_target_is_raised_at_the_next_read():
    model = small_net()
    opt = optim.SGD(model.parameters(), lr=0.1)
    step = lucid.compile(train_step(model, opt), state=(model, opt))
    (x, y), = batches(1)
    for _ in range(3):
        step(x, y).item()
    bad = lucid.tensor(np.full(6, 12))
    with pytest.raises(IndexError, match="target 12 is out of bounds for 10 classes"):
        step(x, bad).item()


@needs_compiler
def test_reading_a_value_inside_is_a_clear_error_or_runs_eagerly():
    """MLX traces on placeholders: a value read inside cannot be known, an error says so.
    NumPy records a real run: the read makes the recording unreplayable, the function runs
    eagerly with a warning, and every call prints the true value."""
    model = small_net()
    printed = []

    def leaky(x):
        out = model(x)
        printed.append(out.sum().item())
        return out

    forward = lucid.compile(leaky, state=model)
    (x, _), = batches(1)
    with lucid.no_grad():
        expected = model(x).sum().item()
    with lucid.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        forward(x)
        if lucid.backends.serving(lucid.device("cpu")).lazy:
            with pytest.raises(RuntimeError, match="cannot read values"):
                forward(x)
            return
    with lucid.no_grad(), pytest.warns(RuntimeWarning, match="read on the host"):
        forward(x)
    with lucid.no_grad():
        forward(x)
    assert printed == [expected] * 3
    assert forward.calls == {"eager": 2, "traced": 1, "replayed": 0}
    assert "read on the host" in forward.eager_reason


def test_state_of_the_wrong_kind_is_refused():
    step = lucid.compile(lambda x: x * 2, state=("not a module",))
    with pytest.raises(TypeError, match="state must hold modules, optimizers or tensors"):
        step(lucid.ones(2))
