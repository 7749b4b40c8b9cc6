"""lucid.transforms against hand-computed values, on samples and batches, seeded."""

from __future__ import annotations

import numpy as np
import pytest

import lucid
from lucid import transforms as T


def _hwc(h=4, w=5, c=3):
    return np.arange(h * w * c, dtype=np.uint8).reshape(h, w, c)


# -- ToTensor / Normalize ----------------------------------------------------------------
def test_to_tensor_sample_and_batch():
    img = np.array([[0, 255], [51, 102]], dtype=np.uint8)
    t = T.ToTensor()(img)
    assert isinstance(t, lucid.Tensor) and t.shape == (1, 2, 2) and t.dtype == lucid.float32
    np.testing.assert_allclose(t.numpy(), [[[0.0, 1.0], [0.2, 0.4]]], rtol=1e-6)
    hwc = _hwc()
    chw = T.ToTensor()(hwc).numpy()
    assert chw.shape == (3, 4, 5)
    assert chw[2, 1, 3] == pytest.approx(hwc[1, 3, 2] / 255)
    batch = np.stack([hwc, hwc + 1])
    out = T.ToTensor().apply_batch(batch).numpy()
    assert out.shape == (2, 3, 4, 5)
    np.testing.assert_allclose(out[1], (hwc + 1).transpose(2, 0, 1) / 255, rtol=1e-6)
    gray = T.ToTensor().apply_batch(np.zeros((6, 28, 28), np.uint8))
    assert gray.shape == (6, 1, 28, 28)
    f64 = T.ToTensor()(np.ones((2, 2), np.float64) * 3)  # floats keep dtype and values
    assert f64.dtype == lucid.float64 and f64.numpy().max() == 3


def test_normalize_hand_values():
    x = lucid.tensor(np.array([[[1.0, 3.0]], [[0.0, 2.0]]], dtype=np.float32))  # (2, 1, 2)
    out = T.Normalize(mean=(1.0, 0.5), std=(2.0, 0.5))(x)
    np.testing.assert_allclose(out.numpy(), [[[0.0, 1.0]], [[-1.0, 3.0]]])
    batch = np.stack([x.numpy(), x.numpy() * 2])
    out_b = T.Normalize((1.0, 0.5), (2.0, 0.5)).apply_batch(batch)
    assert isinstance(out_b, np.ndarray)
    np.testing.assert_allclose(out_b[1], [[[0.5, 2.5]], [[-1.0, 7.0]]])
    with pytest.raises(TypeError, match="float"):
        T.Normalize(0.5, 0.5)(np.zeros((1, 2, 2), np.uint8))
    with pytest.raises(ValueError, match="zero"):
        T.Normalize(0.5, 0.0)
    with pytest.raises(ValueError, match="3 means for 2 channels"):
        T.Normalize((0.1, 0.2, 0.3), (1, 1, 1))(np.zeros((2, 2, 2), np.float32))


# -- crops -------------------------------------------------------------------------------
def test_center_crop_hand_values():
    img = np.arange(30, dtype=np.uint8).reshape(5, 6)
    out = T.CenterCrop((3, 2))(img)
    # top = round((5 - 3) / 2) = 1, left = round((6 - 2) / 2) = 2
    np.testing.assert_array_equal(out, [[8, 9], [14, 15], [20, 21]])
    t = lucid.tensor(np.arange(2 * 5 * 6, dtype=np.float32).reshape(2, 5, 6))  # CHW
    out_t = T.CenterCrop(3)(t)
    assert isinstance(out_t, lucid.Tensor) and out_t.shape == (2, 3, 3)
    np.testing.assert_array_equal(out_t.numpy(), t.numpy()[:, 1:4, 2:4 + 1][:, :, :3])
    padded = T.CenterCrop(4)(np.ones((2, 2), np.uint8))  # larger than the image: zero pad
    np.testing.assert_array_equal(padded, np.pad(np.ones((2, 2)), 1))


