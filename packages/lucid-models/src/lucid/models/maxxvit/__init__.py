"""MaxViT and CoAtNet: one network (``MaxxVit``) with timm's structure and names."""

from lucid.models.maxxvit.coatnet import *  # noqa: F403
from lucid.models.maxxvit.coatnet import __all__ as _coatnet
from lucid.models.maxxvit.maxvit import *  # noqa: F403
from lucid.models.maxxvit.maxvit import __all__ as _maxvit
from lucid.models.maxxvit.model import MaxxVit, MaxxVitBlock

__all__ = ["MaxxVit", "MaxxVitBlock", *_maxvit, *_coatnet]
