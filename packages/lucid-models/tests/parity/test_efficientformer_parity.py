"""EfficientFormer against timm (``efficientformer_l1/l3/l7``): identical state-dict keys,
order and shapes (including the ``attention_bias_idxs`` buffers), equal parameter counts,
eval-mode logits within 1e-4 at 224x224 (the attention bias grid is fixed at 7x7).

Layer scales (1e-5 at init) and the attention biases (zero at init) are set to random O(1)
values first, so every branch and the bias lookup count in the comparison.
"""

import pytest
import timm
import torch
import zoo_parity as zp
from timm.models.efficientformer import EfficientFormer as TimmEfficientFormer
from zoo_scales import randomise_scales

from lucid import models
from lucid.models.efficientformer import EfficientFormer


def _randomise_biases(model, seed=2):
    gen = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("attention_biases"):
                p.copy_(torch.randn(p.shape, generator=gen))
    return model


def _check(ours, ref):
    ref = _randomise_biases(randomise_scales(zp.randomise(ref)))
    zp.assert_same_outputs(ours, ref, (2, 3, 224, 224))


def test_small_config_matches_timm_class():
    widths, depths = (16, 16, 32, 64), (1, 1, 1, 3)
    _check(EfficientFormer(widths, depths, num_vit=2, num_classes=10),
           TimmEfficientFormer(depths=depths, embed_dims=widths, num_vit=2, num_classes=10))


@pytest.mark.zoo
@pytest.mark.parametrize("name", ["efficientformer_l1", "efficientformer_l3",
                                  "efficientformer_l7"])
def test_matches_timm(name):
    _check(models.create_model(name), timm.create_model(name))


def test_timm_hub_file_loads_through_the_entry(tmp_path, monkeypatch):
    """A safetensors file as the hub download leaves it in the cache (timm's state dict and
    its recorded SHA-256) loads through ``EfficientFormer_L1_Weights`` and gives timm's
    logits."""
    import numpy as np
    import safetensors.torch as safetensors_torch

    import lucid
    from lucid.weights import hub, sha256_of

    monkeypatch.setenv("LUCID_HOME", str(tmp_path))
    ref = _randomise_biases(randomise_scales(zp.randomise(timm.create_model(
        "efficientformer_l1"))))
    entry = lucid.weights.EfficientFormer_L1_Weights.DEFAULT
    cached = tmp_path / "weights" / entry.value.file_name
    cached.parent.mkdir()
    safetensors_torch.save_file(ref.state_dict(), str(cached))
    hub.record_sha256(cached, sha256_of(cached))
    model = models.efficientformer_l1(weights="EfficientFormer_L1_Weights.SNAP_DIST_IN1K")
    x = np.random.default_rng(0).standard_normal((1, 3, 224, 224)).astype(np.float32)
    with torch.no_grad():
        want = ref(torch.from_numpy(x)).numpy()
    np.testing.assert_allclose(model.eval()(lucid.tensor(x)).numpy(), want, atol=1e-4,
                               rtol=1e-4)