def test_random_crop_with_padding_is_a_window_and_seeded():
    img = _hwc(4, 5, 1)[..., 0]
    padded = np.pad(img, 2)
    crop = T.RandomCrop(4, padding=2, generator=0)
    out = crop(img)
    assert out.shape == (4, 4)
    windows = [padded[i:i + 4, j:j + 4] for i in range(5) for j in range(6)]
    assert any(np.array_equal(out, w) for w in windows)
    again = T.RandomCrop(4, padding=2, generator=0)(img)
    np.testing.assert_array_equal(out, again)
    rng = np.random.default_rng(0)  # the draws it made, by hand
    top, left = rng.integers(0, 5, size=1)[0], rng.integers(0, 6, size=1)[0]
    np.testing.assert_array_equal(out, padded[top:top + 4, left:left + 4])


def test_random_crop_batch_draws_per_sample():
    batch = np.stack([_hwc(6, 6, 2) + i for i in range(8)])  # NHWC
    crop = T.RandomCrop(3, generator=1)
    out = crop.apply_batch(batch)
    assert out.shape == (8, 3, 3, 2)
    rng = np.random.default_rng(1)
    tops, lefts = rng.integers(0, 4, size=8), rng.integers(0, 4, size=8)
    for n in range(8):
        np.testing.assert_array_equal(out[n], batch[n, tops[n]:tops[n] + 3,
                                                    lefts[n]:lefts[n] + 3])
    tensor_batch = lucid.tensor(batch.transpose(0, 3, 1, 2).astype(np.float32))  # NCHW
    out_t = T.RandomCrop(3, generator=1).apply_batch(tensor_batch)
    assert out_t.shape == (8, 2, 3, 3)
    np.testing.assert_array_equal(out_t.numpy(), out.transpose(0, 3, 1, 2))


def test_random_crop_errors_and_pad_if_needed():
    with pytest.raises(ValueError, match="larger than the image"):
        T.RandomCrop(8)(np.zeros((4, 4), np.uint8))
    assert T.RandomCrop(6, pad_if_needed=True, generator=0)(np.zeros((4, 4))).shape == (6, 6)


def test_pad_modes():
    img = np.array([[1, 2], [3, 4]], dtype=np.uint8)
    np.testing.assert_array_equal(T.Pad((1, 0), fill=9)(img), [[9, 1, 2, 9], [9, 3, 4, 9]])
    np.testing.assert_array_equal(T.Pad((0, 1, 0, 0), padding_mode="edge")(img),
                                  [[1, 2], [1, 2], [3, 4]])
    np.testing.assert_array_equal(T.Pad((1, 0), padding_mode="reflect")(img),
                                  [[2, 1, 2, 1], [4, 3, 4, 3]])


# -- flips -------------------------------------------------------------------------------
def test_flips_hand_values():
    img = np.array([[1, 2, 3], [4, 5, 6]], dtype=np.uint8)
    np.testing.assert_array_equal(T.RandomHorizontalFlip(p=1.0)(img), [[3, 2, 1], [6, 5, 4]])
    np.testing.assert_array_equal(T.RandomHorizontalFlip(p=0.0)(img), img)
    np.testing.assert_array_equal(T.RandomVerticalFlip(p=1.0)(img), [[4, 5, 6], [1, 2, 3]])
    chw = lucid.tensor(np.stack([img, img * 2]).astype(np.float32))
    np.testing.assert_array_equal(T.RandomHorizontalFlip(1.0)(chw).numpy()[1],
                                  [[6, 4, 2], [12, 10, 8]])


