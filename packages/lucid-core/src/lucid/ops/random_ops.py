"""Random sampling: ``randn, rand, randint, normal, uniform, randperm, bernoulli,
multinomial``, the ``*_like`` samplers and in-place ``uniform_``/``normal_``/``bernoulli_``.

Every draw comes from the generator of the backend serving the device (NumPy:
``numpy.random.Generator``); ``lucid.random.seed(s)`` (or ``lucid.manual_seed(s)``)
restarts every backend's generator, so the same seed gives the same draws. Samples carry
no gradient.
"""

from __future__ import annotations

from lucid.dtypes import Int64, default_float, to_dtype
from lucid.errors import DTypeError, ShapeError
from lucid.ops._args import shape_arg
from lucid.ops.registry import Op, apply, register
from lucid.tensor import Tensor

__all__ = [
    "randn", "rand", "randint", "normal", "uniform", "randn_like", "rand_like",
    "randint_like", "randperm", "bernoulli", "multinomial", "manual_seed",
]


class _Sampler(Op):
    differentiable = False


@register
class Normal(_Sampler):
    """``shape`` samples of ``N(mean, std^2)``."""

    name = "normal"

    def check(self, *, shape, mean, std, dtype):
        if std < 0:
            raise ValueError(f"normal: std must be non-negative, got {std}")


@register
class Uniform(_Sampler):
    """``shape`` samples of ``U[low, high)``."""

    name = "uniform"

    def check(self, *, shape, low, high, dtype):
        if low > high:
            raise ValueError(f"uniform: low must not exceed high, got low={low}, high={high}")


@register
class Randint(_Sampler):
    """``shape`` integers drawn uniformly from ``[low, high)``."""

    name = "randint"

    def check(self, *, shape, low, high, dtype):
        if low >= high:
            raise ValueError(f"randint: low must be below high, got low={low}, high={high}")


@register
class Randperm(_Sampler):
    """A uniformly random permutation of ``0 .. n-1``."""

    name = "randperm"

    def check(self, *, n, dtype):
        if n < 0:
            raise ValueError(f"randperm: n must be non-negative, got {n}")


@register
class Bernoulli(_Sampler):
    """``y_i = 1`` with probability ``p_i``, else 0 (in ``p``'s dtype)."""

    name = "bernoulli"


@register
class Multinomial(_Sampler):
    """``num_samples`` category indices per row of ``probs`` (weights, not necessarily
    normalised), with or without replacement."""

    name = "multinomial"

    def check(self, probs, *, num_samples, replacement):
        if probs.ndim not in (1, 2):
            raise ShapeError(f"multinomial: probs must be 1-D or 2-D, got shape {probs.shape}")
        if not replacement and num_samples > probs.shape[-1]:
            raise ValueError(f"multinomial: cannot draw {num_samples} samples without "
                             f"replacement from {probs.shape[-1]} categories")


def _size(size, op: str) -> tuple[int, ...]:
    if size is None:
        return ()
    if isinstance(size, int) or hasattr(size, "__index__"):
        size = (int(size),)
    shape = shape_arg((tuple(size),))
    if any(s < 0 for s in shape):
        raise ValueError(f"{op}: negative dimension in size {shape}")
    return shape


def _float_dtype(dtype, op: str):
    dtype = to_dtype(dtype) or default_float
    if not dtype.is_floating_point:
        raise DTypeError(f"{op}: needs a floating dtype, got {dtype.name}")
    return dtype


def _finish(out: Tensor, requires_grad: bool) -> Tensor:
    return out.requires_grad_() if requires_grad else out


def _shape_from(args, size, op):
    if size is not None:
        return _size(size, op)
    return _size(shape_arg(args), op) if args else ()


def randn(*size, dtype=None, device="cpu", requires_grad=False, **kwargs) -> Tensor:
    """Standard normal samples: ``randn(2, 3)`` or ``randn((2, 3))`` (``float32``).

    >>> lucid.manual_seed(0); lucid.randn(2, 3).shape
    (2, 3)
    """
    shape = _shape_from(size, kwargs.pop("size", None), "randn")
    out = apply("normal", shape=shape, mean=0.0, std=1.0,
                dtype=_float_dtype(dtype, "randn"), device=device)
    return _finish(out, requires_grad)


def rand(*size, dtype=None, device="cpu", requires_grad=False, **kwargs) -> Tensor:
    """Uniform samples on ``[0, 1)``: ``rand(2, 3)`` (``float32``)."""
    shape = _shape_from(size, kwargs.pop("size", None), "rand")
    out = apply("uniform", shape=shape, low=0.0, high=1.0,
                dtype=_float_dtype(dtype, "rand"), device=device)
    return _finish(out, requires_grad)


def randint(low, high=None, size=None, *, dtype=None, device="cpu") -> Tensor:
    """Integers uniform on ``[low, high)`` (``int64``).

    Both conventions: PyTorch ``randint(high, size)``/``randint(low, high, size)`` and
    NumPy ``randint(low, high=None, size=None)`` (``randint(5)``: one draw from [0, 5)).

    >>> lucid.randint(10, (4,)).shape, lucid.randint(3, 7, (2, 2)).dtype
    ((4,), lucid.int64)
    """
    if isinstance(high, (tuple, list)) and size is None:  # PyTorch: randint(high, size)
        low, high, size = 0, low, high
    elif high is None:
        low, high = 0, low
    dtype = to_dtype(dtype) or Int64
    return apply("randint", shape=_size(size, "randint"), low=int(low), high=int(high),
                 dtype=dtype, device=device)


def _as_scalar(v):
    return float(v.item()) if isinstance(v, Tensor) and v.ndim == 0 else v


