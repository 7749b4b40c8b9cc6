"""Pieces shared by GoogLeNet (Inception v1) and Inception v3: the input re-normalisation
that lets weights trained on ``[-1, 1]`` inputs take ImageNet-normalised images, and
the truncated-normal initialisation.

``transform_input``: an image normalised with ImageNet's mean ``m_c`` and std ``s_c``
(``x_c = (p_c - m_c) / s_c``) is mapped to the ``(p_c - 0.5) / 0.5`` normalisation the
Google checkpoints were trained with::

    x'_c = x_c * s_c / 0.5 + (m_c - 0.5) / 0.5
"""

from __future__ import annotations

import lucid
from lucid import nn
from lucid.weights.api import load_weights_into

__all__ = ["IMAGENET_MEAN", "IMAGENET_STD", "transform_input", "init_truncated_normal_",
           "build_with_aux_weights"]

IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)


def transform_input(x):
    """Re-normalise ``(N, 3, H, W)`` from ImageNet mean/std to mean 0.5, std 0.5."""
    channels = [x[:, c:c + 1] * (IMAGENET_STD[c] / 0.5) + (IMAGENET_MEAN[c] - 0.5) / 0.5
                for c in range(3)]
    return lucid.concatenate(channels, axis=1)


def init_truncated_normal_(model: nn.Module, std: float = 0.1) -> None:
    """Convolution and linear weights from ``N(0, std^2)`` truncated to ``[-2, 2]`` (a
    module's own ``stddev`` attribute overrides ``std``); batch norms weight 1, bias 0.
    Biases keep their default initialisation, as in torchvision."""
    for m in model.modules():
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            nn.init.trunc_normal_(m.weight, mean=0.0, std=getattr(m, "stddev", std),
                                  a=-2.0, b=2.0)
        elif isinstance(m, nn.BatchNorm2d):
            nn.init.ones_(m.weight)
            nn.init.zeros_(m.bias)


def build_with_aux_weights(cls, aux_names: tuple[str, ...], aux_default: bool, num_classes,
                           weights, kwargs: dict):
    """Build ``cls`` and load ``weights`` as torchvision does for GoogLeNet/Inception v3.

    Without weights: ``cls(num_classes=num_classes, **kwargs)``. With weights: the
    published files hold the auxiliary heads, so the model is built with them
    (``aux_logits=True``, ``init_weights=False``, ``transform_input=True`` unless given),
    loaded strictly, and the heads (``aux_names``) are then removed unless the caller asked
    for ``aux_logits=True`` (default ``aux_default``: False for GoogLeNet, True for v3).
    """
    if weights is None:
        return cls(num_classes=num_classes, **kwargs)
    keep_aux = kwargs.pop("aux_logits", aux_default)
    kwargs.setdefault("transform_input", True)
    kwargs["init_weights"] = False
    model = cls(num_classes=num_classes, aux_logits=True, **kwargs)
    load_weights_into(model, weights)
    if not keep_aux:
        model.aux_logits = False
        for name in aux_names:
            setattr(model, name, None)
    return model