def test_flip_batch_is_per_sample_and_seeded():
    batch = np.stack([np.arange(6, dtype=np.uint8).reshape(2, 3)] * 16)
    out = T.RandomHorizontalFlip(0.5, generator=3).apply_batch(batch)
    flipped = np.random.default_rng(3).random(16) < 0.5
    assert 0 < flipped.sum() < 16
    for n in range(16):
        expect = batch[n, :, ::-1] if flipped[n] else batch[n]
        np.testing.assert_array_equal(out[n], expect)
    again = T.RandomHorizontalFlip(0.5, generator=3).apply_batch(batch)
    np.testing.assert_array_equal(out, again)
    assert out is not batch and np.array_equal(batch[0], np.arange(6).reshape(2, 3))


# -- resize ------------------------------------------------------------------------------
def test_resize_nearest_hand_values():
    img = np.array([[1, 2], [3, 4]], dtype=np.uint8)
    np.testing.assert_array_equal(T.Resize((4, 4), "nearest")(img),
                                  [[1, 1, 2, 2], [1, 1, 2, 2], [3, 3, 4, 4], [3, 3, 4, 4]])
    np.testing.assert_array_equal(T.Resize((1, 1), "nearest")(img), [[1]])


def test_resize_bilinear_hand_values():
    img = np.array([[0.0, 4.0]], dtype=np.float32)  # 1 x 2 -> 1 x 4
    # src x = (dst + 0.5) * 2 / 4 - 0.5 = -0.25, 0.25, 0.75, 1.25 -> clamp/blend
    out = T.Resize((1, 4))(img)
    np.testing.assert_allclose(out, [[0.0, 1.0, 3.0, 4.0]])
    down = T.Resize((1, 1))(np.array([[0.0, 4.0], [8.0, 12.0]], np.float32))
    np.testing.assert_allclose(down, [[6.0]])  # the centre: the mean of the four
    u8 = T.Resize((1, 4))(np.array([[0, 3]], dtype=np.uint8))
    assert u8.dtype == np.uint8
    np.testing.assert_array_equal(u8, [[0, 1, 2, 3]])  # 0, .75, 2.25, 3 rounded


def test_resize_int_keeps_aspect_and_batches():
    batch = np.zeros((3, 10, 20, 3), np.uint8)
    assert T.Resize(5).apply_batch(batch).shape == (3, 5, 10, 3)
    t = lucid.tensor(np.zeros((2, 3, 20, 10), np.float32))
    assert T.Resize(5).apply_batch(t).shape == (2, 3, 10, 5)


# -- composition -------------------------------------------------------------------------
def test_compose_sample_vs_batch_and_seed():
    rng = np.random.default_rng(0)
    batch = rng.integers(0, 256, (5, 8, 8, 3), dtype=np.uint8)
    tf = T.Compose([T.CenterCrop(6), T.ToTensor(), T.Normalize((0.5, 0.5, 0.5),
                                                               (0.25, 0.25, 0.25)),
                    T.Lambda(lambda x: x * 2)])
    out = tf.apply_batch(batch)
    assert out.shape == (5, 3, 6, 6) and out.dtype == lucid.float32
    for n in range(5):
        np.testing.assert_allclose(out.numpy()[n], tf(batch[n]).numpy(), rtol=1e-6)
    expect = ((batch[:, 1:7, 1:7].transpose(0, 3, 1, 2) / 255 - 0.5) / 0.25) * 2
    np.testing.assert_allclose(out.numpy(), expect, rtol=1e-5, atol=1e-6)
    aug = T.Compose([T.RandomCrop(6, generator=0), T.RandomHorizontalFlip()])
    aug.seed(11)
    first = aug.apply_batch(batch)
    aug.seed(11)
    np.testing.assert_array_equal(aug.apply_batch(batch), first)
    assert "RandomCrop" in repr(aug)


def test_layout_errors():
    with pytest.raises(ValueError, match="HWC or HW"):
        T.CenterCrop(2)(np.zeros((2, 2, 2, 2)))
    with pytest.raises(ValueError, match="NCHW or NHW"):
        T.CenterCrop(2).apply_batch(lucid.tensor(np.zeros((2, 2), np.float32)))
