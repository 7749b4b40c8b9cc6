"""lucid.models.summarize(resnet_18) against torchvision's ResNet-18: the same module names
with the same output shapes (recorded by torch forward hooks) and parameter counts, and
convolution multiply-adds equal to fvcore's per module."""

import sys
import types

import torch
from fvcore.nn import FlopCountAnalysis

from lucid import models

sys.modules.setdefault("torchvision._meta_registrations",
                       types.ModuleType("torchvision._meta_registrations"))
import torchvision.models as tv_models  # noqa: E402


def test_resnet18_summary_matches_torchvision():
    tmodel = tv_models.resnet18().eval()
    shapes, handles = {}, []

    def record(name):
        def hook(module, args, out):
            shapes.setdefault(name, tuple(out.shape))
        return hook

    for name, module in tmodel.named_modules():
        handles.append(module.register_forward_hook(record(name)))
    x = torch.randn(1, 3, 64, 64)
    with torch.no_grad():
        tmodel(x)
    for h in handles:
        h.remove()
    analysis = FlopCountAnalysis(tmodel, x)
    analysis.unsupported_ops_warnings(False)
    analysis.uncalled_modules_warnings(False)
    ref_macs = analysis.by_module()

    s = models.summarize(models.resnet_18().eval(), (1, 3, 64, 64), print_table=False)
    rows = {}
    for info in s.layers:
        rows.setdefault(info.name, info)
    tmods = dict(tmodel.named_modules())
    assert set(shapes) <= set(rows)
    assert all(rows[n].params == 0 for n in set(rows) - set(shapes))  # e.g. drop-path slots
    for name, info in ((n, rows[n]) for n in shapes):
        assert info.output_shape == shapes[name], name
        assert info.params == sum(p.numel() for p in tmods[name].parameters()), name
        if isinstance(tmods[name], torch.nn.Conv2d):
            assert info.macs == ref_macs[name], name
    assert s.total_params == sum(p.numel() for p in tmodel.parameters()) == 11689512
