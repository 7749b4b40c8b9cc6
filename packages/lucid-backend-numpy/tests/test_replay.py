"""``lucid.compile`` on NumPy: the recorded step, its replay and the checks that guard it.

The reference for every replay is the same step run eagerly on the same arrays: NumPy
runs the same kernels in the same order, so results agree exactly (bit for bit) in these
small models.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import lucid
import lucid.nn as nn
import lucid.nn.functional as F
import lucid.optim as optim
from lucid_backend_numpy.step_recorder import Recorder

pytestmark = pytest.mark.usefixtures("numpy_serves_cpu")  # conftest.py


def lstm_model():
    lucid.random.seed(0)

    class Tagger(nn.Module):
        def __init__(self):
            super().__init__()
            self.embed = nn.Embedding(50, 8)
            self.lstm = nn.LSTM(8, 12, num_layers=2, batch_first=True)
            self.head = nn.Linear(12, 50)

        def forward(self, tokens):
            return self.head(self.lstm(self.embed(tokens))[0])

    return Tagger()


def transformer_model():
    lucid.random.seed(0)
    return nn.Sequential(nn.TransformerEncoderLayer(16, 2, 32, dropout=0.0, batch_first=True),
                         nn.Linear(16, 5))


def run(make_model, make_opt, data, compiled: bool):
    model = make_model()
    opt = make_opt(model.parameters())

    def step(x, y):
        opt.zero_grad()
        out = model(x)
        loss = F.cross_entropy(out.reshape(-1, out.shape[-1]), y.reshape(-1))
        loss.backward()
        opt.step()
        return loss

    if compiled:
        step = lucid.compile(step, state=(model, opt))
    losses = [step(x, y).numpy() for x, y in data]
    return losses, [p.numpy() for p in model.parameters()], step


def token_batches(count=4):
    rng = np.random.default_rng(1)
    return [(lucid.tensor(rng.integers(0, 50, (3, 7))), lucid.tensor(rng.integers(0, 50, (3, 7))))
            for _ in range(count)]


def float_batches(count=4):
    rng = np.random.default_rng(2)
    return [(lucid.tensor(rng.standard_normal((2, 6, 16)).astype(np.float32)),
             lucid.tensor(rng.integers(0, 5, (2, 6)))) for _ in range(count)]


@pytest.mark.parametrize("make_model, data, make_opt", [
    (lstm_model, token_batches, lambda p: optim.Adam(p, lr=1e-2, capturable=True)),
    (transformer_model, float_batches, lambda p: optim.AdamW(p, lr=1e-2, capturable=True)),
    (transformer_model, float_batches, lambda p: optim.SGD(p, lr=0.1, momentum=0.9,
                                                           nesterov=True)),
], ids=["lstm-adam", "transformer-adamw", "transformer-sgd-nesterov"])
def test_replay_equals_the_eager_step_bit_for_bit(make_model, data, make_opt):
    batches = data()
    eager_losses, eager_params, _ = run(make_model, make_opt, batches, compiled=False)
    losses, params, step = run(make_model, make_opt, batches, compiled=True)
    assert step.calls == {"eager": 1, "traced": 1, "replayed": 2}
    assert step.eager_reason is None
    for ours, ref in zip(losses + params, eager_losses + eager_params):
        np.testing.assert_array_equal(ours, ref)


def test_the_replay_is_readable_python_of_kernel_calls():
    _, _, step = run(lstm_model, lambda p: optim.SGD(p, lr=0.1), token_batches(2), True)
    source = step.source
    assert source.startswith("def replay(inputs):")
    assert "kernel_embedding(" in source and "kernel_matmul(" in source
    assert "kernel_sgd_update_(" in source
    assert "\n    del " in source  # intermediates are dropped after their last use
    compile(source, "replay", "exec")  # it is plain Python


def test_a_value_computed_outside_the_recorder_is_caught_by_the_check():
    """A step that reaches past Lucid to the raw array (private ``_data``) computes a value
    the recorder cannot see: a constant of the recording. The step is recorded twice; the
    constant differs between the two (the weight moved), and the function runs eagerly
    from then on, correctly."""
    def make(compiled):
        w = lucid.tensor(np.ones(3, np.float32), requires_grad=True)
        opt = optim.SGD([w], lr=0.1)

        def step():
            opt.zero_grad()
            hidden = lucid.tensor(np.array(w.detach()._data) * 2)  # not seen by the recorder
            loss = (w * hidden).sum()
            loss.backward()
            opt.step()
            return loss

        return w, (lucid.compile(step, state=[w, opt]) if compiled else step)

    w_ref, eager = make(False)
    w, step = make(True)
    with pytest.warns(RuntimeWarning, match="two recordings of the step differ"):
        losses = [step().item() for _ in range(5)]
    assert losses == [eager().item() for _ in range(5)]
    np.testing.assert_array_equal(w.numpy(), w_ref.numpy())
    assert step.calls == {"eager": 3, "traced": 1, "replayed": 1}
    assert step.source is None  # nothing is replayed


def test_an_array_made_by_an_unrecorded_method_makes_the_recording_unreplayable():
    with Recorder() as recorder:
        x = recorder.mark(np.arange(9.0).reshape(3, 3))
        diagonal = x.diagonal()  # not a recorded ndarray method
        total = np.add(diagonal, 1.0)
    assert "does not follow" in recorder.reason
    np.testing.assert_array_equal(total, [1.0, 5.0, 9.0])  # the run itself stays correct


def test_a_host_read_while_recording_is_named():
    with Recorder() as recorder:
        x = recorder.mark(np.ones(2))
        assert float(x.sum()) == 2.0
    assert recorder.reason == "a value was read on the host (__float__ of an array)"


def test_recorded_lines_name_slots_and_constants():
    with Recorder() as recorder:
        a, b = recorder.mark(np.ones(2)), recorder.mark(np.full(2, 3.0))
        c = (a + b * 2.0).sum(axis=0)
        b += a  # in place: the same slot, no new one
    assert recorder.lines == ["v2 = np_multiply(v1, 2.0)", "v3 = np_add(v0, v2)",
                              "v4 = asarray(ndarray_sum(v3, axis=0))",
                              "v1 = np_add(v1, v0, out=(v1,))"]
    assert c == 14.0 and recorder.reason is None


def test_compiling_inside_a_recording_is_refused():
    inner = lucid.compile(lambda x: x * 2)
    outer = lucid.compile(lambda x: inner(x) + 1)
    x = lucid.ones(3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        outer(x)
        inner(x), inner(x)  # the inner function on its own compiles
        with pytest.raises(RuntimeError, match="compile the outer function only"):
            outer(x)
