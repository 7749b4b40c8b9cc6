"""Per-kernel breakdown of the benchmark convolutions (NumPy backend, float32).

    python bench/profile_conv.py [--repeat R]

Times the three kernels one training step of ``conv2d`` runs - ``conv`` (forward),
``conv_weight_grad`` and ``conv_transpose`` (input gradient) - called directly on NumPy
arrays, so the numbers exclude dispatch and autodiff. Best of ``R`` runs.
"""

from __future__ import annotations

import argparse
import time
from functools import partial

import numpy as np

from lucid_backend_numpy.kernels import conv as kernels

SHAPES = {
    "LeNet c1": ((128, 1, 28, 28), (6, 1, 5, 5), 0),
    "LeNet c2": ((128, 6, 12, 12), (16, 6, 5, 5), 0),
    "ResNet18": ((32, 64, 32, 32), (64, 64, 3, 3), 1),
}


def best(fn, repeat):
    fn()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times) * 1e3


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    print(f"{'shape':10s} {'fwd ms':>8s} {'dW ms':>8s} {'dX ms':>8s}")
    for name, (xs, ws, p) in SHAPES.items():
        x = rng.standard_normal(xs, dtype=np.float32)
        w = rng.standard_normal(ws, dtype=np.float32)
        params = dict(stride=(1, 1), padding=((p, p), (p, p)), dilation=(1, 1), groups=1)
        y = kernels.conv(x, w, **params)
        fwd = best(partial(kernels.conv, x, w, **params), args.repeat)
        dw = best(partial(kernels.conv_weight_grad, x, y, kernel_size=ws[2:], **params),
                  args.repeat)
        dx = best(partial(kernels.conv_transpose, y, w, output_size=xs[2:], **params),
                  args.repeat)
        print(f"{name:10s} {fwd:8.3f} {dw:8.3f} {dx:8.3f}")


if __name__ == "__main__":
    main()
