"""Pretrained-weight files written by torch, read by Lucid without torch.

torch saves randomly initialised torchvision models (random batch-norm statistics too) as
``.pth`` (``torch.save``) and ``.safetensors``; each file goes into Lucid's weights cache
behind an entry that is torchvision's own (URL, metadata, preprocessing) with the file's
SHA-256; the Lucid model built with ``weights=`` that entry gives torchvision's eval-mode
logits. Also: every Lucid torchvision enum states torchvision's facts, every such model's
state-dict keys and shapes are torchvision's (so the published files load strictly), and a
``torch.save``'d object that would run code is refused.
"""

import dataclasses
import os

import numpy as np
import pytest
import safetensors.torch as safetensors_torch
import torch
import torchvision.models as tv_models

import lucid
from lucid import models
from lucid.serialization import CheckpointError
from lucid.weights import read_pth, sha256_of
from lucid.weights.torchvision_catalog import TABLE

RECORDS = {r["model"]: r for r in __import__("json").loads(TABLE.read_text())}
LOADED = ["resnet_18", "mobilenet_v3_small", "efficientnet_b0", "resnext_50_32x4d"]


def torchvision_model(name: str):
    torch.manual_seed(0)
    model = getattr(tv_models, RECORDS[name]["torchvision_model"])()
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, torch.nn.modules.batchnorm._BatchNorm):
                m.running_mean.uniform_(-0.2, 0.2)
                m.running_var.uniform_(0.5, 1.5)
    return model.eval()


def lucid_enum(name: str):
    return getattr(lucid.weights, RECORDS[name]["enum"])


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("LUCID_HOME", str(tmp_path))
    (tmp_path / "weights").mkdir()
    return tmp_path / "weights"


@pytest.mark.parametrize("fmt", ["pth", "safetensors"])
@pytest.mark.parametrize("name", LOADED)
def test_torch_written_file_loads_through_an_entry(name, fmt, cache):
    reference = torchvision_model(name)
    published = lucid_enum(name).DEFAULT.value
    file_name = published.file_name.replace(".pth", f".{fmt}")
    if fmt == "pth":
        torch.save(reference.state_dict(), cache / file_name)
    else:
        safetensors_torch.save_file(reference.state_dict(), str(cache / file_name))
    entry = dataclasses.replace(published, file_name=file_name,
                                sha256=sha256_of(cache / file_name))
    model = models.create_model(name, weights=entry).eval()
    x = np.random.default_rng(0).standard_normal((2, 3, 96, 96)).astype(np.float32)
    with torch.no_grad():
        want = reference(torch.from_numpy(x)).numpy()
    got = model(lucid.tensor(x)).numpy()
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-4)


def test_densenet_file_with_legacy_key_names(cache):
    """torchvision's DenseNet files name layers ``norm.1`` (older module names) and have no
    ``num_batches_tracked``; the entry renames the keys, as torchvision does when it loads
    them, and the missing counters keep their value (as PyTorch's BatchNorm allows)."""
    import re

    reference = torchvision_model("densenet_121")
    legacy = {re.sub(r"(denselayer\d+\.(?:norm|relu|conv))([12])\.", r"\1.\2.", k): v
              for k, v in reference.state_dict().items()
              if not k.endswith("num_batches_tracked")}  # the files predate that buffer
    assert "features.denseblock1.denselayer1.norm.1.weight" in legacy
    published = lucid_enum("densenet_121").DEFAULT.value
    torch.save(legacy, cache / published.file_name)
    entry = dataclasses.replace(published, sha256=sha256_of(cache / published.file_name))
    model = models.create_model("densenet_121", weights=entry).eval()
    x = np.random.default_rng(0).standard_normal((1, 3, 64, 64)).astype(np.float32)
    with torch.no_grad():
        want = reference(torch.from_numpy(x)).numpy()
    np.testing.assert_allclose(model(lucid.tensor(x)).numpy(), want, rtol=1e-4, atol=1e-4)


def test_training_checkpoint_with_optimizer_state(tmp_path):
    net = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.BatchNorm1d(4))
    opt = torch.optim.SGD(net.parameters(), lr=0.1, momentum=0.9)
    net(torch.randn(5, 3)).sum().backward()
    opt.step()
    torch.save({"model": net.state_dict(), "optimizer": opt.state_dict(), "epoch": 7,
                "half": net[0].weight.detach().half(), "bf16": net[0].bias.detach().bfloat16(),
                "view": net[0].weight.detach()[:, 1]}, tmp_path / "ckpt.pth")
    loaded = read_pth(tmp_path / "ckpt.pth")
    assert loaded["epoch"] == 7
    for key, value in net.state_dict().items():
        np.testing.assert_array_equal(loaded["model"][key], value.numpy())
    momentum = opt.state_dict()["state"][0]["momentum_buffer"].numpy()
    np.testing.assert_array_equal(loaded["optimizer"]["state"][0]["momentum_buffer"], momentum)
    assert loaded["optimizer"]["param_groups"][0]["lr"] == 0.1
    np.testing.assert_array_equal(loaded["half"], net[0].weight.detach().half().numpy())
    np.testing.assert_array_equal(loaded["bf16"], net[0].bias.detach().bfloat16().float().numpy())
    np.testing.assert_array_equal(loaded["view"], net[0].weight.detach()[:, 1].numpy())
    state = lucid.weights.load_state_file(tmp_path / "ckpt.pth")  # the nested "model" dict
    assert sorted(state) == sorted(net.state_dict())


class _Payload:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def test_torch_saved_code_is_refused(tmp_path):
    marker = tmp_path / "ran"
    torch.save({"weight": torch.ones(2), "extra": _Payload(marker)}, tmp_path / "evil.pth")
    with pytest.raises(CheckpointError, match="posix.system|os.system|nt.system"):
        read_pth(tmp_path / "evil.pth")
    assert not marker.exists()


@pytest.mark.parametrize("name", sorted(RECORDS))
def test_enum_states_torchvision_facts(name):
    ours = lucid_enum(name)
    theirs = tv_models.get_model_weights(RECORDS[name]["torchvision_model"])
    assert ours.DEFAULT.name == theirs.DEFAULT.name
    for member in ours:
        ref = theirs[member.name]
        assert member.url == ref.url
        assert member.meta["num_params"] == ref.meta["num_params"]
        assert member.meta["metrics"] == {"ImageNet-1K": ref.meta["_metrics"]["ImageNet-1K"]}
        assert list(member.meta["categories"]) == ref.meta["categories"]
        preset, kw = member.transforms(), ref.transforms.keywords
        assert preset.crop_size == kw["crop_size"]
        assert preset.resize_size == kw.get("resize_size", 256)


@pytest.mark.parametrize("name", sorted(RECORDS))
def test_state_dict_keys_and_shapes_are_torchvision(name):
    """Built on the meta devices of both libraries: no memory, no initialisation."""
    with torch.device("meta"):
        theirs = getattr(tv_models, RECORDS[name]["torchvision_model"])().state_dict()
    with lucid.device("meta"):
        ours = models.create_model(name).state_dict()
    assert {k: tuple(v.shape) for k, v in ours.items()} == \
        {k: tuple(v.shape) for k, v in theirs.items() if not k.endswith("num_batches_tracked")
         or k in ours}