def normal(mean=0.0, std=1.0, size=None, *, dtype=None, device="cpu", requires_grad=False,
           loc=None, scale=None) -> Tensor:
    """Samples of ``N(mean, std^2)``: scalars with ``size`` (PyTorch's
    ``normal(mean, std, size)``, NumPy's ``normal(loc, scale, size)``), or tensors
    ``mean``/``std`` broadcast against each other (one draw per element)."""
    mean = _as_scalar(mean if loc is None else loc)
    std = _as_scalar(std if scale is None else scale)
    if isinstance(mean, Tensor) or isinstance(std, Tensor):
        ref = mean if isinstance(mean, Tensor) else std
        m = mean.detach() if isinstance(mean, Tensor) else mean
        s = std.detach() if isinstance(std, Tensor) else std
        shape = (m + s * 0).shape if size is None else _size(size, "normal")
        dtype = to_dtype(dtype) or (ref.dtype if ref.dtype.is_floating_point else
                                    default_float)
        noise = apply("normal", shape=shape, mean=0.0, std=1.0, dtype=dtype,
                      device=ref.device)
        return _finish((m + s * noise).astype(dtype), requires_grad)
    out = apply("normal", shape=_size(size, "normal"), mean=float(mean), std=float(std),
                dtype=_float_dtype(dtype, "normal"), device=device)
    return _finish(out, requires_grad)


def uniform(low=0.0, high=1.0, size=None, *, dtype=None, device="cpu",
            requires_grad=False) -> Tensor:
    """Samples of ``U[low, high)`` (NumPy's ``uniform(low, high, size)``)."""
    out = apply("uniform", shape=_size(size, "uniform"), low=float(_as_scalar(low)),
                high=float(_as_scalar(high)), dtype=_float_dtype(dtype, "uniform"),
                device=device)
    return _finish(out, requires_grad)


def randn_like(x: Tensor, dtype=None, device=None, requires_grad=False) -> Tensor:
    """Standard normal samples with ``x``'s shape, dtype and device."""
    return randn(x.shape, dtype=dtype or x.dtype, device=device or x.device,
                 requires_grad=requires_grad)


def rand_like(x: Tensor, dtype=None, device=None, requires_grad=False) -> Tensor:
    """Uniform ``[0, 1)`` samples with ``x``'s shape, dtype and device."""
    return rand(x.shape, dtype=dtype or x.dtype, device=device or x.device,
                requires_grad=requires_grad)


def randint_like(x: Tensor, low, high=None, dtype=None, device=None) -> Tensor:
    """Integers on ``[low, high)`` (``[0, low)`` with one bound) with ``x``'s shape;
    the dtype is ``x``'s unless given."""
    if high is None:
        low, high = 0, low
    return randint(low, high, x.shape, dtype=dtype or x.dtype, device=device or x.device)


def randperm(n: int, *, dtype=None, device="cpu") -> Tensor:
    """A random permutation of ``0 .. n-1`` (``int64``)."""
    return apply("randperm", n=int(n), dtype=to_dtype(dtype) or Int64, device=device)


def bernoulli(input, p=None) -> Tensor:  # noqa: A002 - PyTorch's name
    """``1`` with probability ``input`` elementwise (``torch.bernoulli(probs)``), or with
    the scalar probability ``p`` in ``input``'s shape; the result has ``input``'s dtype."""
    x = input if isinstance(input, Tensor) else Tensor(input)
    if p is not None:
        from lucid.ops.creation import full_like

        x = full_like(x, float(p), dtype=x.dtype if x.dtype.is_floating_point
                      else default_float)
    elif not x.dtype.is_floating_point:
        raise DTypeError(f"bernoulli: probabilities must be floating point, got {x.dtype.name}")
    return apply("bernoulli", x.detach())


def multinomial(input, num_samples: int, replacement: bool = False) -> Tensor:  # noqa: A002
    """Draw ``num_samples`` category indices (``int64``) from each row of ``input``
    (non-negative weights; 1-D or 2-D)."""
    x = input if isinstance(input, Tensor) else Tensor(input)
    if not x.dtype.is_floating_point:
        x = x.astype(default_float)
    return apply("multinomial", x.detach(), num_samples=int(num_samples),
                 replacement=bool(replacement))


def manual_seed(seed: int) -> None:
    """Seed every backend's generator (``lucid.random.seed``)."""
    from lucid.random import seed as _seed

    _seed(seed)


def _uniform_(self: Tensor, a: float = 0.0, b: float = 1.0) -> Tensor:
    """Fill with samples of ``U[a, b)``; returns ``self``."""
    return self._assign(uniform(a, b, self.shape, dtype=_float_dtype(self.dtype, "uniform_"),
                                device=self.device))


def _normal_(self: Tensor, mean: float = 0.0, std: float = 1.0) -> Tensor:
    """Fill with samples of ``N(mean, std^2)``; returns ``self``."""
    return self._assign(normal(float(mean), float(std), self.shape,
                               dtype=_float_dtype(self.dtype, "normal_"), device=self.device))


def _bernoulli_(self: Tensor, p=0.5) -> Tensor:
    """Fill with 0/1 samples, 1 with probability ``p`` (a number or a tensor)."""
    if isinstance(p, Tensor):
        probs = p.broadcast_to(self.shape) if p.shape != self.shape else p
        return self._assign(bernoulli(probs.astype(default_float)
                                      if not p.dtype.is_floating_point else probs))
    return self._assign(bernoulli(self, p=p))


def _random_method(self: Tensor, p=None) -> Tensor:
    return bernoulli(self, p)


Tensor.uniform_ = _uniform_
Tensor.normal_ = _normal_
Tensor.bernoulli_ = _bernoulli_
Tensor.bernoulli = _random_method
Tensor.multinomial = multinomial
