"""``Mlp``: the transformer feed-forward block (Vaswani et al. 2017; ViT's "MLP")::

    y = dropout(fc2(dropout(act(fc1(x)))))      fc1: C -> hidden, fc2: hidden -> C_out

``act`` is GELU by default (exact erf form, as ViT/Swin/PVT/CrossViT). Parameter names
``fc1``/``fc2`` follow timm's ``Mlp``, so its state dicts load by name.
"""

from __future__ import annotations

from lucid import nn

__all__ = ["Mlp"]


class Mlp(nn.Module):
    def __init__(self, in_features: int, hidden_features: int | None = None,
                 out_features: int | None = None, act_layer=nn.GELU, drop: float = 0.0) -> None:
        super().__init__()
        hidden_features = hidden_features or in_features
        self.fc1 = nn.Linear(in_features, hidden_features)
        self.act = act_layer()
        self.fc2 = nn.Linear(hidden_features, out_features or in_features)
        self.drop = nn.Dropout(drop)

    def forward(self, x):
        return self.drop(self.fc2(self.drop(self.act(self.fc1(x)))))
