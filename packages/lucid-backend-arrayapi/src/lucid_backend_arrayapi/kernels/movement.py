"""Shape and movement kernels: reshape, permute, broadcast, concatenate, split, pad, roll,
tril, triu.

``split`` slices at the given offsets; ``pad`` writes ``x`` into a ``full`` array of the
padded shape (:func:`.update.place`, since the standard has no pad); ``tril``/``triu``
keep ``x`` where ``col - row <= k`` (``>= k``) on the last two axes.
"""

from __future__ import annotations

from lucid_backend_arrayapi.kernels.update import place


def kernels(b) -> dict:
    xp = b.xp

    def reshape(x, *, shape):
        return xp.reshape(x, tuple(shape))

    def permute(x, *, axes):
        return xp.permute_dims(x, tuple(axes))

    def broadcast_to(x, *, shape):
        return xp.broadcast_to(x, tuple(shape))

    def concatenate(*xs, axis):
        return xp.concat(xs, axis=axis)

    def split(x, *, indices, axis):
        bounds = [0, *indices, x.shape[axis]]
        lead = (slice(None),) * (axis % x.ndim)
        return tuple(x[(*lead, slice(lo, max(lo, hi)), ...)] for lo, hi in zip(bounds, bounds[1:]))

    def pad(x, *, pad_width, value):
        shape = tuple(n + lo + hi for n, (lo, hi) in zip(x.shape, pad_width))
        out = xp.full(shape, value, dtype=x.dtype, device=b.device)
        region = tuple(slice(lo, lo + n) for n, (lo, _) in zip(x.shape, pad_width))
        return place(b, out, region, x)

    def roll(x, *, shifts, axes):
        return xp.roll(x, shift=tuple(shifts), axis=tuple(axes))

    def triangle(keep):
        def run(x, *, k):
            rows = xp.arange(x.shape[-2], device=b.device)[:, None]
            cols = xp.arange(x.shape[-1], device=b.device)[None, :]
            return xp.where(keep(cols - rows, k), x, xp.zeros_like(x))

        return run

    return {"reshape": reshape, "permute": permute, "broadcast_to": broadcast_to,
            "concatenate": concatenate, "split": split, "pad": pad, "roll": roll,
            "tril": triangle(lambda d, k: d <= k), "triu": triangle(lambda d, k: d >= k)}
