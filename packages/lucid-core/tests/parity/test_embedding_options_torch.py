"""embedding's max_norm (in-place renormalisation) and scale_grad_by_freq against torch."""

import numpy as np
import pytest
import torch

import lucid

OPTIONS = [dict(max_norm=1.0), dict(max_norm=2.0, norm_type=1.0), dict(scale_grad_by_freq=True),
           dict(max_norm=1.5, scale_grad_by_freq=True, padding_idx=0)]


@pytest.mark.parametrize("options", OPTIONS, ids=lambda o: "-".join(map(str, o.items())))
def test_embedding_options_match_torch(options):
    rng = np.random.default_rng(0)
    table = rng.standard_normal((6, 4)) * 3
    index = np.array([[1, 3, 1], [5, 1, 0]])
    w = lucid.tensor(table.copy(), requires_grad=True)
    tw = torch.tensor(table.copy(), requires_grad=True)
    out = lucid.embedding(lucid.tensor(index), w, **options)
    want = torch.nn.functional.embedding(torch.tensor(index), tw, **options)
    g = rng.standard_normal(out.shape)
    out.backward(lucid.tensor(g))
    want.backward(torch.tensor(g))
    np.testing.assert_allclose(out.detach().numpy(), want.detach().numpy(), rtol=1e-10)
    np.testing.assert_allclose(w.detach().numpy(), tw.detach().numpy(), rtol=1e-10)  # renormed
    np.testing.assert_allclose(w.grad.numpy(), tw.grad.numpy(), rtol=1e-10, atol=1e-14)


def test_sparse_gradient_is_refused_clearly():
    with pytest.raises(ValueError, match="sparse"):
        lucid.embedding(lucid.tensor([0]), lucid.ones(2, 2), sparse=True)
