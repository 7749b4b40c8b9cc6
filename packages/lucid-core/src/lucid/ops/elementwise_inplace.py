"""In-place variants used by layers and optimizers: ``x.clamp_(0, 1)``, ``x.zero_()`` ...

Each computes the out-of-place result and hands it to ``Tensor._assign`` (which keeps
the tensor's dtype and refuses leaves that require grad while grad mode is on).
"""

from __future__ import annotations

from lucid.ops import elementwise as _e
from lucid.ops import elementwise_trig as _t
from lucid.ops import rounding_clamping as _c
from lucid.ops.creation import full
from lucid.tensor import Tensor

__all__: list[str] = []


def _inplace(fn, name: str):
    def method(self, *args, **kwargs):
        return self._assign(fn(self, *args, **kwargs))

    method.__name__ = method.__qualname__ = name
    method.__doc__ = f"In-place ``{name[:-1]}``: ``x = {name[:-1]}(x, ...)``; returns ``x``."
    return method


_INPLACE = {
    "abs_": _e.abs, "sign_": _e.sign, "exp_": _e.exp, "log_": _e.log, "log2_": _e.log2,
    "log10_": _e.log10, "log1p_": _e.log1p, "expm1_": _e.expm1, "sqrt_": _e.sqrt,
    "rsqrt_": _e.rsqrt, "square_": _e.square, "reciprocal_": _e.reciprocal,
    "sigmoid_": _e.sigmoid, "erf_": _e.erf, "sin_": _t.sin, "cos_": _t.cos, "tan_": _t.tan,
    "tanh_": _t.tanh, "sinh_": _t.sinh, "cosh_": _t.cosh, "floor_": _c.floor,
    "ceil_": _c.ceil, "round_": _c.round, "trunc_": _c.trunc, "clamp_": _c.clip,
    "clip_": _c.clip, "maximum_": _c.maximum, "minimum_": _c.minimum,
    "masked_fill_": _c.masked_fill, "nan_to_num_": _c.nan_to_num, "lerp_": _c.lerp,
    "clamp_min_": _c.clamp_min, "clamp_max_": _c.clamp_max,
}
for _name, _fn in _INPLACE.items():
    setattr(Tensor, _name, _inplace(_fn, _name))


def fill_(self: Tensor, value) -> Tensor:
    """Set every element to ``value`` (a number or a 0-d tensor); returns ``self``."""
    if isinstance(value, Tensor):
        value = value.item()
    return self._assign(full(self.shape, value, dtype=self.dtype, device=self.device))


def zero_(self: Tensor) -> Tensor:
    """Set every element to 0; returns ``self``."""
    return fill_(self, 0)


def copy_(self: Tensor, src) -> Tensor:
    """Copy ``src`` (broadcast to this shape, cast to this dtype) into ``self``; the
    gradient flows to ``src``."""
    if not isinstance(src, Tensor):
        src = Tensor(src, dtype=self.dtype, device=self.device)
    if src.device != self.device:
        src = src.to(self.device)
    out = src.astype(self.dtype)  # always a fresh buffer
    if out.shape != self.shape:
        out = out.broadcast_to(self.shape).clone()
    return self._assign(out)


Tensor.__round__ = lambda self, ndigits=None: _c.round(self, ndigits or 0)
Tensor.fill_ = fill_
Tensor.zero_ = zero_
Tensor.copy_ = copy_
