"""``NoamScheduler``: the warm-up then inverse-square-root schedule of the Transformer."""

from __future__ import annotations

from lucid.optim.lr_scheduler._base import LRScheduler

__all__ = ["NoamScheduler"]


class NoamScheduler(LRScheduler):
    r"""The schedule of "Attention Is All You Need" (Vaswani et al., 2017, eq. 3)::

        lr = factor * d_model^-0.5 * min(step^-0.5, step * warmup_steps^-1.5)

    a linear warm-up for ``warmup_steps`` steps, then decay as ``1 / sqrt(step)``. The
    rate is absolute (the optimizer's own ``lr`` is ignored) and ``step = last_epoch + 1``,
    so the first optimizer step (right after construction) uses ``step = 1`` and the peak
    ``factor * (d_model * warmup_steps)^-0.5`` is reached at ``step = warmup_steps``.

    Args:
        optimizer: the optimizer.
        d_model (int): model width.
        warmup_steps (int): default ``4000``.
        factor (float): overall scale, default ``1.0``.

    Example::

        opt = Adam(model.parameters(), lr=1.0, betas=(0.9, 0.98), eps=1e-9)
        sched = NoamScheduler(opt, d_model=512, warmup_steps=4000)
    """

    def __init__(self, optimizer, d_model: int, warmup_steps: int = 4000, factor: float = 1.0,
                 last_epoch: int = -1) -> None:
        if d_model <= 0 or warmup_steps <= 0:
            raise ValueError(f"NoamScheduler: d_model and warmup_steps must be positive, got "
                             f"{d_model} and {warmup_steps}")
        self.d_model = d_model
        self.warmup_steps = warmup_steps
        self.factor = factor
        super().__init__(optimizer, last_epoch)

    def noam_lr(self, step: int) -> float:
        """The rate at (1-based) ``step``."""
        return (self.factor * self.d_model ** -0.5
                * min(step ** -0.5, step * self.warmup_steps ** -1.5))

    def get_lr(self):
        return [self.noam_lr(self.last_epoch + 1) for _ in self.optimizer.param_groups]

    _get_closed_form_lr = get_lr
