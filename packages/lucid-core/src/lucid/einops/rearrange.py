"""``rearrange``, ``reduce`` and ``repeat``: einops' three shape operations, on Lucid ops.

All three follow one recipe, built from the parsed pattern (:mod:`lucid.einops.pattern`):

1. ``reshape`` the input to its *elementary* axes (every composite ``(h w)`` split into ``h, w``;
   the size of at most one unknown axis per group is the dim divided by the known ones);
2. ``reduce`` only: reduce over the axes missing on the right (``sum``, ``mean``, ...);
3. ``permute`` the remaining axes into the order of the right side;
4. ``repeat`` only: insert the new axes with size 1 and ``broadcast_to`` their sizes;
5. ``reshape`` to the right side's groups (composites merged row-major).

Every step is an existing differentiable op (``reshape``, ``permute``, the reductions,
``broadcast_to``), so gradients flow through without a VJP of its own: the gradient of
``rearrange`` is the inverse rearrangement, of ``repeat`` a sum over the repeated axes, of
``reduce(..., "mean")`` the gradient spread evenly over each reduced group.
"""

from __future__ import annotations

import lucid
from lucid.einops.pattern import (
    ELLIPSIS,
    check_lengths,
    parse_side,
    product,
    split_arrow,
)
from lucid.errors import ShapeError
from lucid.tensor import Tensor

__all__ = ["rearrange", "reduce", "repeat"]

_REDUCTIONS = {
    "sum": lucid.sum, "mean": lucid.mean, "max": lucid.amax, "min": lucid.amin,
    "prod": lucid.prod, "any": lucid.any, "all": lucid.all,
}


def rearrange(tensor, pattern: str, **axes_lengths) -> Tensor:
    """Reorder, merge and split dims by a pattern (transpose, reshape, squeeze, stack...).

    ``rearrange(x, "b c h w -> b h w c")`` permutes; ``"b c (h p1) (w p2) -> b (h w) (p1 p2 c)"``
    cuts patches (``p1=16, p2=16``); a list of tensors is stacked along a new first axis.
    Both sides name the same axes. Example::

        >>> rearrange(lucid.zeros((2, 3, 4)), "b c n -> (b n) c").shape
        (8, 3)
    """
    return _apply("rearrange", tensor, pattern, None, axes_lengths)


def reduce(tensor, pattern: str, reduction, **axes_lengths) -> Tensor:
    """Reduce over the axes the right side leaves out: ``reduction`` is ``"sum"``, ``"mean"``,
    ``"max"``, ``"min"``, ``"prod"``, ``"any"``, ``"all"`` or a callable ``f(tensor, axes)``.

    ``reduce(x, "b c (h 2) (w 2) -> b c h w", "max")`` is a 2x2 max-pool;
    ``reduce(x, "b c h w -> b c 1 1", "mean")`` a global average keeping unit dims.
    """
    if isinstance(reduction, str) and reduction not in _REDUCTIONS:
        raise ValueError(f"reduce: unknown reduction {reduction!r}; expected one of "
                         f"{sorted(_REDUCTIONS)} or a callable")
    if not isinstance(reduction, str) and not callable(reduction):
        raise TypeError(f"reduce: reduction must be a name or a callable, got {reduction!r}")
    return _apply("reduce", tensor, pattern, reduction, axes_lengths)


def repeat(tensor, pattern: str, **axes_lengths) -> Tensor:
    """Repeat along new axes named on the right only (sizes given as keywords or numbers).

    ``repeat(x, "h w -> h w c", c=3)`` copies a grey image into 3 channels;
    ``"h w -> (h 2) (w 2)"`` upsamples by 2 (nearest). The gradient sums over the copies.
    """
    return _apply("repeat", tensor, pattern, None, axes_lengths)


def _as_tensor(op: str, tensor) -> Tensor:
    if isinstance(tensor, (list, tuple)):
        if not tensor:
            raise ValueError(f"{op}: got an empty list of tensors")
        return lucid.stack(list(tensor), axis=0)
    if not isinstance(tensor, Tensor):
        raise TypeError(f"{op}: expected a lucid Tensor (or a list of them), got "
                        f"{type(tensor).__name__}")
    return tensor


def _apply(op: str, tensor, pattern: str, reduction, lengths: dict) -> Tensor:
    x = _as_tensor(op, tensor)
    plan = _plan(op, tuple(x.shape), pattern, check_lengths(op, lengths))
    elementary, reduced, order, repeat_shape, out_shape = plan
    if tuple(x.shape) != elementary:
        x = x.reshape(elementary)
    if reduced:
        if isinstance(reduction, str):
            x = _REDUCTIONS[reduction](x, axis=reduced)
        else:
            x = reduction(x, reduced)
    if order != tuple(range(len(order))):
        x = x.permute(*order)
    if repeat_shape is not None:
        unit, full = repeat_shape
        x = x.reshape(unit).broadcast_to(full)
    if tuple(x.shape) != out_shape:
        x = x.reshape(out_shape)
    return x


