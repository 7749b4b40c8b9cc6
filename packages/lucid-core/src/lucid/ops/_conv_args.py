"""Argument normalisation shared by convolution, pooling and unfold/fold.

Public functions accept PyTorch's spellings (an int or a tuple per spatial dim,
``padding="same"``) and pass canonical parameters to the ops: tuples of ints, and
padding as one ``(before, after)`` pair per spatial dim.
"""

from __future__ import annotations

from lucid.errors import ShapeError


def ntuple(value, n: int, what: str, op: str, minimum: int | None = None) -> tuple[int, ...]:
    """``3`` -> ``(3, 3)``; ``(1, 2)`` stays; the length must be ``n`` (or 1)."""
    if isinstance(value, (tuple, list)):
        values = tuple(int(v) for v in value)
        if len(values) == 1:
            values = values * n
    else:
        values = (int(value),) * n
    if len(values) != n:
        raise ValueError(f"{op}: {what} must be an int or a tuple of {n} ints, got {value!r}")
    if minimum is not None and any(v < minimum for v in values):
        raise ValueError(f"{op}: {what} must be >= {minimum}, got {value!r}")
    return values


def pad_pairs(padding, n: int, op: str) -> tuple[tuple[int, int], ...]:
    """Symmetric int padding per dim -> ``((p, p), ...)``."""
    return tuple((p, p) for p in ntuple(padding, n, "padding", op, minimum=0))


def conv_padding(padding, n: int, kernel, dilation, stride, op: str):
    """Padding pairs from an int/tuple or from ``"valid"``/``"same"`` (PyTorch rules:
    ``"same"`` needs stride 1 and puts the odd extra element after)."""
    if isinstance(padding, str):
        if padding == "valid":
            return ((0, 0),) * n
        if padding == "same":
            if any(s != 1 for s in stride):
                raise ValueError(f"{op}: padding='same' is not supported for strided "
                                 f"convolutions (stride={stride})")
            pairs = []
            for k, d in zip(kernel, dilation):
                total = d * (k - 1)
                pairs.append((total // 2, total - total // 2))
            return tuple(pairs)
        raise ValueError(f"{op}: padding must be 'valid', 'same', an int or a tuple, "
                         f"got {padding!r}")
    return pad_pairs(padding, n, op)


def window_count(size: int, pad: tuple[int, int], kernel: int, stride: int, dilation: int,
                 ceil_mode: bool = False) -> int:
    """Number of window positions along one dim:
    ``floor((size + lo + hi - dilation*(kernel-1) - 1) / stride) + 1`` (ceil in ceil_mode,
    where the last window must start inside the input or the left padding)."""
    span = size + pad[0] + pad[1] - dilation * (kernel - 1) - 1
    if span < 0:
        return 0
    if not ceil_mode:
        return span // stride + 1
    count = -(-span // stride) + 1
    if (count - 1) * stride >= size + pad[0]:
        count -= 1
    return count


def output_spatial(op: str, in_shape, spatial, kernel, stride, padding, dilation,
                   ceil_mode: bool = False) -> tuple[int, ...]:
    """Output spatial sizes; ShapeError naming the op when a window does not fit."""
    out = tuple(window_count(s, p, k, st, d, ceil_mode)
                for s, p, k, st, d in zip(spatial, padding, kernel, stride, dilation))
    if any(o < 1 for o in out):
        raise ShapeError(f"{op}: kernel size {tuple(kernel)} (dilation {tuple(dilation)}) is "
                         f"larger than the padded input: input shape {tuple(in_shape)}, "
                         f"padding {tuple(padding)}")
    return out


def batchify(x, nd: int, op: str):
    """Accept batched ``(N, C, *spatial)`` or unbatched ``(C, *spatial)`` input; returns
    the batched tensor and whether a batch dim was added."""
    if x.ndim == nd + 2:
        return x, False
    if x.ndim == nd + 1:
        return x.reshape((1,) + x.shape), True
    raise ShapeError(f"{op}: expected a {nd + 2}-D (batched) or {nd + 1}-D (unbatched) "
                     f"input, got shape {x.shape}")
