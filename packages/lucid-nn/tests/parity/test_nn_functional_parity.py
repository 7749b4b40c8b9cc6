"""Parity with torch.nn.functional for functions without a layer of their own, and with
torch.nn.init / torch.nn.utils helpers."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from nn_parity_helpers import assert_close

import lucid
import lucid.nn as nn
import lucid.nn.functional as F
from lucid.nn import init

rng = np.random.default_rng(7)
A, B = rng.standard_normal((4, 6)), rng.standard_normal((4, 6))
POS = np.abs(rng.standard_normal((4, 6))) + 0.1


def compare(l_fn, t_fn, arrays, dtype="float64", grads=None):
    grads = grads if grads is not None else [True] * len(arrays)
    lt = [lucid.tensor(a.astype(dtype), requires_grad=g) for a, g in zip(arrays, grads)]
    tt = [torch.tensor(a.astype(dtype), requires_grad=g) for a, g in zip(arrays, grads)]
    lo, to = l_fn(*lt), t_fn(*tt)
    assert_close(lo.numpy(), to.detach().numpy(), dtype, "output")
    r = rng.standard_normal(to.shape).astype(dtype)
    (lo * lucid.tensor(r)).sum().backward()
    (to * torch.tensor(r)).sum().backward()
    for i, (a, b) in enumerate(zip(lt, tt)):
        if b.grad is not None:
            assert_close(a.grad.numpy(), b.grad.numpy(), dtype, f"grad {i}")


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name,args,kwargs,arrays", [
    ("mse_loss", (), {"weight": "w"}, [A, B]),
    ("l1_loss", (), {"weight": "w", "reduction": "sum"}, [A, B]),
    ("l1_loss", (), {"weight": "w"}, [A, B]),
    ("mse_loss", (), {"weight": "w", "reduction": "none"}, [A, B]),
    ("huber_loss", (), {"weight": "w", "delta": 0.3}, [A, B]),
    ("soft_margin_loss", (), {}, [A, np.sign(B)]),
    ("gaussian_nll_loss", (), {}, [A, B, POS]),
    ("gaussian_nll_loss", (), {"full": True, "reduction": "sum"}, [A, B, POS]),
    ("poisson_nll_loss", (), {}, [A, POS * 3]),
    ("poisson_nll_loss", (), {"log_input": False, "full": True}, [POS, POS * 3]),
    ("cosine_similarity", (), {"dim": 1}, [A, B]),
    ("pairwise_distance", (), {}, [A, B]),
    ("pairwise_distance", (), {"p": 3.0, "keepdim": True}, [A, B]),
    ("normalize", (), {"dim": 1}, [A]),
    ("normalize", (), {"p": 1.0, "dim": 0}, [A]),
    ("logsigmoid", (), {}, [A * 5]),
    ("gelu", (), {"approximate": "tanh"}, [A * 3]),
    ("glu", (), {"dim": 1}, [A]),
    ("celu", (), {"alpha": 2.0}, [A]),
    ("rms_norm", ((6,),), {"eps": 1e-5}, [A]),
    ("layer_norm", ((6,),), {}, [A]),
    ("group_norm", (2,), {}, [rng.standard_normal((3, 4, 5))]),
])
def test_functional(name, args, kwargs, arrays, dtype):
    weight = np.abs(rng.standard_normal(A.shape)).astype(dtype)

    def call(module, wrap):
        def fn(*ts):
            kw = {k: (wrap(weight) if v == "w" else v) for k, v in kwargs.items()}
            return getattr(module, name)(*ts, *args, **kw)
        return fn

    grads = [True, False] if name == "soft_margin_loss" else None  # torch: no target grad
    compare(call(F, lucid.tensor), call(torch.nn.functional, torch.tensor), arrays, dtype,
            grads)


def test_one_hot_matches():
    idx = np.array([[0, 3], [2, 1]])
    np.testing.assert_array_equal(F.one_hot(lucid.tensor(idx), 5).numpy(),
                                  torch.nn.functional.one_hot(torch.tensor(idx), 5).numpy())


@pytest.mark.parametrize("nonlinearity,param", [("linear", None), ("sigmoid", None),
                                                ("tanh", None), ("relu", None),
                                                ("leaky_relu", None), ("leaky_relu", 0.3),
                                                ("selu", None), ("conv_transpose2d", None)])
def test_calculate_gain(nonlinearity, param):
    assert init.calculate_gain(nonlinearity, param) == pytest.approx(
        torch.nn.init.calculate_gain(nonlinearity, param))


@pytest.mark.parametrize("shape", [(3, 4), (5, 2, 3), (6, 3, 2, 2), (2, 4, 1, 2, 3)])
def test_fans(shape):
    assert init._calculate_fan_in_and_fan_out(lucid.empty(*shape)) == \
        torch.nn.init._calculate_fan_in_and_fan_out(torch.empty(*shape))


@pytest.mark.parametrize("norm_type", [2.0, 1.0, 0.5, math.inf])
def test_clip_grad_norm_matches_torch(norm_type):
    shapes = [(3, 4), (5,), (2, 2, 2)]
    grads = [rng.standard_normal(s) * 2 for s in shapes]
    lp = [nn.Parameter(lucid.zeros(*s)) for s in shapes]
    tp = [torch.nn.Parameter(torch.zeros(*s)) for s in shapes]
    for a, b, g in zip(lp, tp, grads):
        a.grad = lucid.tensor(g.astype(np.float32))
        b.grad = torch.tensor(g.astype(np.float32))
    total = nn.utils.clip_grad_norm_(lp, 0.7, norm_type)
    t_total = torch.nn.utils.clip_grad_norm_(tp, 0.7, norm_type)
    assert float(total.item()) == pytest.approx(float(t_total), rel=1e-5)
    for a, b in zip(lp, tp):
        assert_close(a.grad.numpy(), b.grad.numpy(), "float32", "clipped grad")
    nn.utils.clip_grad_value_(lp, 0.01)
    torch.nn.utils.clip_grad_value_(tp, 0.01)
    for a, b in zip(lp, tp):
        assert_close(a.grad.numpy(), b.grad.numpy(), "float32", "value-clipped grad")


def test_parameters_to_vector_matches():
    lin, tlin = nn.Linear(3, 2), torch.nn.Linear(3, 2)
    lin.load_state_dict({k: lucid.tensor(v.detach().numpy()) for k, v in
                         tlin.state_dict().items()})
    np.testing.assert_array_equal(nn.utils.parameters_to_vector(lin.parameters()).numpy(),
                                  torch.nn.utils.parameters_to_vector(
                                      tlin.parameters()).detach().numpy())


def test_state_dict_keys_match_torch_for_a_model():
    def build(mod):
        return mod.Sequential(mod.Conv2d(3, 4, 3), mod.BatchNorm2d(4), mod.ReLU(),
                              mod.ModuleList([mod.Linear(2, 2), mod.LayerNorm(2)]),
                              mod.ModuleDict({"emb": mod.Embedding(3, 2)}),
                              mod.GroupNorm(2, 4), mod.InstanceNorm1d(3, affine=True,
                                                                      track_running_stats=True))

    lucid_sd, torch_sd = build(nn).state_dict(), build(torch.nn).state_dict()
    assert list(lucid_sd) == list(torch_sd)
    for k in lucid_sd:
        assert tuple(lucid_sd[k].shape) == tuple(torch_sd[k].shape), k
        assert str(lucid_sd[k].dtype).replace("lucid.", "") == \
            str(torch_sd[k].dtype).replace("torch.", ""), k


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_pixel_and_channel_shuffle(dtype):
    from nn_parity_helpers import check_layer

    data = rng.standard_normal((2, 8, 3, 4))
    check_layer(nn.PixelShuffle(2), torch.nn.PixelShuffle(2), [data], dtype, train=(True,))
    check_layer(nn.PixelUnshuffle(2), torch.nn.PixelUnshuffle(2),
                [rng.standard_normal((2, 3, 4, 6))], dtype, train=(True,))
    check_layer(nn.ChannelShuffle(4), torch.nn.ChannelShuffle(4), [data], dtype, train=(True,))
    check_layer(nn.Softmax2d(), torch.nn.Softmax2d(), [data], dtype, train=(True,))
    check_layer(nn.CosineSimilarity(), torch.nn.CosineSimilarity(), [data, data[::-1].copy()],
                dtype, train=(True,))
    check_layer(nn.PairwiseDistance(), torch.nn.PairwiseDistance(), [A, B], dtype,
                train=(True,))
