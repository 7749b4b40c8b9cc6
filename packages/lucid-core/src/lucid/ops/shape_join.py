"""Joining and splitting: ``concatenate``/``cat``, ``stack``, ``hstack``, ``vstack``,
``dstack``, ``atleast_*d``, ``split``, ``array_split``, ``chunk``, ``unbind``, ``meshgrid``.

Two ops do the work and are each other's VJP:

* ``concatenate``: ``y = [x_0 | x_1 | ...]`` along ``axis``; ``dx_i = split(dy)[i]``.
* ``split``: ``y_i = x[..., c_i:c_{i+1}, ...]`` at the cut points ``indices`` (NumPy's
  convention) along ``axis``; ``dx = concatenate(dy_0, dy_1, ...)``.

``split`` means what PyTorch and the original Lucid both meant (``lucid.split(x, 2)``,
``x.split(2, axis=1)``, ``lucid.split(x, [2, 3], dim=0)``): an int is the size of each piece
(the last may be smaller), a list holds the piece sizes. NumPy's ``np.split`` (an int is a
number of equal sections, a list holds cut points) is spelled ``hsplit``/``vsplit``/
``array_split`` (and ``tensor_split``), which keep NumPy's meaning.
"""

from __future__ import annotations

from lucid.dtypes import result_type
from lucid.errors import ShapeError
from lucid.ops._args import normalize_axis, pick_axis
from lucid.ops._views import mark_view
from lucid.ops.registry import Op, apply, register
from lucid.ops.shape import expand_dims, reshape
from lucid.spellings import original_keywords
from lucid.tensor import Tensor, tensor_method

__all__ = [
    "concatenate", "cat", "concat", "stack", "hstack", "vstack", "dstack", "column_stack",
    "atleast_1d", "atleast_2d", "atleast_3d", "split", "array_split", "chunk", "unbind",
    "meshgrid", "hsplit", "vsplit", "tensor_split", "broadcast_tensors", "broadcast_arrays",
]


@register
class Concatenate(Op):
    """``y = [x_0 | x_1 | ...]`` along ``axis``; ``dx_i = split(dy, cut points)[i]``."""

    name = "concatenate"
    save_inputs = ()

    def check(self, *xs, axis):
        first = xs[0].shape
        for x in xs[1:]:
            if x.ndim != len(first) or any(a != b for i, (a, b) in enumerate(zip(x.shape, first))
                                           if i != axis):
                shapes = ", ".join(str(t.shape) for t in xs)
                raise ShapeError(f"concatenate: shapes {shapes} must match except in axis "
                                 f"{axis}")

    def vjp(self, k, node, g):
        if len(node.in_shapes) == 1:
            return (g,)
        axis = node.params["axis"]
        cuts, total = [], 0
        for shape in node.in_shapes[:-1]:
            total += shape[axis]
            cuts.append(total)
        return tuple(k.split(g, indices=tuple(cuts), axis=axis))


@register
class Split(Op):
    """``y_i = x[..., c_i:c_{i+1}, ...]`` along ``axis`` for cut points ``indices``
    (``c_0 = 0``, last = the axis size); ``dx = concatenate(dy_0, dy_1, ...)``."""

    name = "split"
    n_outputs = 0  # one output per piece: len(indices) + 1
    save_inputs = ()

    def check(self, x, indices, axis):
        if list(indices) != sorted(indices) or (indices and (
                indices[0] < 0 or indices[-1] > x.shape[axis])):
            raise ShapeError(f"split: cut points {indices} are not increasing within axis "
                             f"{axis} of shape {x.shape}")

    def vjp(self, k, node, *grads):
        return k.concatenate(*grads, axis=node.params["axis"])


_UNSET = object()  # an axis argument left out (NumPy's axis=None means "flatten")


def _axis_arg(axis, dim, op: str, default=0):
    if axis is _UNSET:
        axis = None
    a = pick_axis(axis, dim, op)
    return default if a is None else a


