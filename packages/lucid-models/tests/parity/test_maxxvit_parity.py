"""MaxViT against timm ``maxvit_*_tf_224`` and CoAtNet against timm ``coatnet_N_224``
(random weights, random batch-norm statistics): identical state-dict keys, order and shapes,
equal parameter counts, eval-mode logits within 1e-4. Both are built for 64x64 inputs
(``img_size=64``: MaxViT partitions of 2x2, CoAtNet bias windows of 4x4 and 2x2), which
keeps the CPU time small and exercises the same code as 224x224. The relative position
bias tables (std 0.02 at init) are set to N(0, 1) first, so a wrong bias lookup shows.
"""

import pytest
import timm
import torch
import zoo_parity as zp

from lucid import models

PAIRS = {**{f"maxvit_{s}": f"maxvit_{s}_tf_224" for s in ("tiny", "small", "base", "large")},
         **{f"coatnet_{i}": f"coatnet_{i}_224" for i in range(6)}}


def randomise_biases(model, seed=3):
    gen = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        tables = [p for n, p in model.named_parameters() if "relative_position_bias" in n]
        for p in tables:
            p.copy_(torch.randn(p.shape, generator=gen))
    assert tables
    return model


def _check(name, ref_name):
    ref = randomise_biases(zp.randomise(timm.create_model(ref_name, img_size=64,
                                                          num_classes=1000)))
    zp.assert_same_outputs(models.create_model(name, img_size=64), ref, (2, 3, 64, 64))


@pytest.mark.parametrize("name", ["maxvit_tiny", "coatnet_0"])
def test_matches_timm(name):
    _check(name, PAIRS[name])


@pytest.mark.zoo
@pytest.mark.parametrize("name", [n for n in PAIRS if n not in ("maxvit_tiny", "coatnet_0")]
                         + ["maxvit_xlarge"])
def test_matches_timm_zoo(name):
    _check(name, PAIRS.get(name, "maxvit_xlarge_tf_224"))


@pytest.mark.zoo
def test_timm_hub_file_loads_through_the_entry(tmp_path, monkeypatch):
    """timm's ``maxvit_tiny_tf_224`` state dict, cached as the hub download leaves it, loads
    through ``MaxViT_Tiny_Weights`` into ``maxvit_tiny`` (224x224) with timm's logits."""
    import numpy as np
    import safetensors.torch as safetensors_torch

    import lucid
    from lucid.weights import hub, sha256_of

    monkeypatch.setenv("LUCID_HOME", str(tmp_path))
    ref = randomise_biases(zp.randomise(timm.create_model("maxvit_tiny_tf_224")))
    entry = lucid.weights.MaxViT_Tiny_Weights.DEFAULT
    cached = tmp_path / "weights" / entry.value.file_name
    cached.parent.mkdir()
    safetensors_torch.save_file(ref.state_dict(), str(cached))
    hub.record_sha256(cached, sha256_of(cached))
    model = models.maxvit_tiny(weights=entry).eval()
    x = np.random.default_rng(0).standard_normal((1, 3, 224, 224)).astype(np.float32)
    with torch.no_grad():
        want = ref(torch.from_numpy(x)).numpy()
    np.testing.assert_allclose(model(lucid.tensor(x)).numpy(), want, atol=1e-4, rtol=1e-4)
