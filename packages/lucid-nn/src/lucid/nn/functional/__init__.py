"""``lucid.nn.functional``: the stateless side of every layer (``F.relu``, ``F.conv2d``,
``F.cross_entropy`` ...), PyTorch's names and arguments."""

from lucid.nn.functional.activation import *  # noqa: F403
from lucid.nn.functional.activation import __all__ as _activation
from lucid.nn.functional.attention import *  # noqa: F403
from lucid.nn.functional.attention import __all__ as _attention
from lucid.nn.functional.conv import *  # noqa: F403
from lucid.nn.functional.conv import __all__ as _conv
from lucid.nn.functional.drop_block import drop_block
from lucid.nn.functional.dropout import *  # noqa: F403
from lucid.nn.functional.dropout import __all__ as _dropout
from lucid.nn.functional.global_response_norm import global_response_norm
from lucid.nn.functional.linear import *  # noqa: F403
from lucid.nn.functional.linear import __all__ as _linear
from lucid.nn.functional.loss import *  # noqa: F403
from lucid.nn.functional.loss import __all__ as _loss
from lucid.nn.functional.loss_classification import *  # noqa: F403
from lucid.nn.functional.loss_classification import __all__ as _loss_classification
from lucid.nn.functional.normalization import *  # noqa: F403
from lucid.nn.functional.normalization import __all__ as _normalization
from lucid.nn.functional.padding import *  # noqa: F403
from lucid.nn.functional.padding import __all__ as _padding
from lucid.nn.functional.pooling import *  # noqa: F403
from lucid.nn.functional.pooling import __all__ as _pooling
from lucid.nn.functional.sampling import *  # noqa: F403
from lucid.nn.functional.sampling import __all__ as _sampling
from lucid.nn.functional.sparse import *  # noqa: F403
from lucid.nn.functional.sparse import __all__ as _sparse
from lucid.nn.functional.vision import *  # noqa: F403
from lucid.nn.functional.vision import __all__ as _vision
from lucid.ops.grid_sample import affine_grid, grid_sample, rotate

__all__ = sorted({*_activation, *_conv, *_dropout, *_linear, *_loss, *_loss_classification,
                  *_normalization, *_padding, *_pooling, *_sampling, *_sparse})
__all__ = sorted({*__all__, *_attention, *_vision, "drop_block", "global_response_norm"})
__all__ = sorted({*__all__, "affine_grid", "grid_sample", "rotate"})
