"""Write-through views: an in-place change to a view reaches the tensor it was taken from.

PyTorch returns views from basic indexing (``x[0]``, ``x[:, 1:]``), ``view``/``reshape``,
``permute``/``transpose``, ``squeeze``/``unsqueeze``, ``narrow``, ``select``, ``split``/
``chunk``/``unbind`` and ``diagonal``; writing into such a view changes the base:
``x[0][1] = 5``, ``x[:, 0].zero_()``, ``x.view(-1)[3] = 1``, ``x.diagonal().fill_(1)``.

Lucid computes every in-place op out of place (``Tensor._assign``), so a view records
its base and how to rebuild the base from a new value of the view; ``_assign`` then
writes the new view value back (``base._assign(write(view))``), up the chain of bases.
The write-back is an ordinary op (``setitem``, ``reshape``, ``permute``), so gradients
flow through it. Reads are snapshots: a view made before the base changes keeps the old
values (PyTorch's view would see them), and writing into such a stale view writes its
old values back too (``v = x[0]; x[0, 1] = 7; v[2] = 5`` leaves ``x[0, 1]`` as it was
before the 7). Take the view again after changing its base.
"""

from __future__ import annotations

from lucid.autograd.grad_mode import is_grad_enabled


class View:
    """``base`` and ``write(new_view) -> new value of base``."""

    __slots__ = ("base", "write")

    def __init__(self, base, write) -> None:
        self.base = base
        self.write = write

    def check(self) -> None:
        """Refuse, before anything changes, when a base up the chain is a leaf that
        requires grad (in grad mode), as PyTorch does."""
        view = self
        while view is not None:
            base = view.base
            if base.requires_grad and base._node is None and is_grad_enabled():
                raise RuntimeError("in-place op: a view of a leaf tensor that requires grad is "
                                   "used in an in-place operation; wrap it in lucid.no_grad()")
            view = base.__dict__.get("_view_of")

    def write_back(self, view) -> None:
        self.base._assign(self.write(view))


def mark_view(view, base, write):
    """Record that ``view`` was taken from ``base``; ``write(v)`` rebuilds ``base`` from a
    new value ``v`` of the view. Returns ``view``."""
    if view is not base:
        view.__dict__["_view_of"] = View(base, write)
    return view