def concatenate(tensors, axis=_UNSET, *, dim=None, out=None, dtype=None) -> Tensor:
    """Join ``tensors`` along an existing axis (``axis=None``: flattened first). Dtypes are
    promoted (PyTorch rules). Legacy 1-d empty tensors are skipped as in PyTorch."""
    if out is not None:
        raise ValueError("concatenate: out= is not supported")
    tensors = list(tensors)
    if not tensors:
        raise ValueError("concatenate: expected a non-empty sequence of tensors")
    if axis is not _UNSET and dim is not None:
        raise ValueError(f"concatenate: pass axis or dim, not both (axis={axis}, dim={dim})")
    a = dim if axis is _UNSET else axis
    if a is None:
        tensors = [t.reshape(-1) for t in tensors]
        a = 0
    kept = [t for t in tensors if not (t.shape == (0,) and t.ndim < max(u.ndim for u in tensors))]
    tensors = kept or tensors[:1]
    if any(t.ndim == 0 for t in tensors):
        raise ShapeError("concatenate: zero-dimensional tensors cannot be concatenated "
                         f"(shapes {', '.join(str(t.shape) for t in tensors)})")
    a = normalize_axis(a, tensors[0].ndim, "concatenate")
    first = tensors[0].dtype
    target = dtype or (first if all(t.dtype is first for t in tensors) else
                       result_type(*tensors))
    if any(t.dtype != target for t in tensors):
        tensors = [t if t.dtype == target else t.astype(target) for t in tensors]
    return apply("concatenate", *tensors, axis=a)


def cat(tensors, dim=0, *, axis=None, out=None) -> Tensor:
    """PyTorch's name for :func:`concatenate`."""
    return concatenate(tensors, axis=dim if axis is None else axis, out=out)


concat = cat


def stack(tensors, axis=_UNSET, *, dim=None, out=None) -> Tensor:
    """Join tensors of one shape along a new axis: ``(3,) x 2 -> (2, 3)`` for ``axis=0``."""
    tensors = list(tensors)
    if not tensors:
        raise ValueError("stack: expected a non-empty sequence of tensors")
    shapes = {t.shape for t in tensors}
    if len(shapes) > 1:
        raise ShapeError(f"stack: all tensors must have the same shape, got "
                         f"{', '.join(str(t.shape) for t in tensors)}")
    a = normalize_axis(_axis_arg(axis, dim, "stack"), tensors[0].ndim + 1, "stack")
    return concatenate([expand_dims(t, a) for t in tensors], axis=a, out=out)


def atleast_1d(*tensors):
    """Each tensor with at least 1 dim (0-d -> ``(1,)``)."""
    out = [t.reshape(1) if t.ndim == 0 else t for t in _flat(tensors)]
    return out[0] if len(out) == 1 else tuple(out)


def atleast_2d(*tensors):
    """Each tensor with at least 2 dims: 0-d -> ``(1, 1)``, ``(n,)`` -> ``(1, n)``."""
    out = [t.reshape((1,) * (2 - t.ndim) + t.shape) if t.ndim < 2 else t
           for t in _flat(tensors)]
    return out[0] if len(out) == 1 else tuple(out)


def atleast_3d(*tensors):
    """Each tensor with at least 3 dims: ``(n,)`` -> ``(1, n, 1)``, ``(m, n)`` ->
    ``(m, n, 1)`` (NumPy's rule)."""
    def up(t):
        if t.ndim == 0:
            return t.reshape(1, 1, 1)
        if t.ndim == 1:
            return t.reshape(1, t.shape[0], 1)
        if t.ndim == 2:
            return t.reshape(t.shape + (1,))
        return t

    out = [up(t) for t in _flat(tensors)]
    return out[0] if len(out) == 1 else tuple(out)


def _flat(tensors):
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        return list(tensors[0])
    return list(tensors)


def hstack(tensors) -> Tensor:
    """Join along axis 1 (axis 0 when all inputs are 1-d or 0-d)."""
    ts = [atleast_1d(t) for t in tensors]
    return concatenate(ts, axis=0 if all(t.ndim == 1 for t in ts) else 1)


def vstack(tensors) -> Tensor:
    """Join along axis 0 after making every input at least 2-d (``(n,)`` -> ``(1, n)``)."""
    return concatenate([atleast_2d(t) for t in tensors], axis=0)


def dstack(tensors) -> Tensor:
    """Join along axis 2 after making every input at least 3-d."""
    return concatenate([atleast_3d(t) for t in tensors], axis=2)


