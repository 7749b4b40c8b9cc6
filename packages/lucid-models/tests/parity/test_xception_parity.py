"""Xception against timm's ``legacy_xception`` (Cadene's port of the Keras model; timm's
``xception`` is a deprecated alias of it): identical state-dict keys, order and shapes,
equal parameter counts, eval-mode logits within 1e-4 on a random batch."""

import zoo_parity as zp

from lucid import models


def test_xception_logits_match_timm_legacy_xception():
    import timm

    zp.assert_same_outputs(models.xception(),
                           zp.randomise(timm.create_model("legacy_xception")), (2, 3, 64, 64))
