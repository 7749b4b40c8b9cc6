"""Core shape ops: ``reshape``, ``permute``/``transpose``, ``broadcast_to``/``expand``, and
the functions that are only a reshape or a permute: ``squeeze``, ``unsqueeze``,
``expand_dims``, ``ravel``, ``flatten``, ``unflatten``, ``movedim``/``moveaxis``.

``reshape``/``view`` and ``permute`` results (and so ``squeeze``, ``flatten``,
``transpose``, ``movedim``, ...) are write-through views (:mod:`lucid.ops._views`).

Other shape functions (cat, stack, split, pad, tile, roll, tril, ...) live in the
``shape_*`` modules and are built from these and from their own ops.

Two conventions for ``squeeze``: the NumPy spelling (``lucid.squeeze(x, 1)``,
``squeeze(x, axis=1)``) raises when a chosen axis is not of size 1; the PyTorch spelling
(``x.squeeze(1)``, ``squeeze(x, dim=1)``) leaves such an axis alone.
"""

from __future__ import annotations

from lucid.errors import ShapeError
from lucid.ops._args import normalize_axes, normalize_axis, shape_arg
from lucid.ops._views import mark_view
from lucid.ops.registry import Op, apply, register
from lucid.spellings import original_keywords
from lucid.tensor import Tensor, tensor_method

__all__ = [
    "reshape", "permute", "transpose", "swapaxes", "broadcast_to", "expand", "expand_as",
    "reshape_as", "squeeze", "unsqueeze", "expand_dims", "ravel", "flatten", "unflatten",
    "movedim", "moveaxis", "swapdims", "contiguous", "t",
]


@register
class Reshape(Op):
    """``y = x`` viewed with a new shape of the same size; ``dx = reshape(dy, x.shape)``."""

    name = "reshape"
    save_inputs = ()

    def check(self, x, shape):
        size = 1
        for s in shape:
            size *= s
        if size != x.size:
            raise ShapeError(f"reshape: cannot reshape tensor of shape {x.shape} "
                             f"({int(x.size)} elements) into shape {shape}")

    def vjp(self, k, node, g):
        return k.reshape(g, shape=tuple(node.in_shapes[0]))


@register
class Permute(Op):
    """``y = x`` with axes reordered by ``axes``; ``dx = permute(dy, argsort(axes))``."""

    name = "permute"
    save_inputs = ()

    def check(self, x, axes):
        if sorted(axes) != list(range(x.ndim)):
            raise ShapeError(f"permute: axes {axes} are not a permutation of the "
                             f"{x.ndim} dims of shape {x.shape}")

    def vjp(self, k, node, g):
        axes = node.params["axes"]
        inverse = tuple(sorted(range(len(axes)), key=axes.__getitem__))
        return k.permute(g, axes=inverse)


@register
class BroadcastTo(Op):
    """``y = x`` broadcast to ``shape``; ``dx = sum of dy over broadcast axes`` (done by
    the engine)."""

    name = "broadcast_to"
    save_inputs = ()

    def check(self, x, shape):
        lead = len(shape) - x.ndim
        if lead < 0 or any(n not in (1, m) for n, m in zip(x.shape, shape[lead:])):
            raise ShapeError(f"broadcast_to: cannot broadcast shape {x.shape} to {shape}")

    def vjp(self, k, node, g):
        return g


