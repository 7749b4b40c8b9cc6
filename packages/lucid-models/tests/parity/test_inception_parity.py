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


def _weights_entry(ref, tmp_path, monkeypatch, name):
    """A weights entry for ``ref``'s state dict, saved as safetensors in Lucid's cache."""
    import safetensors.torch

    from lucid.weights.api import WeightsEntry, cache_dir, sha256_of

    monkeypatch.setenv("LUCID_HOME", str(tmp_path))
    path = cache_dir() / f"{name}.safetensors"
    path.parent.mkdir(parents=True)
    safetensors.torch.save_file({k: v.contiguous() for k, v in ref.state_dict().items()},
                                str(path))
    return WeightsEntry(file_name=path.name, url="http://127.0.0.1:9/unreachable",
                        sha256=sha256_of(path), meta={"num_classes": 10})


def _logits(model, x):
    with lucid.no_grad():
        return model.eval()(lucid.tensor(x)).numpy()


def test_inception_v1_weights_follow_torchvision_policy(tmp_path, monkeypatch):
    """With weights: the file's aux heads are loaded then dropped (kept with
    ``aux_logits=True``), ``transform_input`` turns on; logits equal torchvision's."""
    ref = zp.randomise(googlenet(num_classes=10, transform_input=True))
    entry = _weights_entry(ref, tmp_path, monkeypatch, "googlenet")
    model = models.inception_v1(num_classes=10, weights=entry)
    assert model.aux1 is None and model.aux2 is None and model.transform_input
    assert not any(k.startswith("aux") for k in model.state_dict())
    x = np.random.default_rng(0).standard_normal((2, 3, 64, 64)).astype(np.float32)
    with torch.no_grad():
        expected = ref(torch.from_numpy(x)).numpy()
    np.testing.assert_allclose(_logits(model, x), expected, atol=1e-4, rtol=1e-4)
    kept = models.inception_v1(num_classes=10, weights=entry, aux_logits=True)
    assert kept.aux1 is not None and kept.aux_logits
    np.testing.assert_array_equal(kept.aux2.fc2.weight.numpy(),
                                  ref.aux2.fc2.weight.detach().numpy())


@pytest.mark.zoo
def test_inception_v3_weights_follow_torchvision_policy(tmp_path, monkeypatch):
    ref = zp.randomise(inception3(num_classes=10, transform_input=True))
    entry = _weights_entry(ref, tmp_path, monkeypatch, "inception_v3")
    model = models.inception_v3(num_classes=10, weights=entry)
    assert model.AuxLogits is not None and model.transform_input
    dropped = models.inception_v3(num_classes=10, weights=entry, aux_logits=False)
    assert dropped.AuxLogits is None
    x = np.random.default_rng(0).standard_normal((2, 3, 75, 75)).astype(np.float32)
    with torch.no_grad():
        expected = ref(torch.from_numpy(x)).numpy()
    np.testing.assert_allclose(_logits(dropped, x), expected, atol=1e-4, rtol=1e-4)
