"""Writing into arrays without assuming they are mutable (JAX's are not).

Every indexed write is reduced to flat positions computed on the host (index values are
host data already, see ``lucid.ops._index``): ``positions = arange(size).reshape(shape)
[index]``. A *set* then is ``out = where(written, take(values, source), base)`` where
``source[p]`` is the last value written to position ``p``; an *add* repeats that in
rounds, each round adding at most one value per position (round ``r`` holds every
position's ``r``-th occurrence), so repeated positions accumulate exactly. Libraries with
a native scatter use it instead (NumPy's ``add.at``, JAX's ``.at[]``, PyTorch's
``index_put_``, CuPy's ``scatter_add``).
"""

from __future__ import annotations

import numpy as np


def flat_positions(shape, index) -> np.ndarray:
    """The flat positions selected by ``arange(prod(shape)).reshape(shape)[index]``."""
    return np.arange(int(np.prod(shape)), dtype=np.int64).reshape(shape)[index]


def place(b, out, region, value):
    """``out`` with ``out[region] = value`` (``region``: ints and slices); ``out`` is a
    fresh array, written in place where the library allows."""
    if b.library == "jax":
        return out.at[region].set(value)
    out[region] = value
    return out


def scatter(b, base, positions: np.ndarray, values, add: bool):
    """``base`` (any shape) with ``values`` (shape of ``positions``, broadcastable) set at,
    or added to, flat ``positions``; a new array, ``base`` is untouched."""
    xp = b.xp
    positions = positions.reshape(-1)
    values = xp.reshape(xp.broadcast_to(values, (positions.size,)) if values.ndim == 0 else
                        values, (-1,))
    flat = xp.reshape(base, (-1,))
    native = _NATIVE.get(b.library)
    if native is not None:
        out = native(b, flat, positions, values, add)
    elif not add:
        out = _set(b, flat, positions, values)
    else:
        out = flat
        for part in _rounds(positions):
            out = out + _set(b, xp.zeros_like(flat), positions[part],
                             xp.take(values, b.from_numpy(part)))
    return xp.reshape(out, base.shape)


def _set(b, flat, positions, values):
    if positions.size == 0:
        return b.xp.asarray(flat, copy=True)
    source = np.full(flat.shape[0], -1, dtype=np.int64)
    source[positions] = np.arange(positions.size)  # NumPy: the last write wins
    written = b.from_numpy(source >= 0)
    taken = b.xp.take(values, b.from_numpy(np.maximum(source, 0)))
    return b.xp.where(written, taken, flat)


def _rounds(positions: np.ndarray) -> list[np.ndarray]:
    """Indices into ``positions`` split so that no round repeats a position."""
    order = np.argsort(positions, kind="stable")
    sorted_pos = positions[order]
    starts = np.r_[0, np.flatnonzero(np.diff(sorted_pos)) + 1]
    rank = np.arange(positions.size) - np.repeat(starts, np.diff(np.r_[starts,
                                                                       positions.size]))
    return [order[rank == r] for r in range(int(rank.max(initial=-1)) + 1)]


def _numpy(b, flat, positions, values, add):
    out = np.array(flat, copy=True)
    if add:
        np.add.at(out, positions, values)
    else:
        out[positions] = values
    return out


def _jax(b, flat, positions, values, add):
    at = flat.at[b.from_numpy(positions)]
    return at.add(values) if add else at.set(values)


def _torch(b, flat, positions, values, add):
    return flat.index_put((b.from_numpy(positions),), values, accumulate=add)


def _cupy(b, flat, positions, values, add):
    import cupyx

    out = flat.copy()
    if add:
        cupyx.scatter_add(out, b.from_numpy(positions), values)
    else:
        out[b.from_numpy(positions)] = values
    return out


_NATIVE = {"numpy": _numpy, "jax": _jax, "torch": _torch, "cupy": _cupy}
