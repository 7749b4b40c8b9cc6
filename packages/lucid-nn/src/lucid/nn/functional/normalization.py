"""Normalisation: batch, layer, group, instance and local response norm, and
``normalize``. Each is composed from reductions, so its gradient comes from theirs,
except ``layer_norm``: core's ``layer_norm`` op (a fused kernel where the backend has one).

All share ``y = (x - mean) / sqrt(var + eps) * weight + bias`` with the biased variance;
they differ in which axes ``mean`` and ``var`` run over.
"""

from __future__ import annotations

import math

import lucid
from lucid.autograd.grad_mode import no_grad
from lucid.errors import ShapeError
from lucid.ops.layer_norm import layer_norm as _layer_norm
from lucid.spellings import original_keywords
from lucid.tensor import Tensor

__all__ = ["batch_norm", "layer_norm", "group_norm", "instance_norm", "local_response_norm",
           "normalize", "rms_norm"]


def _channel(t: Tensor, ndim: int) -> Tensor:
    return t.reshape((1, -1) + (1,) * (ndim - 2))


def _moments(x: Tensor, axes) -> tuple[Tensor, Tensor, Tensor]:
    """``mean``, ``x - mean`` and the biased ``var`` over ``axes`` (kept as size-1 dims)."""
    mean = lucid.mean(x, axis=axes, keepdims=True)
    centered = x - mean
    return mean, centered, lucid.mean(centered * centered, axis=axes, keepdims=True)


def _standardize(x: Tensor, axes, eps: float) -> Tensor:
    _, centered, var = _moments(x, axes)
    return centered / lucid.sqrt(var + eps)


def _update_running(running_mean: Tensor, running_var: Tensor, batch_mean: Tensor,
                    batch_var: Tensor, momentum: float) -> None:
    """``running = (1 - momentum) * running + momentum * batch``, in place, no graph."""
    with no_grad():
        running_mean._assign(running_mean * (1 - momentum) + batch_mean * momentum)
        running_var._assign(running_var * (1 - momentum) + batch_var * momentum)


def _normalize_running(input: Tensor, running_mean: Tensor, running_var: Tensor,
                       eps: float) -> Tensor:
    """``(x - running_mean) / sqrt(running_var + eps)`` per channel (dim 1)."""
    return (input - _channel(running_mean, input.ndim)) / lucid.sqrt(
        _channel(running_var, input.ndim) + eps)


def _channel_affine(out: Tensor, weight: Tensor | None, bias: Tensor | None) -> Tensor:
    """``out * weight + bias`` with per-channel (dim 1) ``weight``/``bias``, either None."""
    if weight is not None:
        out = out * _channel(weight, out.ndim)
    if bias is not None:
        out = out + _channel(bias, out.ndim)
    return out


def batch_norm(input: Tensor, running_mean: Tensor | None, running_var: Tensor | None,
               weight: Tensor | None = None, bias: Tensor | None = None,
               training: bool = False, momentum: float | None = 0.1,
               eps: float = 1e-5) -> Tensor:
    """Normalise each channel (dim 1) over the batch and spatial axes.

    Training: batch statistics, and the running ones updated in place:
    ``running = (1 - momentum) * running + momentum * batch`` (the variance unbiased;
    ``momentum=None`` is the caller's cumulative average, passed as a float).
    Evaluation: the running statistics.
    """
    if input.ndim < 2:
        raise ShapeError(f"batch_norm: expected at least 2-D input (N, C, ...), got "
                         f"{input.shape}")
    axes = (0,) + tuple(range(2, input.ndim))
    if training:
        count = input.numel() // input.shape[1]
        if count <= 1:
            raise ValueError(f"batch_norm: expected more than 1 value per channel when "
                             f"training, got input of shape {input.shape}")
        mean, centered, var = _moments(input, axes)
        if running_mean is not None and running_var is not None:
            _update_running(running_mean, running_var, mean.detach().reshape(-1),
                            var.detach().reshape(-1) * (count / (count - 1)),
                            0.1 if momentum is None else momentum)
        out = centered / lucid.sqrt(var + eps)
    else:
        if running_mean is None or running_var is None:
            raise ValueError("batch_norm: running_mean and running_var are needed when "
                             "not training")
        out = _normalize_running(input, running_mean, running_var, eps)
    return _channel_affine(out, weight, bias)


