"""``softmax`` and ``log_softmax`` along one dim: dedicated ops with stable kernels.

``softmax(x)_i = exp(x_i - m) / sum_j exp(x_j - m)`` with ``m = max_j x_j`` (no overflow);
``log_softmax(x)_i = x_i - m - log(sum_j exp(x_j - m))``.

VJPs (written with Lucid ops, so they differentiate again), with ``y`` the output:
``softmax``: ``dx = y * (dy - sum(dy * y))``; ``log_softmax``: ``dx = dy - exp(y) * sum(dy)``.
"""

from __future__ import annotations

import warnings

from lucid.dtypes import default_float, to_dtype
from lucid.ops._args import normalize_axis
from lucid.ops.registry import Op, apply, register
from lucid.spellings import original_keywords
from lucid.tensor import Tensor, tensor_method

__all__ = ["softmax", "log_softmax"]


@register
class Softmax(Op):
    """``y = softmax(x, axis)``; ``dx = y * (dy - sum_axis(dy * y))``."""

    name = "softmax"
    save_inputs = ()
    save_output = True

    def vjp(self, k, node, g):
        y = k.output(node)
        return y * (g - k.sum(g * y, axis=(node.params["axis"],), keepdims=True))


@register
class LogSoftmax(Op):
    """``y = log_softmax(x, axis)``; ``dx = dy - exp(y) * sum_axis(dy)``."""

    name = "log_softmax"
    save_inputs = ()
    save_output = True

    def vjp(self, k, node, g):
        y = k.output(node)
        return g - k.exp(y) * k.sum(g, axis=(node.params["axis"],), keepdims=True)


def _softmax_args(x: Tensor, dim, dtype, op: str):
    if dim is None:
        dim = 0 if x.ndim in (0, 1, 3) else 1
        warnings.warn(f"{op}: implicit dimension choice is deprecated; pass dim",
                      stacklevel=3)
    if dtype is not None:
        x = x.astype(to_dtype(dtype))
    elif not x.dtype.is_floating_point:
        x = x.astype(default_float)
    return x, normalize_axis(dim, max(x.ndim, 1), op) if x.ndim else 0


@tensor_method("softmax")
def softmax(input: Tensor, dim=None, _stacklevel=3, dtype=None,  # noqa: A002
            **aliases) -> Tensor:
    """Softmax along ``dim`` (the original Lucid's ``axis=``): ``exp(x_i) / sum_j exp(x_j)``,
    computed stably.

    >>> lucid.softmax(lucid.tensor([0.0, 0.0]), dim=0).tolist()
    [0.5, 0.5]
    """
    if aliases:
        dim = original_keywords("softmax", aliases, {"axis": "dim"}, dim=dim)["dim"]
    x, axis = _softmax_args(input, dim, dtype, "softmax")
    if x.ndim == 0:
        return apply("softmax", x.reshape(1), axis=0).reshape(())
    return apply("softmax", x, axis=axis)


@tensor_method("log_softmax")
def log_softmax(input: Tensor, dim=None, _stacklevel=3, dtype=None,  # noqa: A002
                **aliases) -> Tensor:
    """``log(softmax(x))`` along ``dim`` (or ``axis=``), computed stably
    (``x - logsumexp(x)``)."""
    if aliases:
        dim = original_keywords("log_softmax", aliases, {"axis": "dim"}, dim=dim)["dim"]
    x, axis = _softmax_args(input, dim, dtype, "log_softmax")
    if x.ndim == 0:
        return apply("log_softmax", x.reshape(1), axis=0).reshape(())
    return apply("log_softmax", x, axis=axis)
