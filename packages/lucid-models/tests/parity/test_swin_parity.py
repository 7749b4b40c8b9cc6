"""Swin V1 and V2 against timm (``swin_*_patch4_window7_224``, ``swinv2_*_window8_256``):
identical state-dict keys, order and shapes, equal parameter counts, eval-mode logits within
1e-4. CI cases: narrow 4-stage models at 64x64 with window 4 (shifted windows and the
one-window last stages) and window 7 (zero padding to the window multiple); the zoo cases are
the registered tiny models at their own resolution."""

import pytest
import timm
import torch
import zoo_parity as zp

import lucid
from lucid import models
from lucid.models.swin import SwinTransformer

TIMM = {"swin_tiny": "swin_tiny_patch4_window7_224", "swin_small": "swin_small_patch4_window7_224",
        "swin_base": "swin_base_patch4_window7_224", "swin_large": "swin_large_patch4_window7_224",
        "swin_v2_tiny": "swinv2_tiny_window8_256", "swin_v2_small": "swinv2_small_window8_256",
        "swin_v2_base": "swinv2_base_window8_256", "swin_v2_large": "swinv2_large_window12_192"}
SMALL = dict(embed_dim=32, depths=(2, 2, 2, 2), num_heads=(1, 2, 4, 8), img_size=64)


@pytest.mark.parametrize("v2", [False, True])
@pytest.mark.parametrize("window", [4, 7])
def test_small_swin_matches_timm(v2, window):
    name = "swinv2_tiny_window8_256" if v2 else "swin_tiny_patch4_window7_224"
    ref = timm.create_model(name, window_size=window, **SMALL)
    ours = SwinTransformer(window_size=window, v2=v2, **SMALL)
    zp.assert_same_outputs(ours, zp.randomise(ref), (2, 3, 64, 64))


def meta_count(name: str) -> int:
    with lucid.device("meta"):
        return sum(p.numel() for p in models.create_model(name).parameters())


@pytest.mark.parametrize("name", list(TIMM))
def test_parameter_count_equals_timm(name):
    with torch.device("meta"):
        ref = timm.create_model(TIMM[name], num_classes=1000)
    assert meta_count(name) == sum(p.numel() for p in ref.parameters())


@pytest.mark.zoo
@pytest.mark.parametrize("name,size", [("swin_tiny", 224), ("swin_v2_tiny", 256)])
def test_matches_timm_zoo(name, size):
    zp.assert_same_outputs(models.create_model(name),
                           zp.randomise(timm.create_model(TIMM[name])), (1, 3, size, size))
