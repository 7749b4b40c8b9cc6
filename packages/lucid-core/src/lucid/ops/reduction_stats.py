"""Statistics over axes: ``var, std, var_mean, std_mean, logsumexp``.

Two conventions (see DESIGN.md), picked by the spelling of the call:

* ``lucid.var(x)``, ``lucid.var(x, 1)``, ``lucid.var(x, axis=1)``, ``x.var(axis=1)``:
  NumPy, population variance (``ddof=0``);
* ``x.var()``, ``x.var(1)``, ``x.var(dim=1)``, ``lucid.var(x, dim=1)``: PyTorch,
  unbiased (``correction=1``).

``ddof=``, ``correction=`` or ``unbiased=`` always say it explicitly.
"""

from __future__ import annotations

from lucid.dtypes import default_float
from lucid.ops.reduction import expand_reduced, mean, reduce_args, reduced_count
from lucid.ops.registry import Op, apply, register
from lucid.tensor import Tensor

__all__ = ["var", "std", "var_mean", "std_mean", "logsumexp"]


@register
class Var(Op):
    """``y = sum_{axes} (x - mean)^2 / (n - correction)``;
    ``dx = dy * 2 (x - mean) / (n - correction)``."""

    name = "var"
    save_inputs = (0,)

    def vjp(self, k, node, g):
        (x,) = k.inputs(node)
        axes, keep, corr = (node.params[p] for p in ("axis", "keepdims", "correction"))
        shape = node.in_shapes[0]
        n = reduced_count(shape, axes)
        g = expand_reduced(k, g, shape, axes, keep)
        centered = x - k.sum(x, axis=axes, keepdims=True) * (1.0 / n)
        return g * centered * (2.0 / (n - corr))


def _correction(op: str, numpy_style: bool, ddof, correction, unbiased) -> int:
    given = [v for v in (ddof, correction, unbiased) if v is not None]
    if len(given) > 1:
        raise ValueError(f"{op}: pass only one of ddof, correction and unbiased "
                         f"(ddof={ddof}, correction={correction}, unbiased={unbiased})")
    if ddof is not None:
        return int(ddof)
    if correction is not None:
        return int(correction)
    if unbiased is not None:
        return int(bool(unbiased))
    return 0 if numpy_style else 1


def _var(x: Tensor, axes, keep: bool, corr: int) -> Tensor:
    if not x.dtype.is_floating_point:
        x = x.astype(default_float)
    return apply("var", x, axis=axes, keepdims=keep, correction=corr)


def var(x: Tensor, axis=None, keepdims=False, *, ddof=None, dim=None, keepdim=False,
        correction=None, unbiased=None) -> Tensor:
    """Variance over ``axis``: ``sum (x - mean)^2 / (n - ddof)``.

    ``lucid.var(x, axis=1)`` is the population variance (NumPy, ``ddof=0``);
    ``lucid.var(x, dim=1)`` is unbiased (PyTorch, ``correction=1``).

    >>> x = lucid.tensor([1.0, 2.0, 3.0, 4.0])
    >>> lucid.var(x).item(), x.var().item()   # ddof 0 vs correction 1
    (1.25, 1.6666666...)
    """
    axes, keep = reduce_args(x, axis, dim, keepdims, keepdim, "var")
    return _var(x, axes, keep, _correction("var", dim is None, ddof, correction, unbiased))


def std(x: Tensor, axis=None, keepdims=False, *, ddof=None, dim=None, keepdim=False,
        correction=None, unbiased=None) -> Tensor:
    """Standard deviation ``sqrt(var(x))``; same conventions as :func:`var`."""
    from lucid.ops.elementwise import sqrt

    return sqrt(var(x, axis, keepdims, ddof=ddof, dim=dim, keepdim=keepdim,
                    correction=correction, unbiased=unbiased))


def var_mean(x: Tensor, axis=None, keepdims=False, *, ddof=None, dim=None, keepdim=False,
             correction=None, unbiased=None):
    """``(var(x), mean(x))`` over the same axes (PyTorch's ``torch.var_mean``)."""
    v = var(x, axis, keepdims, ddof=ddof, dim=dim, keepdim=keepdim, correction=correction,
            unbiased=unbiased)
    return v, mean(x, axis, keepdims, dim=dim, keepdim=keepdim)


def std_mean(x: Tensor, axis=None, keepdims=False, *, ddof=None, dim=None, keepdim=False,
             correction=None, unbiased=None):
    """``(std(x), mean(x))`` over the same axes."""
    v, m = var_mean(x, axis, keepdims, ddof=ddof, dim=dim, keepdim=keepdim,
                    correction=correction, unbiased=unbiased)
    return v.sqrt(), m


def _method(fn, op: str):
    def method(self, dim=None, unbiased=None, keepdim=False, *, axis=None, keepdims=False,
               correction=None, ddof=None):
        if isinstance(dim, bool):  # x.var(False): PyTorch's legacy (unbiased) overload
            dim, unbiased = None, dim
        if axis is not None:  # NumPy spelling: population variance unless told otherwise
            return fn(self, axis, keepdims or keepdim, ddof=ddof, correction=correction,
                      unbiased=unbiased)
        corr = _correction(op, False, ddof, correction, unbiased)
        return fn(self, dim=dim, keepdim=keepdim or keepdims, correction=corr)

    method.__name__ = op
    method.__doc__ = (f"PyTorch's ``Tensor.{op}(dim=None, *, correction=1, keepdim=False)``: "
                      f"unbiased by default; ``axis=`` gives NumPy's ``ddof=0``.")
    return method


Tensor.var = _method(var, "var")
Tensor.std = _method(std, "std")


def logsumexp(x: Tensor, axis=None, keepdims=False, *, dim=None, keepdim=False) -> Tensor:
    """``log(sum(exp(x)))`` over ``axis``, computed as ``m + log(sum(exp(x - m)))`` with
    ``m = max(x)`` so it neither overflows nor underflows. The gradient is
    ``softmax(x)``.

    >>> lucid.logsumexp(lucid.tensor([1000.0, 1000.0]), dim=0).item()  # 1000 + ln 2
    1000.693...
    """
    from lucid.ops.elementwise import exp, log, where
    from lucid.ops.reduction_minmax import amax
    from lucid.ops.rounding_clamping import isfinite

    axes, keep = reduce_args(x, axis, dim, keepdims, keepdim, "logsumexp")
    if not x.dtype.is_floating_point:
        x = x.astype(default_float)
    if x.size == 0:  # an empty sum is 0: -inf over an empty axis, as PyTorch
        out = log(apply("sum", exp(x), axis=axes, keepdims=True))
    else:
        m = amax(x, axes, keepdims=True).detach()
        m = where(isfinite(m), m, 0)
        out = log(apply("sum", exp(x - m), axis=axes, keepdims=True)) + m
    if not keep:
        out = out.reshape(tuple(n for i, n in enumerate(x.shape)
                                if axes is not None and i not in axes))
    return out


Tensor.logsumexp = logsumexp
