"""lucid.data / lucid.transforms side by side with PyTorch (torch 2.13 CPU)."""

from __future__ import annotations

import numpy as np
import pytest
import torch  # noqa: E402

import lucid
from lucid import transforms as T
from lucid.data import default_collate

F = torch.nn.functional


def _dtype_name(t) -> str:
    return str(t.dtype).replace("torch.", "")


def test_default_collate_dtypes_match_torch():
    from torch.utils.data import default_collate as torch_collate

    samples = [{"f": 0.5 * i, "i": i, "b": bool(i % 2), "a64": np.full(2, i, np.float64),
                "a32": np.full(2, i, np.float32), "u8": np.full(3, i, np.uint8),
                "s": np.int16(i)} for i in range(4)]
    ours, ref = default_collate(samples), torch_collate(samples)
    for key in samples[0]:
        assert ours[key].dtype.name == _dtype_name(ref[key]), key
        np.testing.assert_array_equal(ours[key].numpy(), ref[key].numpy())


@pytest.mark.parametrize("size", [(4, 5), (13, 17), (7, 20), (3, 3)])
@pytest.mark.parametrize("mode", ["bilinear", "nearest"])
def test_resize_matches_interpolate(size, mode):
    x = np.random.default_rng(0).random((2, 3, 7, 9)).astype(np.float32)
    ours = T.Resize(size, mode).apply_batch(lucid.tensor(x)).numpy()
    kwargs = {"align_corners": False} if mode == "bilinear" else {}
    ref = F.interpolate(torch.tensor(x), size=size, mode=mode, **kwargs).numpy()
    np.testing.assert_allclose(ours, ref, atol=1e-6)


def test_to_tensor_and_normalize_match_torch_math():
    img = np.random.default_rng(1).integers(0, 256, (6, 5, 3), dtype=np.uint8)
    ours = T.Compose([T.ToTensor(), T.Normalize((0.4, 0.5, 0.6), (0.2, 0.3, 0.4))])(img)
    ref = torch.tensor(img).permute(2, 0, 1).float().div(255)
    ref = (ref - torch.tensor([0.4, 0.5, 0.6])[:, None, None]) / \
        torch.tensor([0.2, 0.3, 0.4])[:, None, None]
    np.testing.assert_allclose(ours.numpy(), ref.numpy(), rtol=1e-6, atol=1e-6)
