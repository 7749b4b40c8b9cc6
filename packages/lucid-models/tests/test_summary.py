"""lucid.models.summarize on LeNet-5 and a tiny MLP: hand-computed parameter counts,
multiply-adds, output shapes and memory estimates; the printed table; bad input."""

import pytest

import lucid
import lucid.nn as nn
from lucid.models import lenet_5, summarize


def test_lenet5_rows_match_hand_counts(capsys):
    s = summarize(lenet_5(), (2, 1, 28, 28))
    printed = capsys.readouterr().out
    rows = {info.name: info for info in s.layers}
    # conv 1->6 5x5, conv 6->16 5x5, linear 256->120->84->10 (weights + biases)
    assert rows["features.0"].params == 1 * 6 * 25 + 6
    assert rows["features.3"].params == 6 * 16 * 25 + 16
    assert rows["classifier.0"].params == 256 * 120 + 120
    assert s.total_params == 156 + 2416 + 30840 + 10164 + 850 == 44426
    assert s.trainable_params == 44426 and s.non_trainable_params == 0
    assert rows["features.0"].output_shape == (2, 6, 24, 24)
    assert rows["features.5"].output_shape == (2, 16, 4, 4)
    assert rows[""].output_shape == (2, 10)
    # conv: out elements x (C_in x 5 x 5), plus the bias add per output element
    assert rows["features.0"].macs == 2 * 6 * 24 * 24 * 25 + 2 * 6 * 24 * 24
    assert rows["classifier.0"].macs == 2 * 256 * 120 + 2 * 120
    assert rows[""].macs == s.total_macs == sum(rows[n].macs for n in ("features", "classifier"))
    assert rows["features.1"].trainable == "--" and rows["features.0"].trainable == "True"
    assert "features.0 (Conv2d)" in printed and "Total params: 44,426" in printed
    assert str(s) in printed and repr(s) == str(s)


def test_memory_estimates_and_trainable_flags():
    model = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2))
    model[0].weight.requires_grad_(False)
    s = summarize(model, (5, 4), print_table=False)
    assert s.total_params == 4 * 3 + 3 + 3 * 2 + 2
    assert s.trainable_params == 3 + 3 * 2 + 2
    assert {i.name: i.trainable for i in s.layers} == {"": "Partial", "0": "Partial",
                                                         "1": "--", "2": "True"}
    assert s.input_bytes == 5 * 4 * 4  # float32
    assert s.params_bytes == 23 * 4
    assert s.forward_backward_bytes == 2 * 4 * (5 * 3 + 5 * 3 + 5 * 2)  # leaf outputs, x2
    assert s.total_bytes == s.input_bytes + s.params_bytes + s.forward_backward_bytes


def test_depth_limits_rows_and_several_inputs():
    class Two(nn.Module):
        def __init__(self):
            super().__init__()
            self.a, self.b = nn.Linear(3, 2), nn.Sequential(nn.Linear(4, 2), nn.Tanh())

        def forward(self, x, y):
            return self.a(x) + self.b(y)

    s = summarize(Two(), [(1, 3), (1, 4)], depth=1, print_table=False)
    assert [i.name for i in s.layers] == ["", "a", "b", "b.0", "b.1"]
    table = str(s)
    assert "b.0 (Linear)" not in table and "a (Linear)" in table


def test_bad_input_shape_is_refused():
    with pytest.raises(ValueError, match="input_shape"):
        summarize(lenet_5(), 28)
    with pytest.raises(ValueError, match="bad input shape"):
        summarize(lenet_5(), (2, 0, 28, 28))


def test_summarize_on_the_meta_device_counts_without_data():
    model = lenet_5()
    cpu = summarize(model, (2, 1, 28, 28), print_table=False)
    meta = summarize(model.to("meta"), (2, 1, 28, 28), device="meta", print_table=False)
    assert meta.total_macs == cpu.total_macs
    assert [i.output_shape for i in meta.layers] == [i.output_shape for i in cpu.layers]
    assert isinstance(lucid.zeros(1), lucid.Tensor)


def test_modes_and_state_are_restored():
    model = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.Dropout(0.5))
    model.train()
    model[2].eval()
    mean_before = model[1].running_mean.numpy().copy()
    lucid.manual_seed(3)
    expected_draw = lucid.rand(3).numpy()
    lucid.manual_seed(3)
    s = summarize(model, (8, 3), print_table=False)  # eval by default: no statistics update
    assert (lucid.rand(3).numpy() == expected_draw).all()  # global random state untouched
    assert (model[1].running_mean.numpy() == mean_before).all()
    assert model.training and model[1].training and not model[2].training
    train = summarize(model, (8, 3), mode="train", print_table=False)
    assert train.total_macs > s.total_macs  # batch statistics cost more than running ones
    assert (model[1].running_mean.numpy() != mean_before).any()
    with pytest.raises(ValueError, match="mode"):
        summarize(model, (8, 3), mode="test")


def test_input_data_and_integer_inputs():
    model = nn.Sequential(nn.Embedding(10, 4), nn.Linear(4, 2))
    s = summarize(model, (3, 5), dtype="int64", print_table=False)  # zeros: valid indices
    assert s.layers[-1].output_shape == (3, 5, 2)
    t = summarize(model, input_data=lucid.tensor([[1, 9]]), print_table=False)
    assert t.layers[0].output_shape == (1, 2, 2)
    assert t.total_macs == 1 * 2 * 4 * 2 + 1 * 2 * 2  # linear matmul + bias; lookup is free
    with pytest.raises(ValueError, match="exactly one"):
        summarize(model, print_table=False)
