"""Box ops against ``torchvision.ops`` (values and gradients).

torchvision's compiled kernels do not load against the CPU torch here (see conftest.py), so:
``roi_align`` is compared with torchvision's pure-PyTorch ``_roi_align`` (which skips the
kernel's "sample outside [-1, size] is zero" rule, so those regions stay inside the map; the
rule itself is tested by hand in ``test_box_ops.py``); ``roi_pool`` with a direct PyTorch
transcription of the kernel's bin definition (autograd for the gradient); ``nms`` with the
definition of greedy NMS checked by torchvision's ``box_iou``.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
import torch._dynamo
import torchvision.ops as tvo
from torchvision.models.detection.anchor_utils import AnchorGenerator as TvAnchors
from torchvision.models.detection.image_list import ImageList
from torchvision.ops.roi_align import _roi_align

import lucid
from lucid.models.detection import ops


def _boxes(n, seed, lo=0.0, hi=20.0, fmt="xyxy"):
    rng = np.random.default_rng(seed)
    xy = rng.uniform(lo, hi, (n, 2))
    wh = rng.uniform(1.0, hi / 2, (n, 2))
    if fmt == "xyxy":
        return np.concatenate([xy, xy + wh], 1).astype(np.float32)
    return np.concatenate([xy, wh], 1).astype(np.float32)


def _grad_pair(fn_l, fn_t, *arrays, seed=5):
    lt = [lucid.tensor(a, requires_grad=True) for a in arrays]
    tt = [torch.tensor(a, requires_grad=True) for a in arrays]
    out_l, out_t = fn_l(*lt), fn_t(*tt)
    np.testing.assert_allclose(out_l.numpy(), out_t.detach().numpy(), rtol=1e-5, atol=1e-5)
    g = np.random.default_rng(seed).standard_normal(tuple(out_t.shape)).astype(np.float32)
    (out_l * lucid.tensor(g)).sum().backward()
    (out_t * torch.tensor(g)).sum().backward()
    for a, b in zip(lt, tt):
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("in_fmt", ["xyxy", "xywh", "cxcywh"])
@pytest.mark.parametrize("out_fmt", ["xyxy", "xywh", "cxcywh"])
def test_box_convert(in_fmt, out_fmt):
    b = _boxes(6, 0, fmt="xywh")
    _grad_pair(lambda x: ops.box_convert(x, in_fmt, out_fmt),
               lambda x: tvo.box_convert(x, in_fmt, out_fmt), b)


@pytest.mark.parametrize("name", ["box_iou", "generalized_box_iou"])
def test_iou_values_and_gradients(name):
    b1, b2 = _boxes(5, 1), _boxes(7, 2)
    _grad_pair(getattr(ops, name), getattr(tvo, name), b1, b2)


def test_box_area_and_clip():
    b = _boxes(6, 3, lo=-5.0, hi=30.0)
    _grad_pair(ops.box_area, tvo.box_area, b)
    _grad_pair(lambda x: ops.clip_boxes_to_image(x, (17, 23)),
               lambda x: tvo.clip_boxes_to_image(x, (17, 23)), b)
    lb = ops.remove_small_boxes(lucid.tensor(b), 6.0).numpy()
    np.testing.assert_array_equal(lb, tvo.remove_small_boxes(torch.tensor(b), 6.0).numpy())


@pytest.mark.parametrize("sampling_ratio,aligned", [(-1, False), (2, False), (2, True),
                                                    (-1, True), (1, False)])
def test_roi_align(sampling_ratio, aligned):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 3, 12, 14)).astype(np.float32)
    b = _boxes(9, 4, lo=0.0, hi=9.0)
    rois = np.concatenate([rng.integers(0, 2, (9, 1)), b], 1).astype(np.float32)
    with torch._dynamo.config.patch(disable=True):  # the reference runs eagerly (faster)
        _grad_pair(lambda t: ops.roi_align(t, lucid.tensor(rois), (3, 4), 0.7, sampling_ratio,
                                           aligned),
                   lambda t: _roi_align(t, torch.tensor(rois), 0.7, 3, 4, sampling_ratio,
                                        aligned),
                   x)


def _torch_roi_pool(x, rois, out_h, out_w, scale):
    """The kernel's definition, element by element (C ``round`` is half away from zero)."""
    _, c, h, w = x.shape
    outs = []
    for r in rois.tolist():
        b = int(r[0])
        x1, y1, x2, y2 = (int(math.copysign(math.floor(abs(v * scale) + 0.5), v)) for v in r[1:])
        rh, rw = max(y2 - y1 + 1, 1), max(x2 - x1 + 1, 1)
        cells = []
        for i in range(out_h):
            ys = min(max(math.floor(i * rh / out_h) + y1, 0), h)
            ye = min(max(math.ceil((i + 1) * rh / out_h) + y1, 0), h)
            for j in range(out_w):
                xs = min(max(math.floor(j * rw / out_w) + x1, 0), w)
                xe = min(max(math.ceil((j + 1) * rw / out_w) + x1, 0), w)
                if ye <= ys or xe <= xs:
                    cells.append(torch.zeros(c))
                else:
                    cells.append(x[b, :, ys:ye, xs:xe].amax(dim=(1, 2)))
        outs.append(torch.stack(cells, 1).reshape(c, out_h, out_w))
    return torch.stack(outs)


