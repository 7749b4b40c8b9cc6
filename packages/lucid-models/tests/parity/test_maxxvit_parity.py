"""MaxViT against timm ``maxvit_*_tf_224`` and CoAtNet against timm ``coatnet_N_224``
(random weights, random batch-norm statistics): identical state-dict keys, order and shapes,
equal parameter counts, eval-mode logits within 1e-4. Both are built for 64x64 inputs
(``img_size=64``: MaxViT partitions of 2x2, CoAtNet bias windows of 4x4 and 2x2), which
keeps the CPU time small and exercises the same code as 224x224.
"""

import pytest
import timm
import zoo_parity as zp

from lucid import models

PAIRS = {**{f"maxvit_{s}": f"maxvit_{s}_tf_224" for s in ("tiny", "small", "base", "large")},
         **{f"coatnet_{i}": f"coatnet_{i}_224" for i in range(6)}}


def _check(name, ref_name):
    ref = zp.randomise(timm.create_model(ref_name, img_size=64, num_classes=1000))
    zp.assert_same_outputs(models.create_model(name, img_size=64), ref, (2, 3, 64, 64))


@pytest.mark.parametrize("name", ["maxvit_tiny", "coatnet_0"])
def test_matches_timm(name):
    _check(name, PAIRS[name])


@pytest.mark.zoo
@pytest.mark.parametrize("name", [n for n in PAIRS if n not in ("maxvit_tiny", "coatnet_0")]
                         + ["maxvit_xlarge"])
def test_matches_timm_zoo(name):
    _check(name, PAIRS.get(name, "maxvit_xlarge_tf_224"))
