"""timm's weights through Lucid's entries: every timm enum states timm's facts, every such
model's state-dict keys and shapes are timm's (both built on their meta devices), and
safetensors files that torch writes from randomly initialised timm models load through the
entries (as a download from the hub would have left them in the cache: the file and its
published SHA-256) into Lucid models that then give timm's eval-mode logits (at 96x96 where
the model takes any size; ViT, Swin and CrossViT at the size their position tables fix)."""

import dataclasses
import json
import math

import numpy as np
import pytest
import safetensors.torch as safetensors_torch
import timm
import torch
from timm.models import get_pretrained_cfg

import lucid
from lucid import models
from lucid.weights import hub, sha256_of
from lucid.weights.timm_catalog import TABLE

RECORDS = {r["model"]: r for r in json.loads(TABLE.read_text())}
LOADED = ["sk_resnet_18", "mobilenet_v4_conv_small", "convnext_v2_atto", "csp_resnet_50",
          "inception_next_atto", "vit_tiny", "swin_tiny", "swin_v2_tiny", "pvt_v2_b0",
          "crossvit_tiny"]
SIZE = {"vit_tiny": 224, "swin_tiny": 224, "swin_v2_tiny": 256, "crossvit_tiny": 240}


def lucid_enum(name):
    return getattr(lucid.weights, RECORDS[name]["enum"])


def timm_model(name):
    torch.manual_seed(0)
    model = timm.create_model(RECORDS[name]["timm_model"])
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, torch.nn.modules.batchnorm._BatchNorm):
                m.running_mean.uniform_(-0.2, 0.2)
                m.running_var.uniform_(0.5, 1.5)
        for p in model.parameters():  # constant inits (norm scales, zero biases, logit scales)
            if torch.all(p == p.flatten()[0]):
                p.add_(torch.empty_like(p).uniform_(-0.1, 0.1))
    return model.eval()


@pytest.mark.parametrize("name", LOADED)
def test_hub_file_in_the_cache_loads_through_the_entry(name, tmp_path, monkeypatch):
    monkeypatch.setenv("LUCID_HOME", str(tmp_path))
    reference = timm_model(name)
    entry = lucid_enum(name).DEFAULT.value
    assert entry.sha256 is None  # a hub file
    cached = tmp_path / "weights" / entry.file_name
    cached.parent.mkdir()
    safetensors_torch.save_file(reference.state_dict(), str(cached))
    hub.record_sha256(cached, sha256_of(cached))  # what the download records
    model = models.create_model(name, weights=lucid_enum(name).DEFAULT).eval()
    size = SIZE.get(name, 96)
    x = np.random.default_rng(0).standard_normal((2, 3, size, size)).astype(np.float32)
    with torch.no_grad():
        want = reference(torch.from_numpy(x)).numpy()
    np.testing.assert_allclose(model(lucid.tensor(x)).numpy(), want, rtol=1e-4, atol=1e-4)
    tampered = dataclasses.replace(entry)
    cached.write_bytes(cached.read_bytes()[:-1] + b"\0")
    with pytest.raises(lucid.weights.WeightsError):
        tampered.path(download_missing=False)


@pytest.mark.parametrize("name", sorted(RECORDS))
def test_enum_states_timm_facts(name):
    record, member = RECORDS[name], lucid_enum(name).DEFAULT
    cfg = get_pretrained_cfg(record["timm_model"])  # timm's default weights
    assert cfg.tag == record["tag"] and member.name == cfg.tag.upper()
    if cfg.hf_hub_id:
        assert member.url == f"https://huggingface.co/{cfg.hf_hub_id}/resolve/main/model.safetensors"
    else:
        assert member.url == cfg.url
    preset = member.transforms()
    size = cfg.input_size[-1]
    assert preset.crop_size == size
    scale = math.floor(size / cfg.crop_pct)
    assert preset.resize_size == ((scale, scale) if cfg.crop_mode == "squash" else scale)
    assert (preset.mean, preset.std) == (tuple(cfg.mean), tuple(cfg.std))
    assert preset.interpolation == cfg.interpolation
    with torch.device("meta"):
        count = sum(p.numel() for p in timm.create_model(record["timm_model"]).parameters())
    assert member.meta["num_params"] == count


@pytest.mark.parametrize("name", sorted(RECORDS))
def test_state_dict_keys_and_shapes_are_timm(name):
    with torch.device("meta"):
        theirs = timm.create_model(RECORDS[name]["timm_model"]).state_dict()
    with lucid.device("meta"):
        ours = models.create_model(name).state_dict()
    assert {k: tuple(v.shape) for k, v in ours.items()} == \
        {k: tuple(v.shape) for k, v in theirs.items()}
