"""CoAtNet (Dai et al., "CoAtNet: Marrying Convolution and Attention for All Data Sizes",
NeurIPS 2021) with the structure and names of timm's ``coatnet_N_224``.

A stem (two 3x3 convolutions, stride 2), two MBConv stages (expansion 4, SE) and two
relative-attention Transformer stages (C-C-T-T), every stage halving the resolution; the
attention of a stage spans its whole feature map with a Swin-style relative bias (windows
``img_size / 16`` and ``/ 32``); the head ``LN -> Linear(C, C) -> tanh -> Linear``.

Variants (stem; widths; depths) and parameters with 1000 classes:
0 (64; 96, 192, 384, 768; 2, 3, 5, 2) 25,036,820; 1 (64; 96, 192, 384, 768; 2, 6, 14, 2)
42,225,776; 2 (128; 128, 256, 512, 1024; 2, 6, 14, 2) 74,684,744; 3 (192; 192, 384, 768,
1536; 2, 6, 14, 2) 166,966,264; 4 (192; 192, 384, 768, 1536; 2, 12, 28, 2) 275,425,288;
5 (192; 256, 512, 1280, 2048; 2, 12, 28, 2) 687,472,008 (timm ``coatnet_0..5_224``;
the paper's 25M, 42M, 75M, 168M, 275M, 688M). CoAtNet-6/7 (the paper's 1.47B / 2.44B,
with a third stage of 8 MBConv then 42 Transformer blocks at two widths) are not built
yet: that mixed stage is not expressible in timm's ``MaxxVit`` stages.

Departure of the original Lucid: its CoAtNets are 5-26 % off the paper's sizes; here the
paper's/timm's sizes are used.
"""

from __future__ import annotations

from lucid.models.maxxvit.model import MaxxVit
from lucid.models.registry import register_model
from lucid.weights.api import load_weights_into

__all__ = [f"coatnet_{i}" for i in range(6)]

_CONFIGS = {
    0: (64, (96, 192, 384, 768), (2, 3, 5, 2)),
    1: (64, (96, 192, 384, 768), (2, 6, 14, 2)),
    2: (128, (128, 256, 512, 1024), (2, 6, 14, 2)),
    3: (192, (192, 384, 768, 1536), (2, 6, 14, 2)),
    4: (192, (192, 384, 768, 1536), (2, 12, 28, 2)),
    5: (192, (256, 512, 1280, 2048), (2, 12, 28, 2)),
}


def _coatnet(i, num_classes, weights, kwargs) -> MaxxVit:
    stem, widths, depths = _CONFIGS[i]
    model = MaxxVit(widths, depths, stem, ("C", "C", "T", "T"), flavour="coat",
                    num_classes=num_classes, **kwargs)
    if weights is not None:
        load_weights_into(model, weights)
    return model


def _factory(i: int, count: str):
    def factory(num_classes: int = 1000, weights=None, **kwargs) -> MaxxVit:
        return _coatnet(i, num_classes, weights, kwargs)

    factory.__name__ = factory.__qualname__ = f"coatnet_{i}"
    factory.__doc__ = f"CoAtNet-{i}: {count} parameters with 1000 classes (timm coatnet_{i}_224)."
    return register_model(factory)


coatnet_0 = _factory(0, "25,036,820")
coatnet_1 = _factory(1, "42,225,776")
coatnet_2 = _factory(2, "74,684,744")
coatnet_3 = _factory(3, "166,966,264")
coatnet_4 = _factory(4, "275,425,288")
coatnet_5 = _factory(5, "687,472,008")
