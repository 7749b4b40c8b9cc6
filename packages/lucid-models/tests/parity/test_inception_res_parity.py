"""Inception-ResNet v2 against timm's ``inception_resnet_v2``: identical state-dict keys,
order and shapes, equal parameter counts, eval-mode logits within 1e-4 on a random batch
(75x75, the smallest input). Inception-ResNet v1 has no independent implementation; its
parameter count is checked against the paper's layer shapes in ``tests/test_inception_res``.
"""

import zoo_parity as zp

from lucid import models


def test_inception_resnet_v2_logits_match_timm():
    import timm

    zp.assert_same_outputs(models.inception_resnet_v2(),
                           zp.randomise(timm.create_model("inception_resnet_v2")),
                           (2, 3, 75, 75))
