"""Parity with torch.nn losses: every reduction, weights, ignore_index, label smoothing,
probability targets; both core's fused cross entropy and Lucid's composition."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from nn_parity_helpers import assert_close

import lucid
import lucid.nn as nn
import lucid.nn.functional as F

DTYPES = ["float32", "float64"]
REDUCTIONS = ["mean", "sum", "none"]


def _pair(a, dtype, grad=True):
    a = np.asarray(a).astype(dtype) if np.asarray(a).dtype.kind == "f" else np.asarray(a)
    return (torch.tensor(a, requires_grad=grad and a.dtype.kind == "f"),
            lucid.tensor(a, requires_grad=grad and a.dtype.kind == "f"))


def _compare(t_fn, l_fn, arrays, dtype, grad_mask=None):
    pairs = [_pair(a, dtype, grad=(grad_mask is None or grad_mask[i]))
             for i, a in enumerate(arrays)]
    t_out = t_fn(*[p[0] for p in pairs])
    l_out = l_fn(*[p[1] for p in pairs])
    assert_close(l_out.numpy(), t_out.detach().numpy(), dtype, "loss")
    r = np.random.default_rng(5).standard_normal(t_out.shape).astype(dtype)
    (t_out * torch.tensor(r)).sum().backward()
    (l_out * lucid.tensor(r)).sum().backward()
    for i, (t, lt) in enumerate(pairs):
        if t.grad is not None:
            assert_close(lt.grad.numpy(), t.grad.numpy(), dtype, f"grad of argument {i}")


rng = np.random.default_rng(0)
PRED, TARGET = rng.standard_normal((4, 5)), rng.standard_normal((4, 5)) * 1.5


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name,kwargs", [("MSELoss", {}), ("L1Loss", {}), ("HuberLoss", {}),
                                         ("HuberLoss", {"delta": 0.5}), ("SmoothL1Loss", {}),
                                         ("SmoothL1Loss", {"beta": 0.3})])
def test_regression_losses(name, kwargs, reduction, dtype):
    _compare(getattr(torch.nn, name)(reduction=reduction, **kwargs),
             getattr(nn, name)(reduction=reduction, **kwargs), [PRED, TARGET], dtype)


LOGITS3 = rng.standard_normal((6, 4, 3))
LOGITS = rng.standard_normal((6, 4))
LABELS = np.array([0, 3, 1, 1, 2, 3])
LABELS_IGNORED = np.array([0, -100, 1, 1, 2, -100])
LABELS3 = rng.integers(0, 4, size=(6, 3))
WEIGHT = np.array([0.2, 1.0, 2.5, 0.7])


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("smoothing", [0.0, 0.2])
@pytest.mark.parametrize("case", ["labels", "ignored", "spatial", "probs"])
def test_cross_entropy(case, smoothing, weighted, reduction, dtype):
    logits, target = {"labels": (LOGITS, LABELS), "ignored": (LOGITS, LABELS_IGNORED),
                      "spatial": (LOGITS3, LABELS3),
                      "probs": (LOGITS, np.abs(rng.standard_normal((6, 4))))}[case]
    if case == "probs":
        target = target / target.sum(1, keepdims=True)
    weight = WEIGHT.astype(dtype) if weighted else None
    kwargs = {"reduction": reduction, "label_smoothing": smoothing}

    def t_fn(x, y):
        w = torch.tensor(weight) if weighted else None
        return torch.nn.functional.cross_entropy(x, y, weight=w, **kwargs)

    def l_fn(x, y):
        w = lucid.tensor(weight) if weighted else None
        return F.cross_entropy(x, y, w, ignore_index=-100, reduction=reduction,
                               label_smoothing=smoothing)

    _compare(t_fn, l_fn, [logits, target], dtype, grad_mask=[True, False])


def test_cross_entropy_module_and_unbatched():
    x = LOGITS[0]
    _compare(lambda a, b: torch.nn.CrossEntropyLoss()(a, b),
             lambda a, b: nn.CrossEntropyLoss()(a, b), [x, np.array(2)], "float64",
             grad_mask=[True, False])
    _compare(lambda a, b: torch.nn.CrossEntropyLoss(weight=torch.tensor(WEIGHT),
                                                    ignore_index=1)(a, b),
             lambda a, b: nn.CrossEntropyLoss(weight=lucid.tensor(WEIGHT),
                                              ignore_index=1)(a, b),
             [LOGITS, LABELS], "float64", grad_mask=[True, False])


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weighted", [False, True])
def test_nll_loss(weighted, reduction, dtype):
    logp = torch.log_softmax(torch.tensor(LOGITS), 1).numpy()
    weight = WEIGHT.astype(dtype) if weighted else None
    _compare(lambda x, y: torch.nn.functional.nll_loss(
                 x, y, torch.tensor(weight) if weighted else None, reduction=reduction),
             lambda x, y: F.nll_loss(x, y, lucid.tensor(weight) if weighted else None,
                                     ignore_index=-100, reduction=reduction),
             [logp, LABELS_IGNORED], dtype, grad_mask=[True, False])
    _compare(lambda x, y: torch.nn.NLLLoss(reduction=reduction)(x, y),
             lambda x, y: nn.NLLLoss(reduction=reduction)(x, y),
             [logp, LABELS], dtype, grad_mask=[True, False])


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weighted", [False, True])
def test_bce(weighted, reduction, dtype):
    probs = 1 / (1 + np.exp(-PRED))
    target = (rng.random(PRED.shape) > 0.5).astype(float) * 0.9 + 0.05
    w = np.abs(TARGET) if weighted else None
    _compare(lambda x, y: torch.nn.BCELoss(torch.tensor(w.astype(dtype)) if weighted else None,
                                           reduction=reduction)(x, y),
             lambda x, y: nn.BCELoss(lucid.tensor(w.astype(dtype)) if weighted else None,
                                     reduction=reduction)(x, y),
             [probs, target], dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("pos_weight", [None, [0.5, 1.0, 2.0, 3.0, 1.5]])
def test_bce_with_logits(pos_weight, reduction, dtype):
    target = (rng.random(PRED.shape) > 0.5).astype(float)
    x = PRED * 6  # large logits: the stable formula matters
    pw = None if pos_weight is None else np.array(pos_weight, dtype=dtype)
    _compare(lambda a, b: torch.nn.BCEWithLogitsLoss(
                 reduction=reduction, pos_weight=None if pw is None else torch.tensor(pw))(a, b),
             lambda a, b: nn.BCEWithLogitsLoss(
                 reduction=reduction, pos_weight=None if pw is None else lucid.tensor(pw))(a, b),
             [x, target], dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", REDUCTIONS + ["batchmean"])
@pytest.mark.parametrize("log_target", [False, True])
def test_kl_div(log_target, reduction, dtype):
    logp = torch.log_softmax(torch.tensor(PRED), 1).numpy()
    q = torch.softmax(torch.tensor(TARGET), 1).numpy()
    q[0, 0] = 0.0  # a zero target contributes zero
    target = np.log(q + 1e-3) if log_target else q
    _compare(lambda a, b: torch.nn.KLDivLoss(reduction=reduction, log_target=log_target)(a, b),
             lambda a, b: nn.KLDivLoss(reduction=reduction, log_target=log_target)(a, b),
             [logp, target], dtype, grad_mask=[True, log_target])
