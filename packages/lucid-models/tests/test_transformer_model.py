"""The seq2seq Transformer (``transformer_base``/``transformer_big``): parameter counts
(hand-computed, see below), the tied output projection, the padding mask (padded source
positions cannot change the output), causality, greedy decoding, and training on the
example's reverse task (both backends)."""

import importlib.util
from pathlib import Path

import numpy as np
import pytest

import lucid
from lucid import models
from lucid.models import Transformer


def _count(d, ff, vocab=37000, n=6):
    """Hand count: embedding V d (shared, tied); per encoder layer 4(d^2 + d) attention +
    2 d ff + ff + d feed-forward + 2 LayerNorms (2d each); per decoder layer two attentions
    and 3 LayerNorms; a final LayerNorm per stack."""
    attn, ffn = 4 * (d * d + d), 2 * d * ff + ff + d
    enc, dec = attn + ffn + 4 * d, 2 * attn + ffn + 6 * d
    return vocab * d + n * (enc + dec) + 4 * d


def test_counts_on_meta():
    for name, d, ff in (("transformer_base", 512, 2048), ("transformer_big", 1024, 4096)):
        with lucid.device("meta"):
            model = models.create_model(name)
        assert sum(p.numel() for p in model.parameters()) == _count(d, ff)
    assert _count(512, 2048) == 63_084_544 and _count(1024, 4096) == 214_249_472


def _small(**kw):
    lucid.random.seed(0)
    return Transformer(13, 16, 2, 1, 1, 32, 0.0, **kw).eval()


def test_tied_output_and_shapes():
    model = _small()
    src, tgt = lucid.tensor([[3, 4, 5, 0]]), lucid.tensor([[1, 5, 4]])
    h = model.transformer.decoder(model.embed(tgt), model.encode(src)[0],
                                  tgt_mask=lucid.nn.Transformer
                                  .generate_square_subsequent_mask(3),
                                  tgt_key_padding_mask=tgt == 0,
                                  memory_key_padding_mask=src == 0)
    np.testing.assert_allclose(model(src, tgt).numpy(),
                               h.numpy() @ model.embedding.weight.numpy().T, atol=1e-5)


def test_padding_and_causality():
    model = _small()
    src = lucid.tensor([[3, 4, 5, 0, 0]])
    longer = lucid.tensor([[3, 4, 5, 0, 0, 0, 0]])
    tgt = lucid.tensor([[1, 5, 4, 3]])
    ref = model(src, tgt).numpy()
    np.testing.assert_allclose(model(longer, tgt).numpy(), ref, atol=1e-5)  # more padding
    changed = lucid.tensor([[1, 5, 4, 9]])  # last target token changes: earlier rows don't
    np.testing.assert_allclose(model(src, changed).numpy()[:, :3], ref[:, :3], atol=1e-5)
    assert not np.allclose(model(lucid.tensor([[3, 4, 6, 0, 0]]), tgt).numpy(), ref)


def test_greedy_decode_matches_step_by_step_argmax():
    model = _small()
    src = lucid.tensor([[3, 4, 5, 6], [7, 8, 0, 0]])
    out = model.greedy_decode(src, bos_idx=1, max_len=4).numpy()
    ys = np.ones((2, 1), np.int64)
    for _ in range(4):
        nxt = model(src, lucid.tensor(ys)).numpy()[:, -1].argmax(-1)
        ys = np.concatenate([ys, nxt[:, None]], axis=1)
    np.testing.assert_array_equal(out, ys[:, 1:])


def _example():
    path = Path(__file__).resolve().parents[3] / "examples/train_transformer_copy.py"
    spec = importlib.util.spec_from_file_location("train_transformer_copy", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_example_learns_short_copy():
    """A few steps of the example on short sequences: greedy accuracy far above chance
    (1/6 of the symbols + EOS)."""
    acc = _example().main(["--task", "copy", "--symbols", "4", "--max-len", "4",
                           "--min-len", "2", "--steps", "120", "--eval-every", "120",
                           "--eval-size", "64", "--d-model", "32", "--ff", "64",
                           "--batch-size", "32", "--lr", "3e-3"])
    assert acc > 0.6


@pytest.mark.zoo
def test_example_reverse_reaches_99_percent():
    assert _example().main([]) > 0.99
