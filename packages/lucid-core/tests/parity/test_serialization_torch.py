"""Checkpoints moving between Lucid and PyTorch through .safetensors."""

from __future__ import annotations

import numpy as np
import safetensors.torch as st_torch  # noqa: E402
import torch  # noqa: E402

import lucid


def test_lucid_safetensors_loads_in_torch(tmp_path):
    w = np.random.default_rng(0).standard_normal((4, 3)).astype(np.float32)
    lucid.save({"fc.weight": lucid.tensor(w), "steps": lucid.tensor([3])},
               tmp_path / "m.safetensors")
    out = st_torch.load_file(str(tmp_path / "m.safetensors"))
    assert out["fc.weight"].dtype == torch.float32 and out["steps"].dtype == torch.int64
    np.testing.assert_array_equal(out["fc.weight"].numpy(), w)


def test_torch_safetensors_loads_in_lucid(tmp_path):
    state = torch.nn.Linear(3, 2).state_dict()
    st_torch.save_file(state, str(tmp_path / "t.safetensors"))
    out = lucid.load(tmp_path / "t.safetensors")
    for k, v in state.items():
        np.testing.assert_array_equal(out[k].numpy(), v.numpy())
