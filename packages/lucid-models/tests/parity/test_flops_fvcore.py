"""lucid.count_flops on Lucid's ResNets against fvcore and thop on torchvision's same
architectures at 224x224 (ResNet-18 ~1.82 GMACs, ResNet-50 ~4.1).

Convolutions and the classifier's product must agree exactly, op by op and conv module by
conv module (the same formula: output elements x C_in/groups x kernel area). The totals
differ only by the cheap elementwise ops, which the counters treat differently: fvcore
counts batch norm as 2 per element and nothing for ReLU, max-pool or the residual add;
Lucid counts one per element of every op that computes (see lucid.flops.formulas). The
totals must agree within 1%.
"""

import sys
import types

import pytest
import torch
from fvcore.nn import FlopCountAnalysis

import lucid
from lucid import models

sys.modules.setdefault("torchvision._meta_registrations",
                       types.ModuleType("torchvision._meta_registrations"))
import thop  # noqa: E402
import torchvision.models as tv_models  # noqa: E402


def _compare(lucid_name: str, tv_name: str, expected_gmacs: float):
    torch.manual_seed(0)
    tmodel = getattr(tv_models, tv_name)().eval()
    analysis = FlopCountAnalysis(tmodel, torch.randn(1, 3, 224, 224))
    analysis.unsupported_ops_warnings(False)
    analysis.uncalled_modules_warnings(False)
    ref_ops, ref_modules = analysis.by_operator(), analysis.by_module()

    model = getattr(models, lucid_name)().eval()
    x = lucid.randn(1, 3, 224, 224)
    with lucid.no_grad(), lucid.count_flops(model) as counter:
        y = model(x)

    assert counter.by_op["conv"] == ref_ops["conv"]
    bias_adds = y.numel()  # Lucid's linear op counts its bias add; fvcore's addmm does not
    assert counter.by_op["linear"] == ref_ops["linear"] + bias_adds
    conv_names = [n for n, m in tmodel.named_modules() if isinstance(m, torch.nn.Conv2d)]
    assert len(conv_names) > 0
    for name in conv_names:
        assert counter.by_module[name] == ref_modules[name], name
    assert counter.total == pytest.approx(analysis.total(), rel=0.01)
    thop_macs, _ = thop.profile(tmodel, inputs=(torch.randn(1, 3, 224, 224),), verbose=False)
    assert counter.total == pytest.approx(thop_macs, rel=0.01)
    contractions = counter.by_op["conv"] + counter.by_op["linear"] - bias_adds
    assert contractions / 1e9 == pytest.approx(expected_gmacs, abs=0.02)  # the published figure
    assert y.flops == counter.total  # the logits depend on every op that ran


def test_resnet18_macs_match_fvcore_and_thop():
    _compare("resnet_18", "resnet18", 1.82)


@pytest.mark.zoo
def test_resnet50_macs_match_fvcore_and_thop():
    _compare("resnet_50", "resnet50", 4.1)
