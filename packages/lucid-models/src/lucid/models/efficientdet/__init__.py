"""EfficientDet D0-D7: EfficientNet backbone, BiFPN, shared heads, focal loss."""

from lucid.models.efficientdet.focal_loss import sigmoid_focal_loss
from lucid.models.efficientdet.model import *  # noqa: F403
from lucid.models.efficientdet.model import __all__ as _model

__all__ = [*_model, "sigmoid_focal_loss"]
