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
the paper's 25M, 42M, 75M, 168M, 275M, 688M).

timm has no CoAtNet-6/7; they follow the paper (Table 14): the third stage is split into
MBConv blocks and then, at the same resolution, wider Transformer blocks (a stride-1
stage whose first block widens through a 1x1 convolution shortcut): stem 192; widths
192, 384, 768 | 1536, 2048 (CoAtNet-6) and 256, 512, 1024 | 2048, 3072 (CoAtNet-7);
depths 2, 4, 8 | 42, 2. Parameters with 1000 classes: CoAtNet-7 2,443,466,728 (the
paper's 2.44B); CoAtNet-6 1,349,553,512, 8 % below the paper's 1.47B (the paper gives no
finer breakdown to locate the difference; the original Lucid's 2.01B is further off).

Departure of the original Lucid: its CoAtNets are 5-26 % off the paper's sizes; here the
paper's/timm's sizes are used.
"""

from __future__ import annotations

from lucid.models.maxxvit.model import MaxxVit
from lucid.models.registry import register_model
from lucid.weights.api import load_weights_into

__all__ = [f"coatnet_{i}" for i in range(8)]

_CONFIGS = {
    0: (64, (96, 192, 384, 768), (2, 3, 5, 2)),
    1: (64, (96, 192, 384, 768), (2, 6, 14, 2)),
    2: (128, (128, 256, 512, 1024), (2, 6, 14, 2)),
    3: (192, (192, 384, 768, 1536), (2, 6, 14, 2)),
    4: (192, (192, 384, 768, 1536), (2, 12, 28, 2)),
    5: (192, (256, 512, 1280, 2048), (2, 12, 28, 2)),
    6: (192, (192, 384, 768, 1536, 2048), (2, 4, 8, 42, 2)),
    7: (192, (256, 512, 1024, 2048, 3072), (2, 4, 8, 42, 2)),
}
_SPLIT = {"block_types": ("C", "C", "C", "T", "T"), "strides": (2, 2, 2, 1, 2)}


def _coatnet(i, num_classes, weights, kwargs) -> MaxxVit:
    stem, widths, depths = _CONFIGS[i]
    layout = _SPLIT if i >= 6 else {"block_types": ("C", "C", "T", "T")}
    model = MaxxVit(widths, depths, stem, flavour="coat", num_classes=num_classes,
                    **layout, **kwargs)
    if weights is not None:
        load_weights_into(model, weights)
    return model


def _factory(i: int, count: str, source: str = ""):
    def factory(num_classes: int = 1000, weights=None, **kwargs) -> MaxxVit:
        return _coatnet(i, num_classes, weights, kwargs)

    factory.__name__ = factory.__qualname__ = f"coatnet_{i}"
    source = source or f"timm coatnet_{i}_224"
    factory.__doc__ = f"CoAtNet-{i}: {count} parameters with 1000 classes ({source})."
    return register_model(factory)


coatnet_0 = _factory(0, "25,036,820")
coatnet_1 = _factory(1, "42,225,776")
coatnet_2 = _factory(2, "74,684,744")
coatnet_3 = _factory(3, "166,966,264")
coatnet_4 = _factory(4, "275,425,288")
coatnet_5 = _factory(5, "687,472,008")
coatnet_6 = _factory(6, "1,349,553,512", "the paper's layout; it reports 1.47B")
coatnet_7 = _factory(7, "2,443,466,728", "the paper's layout; it reports 2.44B")
