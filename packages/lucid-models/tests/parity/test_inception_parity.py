"""Inception v1 (GoogLeNet) and v3 against torchvision, Inception v4 against timm: identical
state-dict keys, order and shapes, equal parameter counts, eval-mode logits within 1e-4 on
a random batch; in training mode the auxiliary heads' outputs agree too (dropout 0)."""

import numpy as np
import pytest
import torch
import zoo_parity as zp
from torchvision import models as tv

import lucid
from lucid import models


def googlenet(**kwargs):
    return tv.googlenet(init_weights=True, **kwargs)


def inception3(**kwargs):
    return tv.inception_v3(init_weights=True, **kwargs)


def timm_inception_v4():
    import timm

    return timm.create_model("inception_v4")


def test_inception_v1_logits_match_googlenet():
    zp.assert_same_outputs(models.inception_v1(), zp.randomise(googlenet()), (2, 3, 64, 64))


def test_inception_v1_without_aux_heads_matches_layout():
    zp.assert_same_layout(models.inception_v1(aux_logits=False, init_weights=False),
                          googlenet(aux_logits=False))


def _train_outputs(lucid_model, ref, shape, seed=0):
    """Both models in training mode (batch statistics), reference weights; outputs as
    lists of arrays."""
    zp.assert_same_layout(lucid_model, ref)
    zp.load_reference(lucid_model, ref)
    lucid_model.train()
    ref.train()
    x = np.random.default_rng(seed).standard_normal(shape).astype(np.float32)
    expected = [t.detach().numpy() for t in ref(torch.from_numpy(x))]
    actual = [t.detach().numpy() for t in lucid_model(lucid.tensor(x))]
    return actual, expected


def test_inception_v1_train_mode_aux_outputs_match():
    actual, expected = _train_outputs(
        models.inception_v1(num_classes=7, dropout=0.0, dropout_aux=0.0, init_weights=False),
        zp.randomise(googlenet(num_classes=7, dropout=0.0, dropout_aux=0.0)),
        (2, 3, 64, 64))
    assert len(actual) == len(expected) == 3  # (logits, aux_logits2, aux_logits1)
    for a, e in zip(actual, expected):
        np.testing.assert_allclose(a, e, atol=1e-4, rtol=1e-4)


@pytest.mark.zoo
def test_inception_v1_transform_input_matches():
    zp.assert_same_outputs(models.inception_v1(transform_input=True, init_weights=False),
                           zp.randomise(googlenet(transform_input=True)), (2, 3, 96, 96))


@pytest.mark.zoo
def test_inception_v3_logits_match_torchvision():
    zp.assert_same_outputs(models.inception_v3(init_weights=False), zp.randomise(inception3()),
                           (2, 3, 75, 75))


@pytest.mark.zoo
def test_inception_v3_train_mode_aux_outputs_match():
    """The auxiliary head needs a 299x299 input (17x17 grid)."""
    actual, expected = _train_outputs(
        models.inception_v3(num_classes=7, dropout=0.0, init_weights=False),
        zp.randomise(inception3(num_classes=7, dropout=0.0)), (2, 3, 299, 299))
    assert len(actual) == len(expected) == 2  # (logits, aux_logits)
    for a, e in zip(actual, expected):
        np.testing.assert_allclose(a, e, atol=1e-4, rtol=1e-4)


@pytest.mark.zoo
def test_inception_v4_logits_match_timm():
    zp.assert_same_outputs(models.inception_v4(), zp.randomise(timm_inception_v4()),
                           (2, 3, 75, 75))
