"""Transforms of the image plane: ``Resize``, ``CenterCrop``, ``RandomCrop``, ``Pad``,
``RandomHorizontalFlip``, ``RandomVerticalFlip`` (layouts: see :mod:`lucid.transforms.base`).
All work on NHWC arrays internally, vectorised over the batch."""

from __future__ import annotations

import numpy as np

from lucid.transforms.base import RandomTransform, SpatialTransform

__all__ = ["Resize", "CenterCrop", "RandomCrop", "Pad", "RandomHorizontalFlip",
           "RandomVerticalFlip"]

_PAD_MODES = {"constant": "constant", "edge": "edge", "reflect": "reflect",
              "symmetric": "symmetric"}


def _pair(size, name: str) -> tuple[int, int]:
    if isinstance(size, int):
        size = (size, size)
    size = tuple(int(s) for s in size)
    if len(size) != 2 or min(size) <= 0:
        raise ValueError(f"{name}: size must be a positive int or (height, width), got {size}")
    return size


def _padding4(padding) -> tuple[int, int, int, int]:
    """torchvision's padding spellings -> (left, top, right, bottom)."""
    if isinstance(padding, int):
        return (padding,) * 4
    padding = tuple(int(p) for p in padding)
    if len(padding) == 2:
        return padding[0], padding[1], padding[0], padding[1]
    if len(padding) == 4:
        return padding
    raise ValueError(f"padding must be an int, (left/right, top/bottom) or (left, top, right, "
                     f"bottom), got {padding}")


def _pad(a: np.ndarray, left: int, top: int, right: int, bottom: int, mode: str = "constant",
         fill=0) -> np.ndarray:
    if not (left or top or right or bottom):
        return a
    if mode not in _PAD_MODES:
        raise ValueError(f"padding_mode must be one of {sorted(_PAD_MODES)}, got {mode!r}")
    widths = ((0, 0), (top, bottom), (left, right), (0, 0))
    if mode == "constant":
        return np.pad(a, widths, mode="constant", constant_values=fill)
    return np.pad(a, widths, mode=_PAD_MODES[mode])


def _window(a: np.ndarray, tops: np.ndarray, lefts: np.ndarray, h: int, w: int) -> np.ndarray:
    """``out[n] = a[n, tops[n]:tops[n]+h, lefts[n]:lefts[n]+w]`` in one gather."""
    if np.all(tops == tops[0]) and np.all(lefts == lefts[0]):
        return a[:, tops[0]:tops[0] + h, lefts[0]:lefts[0] + w]
    rows = tops[:, None] + np.arange(h)
    cols = lefts[:, None] + np.arange(w)
    return a[np.arange(len(a))[:, None, None], rows[:, :, None], cols[:, None, :]]


class Resize(SpatialTransform):
    """Resize to ``size``: ``(h, w)``, or an int that the smaller edge becomes (the other
    keeps the aspect ratio: ``long = int(size * long / short)``).

    ``interpolation="bilinear"``: half-pixel centres, ``src = (dst + 0.5) * in / out - 0.5``
    clamped at 0, blending the two neighbours (no antialiasing; PyTorch's
    ``align_corners=False``). ``"nearest"``: ``src = floor(dst * in / out)``. ``uint8`` input
    is rounded back to ``uint8``.
    """

    def __init__(self, size, interpolation: str = "bilinear") -> None:
        if interpolation not in ("bilinear", "nearest"):
            raise ValueError(f"Resize: interpolation must be 'bilinear' or 'nearest', got "
                             f"{interpolation!r}")
        self.size = size if isinstance(size, int) else _pair(size, "Resize")
        self.interpolation = interpolation

    def _target(self, h: int, w: int) -> tuple[int, int]:
        if not isinstance(self.size, int):
            return self.size
        if h <= w:
            return self.size, int(self.size * w / h)
        return int(self.size * h / w), self.size

    def _nhwc(self, a: np.ndarray) -> np.ndarray:
        h, w = a.shape[1:3]
        oh, ow = self._target(h, w)
        if (oh, ow) == (h, w):
            return a
        if self.interpolation == "nearest":
            rows = np.minimum(np.floor(np.arange(oh) * (h / oh)).astype(np.intp), h - 1)
            cols = np.minimum(np.floor(np.arange(ow) * (w / ow)).astype(np.intp), w - 1)
            return a[:, rows][:, :, cols]
        work = a.dtype if a.dtype.kind == "f" else np.dtype(np.float32)
        x = a.astype(work, copy=False)
        for axis, n_in, n_out in ((1, h, oh), (2, w, ow)):
            src = np.maximum((np.arange(n_out) + 0.5) * (n_in / n_out) - 0.5, 0.0)
            i0 = np.minimum(np.floor(src).astype(np.intp), n_in - 1)
            i1 = np.minimum(i0 + 1, n_in - 1)
            lam = (src - i0).astype(work)
            shape = [1, 1, 1, 1]
            shape[axis] = n_out
            lam = lam.reshape(shape)
            x = np.take(x, i0, axis=axis) * (1 - lam) + np.take(x, i1, axis=axis) * lam
        if a.dtype.kind in "iub":
            info = np.iinfo(a.dtype) if a.dtype.kind != "b" else None
            x = np.rint(x)
            if info is not None:
                x = np.clip(x, info.min, info.max)
            return x.astype(a.dtype)
        return x


