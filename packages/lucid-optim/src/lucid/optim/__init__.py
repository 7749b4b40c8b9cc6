"""``lucid.optim``: optimizers and learning-rate schedulers (PyTorch's formulas, defaults
and state-dict layout).

Every optimizer subclasses :class:`Optimizer` and states its update formula in its
docstring; schedulers live in :mod:`lucid.optim.lr_scheduler`.
"""

from lucid.optim import lr_scheduler
from lucid.optim.adadelta import Adadelta
from lucid.optim.adagrad import Adagrad
from lucid.optim.adam import Adam, AdamW
from lucid.optim.adamax import Adamax
from lucid.optim.asgd import ASGD
from lucid.optim.lbfgs import LBFGS
from lucid.optim.nadam import NAdam
from lucid.optim.optimizer import Optimizer
from lucid.optim.radam import RAdam
from lucid.optim.rmsprop import RMSprop
from lucid.optim.rprop import Rprop
from lucid.optim.sgd import SGD

__all__ = ["Optimizer", "SGD", "Adam", "AdamW", "NAdam", "RAdam", "Adamax", "Adagrad",
           "Adadelta", "RMSprop", "Rprop", "ASGD", "LBFGS", "lr_scheduler"]
