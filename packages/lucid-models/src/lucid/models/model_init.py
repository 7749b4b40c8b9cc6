"""Weight initialisations of the mobile/efficient/ConvNeXt families, applied once to a
whole model (one function per scheme, so each family states which one it uses).

- :func:`init_fan_out_`: torchvision's MobileNet/EfficientNet scheme. Convolutions
  ``kaiming_normal_(mode="fan_out")`` (``std = sqrt(2 / (C_out k^2))``), batch norms weight
  1 bias 0, linear layers ``normal(0, 0.01)`` (``linear="normal"``: MobileNetV2/V3) or
  ``uniform(-1/sqrt(out), 1/sqrt(out))`` (``linear="uniform"``: EfficientNet); biases 0.
- :func:`init_goog_`: the TF MnasNet/EfficientNet scheme timm uses for its MobileNet
  V1/V4: convolutions ``normal(0, sqrt(2 / fan_out))`` with ``fan_out = k^2 C_out / groups``,
  batch norms 1/0, linear ``uniform(+-1/sqrt(out))``, biases 0.
- :func:`init_trunc_normal_`: ConvNeXt's ``trunc_normal(std=0.02)`` on convolutions and
  linear layers, biases 0 (norm layers keep their 1/0).
"""

from __future__ import annotations

import math

from lucid import nn

__all__ = ["init_fan_out_", "init_goog_", "init_trunc_normal_"]


def _zero_bias(m) -> None:
    if getattr(m, "bias", None) is not None:
        nn.init.zeros_(m.bias)


def _norms_(m) -> None:
    if isinstance(m, (nn.BatchNorm2d, nn.GroupNorm)) and m.weight is not None:
        nn.init.ones_(m.weight)
        nn.init.zeros_(m.bias)


def init_fan_out_(model: nn.Module, linear: str = "normal") -> None:
    if linear not in ("normal", "uniform"):
        raise ValueError(f"init_fan_out_: linear must be 'normal' or 'uniform', got {linear!r}")
    for m in model.modules():
        if isinstance(m, nn.Conv2d):
            nn.init.kaiming_normal_(m.weight, mode="fan_out")
            _zero_bias(m)
        elif isinstance(m, nn.Linear):
            if linear == "normal":
                nn.init.normal_(m.weight, 0.0, 0.01)
            else:
                bound = 1.0 / math.sqrt(m.out_features)
                nn.init.uniform_(m.weight, -bound, bound)
            _zero_bias(m)
        else:
            _norms_(m)


def init_goog_(model: nn.Module) -> None:
    for m in model.modules():
        if isinstance(m, nn.Conv2d):
            k = math.prod(m.weight.shape[2:])
            nn.init.normal_(m.weight, 0.0, math.sqrt(2.0 / (k * m.out_channels / m.groups)))
            _zero_bias(m)
        elif isinstance(m, nn.Linear):
            bound = 1.0 / math.sqrt(m.out_features)
            nn.init.uniform_(m.weight, -bound, bound)
            _zero_bias(m)
        else:
            _norms_(m)


def init_trunc_normal_(model: nn.Module, std: float = 0.02) -> None:
    for m in model.modules():
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            nn.init.trunc_normal_(m.weight, std=std)
            _zero_bias(m)
