"""nn.MultiHeadAttention (the original Lucid's batch-first, output-only layer) against
torch.nn.MultiheadAttention(batch_first=True) with the same weights."""

import numpy as np
import torch

import lucid
import lucid.nn as nn


def _pair(**kw):
    lucid.random.seed(0)
    m = nn.MultiHeadAttention(8, 2, **kw)
    t = torch.nn.MultiheadAttention(8, 2, batch_first=True,
                                    **{k: v for k, v in kw.items() if k != "kdim"})
    t.load_state_dict({k: torch.tensor(v.numpy()) for k, v in m.state_dict().items()})
    return m, t


def test_output_tensor_matches_torch_with_causal_and_padding_masks():
    m, t = _pair()
    x = np.random.default_rng(0).standard_normal((3, 5, 8)).astype("float32")
    pad = np.zeros((3, 5), bool)
    pad[1, 3:] = True
    y = m(lucid.tensor(x), lucid.tensor(x), lucid.tensor(x),
          key_padding_mask=lucid.tensor(pad), is_causal=True)
    assert isinstance(y, lucid.Tensor) and y.shape == (3, 5, 8)  # a tensor, not a pair
    tx = torch.tensor(x)
    causal = torch.triu(torch.ones(5, 5, dtype=torch.bool), 1)
    ref, _ = t(tx, tx, tx, key_padding_mask=torch.tensor(pad), attn_mask=causal,
               need_weights=False)
    np.testing.assert_allclose(y.numpy(), ref.detach().numpy(), atol=1e-5)


def test_cross_attention_and_gradients_match_torch():
    m, t = _pair()
    rng = np.random.default_rng(1)
    q = rng.standard_normal((2, 4, 8)).astype("float32")
    kv = rng.standard_normal((2, 6, 8)).astype("float32")
    lq = lucid.tensor(q, requires_grad=True)
    m(lq, lucid.tensor(kv), lucid.tensor(kv)).sum().backward()
    tq = torch.tensor(q, requires_grad=True)
    t(tq, torch.tensor(kv), torch.tensor(kv), need_weights=False)[0].sum().backward()
    np.testing.assert_allclose(lq.grad.numpy(), tq.grad.numpy(), atol=1e-5)
    np.testing.assert_allclose(m.out_proj.weight.grad.numpy(),
                               t.out_proj.weight.grad.numpy(), atol=1e-5)
    assert isinstance(m, nn.MultiheadAttention) and m.batch_first