def _resolve_shape(x: Tensor, shape) -> tuple[int, ...]:
    """Replace a single ``-1`` by the size that makes the element count match."""
    if -1 not in shape:
        return shape
    if shape.count(-1) > 1:
        raise ShapeError(f"reshape: only one dimension can be -1, got {shape}")
    known = 1
    for s in shape:
        if s != -1:
            known *= s
    if known == 0 or x.size % known:
        raise ShapeError(f"reshape: cannot reshape tensor of shape {x.shape} into {shape}")
    return tuple(x.size // known if s == -1 else s for s in shape)


@tensor_method("reshape", "view")
def reshape(x: Tensor, *shape) -> Tensor:
    """``x`` with a new shape (one entry may be -1)."""
    shape = _resolve_shape(x, shape_arg(shape))
    if shape == x.shape:
        return x
    out = apply("reshape", x, shape=shape)
    return mark_view(out, x, lambda v: apply("reshape", v, shape=x.shape))


@tensor_method("permute")
def permute(x: Tensor, *axes) -> Tensor:
    """Reorder the axes of ``x``: ``permute(x, (2, 0, 1))``."""
    axes = tuple(a % max(x.ndim, 1) for a in shape_arg(axes))
    out = apply("permute", x, axes=axes)
    inverse = tuple(sorted(range(len(axes)), key=axes.__getitem__))
    return mark_view(out, x, lambda v: apply("permute", v, axes=inverse))


def transpose(x: Tensor, axes=None, dim1=None, *, dim0=None) -> Tensor:
    """NumPy spelling: reverse the axes (``axes=None``) or permute them by ``axes``.
    Two dims (``transpose(x, 0, 1)``, ``dim0=``/``dim1=``) swap them, as PyTorch's."""
    if dim0 is not None:
        axes = dim0
    if dim1 is not None:
        return swapaxes(x, axes, dim1)
    if axes is None:
        axes = tuple(reversed(range(x.ndim)))
    return permute(x, tuple(axes))


@tensor_method("transpose")
def _transpose_method(x: Tensor, *dims, **aliases) -> Tensor:
    """``x.transpose(0, 1)`` swaps two dims (PyTorch); ``x.transpose()`` reverses the axes
    and ``x.transpose((2, 0, 1))`` / ``x.transpose(axes=...)`` permutes them (NumPy and the
    original Lucid); three or more ints permute too (NumPy's ``x.transpose(2, 0, 1)``)."""
    if aliases:
        kw = original_keywords("transpose", aliases,
                               {"axes": "axes", "dim0": "dim0", "dim1": "dim1"})
        if "axes" in kw:
            if dims:
                raise TypeError("transpose(): axes given positionally and as axes=")
            return transpose(x, kw["axes"])
        dims = dims + tuple(kw[k] for k in ("dim0", "dim1") if k in kw)
    if len(dims) == 2:
        return swapaxes(x, dims[0], dims[1])
    if len(dims) == 1:
        return transpose(x, dims[0])
    return transpose(x, dims or None)


@tensor_method("swapaxes")
def swapaxes(x: Tensor, dim0: int = None, dim1: int = None, **aliases) -> Tensor:
    """Swap two axes (PyTorch's ``x.transpose(0, 1)``; ``axis1=``/``axis2=`` as NumPy and
    the original Lucid spell them)."""
    if aliases:
        kw = original_keywords("swapaxes", aliases, {"axis1": "dim0", "axis2": "dim1",
                                                     "axis0": "dim0"}, dim0=dim0, dim1=dim1)
        dim0, dim1 = kw["dim0"], kw["dim1"]
    if dim0 is None or dim1 is None:
        raise TypeError(f"swapaxes(): two axes are needed, got {dim0!r} and {dim1!r}")
    axes = list(range(x.ndim))
    d0, d1 = dim0 % max(x.ndim, 1), dim1 % max(x.ndim, 1)
    axes[d0], axes[d1] = axes[d1], axes[d0]
    return permute(x, tuple(axes))


@tensor_method("t")
def t(x: Tensor) -> Tensor:
    """PyTorch's ``t``: a 2-d tensor transposed; 0-d and 1-d tensors as they are."""
    if x.ndim > 2:
        raise ShapeError(f"t: expects a tensor of at most 2 dims, got shape {x.shape}")
    return permute(x, (1, 0)) if x.ndim == 2 else x


Tensor.T = property(lambda self: transpose(self))
Tensor.mT = property(lambda self: swapaxes(self, -2, -1))


@tensor_method("broadcast_to")
def broadcast_to(x: Tensor, *shape) -> Tensor:
    """``x`` broadcast (NumPy rules) to ``shape``."""
    shape = shape_arg(shape)
    if shape == x.shape:
        return x
    return apply("broadcast_to", x, shape=shape)


@tensor_method("expand")
def expand(x: Tensor, *shape) -> Tensor:
    """PyTorch's ``expand``: ``broadcast_to`` where ``-1`` keeps a dimension."""
    shape = shape_arg(shape)
    lead = len(shape) - x.ndim
    shape = tuple(x.shape[i - lead] if s == -1 else s for i, s in enumerate(shape))
    return broadcast_to(x, shape)


@tensor_method("expand_as")
def expand_as(x: Tensor, other: Tensor) -> Tensor:
    return broadcast_to(x, other.shape)


@tensor_method("view_as", "reshape_as")
def reshape_as(x: Tensor, other: Tensor) -> Tensor:
    return reshape(x, other.shape)


# -- functions that are a reshape ------------------------------------------------------
def _squeeze(x: Tensor, axes, strict: bool) -> Tensor:
    op = "squeeze"
    if axes is None:
        return reshape(x, tuple(n for n in x.shape if n != 1))
    axes = normalize_axes(axes, x.ndim, op) if x.ndim else ()
    if strict:
        bad = [a for a in axes if x.shape[a] != 1]
        if bad:
            raise ShapeError(f"squeeze: cannot select an axis to squeeze out which has size "
                             f"not equal to one: axis {bad[0]} of shape {x.shape}")
    return reshape(x, tuple(n for i, n in enumerate(x.shape) if not (i in axes and n == 1)))


def squeeze(x: Tensor, axis=None, *, dim=None) -> Tensor:
    """Remove axes of size 1: all of them, or those in ``axis``/``dim`` (int or tuple).

    ``axis=`` (or a positional axis) is NumPy's rule: choosing an axis whose size is not 1
    raises ShapeError. ``dim=`` is PyTorch's: such an axis is left as it is.
    """
    if dim is not None:
        return _squeeze(x, dim, strict=False)
    return _squeeze(x, axis, strict=True)


@tensor_method("squeeze")
def _squeeze_method(x: Tensor, dim=None, *, axis=None) -> Tensor:
    """``x.squeeze(dim)``: PyTorch's rule (an axis of size other than 1 is kept)."""
    if axis is not None:
        return _squeeze(x, axis, strict=True)
    return _squeeze(x, dim, strict=False)


@tensor_method("unsqueeze")
def unsqueeze(x: Tensor, dim: int = None, **aliases) -> Tensor:
    """Insert an axis of size 1 at position ``dim`` of the result (``-1``: last); the
    original Lucid's ``axis=`` may be a tuple of positions, as ``expand_dims``."""
    if aliases:
        dim = original_keywords("unsqueeze", aliases, {"axis": "dim"}, dim=dim)["dim"]
    if dim is None:
        raise TypeError("unsqueeze(): missing the position dim")
    return expand_dims(x, dim, op="unsqueeze")


def expand_dims(x: Tensor, axis, op: str = "expand_dims") -> Tensor:
    """NumPy's ``expand_dims``: insert axes of size 1 at positions ``axis`` (int or tuple)
    of the result."""
    axes = (axis,) if isinstance(axis, int) or hasattr(axis, "__index__") else tuple(axis)
    axes = normalize_axes(axes, x.ndim + len(axes), op)
    dims = iter(x.shape)
    return reshape(x, tuple(1 if i in axes else next(dims) for i in range(x.ndim + len(axes))))


@tensor_method("ravel")
def ravel(x: Tensor) -> Tensor:
    """``x`` as a 1-d tensor (row-major order)."""
    return reshape(x, (x.size,))


@tensor_method("flatten")
def flatten(x: Tensor, start_dim: int = 0, end_dim: int = -1, **aliases) -> Tensor:
    """Merge dims ``start_dim..end_dim`` (inclusive) into one: ``(2, 3, 4) -> (2, 12)`` for
    ``flatten(x, 1)``. A 0-d tensor becomes shape ``(1,)``. The original Lucid's
    ``start_axis=``/``end_axis=`` mean the same."""
    if aliases:
        kw = original_keywords("flatten", aliases,
                               {"start_axis": "start_dim", "end_axis": "end_dim"},
                               start_dim=start_dim or None,
                               end_dim=None if end_dim == -1 else end_dim)
        start_dim = 0 if kw["start_dim"] is None else kw["start_dim"]
        end_dim = -1 if kw["end_dim"] is None else kw["end_dim"]
    if x.ndim == 0:
        return reshape(x, (1,))
    start = normalize_axis(start_dim, x.ndim, "flatten")
    end = normalize_axis(end_dim, x.ndim, "flatten")
    if start > end:
        raise ShapeError(f"flatten: start_dim {start_dim} comes after end_dim {end_dim} "
                         f"for shape {x.shape}")
    merged = 1
    for n in x.shape[start:end + 1]:
        merged *= n
    return reshape(x, x.shape[:start] + (merged,) + x.shape[end + 1:])


@tensor_method("unflatten")
def unflatten(x: Tensor, dim: int, sizes) -> Tensor:
    """Split dim ``dim`` into ``sizes`` (one entry may be -1): the inverse of ``flatten``."""
    d = normalize_axis(dim, x.ndim, "unflatten")
    sizes = tuple(int(s) for s in sizes)
    if -1 in sizes:
        known = 1
        for s in sizes:
            known *= s if s != -1 else 1
        sizes = tuple(x.shape[d] // max(known, 1) if s == -1 else s for s in sizes)
    total = 1
    for s in sizes:
        total *= s
    if total != x.shape[d]:
        raise ShapeError(f"unflatten: sizes {sizes} do not multiply to dim {dim} of size "
                         f"{x.shape[d]} (shape {x.shape})")
    return reshape(x, x.shape[:d] + sizes + x.shape[d + 1:])


# -- functions that are a permute ------------------------------------------------------
@tensor_method("movedim", "moveaxis")
def movedim(x: Tensor, source, destination) -> Tensor:
    """Move dims ``source`` (int or tuple) to positions ``destination``; the others keep
    their order."""
    src = (source,) if hasattr(source, "__index__") else tuple(source)
    dst = (destination,) if hasattr(destination, "__index__") else tuple(destination)
    if len(src) != len(dst):
        raise ValueError(f"movedim: source {source} and destination {destination} differ "
                         "in length")
    src = [normalize_axis(a, x.ndim, "movedim") for a in src]
    dst = [normalize_axis(a, x.ndim, "movedim") for a in dst]
    if len(set(src)) != len(src) or len(set(dst)) != len(dst):
        raise ValueError(f"movedim: repeated dim in source {source} or destination "
                         f"{destination}")
    rest = iter(a for a in range(x.ndim) if a not in src)
    placed = dict(zip(dst, src))
    axes = tuple(placed[i] if i in placed else next(rest) for i in range(x.ndim))
    if axes == tuple(range(x.ndim)):
        return x
    return permute(x, axes)


moveaxis = movedim
swapdims = swapaxes
Tensor.swapdims = swapaxes


@tensor_method("contiguous")
def contiguous(x: Tensor, memory_format=None) -> Tensor:
    """``x`` itself: Lucid tensors have no strides to make contiguous."""
    return x


Tensor.is_contiguous = lambda self, memory_format=None: True
