"""CSPNets against timm (``cspresnet50``, ``cspresnext50``, ``cspdarknet53``): identical
state-dict keys, order and shapes, equal parameter counts, eval-mode logits within 1e-4 on a
random batch."""

import pytest
import zoo_parity as zp

from lucid import models

TIMM = {"csp_resnet_50": "cspresnet50", "csp_resnext_50_32x4d": "cspresnext50",
        "csp_darknet_53": "cspdarknet53"}
LIGHT = ["csp_resnet_50"]


def _check(name):
    import timm

    zp.assert_same_outputs(models.create_model(name),
                           zp.randomise(timm.create_model(TIMM[name])), (2, 3, 64, 64))


@pytest.mark.parametrize("name", LIGHT)
def test_logits_match_timm(name):
    _check(name)


@pytest.mark.zoo
@pytest.mark.parametrize("name", [n for n in TIMM if n not in LIGHT])
def test_logits_match_timm_zoo(name):
    _check(name)
