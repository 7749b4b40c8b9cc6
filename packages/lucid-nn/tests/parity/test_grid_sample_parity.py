"""F.affine_grid, F.grid_sample and F.rotate against PyTorch / torchvision: values and the
gradients to input, grid and theta, every mode x padding_mode x align_corners."""

import itertools
import sys
import types

import numpy as np
import pytest
import torch

import lucid
import lucid.nn.functional as F

# torchvision's compiled ops do not load against the CPU torch build; its Python code does
sys.modules.setdefault("torchvision._meta_registrations",
                       types.ModuleType("torchvision._meta_registrations"))

CASES = list(itertools.product(["bilinear", "nearest"], ["zeros", "border", "reflection"],
                               [False, True]))


@pytest.mark.parametrize("mode,padding_mode,align_corners", CASES)
def test_grid_sample_matches_torch_with_gradients(mode, padding_mode, align_corners):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 3, 5, 6))
    g = rng.uniform(-1.4, 1.4, (2, 4, 7, 2))  # some points fall outside [-1, 1]
    w = rng.standard_normal((2, 3, 4, 7))
    lx = lucid.tensor(x, dtype=lucid.float64, requires_grad=True)
    lg = lucid.tensor(g, dtype=lucid.float64, requires_grad=True)
    out = F.grid_sample(lx, lg, mode, padding_mode, align_corners)
    (out * lucid.tensor(w)).sum().backward()
    tx = torch.tensor(x, requires_grad=True)
    tg = torch.tensor(g, requires_grad=True)
    ref = torch.nn.functional.grid_sample(tx, tg, mode, padding_mode, align_corners)
    (ref * torch.tensor(w)).sum().backward()
    np.testing.assert_allclose(out.numpy(), ref.detach().numpy(), atol=1e-12)
    np.testing.assert_allclose(lx.grad.numpy(), tx.grad.numpy(), atol=1e-12)
    np.testing.assert_allclose(lg.grad.numpy(), tg.grad.numpy(), atol=1e-11)


def test_grid_sample_volumetric_float32():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((1, 2, 3, 4, 5)).astype("float32")
    g = rng.uniform(-1.1, 1.1, (1, 2, 3, 4, 3)).astype("float32")
    out = F.grid_sample(lucid.tensor(x), lucid.tensor(g), padding_mode="border")
    ref = torch.nn.functional.grid_sample(torch.tensor(x), torch.tensor(g),
                                          padding_mode="border", align_corners=False)
    np.testing.assert_allclose(out.numpy(), ref.numpy(), atol=1e-5)


@pytest.mark.parametrize("align_corners", [False, True])
def test_affine_grid_matches_torch_with_theta_gradient(align_corners):
    rng = np.random.default_rng(2)
    for theta_shape, size in (((2, 2, 3), (2, 3, 4, 5)), ((2, 3, 4), (2, 1, 3, 4, 5))):
        th = rng.standard_normal(theta_shape)
        lt = lucid.tensor(th, dtype=lucid.float64, requires_grad=True)
        tt = torch.tensor(th, requires_grad=True)
        out = F.affine_grid(lt, size, align_corners)
        ref = torch.nn.functional.affine_grid(tt, size, align_corners)
        w = rng.standard_normal(tuple(ref.shape))
        (out * lucid.tensor(w)).sum().backward()
        (ref * torch.tensor(w)).sum().backward()
        np.testing.assert_allclose(out.numpy(), ref.detach().numpy(), atol=1e-12)
        np.testing.assert_allclose(lt.grad.numpy(), tt.grad.numpy(), atol=1e-10)


@pytest.mark.parametrize("angle,center,mode", [(30, None, "bilinear"), (-75, [3, 4], "bilinear"),
                                               (90, None, "bilinear"), (30, None, "nearest"),
                                               (-75, [3, 4], "nearest")])
def test_rotate_matches_torchvision(angle, center, mode):
    import torchvision.transforms.functional as TF
    from torchvision.transforms import InterpolationMode

    img = np.random.default_rng(3).standard_normal((2, 3, 9, 12)).astype("float32")
    out = F.rotate(lucid.tensor(img), angle, center, mode)
    ref = TF.rotate(torch.tensor(img), angle, InterpolationMode(mode), center=center, fill=None)
    np.testing.assert_allclose(out.numpy(), ref.numpy(), atol=1e-5)
    single = F.rotate(lucid.tensor(img[0]), angle, center, mode)  # (C, H, W) works too
    np.testing.assert_allclose(single.numpy(), out.numpy()[0], atol=1e-6)


def test_rotate_by_quarter_turn_is_rot90():
    img = lucid.arange(16.0).reshape(1, 1, 4, 4)
    turned = F.rotate(img, 90)  # counter-clockwise, about the centre
    np.testing.assert_allclose(turned.numpy()[0, 0], np.rot90(img.numpy()[0, 0]), atol=1e-5)


def test_bad_arguments_raise_typed_errors():
    x, g = lucid.zeros(1, 1, 3, 3), lucid.zeros(1, 2, 2, 2)
    with pytest.raises(ValueError, match="mode"):
        F.grid_sample(x, g, mode="bicubic_typo")
    with pytest.raises(ValueError, match="padding_mode"):
        F.grid_sample(x, g, padding_mode="wrap")
    with pytest.raises(lucid.ShapeError, match=r"\(1, 2, 2, 3\)"):
        F.grid_sample(x, lucid.zeros(1, 2, 2, 3))
    with pytest.raises(lucid.ShapeError, match="theta"):
        F.affine_grid(lucid.zeros(1, 3, 3), (1, 1, 4, 4))
    with pytest.raises(lucid.DTypeError):
        F.grid_sample(lucid.zeros(1, 1, 3, 3, dtype=lucid.int64), g)


def test_nan_in_input_stays_nan():
    x = lucid.tensor([[[[1.0, float("nan")], [3.0, 4.0]]]])
    g = lucid.tensor([[[[0.0, 0.0]]]])  # the centre mixes all four pixels
    assert np.isnan(F.grid_sample(x, g, align_corners=True).item())


@pytest.mark.parametrize("mode", ["bilinear", "nearest"])
@pytest.mark.parametrize("padding_mode", ["zeros", "border", "reflection"])
def test_nan_grid_point_gives_nan_and_no_index_error(mode, padding_mode):
    x = lucid.arange(16.0).reshape(1, 1, 4, 4)
    g = lucid.tensor([[[[float("nan"), 0.0], [0.2, -0.4]]]])
    out = F.grid_sample(x, g, mode, padding_mode).numpy().ravel()
    ref = torch.nn.functional.grid_sample(torch.arange(16.0).reshape(1, 1, 4, 4),
                                          torch.tensor(g.numpy()), mode, padding_mode, False)
    assert np.isnan(out[0])
    np.testing.assert_allclose(out[1], ref.numpy().ravel()[1], atol=1e-6)
