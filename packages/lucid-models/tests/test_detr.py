"""DETR: parameter counts (paper, Carion et al. ECCV 2020, Table 1: DETR 41M, DETR-R101 60M;
exact figures cross-checked in parity/test_detr_parity.py),
Hungarian matching against brute force, the set loss by hand, and a training step +
prediction on both backends."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import lucid
import lucid.models
from lucid.models.detection.detr import detr_r50
from lucid.models.detection.detr.criterion import SetCriterion
from lucid.models.detection.detr.matcher import HungarianMatcher


def _count(model) -> int:
    return sum(p.numel() for p in model.parameters())


def test_registered_and_parameter_counts_on_meta():
    assert {"detr_r50", "detr_r101"} <= set(lucid.models.list_models())
    with lucid.device("meta"):
        r50 = lucid.models.create_model("detr_r50")
        r101 = lucid.models.create_model("detr_r101")
    assert _count(r50) == 41_524_768      # exact figures: parity/test_detr_parity.py
    assert _count(r101) == 60_464_672
    assert _count(r50) // 10**6 == 41 and _count(r101) // 10**6 == 60  # paper: 41M, 60M


def test_hungarian_matching_is_optimal():
    rng = np.random.default_rng(0)
    logits = lucid.tensor(rng.standard_normal((1, 5, 4)).astype(np.float32))
    boxes = lucid.tensor(rng.uniform(0.2, 0.5, (1, 5, 4)).astype(np.float32))
    tgt = {"labels": lucid.tensor([0, 2, 1]),
           "boxes": lucid.tensor(rng.uniform(0.2, 0.5, (3, 4)).astype(np.float32))}
    matcher = HungarianMatcher()
    rows, cols = matcher(logits, boxes, [tgt])[0]
    # brute force over every injective assignment of the 3 objects to the 5 queries
    prob = np.exp(logits.numpy()[0])
    prob /= prob.sum(-1, keepdims=True)

    def cost(q, j):
        from lucid.models.detection.ops import box_convert, generalized_box_iou
        b, t = boxes.numpy()[0][q], tgt["boxes"].numpy()[j]
        g = generalized_box_iou(box_convert(lucid.tensor(b[None]), "cxcywh", "xyxy"),
                                box_convert(lucid.tensor(t[None]), "cxcywh", "xyxy")).numpy()
        return 5 * np.abs(b - t).sum() - prob[q, tgt["labels"].numpy()[j]] - 2 * g[0, 0]

    best = min(sum(cost(q, j) for j, q in enumerate(p))
               for p in itertools.permutations(range(5), 3))
    assert abs(sum(cost(q, j) for q, j in zip(rows, cols)) - best) < 1e-5


def test_set_loss_by_hand():
    # one image, two queries, one object matched to query 0 (its box is exact)
    logits = lucid.tensor([[[2.0, 0.0], [0.0, 1.0]]])          # 1 class + no-object
    boxes = lucid.tensor([[[0.5, 0.5, 0.2, 0.2], [0.1, 0.1, 0.1, 0.1]]])
    tgt = [{"labels": lucid.tensor([0]), "boxes": lucid.tensor([[0.5, 0.5, 0.2, 0.2]])}]
    out = SetCriterion(1).single(logits, boxes, tgt, 1.0)
    ce0 = np.log(1 + np.exp(-2.0))          # query 0 -> class 0, weight 1
    ce1 = np.log(1 + np.exp(-1.0))          # query 1 -> no-object, weight 0.1
    np.testing.assert_allclose(out["loss_ce"].numpy(), (ce0 + 0.1 * ce1) / 1.1, rtol=1e-5)
    np.testing.assert_allclose(out["loss_bbox"].numpy(), 0.0, atol=1e-6)
    np.testing.assert_allclose(out["loss_giou"].numpy(), 0.0, atol=1e-6)


def test_train_step_and_predict():
    model = detr_r50(num_classes=3, num_queries=8)
    rng = np.random.default_rng(0)
    images = [lucid.tensor(rng.uniform(size=(3, 64, 64)).astype(np.float32)),
              lucid.tensor(rng.uniform(size=(3, 48, 64)).astype(np.float32))]
    targets = [{"boxes": lucid.tensor([[4.0, 6.0, 30.0, 40.0], [20.0, 20.0, 60.0, 50.0]]),
                "labels": lucid.tensor([1, 2])},
               {"boxes": lucid.tensor([[0.0, 0.0, 10.0, 12.0]]), "labels": lucid.tensor([0])}]
    model.train()
    losses = model(images, targets)
    assert len(losses) == 18 and {"loss_ce", "loss_bbox", "loss_giou", "loss_giou_4"} <= set(losses)
    total = sum(losses.values())
    assert np.isfinite(total.numpy())
    total.backward()
    params = dict(model.named_parameters())
    for name in ("class_embed.weight", "bbox_embed.layers.2.weight", "query_embed.weight",
                 "transformer.encoder.layers.0.self_attn.in_proj_weight", "input_proj.weight",
                 "backbone.0.body.layer4.0.conv1.weight"):
        assert params[name].grad is not None and np.abs(params[name].grad.numpy()).sum() > 0, name
    assert params["backbone.0.body.conv1.weight"].grad is None   # frozen, as in the paper's code
    model.eval()
    with lucid.no_grad():
        out = model(images)
    assert [tuple(o["boxes"].shape) for o in out] == [(8, 4), (8, 4)]
    s = out[1]["scores"].numpy()
    assert ((s > 0) & (s < 1)).all() and out[1]["labels"].numpy().max() < 3
    b = out[1]["boxes"].numpy()
    assert (b[:, 2] >= b[:, 0]).all() and (b >= 0).all() and (b[:, [0, 2]] <= 64).all()


@pytest.mark.zoo
def test_r101_train_step_and_predict():
    model = lucid.models.create_model("detr_r101", num_classes=4, num_queries=6)
    images = [lucid.rand(3, 64, 64)]
    targets = [{"boxes": lucid.tensor([[8.0, 8.0, 40.0, 50.0]]), "labels": lucid.tensor([3])}]
    model.train()
    sum(model(images, targets).values()).backward()
    assert model.class_embed.weight.grad is not None
    model.eval()
    with lucid.no_grad():
        assert tuple(model(images)[0]["boxes"].shape) == (6, 4)


@pytest.mark.zoo
def test_loss_decreases():
    import lucid.optim

    lucid.manual_seed(0)
    model = detr_r50(num_classes=2, num_queries=5, dropout=0.0)
    opt = lucid.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=1e-4)
    images = [lucid.rand(3, 64, 64)]
    targets = [{"boxes": lucid.tensor([[8.0, 8.0, 40.0, 50.0]]), "labels": lucid.tensor([1])}]
    model.train()
    history = []
    for _ in range(6):
        loss = sum(model(images, targets).values())
        opt.zero_grad()
        loss.backward()
        opt.step()
        history.append(float(loss.numpy()))
    assert np.isfinite(history).all() and history[-1] < 0.6 * history[0], history