def instance_norm(input: Tensor, running_mean: Tensor | None = None,
                  running_var: Tensor | None = None, weight: Tensor | None = None,
                  bias: Tensor | None = None, use_input_stats: bool = True,
                  momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    """Normalise each (sample, channel) over its spatial axes. With running statistics
    they are updated from the mean over the batch of the per-instance statistics."""
    if input.ndim < 3:
        raise ShapeError(f"instance_norm: expected (N, C, *spatial) input, got {input.shape}")
    axes = tuple(range(2, input.ndim))
    if use_input_stats:
        mean, centered, var = _moments(input, axes)
        if running_mean is not None and running_var is not None:
            count = math.prod(input.shape[2:])
            with no_grad():
                batch_mean = lucid.mean(mean.detach().reshape(input.shape[:2]), axis=0)
                batch_var = lucid.mean(var.detach().reshape(input.shape[:2]), axis=0) * (
                    count / max(count - 1, 1))
            _update_running(running_mean, running_var, batch_mean, batch_var, momentum)
        out = centered / lucid.sqrt(var + eps)
    else:
        out = _normalize_running(input, running_mean, running_var, eps)
    return _channel_affine(out, weight, bias)


def layer_norm(input: Tensor, normalized_shape, weight: Tensor | None = None,
               bias: Tensor | None = None, eps: float = 1e-5) -> Tensor:
    """Normalise over the last ``len(normalized_shape)`` axes, then
    ``* weight + bias`` (elementwise, of shape ``normalized_shape``): core's
    ``layer_norm`` op (a backend's fused kernel when it has one, else its composite)."""
    return _layer_norm(input, normalized_shape, weight, bias, eps)


def rms_norm(input: Tensor, normalized_shape, weight: Tensor | None = None,
             eps: float | None = None) -> Tensor:
    """``x / sqrt(mean(x^2) + eps) * weight`` over the last axes."""
    shape = (normalized_shape,) if isinstance(normalized_shape, int) else \
        tuple(normalized_shape)
    axes = tuple(range(input.ndim - len(shape), input.ndim))
    if eps is None:
        eps = 1.1920928955078125e-07 if input.dtype == lucid.float32 else 2.220446049250313e-16
    out = input / lucid.sqrt(lucid.mean(input * input, axis=axes, keepdims=True) + eps)
    return out * weight if weight is not None else out


def group_norm(input: Tensor, num_groups: int, weight: Tensor | None = None,
               bias: Tensor | None = None, eps: float = 1e-5) -> Tensor:
    """Split the channels into ``num_groups`` groups and normalise each (sample, group)
    over its channels and spatial axes; then per-channel ``* weight + bias``."""
    n, c = input.shape[:2]
    if c % num_groups:
        raise ValueError(f"group_norm: {c} channels are not divisible by num_groups="
                         f"{num_groups}")
    grouped = input.reshape(n, num_groups, input.numel() // max(n * num_groups, 1))
    return _channel_affine(_standardize(grouped, (2,), eps).reshape(input.shape), weight,
                           bias)


def local_response_norm(input: Tensor, size: int, alpha: float = 1e-4, beta: float = 0.75,
                        k: float = 1.0) -> Tensor:
    """``y_c = x_c / (k + alpha / size * sum_{c'} x_{c'}^2)^beta``, the sum over the
    ``size`` channels around ``c`` (``size // 2`` before, ``(size - 1) // 2`` after,
    zeros outside)."""
    if input.ndim < 3:
        raise ShapeError(f"local_response_norm: expected (N, C, *) input, got {input.shape}")
    sq = input * input
    widths = ((0, 0), (size // 2, (size - 1) // 2)) + ((0, 0),) * (input.ndim - 2)
    padded = lucid.pad(sq, widths)
    c = input.shape[1]
    window = padded[:, 0:c]
    for i in range(1, size):
        window = window + padded[:, i:i + c]
    div = (window * (alpha / size) + k) ** beta
    return input / div


def normalize(input: Tensor, p: float = 2.0, dim: int = 1, eps: float = 1e-12,
              **aliases) -> Tensor:
    """``x / max(||x||_p, eps)`` along ``dim`` (the original Lucid's ``ord=``/``axis=``)."""
    if aliases:
        kw = original_keywords("normalize", aliases, {"ord": "p", "axis": "dim"},
                               p=None if p == 2.0 else p, dim=None if dim == 1 else dim)
        p = 2.0 if kw["p"] is None else kw["p"]
        dim = 1 if kw["dim"] is None else kw["dim"]
    norm = lucid.sum(lucid.abs(input) ** p, axis=dim, keepdims=True) ** (1.0 / p)
    return input / lucid.clip(norm, eps, None)
