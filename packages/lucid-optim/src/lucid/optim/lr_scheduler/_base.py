"""The :class:`LRScheduler` base class: ``step()``, ``get_last_lr()``, state dicts.

A scheduler writes a new ``lr`` into every parameter group of its optimizer each time
:meth:`LRScheduler.step` is called (once per epoch or per iteration, after
``optimizer.step()``). Subclasses implement ``get_lr()``, the learning rates for the new
``last_epoch``; most use PyTorch's *chainable* (recursive) form, computing the new rate
from the group's current one, so curves match PyTorch's to the last bit and several
schedulers can act on one optimizer. Where PyTorch has a closed form
(``_get_closed_form_lr``) it is used for ``step(epoch)``.
"""

from __future__ import annotations

import types
from typing import Any

from lucid.optim.optimizer import Optimizer

__all__ = ["LRScheduler"]


class LRScheduler:
    """Base class of the learning-rate schedulers.

    Args:
        optimizer: the :class:`~lucid.optim.Optimizer` whose groups' ``lr`` it sets.
        last_epoch (int): index of the last epoch; ``-1`` (default) starts fresh and
            records each group's ``initial_lr``; a resumed scheduler needs ``initial_lr``
            in the groups already.

    Attributes:
        base_lrs: the groups' ``initial_lr``.
        last_epoch: the number of ``step()`` calls since the start (0 after construction).
    """

    _is_initial: bool = False

    def __init__(self, optimizer: Optimizer, last_epoch: int = -1) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{type(optimizer).__name__} is not an Optimizer")
        self.optimizer = optimizer
        if last_epoch == -1:
            for group in optimizer.param_groups:
                group.setdefault("initial_lr", group["lr"])
        else:
            for i, group in enumerate(optimizer.param_groups):
                if "initial_lr" not in group:
                    raise KeyError(f"param 'initial_lr' is not specified in param_groups[{i}] "
                                   f"when resuming a scheduler with last_epoch={last_epoch}")
        self.base_lrs: list[float] = [group["initial_lr"] for group in optimizer.param_groups]
        self.last_epoch = last_epoch
        self._initial_step()

    def _initial_step(self) -> None:
        """The step done by the constructor: ``last_epoch`` -1 -> 0."""
        self._step_count = 0
        self._is_initial = True
        try:
            self.step()
        finally:
            self._is_initial = False

    # -- what subclasses implement ------------------------------------------------------
    def get_lr(self) -> list[float]:
        """The learning rate of every group for the current ``last_epoch``."""
        raise NotImplementedError(f"{type(self).__name__} does not implement get_lr()")

    # -- stepping -------------------------------------------------------------------------
    def get_last_lr(self) -> list[float]:
        """The learning rates this scheduler set last, one per group."""
        return list(self._last_lr)

    def step(self, epoch: int | None = None) -> None:
        """Advance one epoch (or jump to ``epoch``, using the closed form when there is
        one) and write the new rates into the optimizer's groups."""
        self._step_count += 1
        self._update_lr(epoch)

    def _update_lr(self, epoch: int | None = None) -> None:
        if epoch is None:
            self.last_epoch += 1
            values = self.get_lr()
        else:
            self.last_epoch = epoch
            closed_form = getattr(self, "_get_closed_form_lr", None)
            values = closed_form() if closed_form is not None else self.get_lr()
        for group, lr in zip(self.optimizer.param_groups, values):
            group["lr"] = lr
        self._last_lr = _group_values(self.optimizer, "lr")

    # -- state dicts -------------------------------------------------------------------------
    def state_dict(self) -> dict[str, Any]:
        """Every attribute but the optimizer (and functions, which cannot be saved)."""
        return {key: value for key, value in self.__dict__.items() if key != "optimizer"}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        self.__dict__.update(state_dict)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(last_epoch={self.last_epoch}, lr={self.get_last_lr()})"


def _group_values(optimizer: Optimizer, key: str) -> list:
    return [group[key] for group in optimizer.param_groups]


def _per_group(name: str, optimizer: Optimizer, value) -> list:
    """``value`` repeated for every group, or a list/tuple with one value per group."""
    if isinstance(value, (list, tuple)):
        if len(value) != len(optimizer.param_groups):
            raise ValueError(f"{name} must have one value per parameter group: got "
                             f"{len(value)} values for {len(optimizer.param_groups)} groups")
        return list(value)
    return [value] * len(optimizer.param_groups)


def _lambdas_state(lambdas) -> list:
    """State of the lr lambdas: ``None`` for plain functions, the ``__dict__`` of
    callable objects (whose attributes may change during training)."""
    return [None if isinstance(fn, types.FunctionType) else dict(fn.__dict__)
            for fn in lambdas]


def _load_lambdas_state(lambdas, states) -> None:
    for fn, state in zip(lambdas, states):
        if state is not None:
            fn.__dict__.update(state)
