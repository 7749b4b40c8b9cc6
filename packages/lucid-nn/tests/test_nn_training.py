"""End to end: LeNet-5 and a residual block train with a hand-written SGD step and the
loss goes down."""

from __future__ import annotations

import lucid
import lucid.nn as nn
import lucid.nn.functional as F


class LeNet5(nn.Module):
    def __init__(self, classes: int = 10):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 6, 5, padding=2), nn.Tanh(), nn.AvgPool2d(2),
            nn.Conv2d(6, 16, 5), nn.Tanh(), nn.AvgPool2d(2))
        self.classifier = nn.Sequential(
            nn.Flatten(), nn.Linear(16 * 5 * 5, 120), nn.Tanh(), nn.Linear(120, 84), nn.Tanh(),
            nn.Linear(84, classes))

    def forward(self, x):
        return self.classifier(self.features(x))


class ResidualBlock(nn.Module):
    def __init__(self, channels: int):
        super().__init__()
        self.conv1 = nn.Conv2d(channels, channels, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(channels)
        self.relu = nn.ReLU()
        self.conv2 = nn.Conv2d(channels, channels, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(channels)

    def forward(self, x):
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return self.relu(out + x)


class ResNetTiny(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(3, 8, 3, padding=1)
        self.block = ResidualBlock(8)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(8, 4)

    def forward(self, x):
        return self.fc(self.pool(self.block(self.stem(x))).reshape(x.shape[0], -1))


def sgd_step(model: nn.Module, lr: float) -> None:
    with lucid.no_grad():
        for p in model.parameters():
            if p.grad is not None:
                p.sub_(p.grad * lr)
    model.zero_grad()


def decreasing(losses) -> bool:
    return all(b < a for a, b in zip(losses, losses[1:])) and losses[-1] < losses[0] - 0.05


def train(model, x, y, steps, lr):
    losses = []
    for _ in range(steps):
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        sgd_step(model, lr)
        losses.append(float(loss.item()))
    return losses


def test_lenet5_trains():
    lucid.random.seed(0)
    model = LeNet5()
    x = lucid.randn(16, 1, 28, 28)
    y = lucid.randint(0, 10, (16,))
    params = list(model.parameters())
    losses = train(model, x, y, steps=8, lr=0.1)
    assert decreasing(losses), losses
    assert [id(p) for p in model.parameters()] == [id(p) for p in params]
    model.eval()
    assert model(x).shape == (16, 10)


def test_residual_block_trains_and_tracks_stats():
    lucid.random.seed(1)
    model = ResNetTiny()
    x = lucid.randn(8, 3, 8, 8)
    y = lucid.randint(0, 4, (8,))
    losses = train(model, x, y, steps=8, lr=0.1)
    assert decreasing(losses), losses
    assert int(model.block.bn1.num_batches_tracked.item()) == 8
    model.eval()
    with lucid.no_grad():
        out = model(x)
    assert out.shape == (8, 4) and not out.requires_grad
