"""Per-op host cost: a chain of tiny autograd ops in Lucid, PyTorch, NumPy and MLX.

    python bench/bench_overhead.py                     # Lucid on its NumPy backend
    python bench/bench_overhead.py --backend mlx       # also Lucid with cpu bound to MLX

The workload is 100 steps of ``y = y * b + a`` on 8x8 float32 tensors (200 ops), with
``a`` and ``b`` requiring grad, so the arithmetic is negligible and the time is the
framework's per-call cost: dispatch, tensor creation and graph recording. Reported in
microseconds per op (time / 200), the median of ``--repeat`` (30) calls after
``--warmup`` untimed ones:

* forward: the chain alone (autograd on, graph recorded);
* forward+backward: ``forward().sum().backward()`` (gradients reset to None before each).

Rows: Lucid (NumPy backend), PyTorch (1 thread), bare NumPy (forward only, no autograd:
the floor of a Python loop calling ufuncs), and with ``--backend mlx`` Lucid with device
``cpu`` bound to MLX (``lucid.backends.bind("cpu", "mlx")``, the results forced with
``lucid.eval``). When MLX is installed, a raw-MLX row on ``mx.cpu`` too: forward is the
chain of ``mx`` ops then ``mx.eval``, forward+backward is ``mx.value_and_grad`` of the
chain's sum then ``mx.eval`` (no ``mx.compile``). Each row runs in its own subprocess with
``OMP_NUM_THREADS`` / ``OPENBLAS_NUM_THREADS`` / ``MKL_NUM_THREADS`` = 1. The ratios
lucid/torch (lower is better) follow the table. No timing is asserted.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import time

import numpy as np

STEPS = 100  # chain length: 2 ops per step
OPS = 2 * STEPS


def chain(y, a, b):
    for _ in range(STEPS):
        y = y * b + a
    return y


def inputs(seed: int = 0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((8, 8), dtype=np.float32)
    a = rng.standard_normal((8, 8), dtype=np.float32) * np.float32(0.1)
    b = rng.uniform(0.5, 1.0, (8, 8)).astype(np.float32)  # keeps y bounded over 100 steps
    return x, a, b


def median_us_per_op(fn, repeat: int, warmup: int) -> float:
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return 1e6 * statistics.median(times) / OPS


# -- workers: return (forward, forward+backward) callables ----------------------------------
def lucid_fns(backend: str):
    import lucid

    if backend == "mlx":
        lucid.backends.bind("cpu", "mlx")
    force = lucid.eval if backend == "mlx" else (lambda *t: None)
    x, a, b = inputs()
    x = lucid.tensor(x)
    a, b = lucid.tensor(a, requires_grad=True), lucid.tensor(b, requires_grad=True)

    def forward():
        force(chain(x, a, b))

    def forward_backward():
        a.grad = b.grad = None
        chain(x, a, b).sum().backward()
        force(a.grad, b.grad)

    return forward, forward_backward


def torch_fns():
    import torch

    torch.set_num_threads(1)
    x, a, b = (torch.from_numpy(v) for v in inputs())
    a.requires_grad_(True)
    b.requires_grad_(True)

    def forward_backward():
        a.grad = b.grad = None
        chain(x, a, b).sum().backward()

    return (lambda: chain(x, a, b)), forward_backward


def numpy_fns():
    x, a, b = inputs()
    return (lambda: chain(x, a, b)), None


def mlx_fns():
    import mlx.core as mx

    mx.set_default_device(mx.cpu)
    x, a, b = (mx.array(v) for v in inputs())
    grad = mx.value_and_grad(lambda a, b: chain(x, a, b).sum(), argnums=(0, 1))
    return (lambda: mx.eval(chain(x, a, b))), (lambda: mx.eval(grad(a, b)))


def worker(args) -> dict:
    if args.worker == "lucid":
        forward, forward_backward = lucid_fns(args.backend)
    else:
        forward, forward_backward = {"torch": torch_fns, "numpy": numpy_fns,
                                     "mlx": mlx_fns}[args.worker]()
    result = {"forward": median_us_per_op(forward, args.repeat, args.warmup)}
    if forward_backward is not None:
        result["forward_backward"] = median_us_per_op(forward_backward, args.repeat,
                                                      args.warmup)
    return result


# -- driver --------------------------------------------------------------------------------
def run_worker(args, name: str, backend: str = "numpy") -> dict | None:
    cmd = [sys.executable, os.path.abspath(__file__), "--worker", name, "--backend", backend,
           "--repeat", str(args.repeat), "--warmup", str(args.warmup)]
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1",
               MKL_NUM_THREADS="1", LUCID_NUM_THREADS="1")
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        tail = "\n".join(proc.stderr.strip().splitlines()[-6:])
        print(f"{name} ({backend}) failed:\n{tail}", file=sys.stderr)
        return None
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--backend", "--device", dest="backend", choices=["numpy", "mlx"],
                   default="numpy", help="mlx: also time Lucid with device cpu bound to MLX")
    p.add_argument("--repeat", type=int, default=30)
    p.add_argument("--warmup", type=int, default=5)
    p.add_argument("--json", default=None, help="also write the results to this file")
    p.add_argument("--worker", choices=["lucid", "torch", "numpy", "mlx"],
                   help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.worker:
        print(json.dumps(worker(args)))
        return 0

    rows = {"lucid [numpy]": run_worker(args, "lucid"), "torch": run_worker(args, "torch"),
            "numpy (bare, no autograd)": run_worker(args, "numpy")}
    if args.backend == "mlx":
        rows["lucid [mlx]"] = run_worker(args, "lucid", "mlx")
    if importlib.util.find_spec("mlx") is not None:
        rows["mlx (raw, mx.cpu)"] = run_worker(args, "mlx")

    fmt = lambda r, key: f"{r[key]:10.2f}" if r and key in r else f"{'-':>10s}"
    print(f"per-op host cost: {STEPS} x (y = y * b + a) on 8x8 float32, a and b requiring "
          f"grad; microseconds per op (time / {OPS}), median of {args.repeat} after "
          f"{args.warmup} warmup; 1 thread, each row in its own process\n")
    print(f"{'':27s} {'forward':>10s} {'fwd+bwd':>10s}")
    for name, r in rows.items():
        if r is None:
            print(f"{name:27s} {'failed':>10s}")
        else:
            print(f"{name:27s} {fmt(r, 'forward')} {fmt(r, 'forward_backward')}")

    def ratio(num: str, den: str) -> None:
        a, b = rows.get(num), rows.get(den)
        if a and b:
            print(f"{num} / {den}: forward {a['forward'] / b['forward']:.2f}, "
                  f"forward+backward {a['forward_backward'] / b['forward_backward']:.2f}")

    print()
    ratio("lucid [numpy]", "torch")
    ratio("lucid [mlx]", "torch")
    ratio("lucid [mlx]", "mlx (raw, mx.cpu)")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"us_per_op": rows, "repeat": args.repeat, "warmup": args.warmup}, f,
                      indent=1)
        print(f"\nwritten: {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
