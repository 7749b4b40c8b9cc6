"""``lucid.optim.lr_scheduler``: learning-rate schedules with PyTorch's curves.

Call ``scheduler.step()`` after ``optimizer.step()`` (once per epoch, or per batch for
``CyclicLR``/``OneCycleLR``/``NoamScheduler``); ``ReduceLROnPlateau.step(metric)`` takes
the monitored value.
"""

from lucid.optim.lr_scheduler._base import LRScheduler
from lucid.optim.lr_scheduler.basic import (
    ConstantLR,
    ExponentialLR,
    LambdaLR,
    LinearLR,
    MultiplicativeLR,
    MultiStepLR,
    PolynomialLR,
    StepLR,
)
from lucid.optim.lr_scheduler.composite import ChainedScheduler, SequentialLR
from lucid.optim.lr_scheduler.cosine import CosineAnnealingLR, CosineAnnealingWarmRestarts
from lucid.optim.lr_scheduler.cyclic import CyclicLR, OneCycleLR
from lucid.optim.lr_scheduler.noam import NoamScheduler
from lucid.optim.lr_scheduler.plateau import ReduceLROnPlateau

__all__ = ["LRScheduler", "LambdaLR", "MultiplicativeLR", "StepLR", "MultiStepLR", "ConstantLR",
           "LinearLR", "ExponentialLR", "PolynomialLR", "CosineAnnealingLR",
           "CosineAnnealingWarmRestarts", "CyclicLR", "OneCycleLR", "SequentialLR",
           "ChainedScheduler", "ReduceLROnPlateau", "NoamScheduler"]
