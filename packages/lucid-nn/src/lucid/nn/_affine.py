"""The elementwise affine ``y = x_hat * weight + bias`` shared by the normalisation layers
(``BatchNorm``, ``InstanceNorm``, ``LayerNorm``, ``GroupNorm``): registering the two
parameters and their initialisation, ``weight = 1`` and ``bias = 0``."""

from __future__ import annotations

import lucid
from lucid.nn import init
from lucid.nn.module import Module
from lucid.nn.parameter import Parameter


def register_affine(module: Module, shape: tuple[int, ...], affine: bool, bias: bool,
                    dtype, device) -> None:
    """Give ``module`` a ``weight`` and (when ``bias``) a ``bias`` of ``shape`` when
    ``affine``; the missing ones are registered as ``None``. Values are set by
    :func:`reset_affine`."""
    if affine:
        module.weight = Parameter(lucid.empty(*shape, dtype=dtype, device=device))
        if bias:
            module.bias = Parameter(lucid.empty(*shape, dtype=dtype, device=device))
        else:
            module.register_parameter("bias", None)
    else:
        module.register_parameter("weight", None)
        module.register_parameter("bias", None)


def reset_affine(module: Module) -> None:
    """``weight = 1``, ``bias = 0`` (those that exist)."""
    if module.weight is not None:
        init.ones_(module.weight)
    if module.bias is not None:
        init.zeros_(module.bias)
