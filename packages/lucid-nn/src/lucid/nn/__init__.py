"""``lucid.nn``: modules, parameters, layers, ``functional``, ``init`` and ``utils``,
shaped like ``torch.nn``.

Layer modules are listed in ``_LAYER_MODULES``; each one's ``__all__`` becomes part of
``lucid.nn``. Modules that may not exist yet in a given checkout (``rnn``, ``attention``,
``transformer``) are imported when present.
"""

import importlib as _importlib

from lucid.nn import functional, init, utils
from lucid.nn.containers import ModuleDict, ModuleList, ParameterDict, ParameterList, Sequential
from lucid.nn.hooks import RemovableHandle
from lucid.nn.module import Module
from lucid.nn.parameter import Buffer, Parameter

_LAYER_MODULES = ["linear", "flatten", "embedding", "activation", "dropout", "loss", "conv",
                  "fold", "pooling", "upsampling", "batchnorm", "normalization", "padding",
                  "pixelshuffle", "distance", "conv_bn_relu", "depth_separable",
                  "squeeze_excite", "selective_kernel", "drop_block", "einops_layers",
                  "global_response_norm"]
_OPTIONAL_MODULES = ["rnn", "attention", "transformer", "multi_head_attention"]

__all__ = ["Module", "Parameter", "Buffer", "Sequential", "ModuleList", "ModuleDict",
           "ParameterList", "ParameterDict", "RemovableHandle", "functional", "init", "utils"]


def _export(name: str, optional: bool) -> None:
    try:
        module = _importlib.import_module(f"{__name__}.{name}")
    except ModuleNotFoundError as exc:
        if optional and exc.name == f"{__name__}.{name}":
            return
        raise
    for attr in module.__all__:
        globals()[attr] = getattr(module, attr)
        __all__.append(attr)


for _name in _LAYER_MODULES:
    _export(_name, optional=False)
for _name in _OPTIONAL_MODULES:
    _export(_name, optional=True)