class CenterCrop(SpatialTransform):
    """The central ``size`` window: ``top = round((H - h) / 2)``, ``left = round((W - w) / 2)``
    (images smaller than ``size`` are zero-padded first, as torchvision)."""

    def __init__(self, size) -> None:
        self.size = _pair(size, "CenterCrop")

    def _nhwc(self, a: np.ndarray) -> np.ndarray:
        th, tw = self.size
        h, w = a.shape[1:3]
        if th > h or tw > w:
            ph, pw = max(th - h, 0), max(tw - w, 0)
            a = _pad(a, pw // 2, ph // 2, (pw + 1) // 2, (ph + 1) // 2)
            h, w = a.shape[1:3]
        top, left = int(round((h - th) / 2)), int(round((w - tw) / 2))
        return a[:, top:top + th, left:left + tw]


class Pad(SpatialTransform):
    """Pad the borders: ``padding`` int, ``(left/right, top/bottom)`` or
    ``(left, top, right, bottom)``; ``padding_mode`` constant (with ``fill``), edge, reflect
    or symmetric."""

    def __init__(self, padding, fill=0, padding_mode: str = "constant") -> None:
        self.padding, self.fill, self.padding_mode = _padding4(padding), fill, padding_mode
        if padding_mode not in _PAD_MODES:
            raise ValueError(f"Pad: padding_mode must be one of {sorted(_PAD_MODES)}, got "
                             f"{padding_mode!r}")

    def _nhwc(self, a: np.ndarray) -> np.ndarray:
        return _pad(a, *self.padding, mode=self.padding_mode, fill=self.fill)


class RandomCrop(SpatialTransform, RandomTransform):
    """A random ``size`` window, after optional ``padding`` (as :class:`Pad`); each sample of a
    batch gets its own ``top ~ U{0..H-h}``, ``left ~ U{0..W-w}``. ``pad_if_needed`` pads
    images smaller than ``size``."""

    def __init__(self, size, padding=None, pad_if_needed: bool = False, fill=0,
                 padding_mode: str = "constant", generator=None) -> None:
        RandomTransform.__init__(self, generator)
        self.size = _pair(size, "RandomCrop")
        self.padding = None if padding is None else _padding4(padding)
        self.pad_if_needed, self.fill, self.padding_mode = pad_if_needed, fill, padding_mode

    def _nhwc(self, a: np.ndarray) -> np.ndarray:
        if self.padding is not None:
            a = _pad(a, *self.padding, mode=self.padding_mode, fill=self.fill)
        th, tw = self.size
        h, w = a.shape[1:3]
        if self.pad_if_needed and (h < th or w < tw):
            ph, pw = max(th - h, 0), max(tw - w, 0)
            a = _pad(a, pw, ph, pw, ph, mode=self.padding_mode, fill=self.fill)
            h, w = a.shape[1:3]
        if h < th or w < tw:
            raise ValueError(f"RandomCrop: crop size {(th, tw)} is larger than the image "
                             f"{(h, w)}; pass padding or pad_if_needed=True")
        n = len(a)
        tops = self.generator.integers(0, h - th + 1, size=n)
        lefts = self.generator.integers(0, w - tw + 1, size=n)
        return _window(a, tops, lefts, th, tw)


class RandomHorizontalFlip(SpatialTransform, RandomTransform):
    """Mirror left-right with probability ``p`` (each sample of a batch on its own)."""

    axis = 2

    def __init__(self, p: float = 0.5, generator=None) -> None:
        RandomTransform.__init__(self, generator)
        if not 0 <= p <= 1:
            raise ValueError(f"{type(self).__name__}: p must be in [0, 1], got {p}")
        self.p = float(p)

    def _nhwc(self, a: np.ndarray) -> np.ndarray:
        flip = self.generator.random(len(a)) < self.p
        if not flip.any():
            return a
        out = a.copy()
        out[flip] = np.flip(a[flip], axis=self.axis)
        return out


class RandomVerticalFlip(RandomHorizontalFlip):
    """Mirror top-bottom with probability ``p`` (each sample of a batch on its own)."""

    axis = 1
