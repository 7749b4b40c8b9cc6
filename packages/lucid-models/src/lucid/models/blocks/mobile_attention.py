"""Mobile multi-query attention (MobileNetV4, Qin et al., ECCV 2024, Sec. 3.3): attention
over the feature map in which all heads share one key and one value projection, and keys
and values may be computed on a spatially downsampled map::

    q = W_q x                       (N, h*d, H, W)  -> (N, h, HW, d)
    k = W_k down(x), v = W_v down(x)                -> (N, 1, P, d)   P = H'W'
    down(x) = BN(dwconv_{3x3, stride s}(x))         (s = kv_stride; identity when s = 1)
    o = softmax(q k^T / sqrt(d)) v                  (N, h, HW, d) -> (N, h*d, H, W)
    y = W_o o

``MobileAttention`` is the residual block around it:
``y = x + drop_path(layer_scale(MQA(BN(x))))``. Parameter names follow timm's
``MobileAttention`` / ``MultiQueryAttention2d`` (``norm``, ``attn.query.proj``,
``attn.key.down_conv``/``norm``/``proj``, ``attn.value.*``, ``attn.output.proj``,
``layer_scale.gamma``). Projections start from ``xavier_uniform`` as timm's.
"""

from __future__ import annotations

import math
from collections import OrderedDict

from lucid import nn
from lucid.models.blocks.layer_scale import LayerScale2d
from lucid.nn import functional as F

__all__ = ["MultiQueryAttention2d", "MobileAttention"]


class MultiQueryAttention2d(nn.Module):
    """Multi-query attention on ``(N, C, H, W)`` (see the module docstring).

    Args:
        dim: C. num_heads: h. key_dim: d (keys, queries and values).
        kv_stride: key/value downsampling stride (1: none). dw_kernel_size: its kernel (3).
    """

    def __init__(self, dim: int, num_heads: int, key_dim: int, kv_stride: int = 1,
                 dw_kernel_size: int = 3) -> None:
        super().__init__()
        self.num_heads, self.key_dim = num_heads, key_dim
        self.query = nn.Sequential(OrderedDict(proj=nn.Conv2d(dim, num_heads * key_dim, 1,
                                                              bias=False)))
        self.key = self._kv(dim, key_dim, kv_stride, dw_kernel_size)
        self.value = self._kv(dim, key_dim, kv_stride, dw_kernel_size)
        self.output = nn.Sequential(OrderedDict(proj=nn.Conv2d(num_heads * key_dim, dim, 1,
                                                               bias=False)))
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """``xavier_uniform`` on every projection and downsampling convolution."""
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.xavier_uniform_(m.weight)

    @staticmethod
    def _kv(dim: int, out: int, stride: int, k: int) -> nn.Sequential:
        layers = OrderedDict()
        if stride > 1:
            layers["down_conv"] = nn.Conv2d(dim, dim, k, stride=stride, padding=(k - 1) // 2,
                                            groups=dim, bias=False)
            layers["norm"] = nn.BatchNorm2d(dim)
        layers["proj"] = nn.Conv2d(dim, out, 1, bias=False)
        return nn.Sequential(layers)

    def forward(self, x):
        n, _, h, w = x.shape
        heads, d = self.num_heads, self.key_dim
        q = self.query(x).reshape(n, heads, d, h * w).swapaxes(-1, -2)
        k = self.key(x)
        k = k.reshape(n, 1, d, k.shape[2] * k.shape[3])
        v = self.value(x)
        v = v.reshape(n, 1, d, v.shape[2] * v.shape[3]).swapaxes(-1, -2)
        attn = F.softmax((q @ k) * (1.0 / math.sqrt(d)), dim=-1)
        o = (attn @ v).swapaxes(1, 2).reshape(n, h, w, heads * d).permute(0, 3, 1, 2)
        return self.output(o)


class MobileAttention(nn.Module):
    """``x + drop_path(layer_scale(MQA(BN(x))))`` (MobileNetV4 hybrid block).

    Args:
        dim, num_heads, key_dim, kv_stride: as :class:`MultiQueryAttention2d`.
        layer_scale: initial gamma (None: none). drop_path: probability.
    """

    def __init__(self, dim: int, num_heads: int, key_dim: int, kv_stride: int = 1,
                 layer_scale: float | None = 1e-5, drop_path: float = 0.0) -> None:
        super().__init__()
        self.norm = nn.BatchNorm2d(dim)
        self.attn = MultiQueryAttention2d(dim, num_heads, key_dim, kv_stride)
        self.layer_scale = LayerScale2d(dim, layer_scale) if layer_scale is not None \
            else nn.Identity()
        self.drop_path = nn.DropPath(drop_path)

    def forward(self, x):
        return x + self.drop_path(self.layer_scale(self.attn(self.norm(x))))
