"""Parameter initialisation, as in ``torch.nn.init``. Every function fills its tensor in
place (without recording a graph) and returns it.

Fans: for a weight of shape ``(out, in, *kernel)``, ``fan_in = in * prod(kernel)`` and
``fan_out = out * prod(kernel)``.
"""

from __future__ import annotations

import math

from lucid.autograd.grad_mode import no_grad
from lucid.ops.random_ops import normal as _draw_normal
from lucid.ops.random_ops import uniform as _draw_uniform
from lucid.tensor import Tensor

__all__ = [
    "calculate_gain", "uniform_", "normal_", "constant_", "zeros_", "ones_", "eye_", "dirac_",
    "xavier_uniform_", "xavier_normal_", "kaiming_uniform_", "kaiming_normal_", "trunc_normal_",
    "orthogonal_", "sparse_", "uniform", "normal", "constant", "xavier_uniform", "xavier_normal",
    "kaiming_uniform", "kaiming_normal", "orthogonal", "sparse",
]


def _fill(tensor: Tensor, value: Tensor) -> Tensor:
    with no_grad():
        tensor._assign(value.astype(tensor.dtype) if value.dtype != tensor.dtype else value)
    return tensor


def calculate_gain(nonlinearity: str, param=None) -> float:
    """The gain that keeps activations' variance stable through ``nonlinearity``:
    linear/conv/sigmoid 1, tanh 5/3, relu sqrt(2), leaky_relu sqrt(2 / (1 + slope^2)),
    selu 3/4."""
    linear = ("linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
              "conv_transpose3d", "sigmoid")
    if nonlinearity in linear:
        return 1.0
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        if param is None:
            slope = 0.01
        elif isinstance(param, (int, float)) and not isinstance(param, bool):
            slope = param
        else:
            raise ValueError(f"calculate_gain: negative_slope {param!r} is not a valid number")
        return math.sqrt(2.0 / (1 + slope ** 2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(f"calculate_gain: unsupported nonlinearity {nonlinearity!r}")


def _calculate_fan_in_and_fan_out(tensor: Tensor) -> tuple[int, int]:
    if tensor.ndim < 2:
        raise ValueError(f"fan in and fan out can not be computed for a tensor with fewer "
                         f"than 2 dimensions (shape {tensor.shape})")
    receptive = 1
    for s in tensor.shape[2:]:
        receptive *= s
    return tensor.shape[1] * receptive, tensor.shape[0] * receptive


def _calculate_correct_fan(tensor: Tensor, mode: str) -> int:
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"mode {mode!r} is not supported, use 'fan_in' or 'fan_out'")
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return fan_in if mode == "fan_in" else fan_out


def uniform_(tensor: Tensor, a: float = 0.0, b: float = 1.0, generator=None) -> Tensor:
    """Fill with ``U(a, b)``."""
    return _fill(tensor, _draw_uniform(a, b, tensor.shape, dtype=tensor.dtype,
                                       device=tensor.device))


def normal_(tensor: Tensor, mean: float = 0.0, std: float = 1.0, generator=None) -> Tensor:
    """Fill with ``N(mean, std^2)``."""
    return _fill(tensor, _draw_normal(mean, std, tensor.shape, dtype=tensor.dtype,
                                      device=tensor.device))


def constant_(tensor: Tensor, val: float) -> Tensor:
    """Fill with ``val``."""
    from lucid.ops.creation import full

    return _fill(tensor, full(tensor.shape, val, dtype=tensor.dtype, device=tensor.device))


def zeros_(tensor: Tensor) -> Tensor:
    return constant_(tensor, 0.0)


def ones_(tensor: Tensor) -> Tensor:
    return constant_(tensor, 1.0)


def eye_(tensor: Tensor) -> Tensor:
    """Fill a 2-D tensor with the identity (ones on the main diagonal)."""
    if tensor.ndim != 2:
        raise ValueError(f"eye_: only 2-D tensors are supported, got shape {tensor.shape}")
    import lucid

    return _fill(tensor, lucid.eye(*tensor.shape, dtype=tensor.dtype, device=tensor.device))


def dirac_(tensor: Tensor, groups: int = 1) -> Tensor:
    """Fill a conv weight ``(out, in, *k)`` so that the conv is the identity (per group):
    ``w[g*d + i, i, centre] = 1`` for ``i < min(out/groups, in)``."""
    import lucid

    if tensor.ndim not in (3, 4, 5):
        raise ValueError(f"dirac_: only 3, 4 and 5-D tensors are supported, got "
                         f"{tensor.shape}")
    out_per_group = tensor.shape[0] // groups
    n = min(out_per_group, tensor.shape[1])
    centre = tuple(k // 2 for k in tensor.shape[2:])
    size = 1
    for s in tensor.shape:
        size *= s
    flat = [0.0] * size
    strides, acc = [], 1
    for s in reversed(tensor.shape):
        strides.insert(0, acc)
        acc *= s
    for g in range(groups):
        for i in range(n):
            index = (g * out_per_group + i, i) + centre
            flat[sum(a * s for a, s in zip(index, strides))] = 1.0
    value = lucid.tensor(flat, dtype=tensor.dtype, device=tensor.device).reshape(tensor.shape)
    return _fill(tensor, value)


def xavier_uniform_(tensor: Tensor, gain: float = 1.0, generator=None) -> Tensor:
    """Glorot: ``U(-a, a)`` with ``a = gain * sqrt(6 / (fan_in + fan_out))``."""
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    a = gain * math.sqrt(6.0 / float(fan_in + fan_out))
    return uniform_(tensor, -a, a)


def xavier_normal_(tensor: Tensor, gain: float = 1.0, generator=None) -> Tensor:
    """Glorot: ``N(0, std^2)`` with ``std = gain * sqrt(2 / (fan_in + fan_out))``."""
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return normal_(tensor, 0.0, gain * math.sqrt(2.0 / float(fan_in + fan_out)))


def kaiming_uniform_(tensor: Tensor, a: float = 0, mode: str = "fan_in",
                     nonlinearity: str = "leaky_relu", generator=None) -> Tensor:
    """He: ``U(-bound, bound)`` with ``bound = gain * sqrt(3 / fan)``,
    ``gain = calculate_gain(nonlinearity, a)``."""
    if 0 in tensor.shape:
        return tensor
    fan = _calculate_correct_fan(tensor, mode)
    bound = calculate_gain(nonlinearity, a) * math.sqrt(3.0 / fan)
    return uniform_(tensor, -bound, bound)


def kaiming_normal_(tensor: Tensor, a: float = 0, mode: str = "fan_in",
                    nonlinearity: str = "leaky_relu", generator=None) -> Tensor:
    """He: ``N(0, std^2)`` with ``std = gain / sqrt(fan)``."""
    if 0 in tensor.shape:
        return tensor
    fan = _calculate_correct_fan(tensor, mode)
    return normal_(tensor, 0.0, calculate_gain(nonlinearity, a) / math.sqrt(fan))


def trunc_normal_(tensor: Tensor, mean: float = 0.0, std: float = 1.0, a: float = -2.0,
                  b: float = 2.0, generator=None) -> Tensor:
    """``N(mean, std^2)`` conditioned on ``[a, b]``: draws outside are redrawn until
    every value lies inside (exact rejection sampling)."""
    import lucid

    if not a < b:
        raise ValueError(f"trunc_normal_: need a < b, got a={a}, b={b}")
    if tensor.device.type == "meta":  # no values to draw (the loop below reads them)
        return tensor
    with no_grad():
        x = _draw_normal(mean, std, tensor.shape, dtype=tensor.dtype, device=tensor.device)
        for _ in range(1000):
            outside = (x < a) | (x > b)
            if not bool(outside.sum() > 0):
                break
            x = lucid.where(outside, _draw_normal(mean, std, tensor.shape, dtype=tensor.dtype,
                                            device=tensor.device), x)
        else:
            raise ValueError(f"trunc_normal_: [a, b] = [{a}, {b}] is too far from the mean "
                             f"{mean} for std {std}")
    return _fill(tensor, x)


def orthogonal_(tensor: Tensor, gain: float = 1.0, generator=None) -> Tensor:
    """A (semi-)orthogonal matrix from the QR decomposition of a Gaussian matrix
    (signs fixed by ``diag(R)``), reshaped to ``tensor``'s shape and scaled by ``gain``."""
    import lucid

    if tensor.ndim < 2:
        raise ValueError(f"orthogonal_: only tensors with 2 or more dimensions are "
                         f"supported, got shape {tensor.shape}")
    if tensor.numel() == 0:
        return tensor
    rows = tensor.shape[0]
    cols = tensor.numel() // rows
    with no_grad():
        flat = _draw_normal(0.0, 1.0, (rows, cols), dtype=tensor.dtype, device=tensor.device)
        if rows < cols:
            flat = flat.mT
        q, r = lucid.linalg.qr(flat)
        d = lucid.sum(r * lucid.eye(r.shape[0], r.shape[1], dtype=r.dtype, device=r.device),
                      axis=0)
        q = q * lucid.sign(d)
        if rows < cols:
            q = q.mT
    return _fill(tensor, (q * gain).reshape(tensor.shape))


def sparse_(tensor: Tensor, sparsity: float, std: float = 0.01, generator=None) -> Tensor:
    """A 2-D ``N(0, std^2)`` matrix with a fraction ``sparsity`` of each column zeroed."""
    import lucid

    if tensor.ndim != 2:
        raise ValueError(f"sparse_: only 2-D tensors are supported, got {tensor.shape}")
    rows, cols = tensor.shape
    n_zeros = int(math.ceil(sparsity * rows))
    with no_grad():
        values = _draw_normal(0.0, std, (rows, cols), dtype=tensor.dtype, device=tensor.device)
        ranks = lucid.argsort(lucid.rand(rows, cols, device=tensor.device), axis=0)
        values = lucid.where(ranks < n_zeros, 0.0, values)
    return _fill(tensor, values)


# -- names without "_": the original Lucid's, and PyTorch's deprecated aliases ------------
# Both fill the tensor in place, as their "_" twins do (before, ``init.normal`` was the
# random sampler and left the weight unchanged: a silent no-op).
def uniform(tensor: Tensor, a: float = 0.0, b: float = 1.0) -> Tensor:
    """Original name of :func:`uniform_`: fill ``tensor`` in place from ``U(a, b)``."""
    return uniform_(tensor, a, b)


def normal(tensor: Tensor, mean: float = 0.0, std: float = 1.0) -> Tensor:
    """Original name of :func:`normal_`: fill ``tensor`` in place from ``N(mean, std^2)``."""
    return normal_(tensor, mean, std)


def constant(tensor: Tensor, val: float) -> Tensor:
    """Original name of :func:`constant_`: fill ``tensor`` in place with ``val``."""
    return constant_(tensor, val)


def xavier_uniform(tensor: Tensor, gain: float = 1.0) -> Tensor:
    """Original name of :func:`xavier_uniform_` (in place)."""
    return xavier_uniform_(tensor, gain)


def xavier_normal(tensor: Tensor, gain: float = 1.0) -> Tensor:
    """Original name of :func:`xavier_normal_` (in place)."""
    return xavier_normal_(tensor, gain)


def _kaiming_args(a, mode, nonlinearity):
    # The original spelled ``kaiming_normal(w, mode)``: a string in ``a``'s place is the mode.
    if isinstance(a, str):
        return 0, a, nonlinearity
    return a, mode, nonlinearity


def kaiming_uniform(tensor: Tensor, a=0, mode: str = "fan_in",
                    nonlinearity: str = "leaky_relu") -> Tensor:
    """Original name of :func:`kaiming_uniform_` (in place); ``kaiming_uniform(w, "fan_out")``
    is the original's positional ``mode``."""
    return kaiming_uniform_(tensor, *_kaiming_args(a, mode, nonlinearity))


def kaiming_normal(tensor: Tensor, a=0, mode: str = "fan_in",
                   nonlinearity: str = "leaky_relu") -> Tensor:
    """Original name of :func:`kaiming_normal_` (in place); ``kaiming_normal(w, "fan_out")``
    is the original's positional ``mode``."""
    return kaiming_normal_(tensor, *_kaiming_args(a, mode, nonlinearity))


def orthogonal(tensor: Tensor, gain: float = 1.0) -> Tensor:
    """PyTorch's deprecated name of :func:`orthogonal_` (in place)."""
    return orthogonal_(tensor, gain)


def sparse(tensor: Tensor, sparsity: float, std: float = 0.01) -> Tensor:
    """PyTorch's deprecated name of :func:`sparse_` (in place)."""
    return sparse_(tensor, sparsity, std)
