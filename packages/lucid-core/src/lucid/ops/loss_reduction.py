"""How a loss reduces: PyTorch's deprecated ``size_average``/``reduce`` flags folded into
``reduction`` (public: nn's losses and core's ``cross_entropy`` share it)."""

from __future__ import annotations


def legacy_reduction(size_average, reduce, reduction: str) -> str:
    """PyTorch's deprecated loss flags folded into ``reduction``: both None keeps
    ``reduction``; otherwise (each defaulting to True) ``reduce=False`` gives ``"none"``,
    else ``"mean"`` if ``size_average`` else ``"sum"``. The result is not validated."""
    if size_average is None and reduce is None:
        return reduction
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    return "none" if not reduce else ("mean" if size_average else "sum")
