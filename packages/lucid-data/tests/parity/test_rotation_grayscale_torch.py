"""transforms.RandomRotation / Grayscale / RandomGrayscale against torchvision's tensor
functions (rotate with fill, rgb_to_grayscale), on NumPy HWC images and Lucid CHW tensors."""

import sys
import types

import numpy as np
import pytest
import torch

import lucid
from lucid import transforms as T
from lucid.ops.grid_sample import rotate

sys.modules.setdefault("torchvision._meta_registrations",
                       types.ModuleType("torchvision._meta_registrations"))


def _tv():
    import torchvision.transforms.functional as TF
    from torchvision.transforms import InterpolationMode

    return TF, InterpolationMode


@pytest.mark.parametrize("interpolation,fill,center", [("nearest", 0, None),
                                                       ("bilinear", 0, None),
                                                       ("bilinear", [10, 200, 30], (3, 5)),
                                                       ("nearest", 7, (2, 2))])
def test_random_rotation_fixed_angle_matches_torchvision(interpolation, fill, center):
    tf, mode = _tv()
    img = np.random.default_rng(0).integers(0, 256, (11, 14, 3), dtype=np.uint8)
    t = T.RandomRotation((33.0, 33.0), interpolation=interpolation, center=center, fill=fill)
    out = t(img)
    ref = tf.rotate(torch.tensor(img).permute(2, 0, 1), 33.0, mode(interpolation),
                    center=list(center) if center else None, fill=fill)
    assert out.dtype == np.uint8 and out.shape == img.shape
    diff = np.abs(out.astype(int) - ref.permute(1, 2, 0).numpy().astype(int))
    assert diff.max() <= 1 and (diff > 0).mean() < 0.01  # rounding of x.5 values only


def test_random_rotation_tensor_batch_and_seed():
    x = lucid.tensor(np.random.default_rng(1).random((4, 3, 8, 8)).astype("float32"))
    t = T.RandomRotation(40, interpolation="bilinear", generator=5)
    a = t.apply_batch(x)
    t.seed(5)
    b = t.apply_batch(x)
    assert isinstance(a, lucid.Tensor) and a.shape == x.shape
    np.testing.assert_array_equal(a.numpy(), b.numpy())  # same seed, same angles
    # each sample is its own rotation: equal to rotating it alone by its drawn angle, with
    # torchvision's fill rule (fill=0: img * rotated mask)
    angle = float(np.random.default_rng(5).uniform(-40, 40, size=4)[2])
    single = rotate(x[2], angle, mode="bilinear") * rotate(lucid.ones(1, 8, 8), angle)
    np.testing.assert_allclose(a.numpy()[2], single.numpy(), atol=1e-5)


def test_random_rotation_bad_arguments():
    with pytest.raises(ValueError, match="degrees"):
        T.RandomRotation(-5)
    with pytest.raises(ValueError, match="interpolation"):
        T.RandomRotation(5, interpolation="cubic")


@pytest.mark.parametrize("dtype", [np.uint8, np.float32])
def test_grayscale_matches_torchvision(dtype):
    tf, _ = _tv()
    rng = np.random.default_rng(2)
    img = rng.integers(0, 256, (6, 7, 3)).astype(dtype)
    if dtype == np.float32:
        img /= 255.0
    ref = tf.rgb_to_grayscale(torch.tensor(img).permute(2, 0, 1), 3).permute(1, 2, 0).numpy()
    np.testing.assert_allclose(T.Grayscale(3)(img), ref, atol=1e-6)
    assert T.Grayscale(1)(img).shape == (6, 7, 1)


def test_random_grayscale_probability_and_tensor_layout():
    rng = np.random.default_rng(3)
    batch = rng.random((200, 3, 4, 4)).astype("float32")
    out = T.RandomGrayscale(p=0.3, generator=0).apply_batch(lucid.tensor(batch)).numpy()
    grey = np.array([np.allclose(o[0], o[1]) and np.allclose(o[1], o[2]) for o in out])
    assert 0.2 < grey.mean() < 0.4
    luma = np.tensordot([0.2989, 0.587, 0.114], batch[grey], axes=([0], [1]))
    np.testing.assert_allclose(out[grey][:, 0], luma, atol=1e-6)
    np.testing.assert_array_equal(out[~grey], batch[~grey])  # the rest untouched
    assert T.RandomGrayscale(p=1.0)(np.zeros((4, 4, 1), np.uint8)).shape == (4, 4, 1)
    with pytest.raises(ValueError, match="p must be"):
        T.RandomGrayscale(p=1.5)