def column_stack(tensors) -> Tensor:
    """1-d inputs become columns ``(n, 1)``; then join along axis 1."""
    return concatenate([t.reshape(-1, 1) if t.ndim <= 1 else t for t in tensors], axis=1)


# -- splitting -------------------------------------------------------------------------
def _split_at(x: Tensor, cuts, axis: int, op: str):
    """The pieces of ``x`` between the cut points ``cuts`` along ``axis``."""
    n = x.shape[axis]
    cuts = tuple(min(max(int(c) + (n if c < 0 else 0), 0), n) for c in cuts)
    cuts = tuple(max(c, cuts[i - 1]) if i else c for i, c in enumerate(cuts))
    if not cuts:
        return (x,)
    pieces = apply("split", x, indices=cuts, axis=axis)
    bounds = (0,) + cuts + (n,)
    for i, piece in enumerate(pieces):  # each piece is a write-through view of x
        index = (slice(None),) * axis + (slice(bounds[i], bounds[i + 1]),)
        mark_view(piece, x, lambda v, index=index: apply("setitem", x, v, index=index))
    return pieces


def _numpy_split(x: Tensor, indices_or_sections, axis: int, op: str, equal: bool):
    a = normalize_axis(axis, x.ndim, op)
    n = x.shape[a]
    if isinstance(indices_or_sections, int) or hasattr(indices_or_sections, "__index__") \
            and not isinstance(indices_or_sections, (list, tuple)):
        k = int(indices_or_sections)
        if k <= 0:
            raise ValueError(f"{op}: number of sections must be positive, got {k}")
        if equal and n % k:
            raise ShapeError(f"{op}: axis {axis} of size {n} (shape {x.shape}) does not split "
                             f"into {k} equal sections")
        size, extra = divmod(n, k)
        cuts, total = [], 0
        for i in range(k - 1):
            total += size + (1 if i < extra else 0)
            cuts.append(total)
        return list(_split_at(x, cuts, a, op))
    return list(_split_at(x, list(indices_or_sections), a, op))