def _plan(op: str, shape: tuple[int, ...], pattern: str, lengths: dict[str, int]):
    """The recipe for ``shape``: (elementary shape, reduced axes, permutation, repeat shapes
    or None, output shape); every pattern or shape error is raised here, before any op."""
    left_text, right_text = split_arrow(op, pattern)
    left, right = parse_side(op, left_text), parse_side(op, right_text)
    if left.ellipsis_in_parens:
        raise ValueError(f"{op}: '(...)' is not allowed on the left side of {pattern!r}")
    if right.ellipsis_group is not None and left.ellipsis_group is None:
        raise ValueError(f"{op}: '...' on the right but not on the left of {pattern!r}")
    n_fixed = len(left.groups) - (left.ellipsis_group is not None)
    if left.ellipsis_group is None and len(shape) != n_fixed:
        raise ShapeError(f"{op}: pattern {left_text.strip()!r} names {n_fixed} dims but the "
                         f"input has shape {shape}")
    if len(shape) < n_fixed:
        raise ShapeError(f"{op}: pattern {left_text.strip()!r} needs at least {n_fixed} dims "
                         f"but the input has shape {shape}")
    n_ell = len(shape) - n_fixed
    lgroups, rgroups = left.expand(n_ell), right.expand(n_ell)
    sizes = dict(left.anonymous)
    sizes.update(right.anonymous)
    left_names = {n for g in lgroups for n in g}
    right_names = {n for g in rgroups for n in g}
    for name, size in lengths.items():
        if name not in left_names and name not in right_names:
            raise ValueError(f"{op}: axis {name}={size} is not in pattern {pattern!r}")
        sizes[name] = size
    _solve_sizes(op, lgroups, shape, sizes, left_text)
    lflat = [n for g in lgroups for n in g]
    rflat = [n for g in rgroups for n in g]
    only_left = [n for n in lflat if n not in right_names]
    only_right = [n for n in rflat if n not in left_names]
    if op == "rearrange" and (only_left or only_right):
        raise ValueError(f"{op}: both sides must name the same axes; {_describe(only_left)} "
                         f"only on the left, {_describe(only_right)} only on the right of "
                         f"{pattern!r}")
    if op == "reduce" and only_right:
        raise ValueError(f"{op}: axes {_describe(only_right)} on the right are not on the left "
                         f"of {pattern!r}")
    if op == "repeat":
        if only_left:
            raise ValueError(f"{op}: axes {_describe(only_left)} on the left are not on the "
                             f"right of {pattern!r} (use reduce to remove axes)")
        missing = [n for n in only_right if n not in sizes]
        if missing:
            raise ValueError(f"{op}: the size of new axes {_describe(missing)} is unknown; "
                             f"pass it as a keyword, e.g. {missing[0]}=3")
    elementary = tuple(sizes[n] for n in lflat)
    reduced = tuple(i for i, n in enumerate(lflat) if n not in right_names)
    kept = [n for n in lflat if n in right_names]
    order = tuple(kept.index(n) for n in rflat if n in left_names)
    repeat_shape = None
    if only_right:
        unit = tuple(sizes[n] if n in left_names else 1 for n in rflat)
        repeat_shape = (unit, tuple(sizes[n] for n in rflat))
    out_shape = tuple(product(sizes[n] for n in g) for g in rgroups)
    return elementary, reduced, order, repeat_shape, out_shape


def _solve_sizes(op, groups, shape, sizes, text) -> None:
    """Fill ``sizes`` with the size of every left axis: per dim, at most one unknown axis,
    whose size is the dim divided by the product of the known ones."""
    for group, dim in zip(groups, shape):
        unknown = [n for n in group if n not in sizes]
        known = product(sizes[n] for n in group if n in sizes)
        if len(unknown) > 1:
            raise ValueError(f"{op}: cannot infer the sizes of {_describe(unknown)} in "
                             f"{text.strip()!r}; give all but one as keywords")
        if unknown:
            if dim % known:
                raise ShapeError(f"{op}: dim of size {dim} cannot be split into "
                                 f"{_describe(group)} with known sizes multiplying to {known}")
            sizes[unknown[0]] = dim // known
        elif known != dim:
            raise ShapeError(f"{op}: {_describe(group) or '()'} has size {known} but the input "
                             f"dim is {dim} (pattern {text.strip()!r}, shape {tuple(shape)})")


def _describe(names) -> str:
    shown = [n.split("#")[0] if "#" in n else
             (ELLIPSIS if n.startswith(ELLIPSIS) else n) for n in names]
    return "(" + " ".join(dict.fromkeys(shown)) + ")"
