from lucid.optim.lr_scheduler._base import LRScheduler

__all__ = ["LRScheduler"]