def _torch_split(x: Tensor, split_size_or_sections, dim: int, op: str = "split"):
    d = normalize_axis(dim, x.ndim, op)
    n = x.shape[d]
    if isinstance(split_size_or_sections, (list, tuple)):
        sizes = [int(s) for s in split_size_or_sections]
        if sum(sizes) != n or any(s < 0 for s in sizes):
            raise ShapeError(f"{op}: sizes {sizes} do not add up to dim {dim} of size {n} "
                             f"(shape {x.shape})")
    else:
        size = int(split_size_or_sections)
        if size <= 0 and n:
            raise ValueError(f"{op}: split size must be positive, got {size}")
        sizes = [size] * (n // size) + ([n % size] if n % size else []) if n else [0]
    cuts, total = [], 0
    for s in sizes[:-1]:
        total += s
        cuts.append(total)
    return tuple(_split_at(x, cuts, d, op))


def split(x: Tensor, split_size_or_sections=None, axis=None, *, dim=None, **aliases):
    """Pieces of ``x`` along ``axis``/``dim`` (default 0): an int is the size of each piece
    (the last may be smaller), a list holds the piece sizes. PyTorch's and the original
    Lucid's meaning (``size_or_sections=`` is the original's keyword). Returns a tuple."""
    if aliases:
        split_size_or_sections = _split_alias(split_size_or_sections, aliases)
    if split_size_or_sections is None:
        raise TypeError("split: missing split_size_or_sections")
    if dim is not None and axis is not None:
        raise ValueError(f"split: pass axis or dim, not both (axis={axis}, dim={dim})")
    axis = dim if axis is None else axis
    return _torch_split(x, split_size_or_sections, 0 if axis is None else axis)


def _split_alias(given, aliases):
    extra = dict(aliases)
    value = extra.pop("size_or_sections", None)
    if extra:
        raise TypeError(f"split: unexpected keyword arguments {sorted(extra)}")
    if given is not None and value is not None:
        raise TypeError("split: pass split_size_or_sections or size_or_sections, not both")
    return given if value is None else value


tensor_method("split")(split)


def array_split(x: Tensor, indices_or_sections, axis: int = 0):
    """NumPy's ``array_split``: like ``split``, but ``k`` sections need not be equal (the
    first ``n % k`` get one element more)."""
    return _numpy_split(x, indices_or_sections, axis, "array_split", False)


def hsplit(x: Tensor, indices_or_sections):
    """``split`` along axis 1 (axis 0 for 1-d tensors)."""
    return _numpy_split(x, indices_or_sections, 1 if x.ndim > 1 else 0, "hsplit", True)


def vsplit(x: Tensor, indices_or_sections):
    """``split`` along axis 0 of a tensor with at least 2 dims."""
    return _numpy_split(x, indices_or_sections, 0, "vsplit", True)


@tensor_method("tensor_split")
def tensor_split(x: Tensor, indices_or_sections, dim: int = 0):
    """PyTorch's ``tensor_split``: NumPy's ``array_split`` returning a tuple."""
    return tuple(_numpy_split(x, indices_or_sections, dim, "tensor_split", False))


@tensor_method("chunk")
def chunk(x: Tensor, chunks: int, dim: int = 0, **aliases):
    """PyTorch's ``chunk``: pieces of size ``ceil(n / chunks)`` along ``dim`` (the last may
    be smaller, and there may be fewer than ``chunks`` pieces); ``axis=`` as the original."""
    if aliases:
        dim = original_keywords("chunk", aliases, {"axis": "dim"}, dim=dim or None)["dim"] or 0
    if chunks <= 0:
        raise ValueError(f"chunk: number of chunks must be positive, got {chunks}")
    d = normalize_axis(dim, x.ndim, "chunk")
    n = x.shape[d]
    size = -(-n // chunks) if n else 1
    return _torch_split(x, size if n else [0], d, "chunk")


@tensor_method("unbind")
def unbind(x: Tensor, dim: int = 0, **aliases):
    """The slices of ``x`` along ``dim``, that dim removed: ``(2, 3) -> two (3,)``
    (``axis=`` as the original Lucid)."""
    if aliases:
        dim = original_keywords("unbind", aliases, {"axis": "dim"}, dim=dim or None)["dim"] or 0
    d = normalize_axis(dim, x.ndim, "unbind")
    n = x.shape[d]
    if n == 0:
        return ()
    shape = x.shape[:d] + x.shape[d + 1:]
    return tuple(reshape(p, shape) for p in _split_at(x, range(1, n), d, "unbind"))


def _iter(x: Tensor):
    if x.ndim == 0:
        raise TypeError("iteration over a 0-d tensor")
    return iter(unbind(x, 0))


Tensor.__iter__ = _iter
Tensor.__contains__ = lambda self, element: bool((self == element).any().item())


def meshgrid(*tensors, indexing: str = "ij"):
    """Coordinate grids from 1-d tensors: output ``i`` holds ``tensors[i]`` repeated along
    every other dim. ``indexing="ij"`` (PyTorch's default) gives shape ``(n0, n1, ...)``;
    ``"xy"`` (NumPy's default) swaps the first two dims. Outputs are broadcast views."""
    ts = _flat(tensors)
    if indexing not in ("ij", "xy"):
        raise ValueError(f"meshgrid: indexing must be 'ij' or 'xy', got {indexing!r}")
    ts = [t.reshape(-1) for t in ts]
    sizes = [t.shape[0] for t in ts]
    k = len(ts)
    pos = list(range(k))
    if indexing == "xy" and k >= 2:
        pos[0], pos[1] = 1, 0
    shape = [0] * k
    for i, p in enumerate(pos):
        shape[p] = sizes[i]
    out = []
    for i, t in enumerate(ts):
        view = [1] * k
        view[pos[i]] = sizes[i]
        out.append(t.reshape(tuple(view)).broadcast_to(tuple(shape)))
    return tuple(out)


def broadcast_tensors(*tensors):
    """The tensors broadcast (NumPy rules) to their common shape, as broadcast views."""
    from lucid.ops.arithmetic import broadcast_shapes

    ts = _flat(tensors)
    shape = broadcast_shapes("broadcast_tensors", *[t.shape for t in ts])
    return tuple(t.broadcast_to(shape) for t in ts)


broadcast_arrays = broadcast_tensors