def test_roi_pool():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((2, 3, 10, 11)).astype(np.float32)
    b = _boxes(8, 6, lo=-3.0, hi=14.0)
    rois = np.concatenate([rng.integers(0, 2, (8, 1)), b], 1).astype(np.float32)
    _grad_pair(lambda t: ops.roi_pool(t, lucid.tensor(rois), (3, 2), 0.6),
               lambda t: _torch_roi_pool(t, rois, 3, 2, 0.6), x)


@pytest.mark.parametrize("thr", [0.3, 0.5, 0.7])
def test_nms_is_greedy_nms(thr):
    b = _boxes(60, 7, hi=30.0)
    s = np.random.default_rng(8).uniform(size=60).astype(np.float32)
    keep = ops.nms(lucid.tensor(b), lucid.tensor(s), thr).numpy()
    iou = tvo.box_iou(torch.tensor(b), torch.tensor(b)).numpy()
    assert (np.diff(s[keep]) <= 0).all()
    kept = set(keep.tolist())
    for i in range(60):
        higher_kept = [k for k in keep if s[k] > s[i]]
        suppressed = any(iou[i, k] > thr for k in higher_kept)
        assert (i in kept) == (not suppressed), i


def test_batched_nms_is_per_class_nms():
    b = _boxes(50, 9, hi=25.0)
    s = np.random.default_rng(10).uniform(size=50).astype(np.float32)
    cls = np.random.default_rng(11).integers(0, 3, 50)
    keep = ops.batched_nms(lucid.tensor(b), lucid.tensor(s), lucid.tensor(cls), 0.5).numpy()
    expected = []
    for c in range(3):
        idx = np.nonzero(cls == c)[0]
        k = ops.nms(lucid.tensor(b[idx]), lucid.tensor(s[idx]), 0.5).numpy()
        expected.extend(idx[k].tolist())
    expected = sorted(expected, key=lambda i: -s[i])
    np.testing.assert_array_equal(keep, expected)


def test_anchor_generator():
    sizes, ratios = ((32,), (64,), (128,)), ((0.5, 1.0, 2.0),) * 3
    feats = [torch.zeros(1, 4, 16, 20), torch.zeros(1, 4, 8, 10), torch.zeros(1, 4, 4, 5)]
    ref = TvAnchors(sizes, ratios)(ImageList(torch.zeros(1, 3, 64, 80), [(60, 77)]), feats)
    ours = ops.AnchorGenerator(sizes, ratios)((64, 80), [lucid.zeros(tuple(f.shape))
                                                         for f in feats])
    np.testing.assert_array_equal(ours.numpy(), ref[0].numpy())
    assert ops.AnchorGenerator(sizes, ratios).num_anchors_per_location() == [3, 3, 3]
