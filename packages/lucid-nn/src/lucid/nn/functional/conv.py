"""Convolutions, transposed convolutions, ``unfold`` and ``fold``: core's ops
(:mod:`lucid.ops.conv`, :mod:`lucid.ops.conv_transpose`, :mod:`lucid.ops.unfold`), whose
signatures are PyTorch's, re-exported under ``lucid.nn.functional``.

``conv2d``: ``y[n, o, i, j] = b[o] + sum_{c,k,l} w[o, c, k, l]
x[n, c, i*stride + k*dilation - pad, j*stride + l*dilation - pad]``; ``conv_transposeNd``
is its adjoint, ``fold`` the adjoint of ``unfold``.
"""

from __future__ import annotations

from lucid.ops.conv import conv1d, conv2d, conv3d
from lucid.ops.conv_transpose import conv_transpose1d, conv_transpose2d, conv_transpose3d
from lucid.ops.unfold import fold, unfold

__all__ = ["conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
           "conv_transpose3d", "unfold", "fold"]
