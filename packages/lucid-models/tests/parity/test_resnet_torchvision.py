"""Lucid's ResNets against torchvision's: weights move by name, logits agree.

torchvision 0.28.0 is installed with ``pip install --no-deps`` next to the CPU build of torch
(``nox -s parity`` does so); its compiled ops do not load against that build, so an empty
``torchvision._meta_registrations`` module is put in place before the import (the model
definitions do not use those ops).

The torchvision model is saved with ``safetensors.torch.save_file``, read back with
``lucid.load`` (``.safetensors``) and loaded by ``load_state_dict(strict=True)``: this is
the path users take to bring torchvision weights into Lucid.
"""

import sys
import types

import numpy as np
import pytest
import safetensors.torch as safetensors_torch  # noqa: E402
import torch  # noqa: E402

import lucid
from lucid import models

sys.modules.setdefault("torchvision._meta_registrations",
                       types.ModuleType("torchvision._meta_registrations"))
import torchvision.models as tv_models  # noqa: E402

PAIRS = {"resnet_18": "resnet18", "resnet_50": "resnet50"}


def torchvision_model(name: str, seed: int = 0):
    """A torchvision ResNet with random weights and random batch-norm running statistics,
    so that eval mode exercises every stored tensor."""
    torch.manual_seed(seed)
    model = getattr(tv_models, PAIRS[name])()
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, torch.nn.BatchNorm2d):
                m.running_mean.uniform_(-0.2, 0.2)
                m.running_var.uniform_(0.5, 1.5)
                m.weight.uniform_(0.2, 0.6)  # keeps activations O(1) through the depth
                m.bias.uniform_(-0.2, 0.2)
                m.num_batches_tracked.fill_(7)
    return model.eval()


def to_lucid(tv_model, name, tmp_path, double=False):
    path = tmp_path / f"{name}.safetensors"
    safetensors_torch.save_file({k: v.contiguous() for k, v in tv_model.state_dict().items()},
                                str(path))
    model = models.create_model(name)
    if double:  # load_state_dict copies into the parameters, keeping their dtype (as torch)
        model = model.double()
    model.load_state_dict(lucid.load(path), strict=True)
    return model.eval()


@pytest.mark.parametrize("name", list(PAIRS))
def test_state_dict_keys_and_shapes_match(name):
    tv_state = getattr(tv_models, PAIRS[name])().state_dict()
    lu_state = models.create_model(name).state_dict()
    assert list(lu_state) == list(tv_state)
    for key, value in tv_state.items():
        assert tuple(lu_state[key].shape) == tuple(value.shape), key


@pytest.mark.parametrize("name", list(PAIRS))
def test_parameter_count_matches(name):
    tv_model = getattr(tv_models, PAIRS[name])()
    assert sum(p.numel() for p in models.create_model(name).parameters()) == \
        sum(p.numel() for p in tv_model.parameters())


def test_loaded_weights_equal_bit_for_bit(tmp_path):
    tv_model = torchvision_model("resnet_18")
    model = to_lucid(tv_model, "resnet_18", tmp_path)
    lu_state = model.state_dict()
    for key, value in tv_model.state_dict().items():
        np.testing.assert_array_equal(lu_state[key].numpy(), value.numpy(), err_msg=key)


def test_resnet_18_logits_float32(tmp_path):
    tv_model = torchvision_model("resnet_18")
    model = to_lucid(tv_model, "resnet_18", tmp_path)
    x = np.random.default_rng(0).standard_normal((2, 3, 64, 64)).astype(np.float32)
    with torch.no_grad():
        expected = tv_model(torch.from_numpy(x)).numpy()
    with lucid.no_grad():
        actual = model(lucid.tensor(x)).numpy()
    assert actual.dtype == np.float32 and actual.shape == (2, 1000)
    np.testing.assert_allclose(actual, expected, atol=1e-4, rtol=1e-5)


def test_resnet_18_logits_float64(tmp_path):
    tv_model = torchvision_model("resnet_18", seed=1).double()
    model = to_lucid(tv_model, "resnet_18", tmp_path, double=True)
    x = np.random.default_rng(1).standard_normal((2, 3, 48, 48))
    with torch.no_grad():
        expected = tv_model(torch.from_numpy(x)).numpy()
    with lucid.no_grad():
        actual = model(lucid.tensor(x)).numpy()
    assert actual.dtype == np.float64
    np.testing.assert_allclose(actual, expected, atol=1e-10, rtol=1e-10)


def test_resnet_50_logits_float32(tmp_path):
    tv_model = torchvision_model("resnet_50", seed=2)
    model = to_lucid(tv_model, "resnet_50", tmp_path)
    x = np.random.default_rng(2).standard_normal((1, 3, 64, 64)).astype(np.float32)
    with torch.no_grad():
        expected = tv_model(torch.from_numpy(x)).numpy()
    with lucid.no_grad():
        actual = model(lucid.tensor(x)).numpy()
    np.testing.assert_allclose(actual, expected, atol=1e-4, rtol=1e-5)


def test_train_mode_batch_norm_updates_match(tmp_path):
    """One forward in train mode: same logits and same running statistics afterwards."""
    tv_model = torchvision_model("resnet_18", seed=3)
    model = to_lucid(tv_model, "resnet_18", tmp_path)
    tv_model.train()
    model.train()
    x = np.random.default_rng(3).standard_normal((4, 3, 32, 32)).astype(np.float32)
    expected = tv_model(torch.from_numpy(x)).detach().numpy()
    actual = model(lucid.tensor(x)).detach().numpy()
    np.testing.assert_allclose(actual, expected, atol=1e-4, rtol=1e-4)
    tv_state, lu_state = tv_model.state_dict(), model.state_dict()
    for key in ("bn1.running_mean", "layer4.1.bn2.running_var", "bn1.num_batches_tracked"):
        np.testing.assert_allclose(lu_state[key].numpy(), tv_state[key].numpy(), rtol=1e-5,
                                   atol=1e-6, err_msg=key)
