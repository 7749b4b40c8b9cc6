"""Builders for ``lucid-train``: data loaders, model, optimizer and scheduler by name.

Everything here is plain Lucid API: :mod:`lucid.datasets`, :mod:`lucid.transforms`,
:class:`lucid.data.DataLoader` (batched fast path), :mod:`lucid.models`, :mod:`lucid.optim`.
"""

from __future__ import annotations

import math

import numpy as np

from lucid import models, optim
from lucid import transforms as T
from lucid.data import DataLoader, DistributedSampler, Subset
from lucid.datasets import MNIST, FashionMNIST

# Per-dataset class, pixel mean and standard deviation of the training set (in [0, 1]).
DATASETS = {
    "fashion-mnist": (FashionMNIST, 0.2860, 0.3530),
    "mnist": (MNIST, 0.1307, 0.3081),
}
OPTIMIZERS = {
    "sgd": optim.SGD, "adam": optim.Adam, "adamw": optim.AdamW, "nadam": optim.NAdam,
    "radam": optim.RAdam, "adamax": optim.Adamax, "adagrad": optim.Adagrad,
    "adadelta": optim.Adadelta, "rmsprop": optim.RMSprop, "asgd": optim.ASGD,
}
SCHEDULERS = ("none", "step", "multistep", "exponential", "cosine", "onecycle", "plateau")


def normalize_transform(dataset: str, device="cpu") -> T.Compose:
    """``ToTensor`` (uint8 -> float in [0, 1], NCHW) then ``Normalize`` by the dataset's stats."""
    _, mean, std = DATASETS[dataset]
    return T.Compose([T.ToTensor(device=device), T.Normalize((mean,), (std,))])


def make_loaders(dataset: str, batch_size: int, seed: int, device="cpu", download=False,
                 root=None, limit_train=None, limit_test=None, eval_batch_size=1000,
                 shard=None):
    """Train loader (shuffled, seeded) and test loader, both on the batched fast path.

    ``limit_train``/``limit_test`` keep the first N images of each split (the IDX files are
    already in random class order, so a prefix is a fair sample). ``shard=(rank,
    world_size)``: this process's share for data-parallel training, the training set through
    a :class:`DistributedSampler` (call ``train_loader.sampler.set_epoch`` each epoch) and
    every ``world_size``-th test image from ``rank`` (an exact partition).
    """
    cls = DATASETS[dataset][0]
    tf = normalize_transform(dataset, device)
    train_set = cls(root=root, train=True, download=download, transform=tf)
    test_set = cls(root=root, train=False, download=download, transform=tf)
    if limit_train:
        train_set = Subset(train_set, np.arange(min(limit_train, len(train_set))))
    if limit_test:
        test_set = Subset(test_set, np.arange(min(limit_test, len(test_set))))
    if shard is not None:
        rank, world_size = shard
        sampler = DistributedSampler(train_set, num_replicas=world_size, rank=rank, seed=seed)
        train_loader = DataLoader(train_set, batch_size=batch_size, sampler=sampler,
                                  device=device)
        test_set = Subset(test_set, np.arange(rank, len(test_set), world_size))
    else:
        train_loader = DataLoader(train_set, batch_size=batch_size, shuffle=True,
                                  generator=seed, device=device)
    test_loader = DataLoader(test_set, batch_size=eval_batch_size, device=device)
    return train_loader, test_loader


def make_model(name: str, num_classes: int = 10, in_channels: int = 1, image_size: int = 28):
    """A registry model adapted to small gray images.

    LeNets take ``in_channels``/``image_size`` directly; ResNets get the CIFAR stem (3x3
    stride-1 convolution, no max-pool) and ``in_channels``, so 28x28 inputs keep enough
    resolution. Other registered models get ``num_classes`` only.
    """
    factory = models.get_model_factory(name)
    if name.startswith("lenet"):
        return factory(num_classes=num_classes, in_channels=in_channels, image_size=image_size)
    if name.startswith("resnet"):
        return factory(num_classes=num_classes, in_channels=in_channels, cifar_stem=True)
    return factory(num_classes=num_classes)


def make_optimizer(name: str, params, lr: float, momentum: float, weight_decay: float):
    """An optimizer of :mod:`lucid.optim` by name; ``momentum`` goes where it means something."""
    cls = OPTIMIZERS[name]
    kwargs = {"lr": lr, "weight_decay": weight_decay}
    if name in ("sgd", "rmsprop"):
        kwargs["momentum"] = momentum
    return cls(params, **kwargs)


def make_scheduler(name: str, optimizer, epochs: int, steps_per_epoch: int, lr: float):
    """``(scheduler, per_batch)``: the scheduler and whether it steps after every batch.

    step: x0.1 every third of the run; multistep: x0.1 at 50% and 75%;
    exponential: x0.9 per epoch; cosine: cosine annealing to 0 over all batches; onecycle:
    one cycle peaking at ``lr`` over all batches; plateau: x0.1 after 2 epochs without a
    better test loss.
    """
    lr_scheduler = optim.lr_scheduler
    total = epochs * steps_per_epoch
    if name == "none":
        return None, False
    if name == "step":
        return lr_scheduler.StepLR(optimizer, step_size=max(1, math.ceil(epochs / 3)),
                                   gamma=0.1), False
    if name == "multistep":
        marks = sorted({max(1, epochs // 2), max(1, (3 * epochs) // 4)})
        return lr_scheduler.MultiStepLR(optimizer, milestones=marks, gamma=0.1), False
    if name == "exponential":
        return lr_scheduler.ExponentialLR(optimizer, gamma=0.9), False
    if name == "cosine":
        return lr_scheduler.CosineAnnealingLR(optimizer, T_max=total), True
    if name == "onecycle":
        return lr_scheduler.OneCycleLR(optimizer, max_lr=lr, total_steps=total), True
    if name == "plateau":
        return lr_scheduler.ReduceLROnPlateau(optimizer, factor=0.1, patience=2), False
    raise ValueError(f"unknown scheduler {name!r}; choose from {', '.join(SCHEDULERS)}")
