"""Transforms of values: ``Compose``, ``Lambda``, ``ToTensor``, ``Normalize``."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from lucid.data._random import make_rng
from lucid.device import to_device
from lucid.tensor import Tensor
from lucid.transforms.base import Transform, map_samples

__all__ = ["Compose", "Lambda", "ToTensor", "Normalize"]


class Compose(Transform):
    """``Compose([t1, t2, ...])(x) == ...t2(t1(x))``. ``apply_batch`` uses each transform's
    ``apply_batch`` when it has one, else applies it sample by sample."""

    def __init__(self, transforms: Sequence) -> None:
        self.transforms = list(transforms)

    def __call__(self, x):
        for t in self.transforms:
            x = t(x)
        return x

    def apply_batch(self, x):
        for t in self.transforms:
            batch_fn = getattr(t, "apply_batch", None)
            x = batch_fn(x) if batch_fn is not None else map_samples(t, x)
        return x

    def seed(self, value) -> None:
        """Seed every random transform inside, each from its own child of ``value``."""
        seeds = np.random.SeedSequence(value).spawn(len(self.transforms))
        for t, s in zip(self.transforms, seeds):
            if hasattr(t, "seed"):
                t.seed(make_rng(s))

    def __repr__(self) -> str:
        inner = "".join(f"\n    {t!r}," for t in self.transforms)
        return f"Compose([{inner}\n])"


class Lambda(Transform):
    """A plain function as a transform (batches: applied sample by sample)."""

    def __init__(self, fn) -> None:
        self.fn = fn

    def _apply(self, x, batched: bool):
        return map_samples(self.fn, x) if batched else self.fn(x)


class ToTensor(Transform):
    """NumPy image (``HW``/``HWC``; batch ``NHW``/``NHWC``) -> Lucid tensor ``CHW`` (batch
    ``NCHW``) on ``device``.

    ``uint8`` values are scaled to ``[0, 1]`` float32: ``y = x / 255``. Float arrays keep their
    dtype and values (as torchvision); other integer and bool arrays become float32 unscaled.
    A Lucid tensor is returned unchanged.
    """

    def __init__(self, device="cpu") -> None:
        self.device = to_device(device)

    def _apply(self, x, batched: bool):
        if isinstance(x, Tensor):
            return x
        a = np.asarray(x)
        gray, color = (3, 4) if batched else (2, 3)
        if a.ndim == gray:
            a = a[..., None, :, :]
        elif a.ndim == color:
            a = np.moveaxis(a, -1, -3)
        else:
            raise ValueError(f"ToTensor: expected {'NHW or NHWC' if batched else 'HW or HWC'}"
                             f", got shape {a.shape}")
        if a.dtype == np.uint8:
            a = a.astype(np.float32) * np.float32(1 / 255)
        elif a.dtype.kind != "f":
            a = a.astype(np.float32)
        return Tensor(np.ascontiguousarray(a), device=self.device)


class Normalize(Transform):
    """Per channel ``y[c] = (x[c] - mean[c]) / std[c]`` on channels-first data (``CHW``,
    batch ``NCHW``; Lucid tensor or NumPy float array); returns the same kind."""

    def __init__(self, mean: Sequence[float], std: Sequence[float], inplace: bool = False):
        self.mean = tuple(float(m) for m in np.atleast_1d(mean))
        self.std = tuple(float(s) for s in np.atleast_1d(std))
        self.inplace = inplace
        if len(self.mean) != len(self.std):
            raise ValueError(f"Normalize: mean {self.mean} and std {self.std} differ in length")
        if any(s == 0 for s in self.std):
            raise ValueError(f"Normalize: std {self.std} has a zero; division by zero")

    def _apply(self, x, batched: bool):
        is_tensor = isinstance(x, Tensor)
        a = x.detach().numpy() if is_tensor else np.asarray(x)
        if a.dtype.kind != "f":
            raise TypeError(f"Normalize: expects float input (apply ToTensor first), got "
                            f"{a.dtype}")
        if a.ndim != (4 if batched else 3):
            raise ValueError(f"Normalize: expected {'NCHW' if batched else 'CHW'}, got shape "
                             f"{a.shape}")
        channels = a.shape[-3]
        if len(self.mean) not in (1, channels):
            raise ValueError(f"Normalize: {len(self.mean)} means for {channels} channels")
        mean = np.asarray(self.mean, a.dtype).reshape(-1, 1, 1)
        std = np.asarray(self.std, a.dtype).reshape(-1, 1, 1)
        out = (a - mean) / std
        if is_tensor:
            return Tensor(out, device=x.device)
        if self.inplace:
            a[...] = out
            return a
        return out
