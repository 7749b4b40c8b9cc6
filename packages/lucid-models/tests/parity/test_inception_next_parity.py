"""InceptionNeXt against timm (``inception_next_*``): identical state-dict keys, order and
shapes, equal parameter counts, eval-mode logits within 1e-4 on a random batch (layer
scales set to random O(1) values first so every block counts)."""

import pytest
import timm
import zoo_parity as zp
from zoo_scales import randomise_scales

from lucid import models

NAMES = ["inception_next_atto", "inception_next_tiny", "inception_next_small",
         "inception_next_base"]


def _check(name, size):
    ref = randomise_scales(zp.randomise(timm.create_model(name)))
    zp.assert_same_outputs(models.create_model(name), ref, (2, 3, size, size))


def test_atto_matches_timm():
    _check("inception_next_atto", 64)


@pytest.mark.zoo
@pytest.mark.parametrize("name", NAMES[1:])
def test_matches_timm_zoo(name):
    _check(name, 64)
