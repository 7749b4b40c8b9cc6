"""What every transform shares: the layout rule, one-sample and batch application, seeding.

**Layout rule.** Before :class:`~lucid.transforms.ToTensor`, images are NumPy arrays in image
layout, channels last: ``HW`` or ``HWC`` (a batch: ``NHW`` or ``NHWC``), typically
``uint8``. ``ToTensor`` returns a Lucid tensor in tensor layout, channels first: ``CHW``
(a batch: ``NCHW``). So a geometric transform reads NumPy input as channels-last and Lucid
tensor input as channels-first, and returns the same kind and layout it was given (the same
convention as torchvision's PIL images versus tensors). :class:`~lucid.transforms.Normalize`
works on channels-first data (after ``ToTensor``), NumPy or Lucid.

**One sample or a batch.** ``t(x)`` transforms one sample; ``t.apply_batch(xs)`` transforms
a batch along its leading axis in one vectorised step (random transforms draw independently
for each sample). Datasets call ``apply_batch`` for the DataLoader's batched fast path.

**Seeding.** Random transforms take ``generator`` (an int seed or a
``numpy.random.Generator``); ``t.seed(s)`` restarts it. The same seed gives the same draws.
"""

from __future__ import annotations

import numpy as np

from lucid.data._random import make_rng
from lucid.tensor import Tensor

__all__ = ["Transform", "RandomTransform", "SpatialTransform", "map_samples"]


class Transform:
    """Base class: subclasses define ``_apply(x, batched)``."""

    def __call__(self, x):
        return self._apply(x, batched=False)

    def apply_batch(self, x):
        """Transform every sample of a batch (leading axis)."""
        return self._apply(x, batched=True)

    def _apply(self, x, batched: bool):
        raise NotImplementedError(f"transform {type(self).__name__} does not implement _apply()")

    def seed(self, value) -> None:
        """Restart this transform's random draws (no-op for deterministic transforms)."""

    def __repr__(self) -> str:
        fields = ", ".join(f"{k}={v!r}" for k, v in vars(self).items() if not k.startswith("_")
                           and k != "generator")
        return f"{type(self).__name__}({fields})"


class RandomTransform(Transform):
    """A transform with its own seedable ``numpy.random.Generator``."""

    def __init__(self, generator=None) -> None:
        self.generator = make_rng(generator)

    def seed(self, value) -> None:
        self.generator = make_rng(value)


def _to_nhwc(x, batched: bool):
    """``(array in NHWC, restore)``: restore(out_nhwc) gives the input's kind and layout."""
    is_tensor = isinstance(x, Tensor)
    a = x.detach().numpy() if is_tensor else np.asarray(x)
    want = (3, 4) if batched else (2, 3)
    if a.ndim not in want:
        kind = ("NCHW or NHW" if batched else "CHW or HW") if is_tensor else \
            ("NHWC or NHW" if batched else "HWC or HW")
        raise ValueError(f"expected {'a batch' if batched else 'one image'} shaped {kind} "
                         f"({'Lucid tensor' if is_tensor else 'NumPy array'}), got shape "
                         f"{a.shape}")
    gray = a.ndim == want[0]
    if gray:
        a = a[..., None]
    elif is_tensor:
        a = np.moveaxis(a, -3, -1)
    if not batched:
        a = a[None]

    def restore(out: np.ndarray):
        if not batched:
            out = out[0]
        if gray:
            out = out[..., 0]
        elif is_tensor:
            out = np.moveaxis(out, -1, -3)
        if is_tensor:
            return Tensor(np.ascontiguousarray(out), device=x.device)
        return out

    return a, restore


class SpatialTransform(Transform):
    """A transform of the image plane: subclasses define ``_nhwc(a) -> array`` on NHWC."""

    def _apply(self, x, batched: bool):
        a, restore = _to_nhwc(x, batched)
        return restore(self._nhwc(a))

    def _nhwc(self, a: np.ndarray) -> np.ndarray:
        raise NotImplementedError(f"transform {type(self).__name__} does not implement _nhwc()")


def map_samples(fn, batch):
    """Apply a one-sample function to each sample of ``batch`` and stack the results."""
    outs = [fn(sample) for sample in batch]
    if outs and isinstance(outs[0], Tensor):
        return Tensor(np.stack([o.numpy() for o in outs]), device=outs[0].device)
    return np.stack([np.asarray(o) for o in outs])
