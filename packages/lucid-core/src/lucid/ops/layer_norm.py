"""``layer_norm``: normalise over the trailing dims, then scale and shift, as one op.

For ``x`` of shape ``(*, *S)`` with ``S = normalized_shape`` (``D = prod(S)`` values per
row), ``weight`` and ``bias`` of shape ``S``, and means taken over the ``S`` dims::

    mu = mean(x),   rstd = 1 / sqrt(mean((x - mu)^2) + eps),   xh = (x - mu) * rstd
    y  = xh * weight + bias

VJP, with ``gw = dy * weight``::

    dx      = rstd * (gw - mean(gw) - xh * mean(gw * xh))
    dweight = dy * xh    (summed over the leading dims)
    dbias   = dy         (summed over the leading dims)

A backend with a ``layer_norm`` kernel (a fused one) returns ``(y, mu, rstd)``, the
statistics with the ``S`` dims kept as size 1: they are kernel-only outputs, kept for the
VJP so that backward does not recompute them; :func:`layer_norm` returns ``y`` alone and
their gradient is not used. Under ``create_graph`` the VJP recomputes them from ``x`` with
ops, so the gradient is differentiable again through them. A backend without the kernel
runs the composite (mean, subtract, square, mean, ``rsqrt``, multiply, add), which
returns ``None`` for the kernel-only outputs.
"""

from __future__ import annotations

import math

from lucid.errors import DTypeError, ShapeError
from lucid.ops.registry import Op, apply, register
from lucid.tensor import Tensor

__all__ = ["layer_norm"]


def _axes(ndim: int, norm_ndim: int) -> tuple[int, ...]:
    """The last ``norm_ndim`` of ``ndim`` axes."""
    return tuple(range(ndim - norm_ndim, ndim))


def _statistics(k, x, axes, count: int, eps: float):
    """``mu`` and ``rstd`` over ``axes`` (kept as size-1 dims), written with ops."""
    inv = 1.0 / count
    mu = k.sum(x, axis=axes, keepdims=True) * inv
    centered = x - mu
    var = k.sum(centered * centered, axis=axes, keepdims=True) * inv
    return mu, k.pow(var + eps, -0.5)


@register
class LayerNorm(Op):
    """``(y, mu, rstd) = layer_norm(x, weight, bias, eps)`` over the last ``weight.ndim``
    dims (module docstring); outputs 1 and 2 are kernel-only (saved for the VJP)."""

    name = "layer_norm"
    n_outputs = 3
    save_inputs = (0, 1)

    def check(self, x, weight, bias, *, eps):
        shape = weight.shape
        if not shape or bias.shape != shape or x.shape[x.ndim - len(shape):] != shape \
                or len(shape) > x.ndim:
            raise ShapeError(f"layer_norm: input {x.shape} must end with the weight/bias "
                             f"shape, got weight {weight.shape} and bias {bias.shape}")
        if not x.dtype.is_floating_point or weight.dtype != x.dtype or bias.dtype != x.dtype:
            raise DTypeError(f"layer_norm: input, weight and bias must share one floating "
                             f"dtype, got {x.dtype}, {weight.dtype} and {bias.dtype}")

    def vjp(self, k, node, g, *_):
        x, weight, _ = k.inputs(node)
        norm_shape = node.in_shapes[1]
        axes = _axes(len(node.in_shapes[0]), len(norm_shape))
        count = math.prod(norm_shape)
        if k.graph:  # recompute the statistics with ops: second derivatives flow through
            mu, rstd = _statistics(k, x, axes, count, node.params["eps"])
        else:
            mu, rstd = k.output(node, 1), k.output(node, 2)
        xh = (x - mu) * rstd
        dx = None
        if node.needs_grad[0]:
            inv = 1.0 / count
            gw = g * weight
            mean_gw = k.sum(gw, axis=axes, keepdims=True) * inv
            mean_gwxh = k.sum(gw * xh, axis=axes, keepdims=True) * inv
            dx = rstd * (gw - mean_gw - xh * mean_gwxh)
        dweight = g * xh if node.needs_grad[1] else None
        return dx, dweight, (g if node.needs_grad[2] else None)

    def composite(self, x, weight, bias, *, eps):
        from lucid.ops.elementwise import rsqrt
        from lucid.ops.reduction import mean

        axes = _axes(x.ndim, weight.ndim)
        centered = x - mean(x, axis=axes, keepdims=True)
        rstd = rsqrt(mean(centered * centered, axis=axes, keepdims=True) + eps)
        return centered * rstd * weight + bias, None, None


def layer_norm(input: Tensor, normalized_shape, weight: Tensor | None = None,  # noqa: A002
               bias: Tensor | None = None, eps: float = 1e-5) -> Tensor:
    """Normalise ``input`` over its last ``len(normalized_shape)`` dims to zero mean and
    unit (biased) variance, then ``* weight + bias`` (elementwise, shape
    ``normalized_shape``; ones and zeros when omitted). See the module docstring.

    >>> lucid.layer_norm(lucid.randn(2, 5), (5,)).shape
    (2, 5)
    """
    from lucid.ops.creation import ones, zeros

    shape = (normalized_shape,) if isinstance(normalized_shape, int) else \
        tuple(int(n) for n in normalized_shape)
    if not shape:
        raise ValueError("layer_norm: normalized_shape must have at least one dim")
    if tuple(input.shape[input.ndim - len(shape):]) != shape or len(shape) > input.ndim:
        raise ShapeError(f"layer_norm: input shape {input.shape} does not end with "
                         f"normalized_shape {shape}")
    if not input.dtype.is_floating_point:
        raise DTypeError(f"layer_norm: input must be floating point, got {input.dtype}")
    dtype, device = input.dtype, input.device
    weight = ones(shape, dtype=dtype, device=device) if weight is None else \
        _as(weight, dtype)
    bias = zeros(shape, dtype=dtype, device=device) if bias is None else _as(bias, dtype)
    return apply("layer_norm", input, weight, bias, eps=float(eps))[0]


def _as(t: Tensor, dtype) -> Tensor:
    return t if t.dtype == dtype else t.astype(dtype)
