"""LeNet-5 training speed: Lucid on MLX vs raw MLX (mlx.nn + mlx.optimizers), same device,
same process, same weights and batches.

Both sides train LeNet-5 (conv 1->6 5x5 pad 2, ReLU, max-pool 2; conv 6->16 5x5, ReLU,
max-pool 2; 400->120->84->10 with ReLU) with cross-entropy and SGD (lr 0.01, momentum
0.9) on batches of 128 Fashion-MNIST images (random images if the dataset is not at
``/usr/share/datasets/fashion-mnist``). A step is forward, backward and update, then an
evaluation of the loss, parameters and optimizer state (raw MLX: ``mx.eval``; Lucid: the
optimizer evaluates what it updated), then a read of the loss (``.item()``).

Each side runs eagerly and compiled: raw MLX's step under ``mx.compile`` with the model
and optimizer state as its inputs and outputs (MLX's documented pattern), Lucid's step
under ``lucid.compile(step, state=(model, optimizer))``.

    python bench/bench_mlx_lenet.py [--device cpu|gpu] [--steps 40] [--rounds 3]

Prints the seconds per step of each (median over rounds, the four interleaved in every
round) and the ratios eager lucid/raw-mlx (target: <= 1.3) and compiled lucid/raw-mlx.
Before timing, the first steps of all four are run side by side from the same weights
and their losses compared, so they are known to compute the same thing.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import os
import statistics
import time

import numpy as np

DATA = "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz"
LABELS = "/usr/share/datasets/fashion-mnist/train-labels-idx1-ubyte.gz"


def load_batches(count: int, batch: int, seed: int = 0):
    """``count`` batches (images ``(B, 28, 28)`` float32 in [0, 1], labels int64)."""
    rng = np.random.default_rng(seed)
    if os.path.exists(DATA) and os.path.exists(LABELS):
        with gzip.open(DATA) as f:
            images = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 28, 28)
        with gzip.open(LABELS) as f:
            labels = np.frombuffer(f.read(), np.uint8, offset=8).astype(np.int64)
        source = "Fashion-MNIST"
    else:
        images = rng.integers(0, 256, (count * batch, 28, 28), dtype=np.uint8)
        labels = rng.integers(0, 10, count * batch).astype(np.int64)
        source = "random data"
    order = rng.permutation(len(images))[: count * batch]
    xs = (images[order].astype(np.float32) / 255.0).reshape(count, batch, 28, 28)
    ys = labels[order].reshape(count, batch)
    return list(zip(xs, ys)), source


# -- raw MLX ---------------------------------------------------------------------------
def mlx_side(device: str, batches, seed: int, compiled: bool = False):
    import mlx.core as mx
    import mlx.nn as nn
    import mlx.optimizers as optim

    mx.set_default_device(mx.gpu if device == "gpu" else mx.cpu)
    mx.random.seed(seed)

    class LeNet(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(1, 6, 5, padding=2)
            self.conv2 = nn.Conv2d(6, 16, 5)
            self.pool = nn.MaxPool2d(2, 2)
            self.fc1 = nn.Linear(400, 120)
            self.fc2 = nn.Linear(120, 84)
            self.fc3 = nn.Linear(84, 10)

        def __call__(self, x):  # x: (B, 28, 28, 1), channels last
            x = self.pool(nn.relu(self.conv1(x)))
            x = self.pool(nn.relu(self.conv2(x)))
            x = x.reshape(x.shape[0], -1)
            x = nn.relu(self.fc1(x))
            x = nn.relu(self.fc2(x))
            return self.fc3(x)

    model = LeNet()
    opt = optim.SGD(learning_rate=0.01, momentum=0.9)

    def loss_fn(model, x, y):
        return nn.losses.cross_entropy(model(x), y, reduction="mean")

    loss_and_grad = nn.value_and_grad(model, loss_fn)
    data = [(mx.array(x[..., None]), mx.array(y)) for x, y in batches]
    mx.eval(model.parameters(), *[a for pair in data for a in pair])

    def update(x, y):
        loss, grads = loss_and_grad(model, x, y)
        opt.update(model, grads)
        return loss

    if compiled:  # MLX's pattern: the state is an input and an output of the graph
        state = [model.state, opt.state]
        update = functools.partial(mx.compile, inputs=state, outputs=state)(update)

    def step(i):
        x, y = data[i % len(data)]
        loss = update(x, y)
        mx.eval(loss, model.parameters(), opt.state)
        loss.item()
        return loss

    return model, step


def weights_for_lucid(model):
    """The raw-MLX LeNet's weights as NumPy arrays in Lucid's (PyTorch's) layout."""
    p = {k: np.array(v) for k, v in _flatten(model.parameters())}
    out = {}
    for name in ("conv1", "conv2"):
        out[f"{name}.weight"] = p[f"{name}.weight"].transpose(0, 3, 1, 2)  # OHWC -> OCHW
        out[f"{name}.bias"] = p[f"{name}.bias"]
    # MLX flattens (H, W, C); Lucid flattens (C, H, W)
    out["fc1.weight"] = p["fc1.weight"].reshape(120, 5, 5, 16).transpose(0, 3, 1, 2) \
        .reshape(120, 400)
    for name in ("fc1", "fc2", "fc3"):
        out[f"{name}.bias"] = p[f"{name}.bias"]
    out["fc2.weight"], out["fc3.weight"] = p["fc2.weight"], p["fc3.weight"]
    return out


def _flatten(tree, prefix=""):
    for key, value in tree.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            yield from _flatten(value, name + ".")
        else:
            yield name, value


# -- Lucid -----------------------------------------------------------------------------
def lucid_side(device: str, batches, weights, compiled: bool = False):
    import lucid
    import lucid.nn as nn
    import lucid.nn.functional as F
    import lucid.optim as optim

    if device == "cpu":
        lucid.backends.bind("cpu", "mlx")

    class LeNet(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(1, 6, 5, padding=2)
            self.conv2 = nn.Conv2d(6, 16, 5)
            self.pool = nn.MaxPool2d(2, 2)
            self.fc1 = nn.Linear(400, 120)
            self.fc2 = nn.Linear(120, 84)
            self.fc3 = nn.Linear(84, 10)

        def forward(self, x):  # x: (B, 1, 28, 28)
            x = self.pool(F.relu(self.conv1(x)))
            x = self.pool(F.relu(self.conv2(x)))
            x = x.reshape(x.shape[0], -1)
            x = F.relu(self.fc1(x))
            x = F.relu(self.fc2(x))
            return self.fc3(x)

    model = LeNet()
    model.load_state_dict({k: lucid.tensor(v) for k, v in weights.items()})
    model = model.to(device)
    opt = optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    data = [(lucid.tensor(x[:, None], device=device).eval(),
             lucid.tensor(y, device=device).eval()) for x, y in batches]

    def update(x, y):
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()  # evaluates (mx.async_eval) the parameters and the momentum buffers
        return loss

    if compiled:
        update = lucid.compile(update, state=(model, opt))

    def step(i):
        x, y = data[i % len(data)]
        loss = update(x, y)
        loss.item()  # wait for this step, as raw MLX's mx.eval does
        return loss

    return model, step


def time_steps(step, start: int, count: int) -> float:
    t0 = time.perf_counter()
    for i in range(start, start + count):
        step(i)
    return (time.perf_counter() - t0) / count


def main() -> None:
    import mlx.core as mx

    gpu = bool(getattr(mx, "is_available", lambda d: False)(mx.gpu))
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--device", choices=["cpu", "gpu"], default="gpu" if gpu else "cpu")
    parser.add_argument("--steps", type=int, default=40, help="timed steps per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--batch", type=int, default=128)
    args = parser.parse_args()

    batches, source = load_batches(32, args.batch)
    print(f"LeNet-5, batch {args.batch}, SGD(lr=0.01, momentum=0.9), {source}; "
          f"MLX {mx.__version__} on {args.device}")
    raw_model, raw_step = mlx_side(args.device, batches, seed=0)
    weights = weights_for_lucid(raw_model)  # before any step: all four start equal
    steps = {"raw MLX": raw_step,
             "raw MLX compiled": mlx_side(args.device, batches, seed=0, compiled=True)[1],
             "Lucid": lucid_side(args.device, batches, weights)[1],
             "Lucid compiled": lucid_side(args.device, batches, weights, compiled=True)[1]}

    losses = {name: [float(step(i).item()) for i in range(3)] for name, step in steps.items()}
    reference = losses["raw MLX"]
    worst = max(abs(a - b) / max(abs(a), 1e-12) for values in losses.values()
                for a, b in zip(reference, values))
    print(f"check: the first 3 losses of all four agree to {worst:.1e} (relative)")

    start = 3
    for step in steps.values():
        time_steps(step, start, args.warmup)
    times: dict[str, list[float]] = {name: [] for name in steps}
    for _ in range(args.rounds):
        for name, step in steps.items():
            times[name].append(time_steps(step, start, args.steps))
    median = {name: statistics.median(t) for name, t in times.items()}
    for name, t in times.items():
        print(f"{name:17s}: {median[name] * 1e3:8.2f} ms/step  (rounds: "
              f"{', '.join(f'{x * 1e3:.2f}' for x in t)})")
    print(f"ratio lucid/raw-mlx, eager: {median['Lucid'] / median['raw MLX']:.2f}  "
          "(target <= 1.3)")
    print(f"ratio lucid/raw-mlx, both compiled: "
          f"{median['Lucid compiled'] / median['raw MLX compiled']:.2f}")
    print(f"ratio lucid compiled/raw-mlx eager: "
          f"{median['Lucid compiled'] / median['raw MLX']:.2f}")


if __name__ == "__main__":
    main()
