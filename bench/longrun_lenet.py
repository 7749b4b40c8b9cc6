"""Long run: many LeNet-5 training steps per backend, with the process's resident memory
(RSS) and the number of live ``lucid.Tensor`` objects sampled along the way, to show that
memory stays flat (issue 10). Not part of CI.

Each backend runs in its own child process (so one backend's allocator does not colour the
other's numbers): ``lucid.models.lenet_5`` on random 1x28x28 batches of 64 (fixed seed,
a pool of 32 batches reused in turn), cross-entropy, SGD with momentum; every step is
forward, backward, step, and a read of the loss (``.item()``). Every ``--every`` steps the
child records RSS (``/proc/self/statm``, else ``ru_maxrss``) and the live tensors
(``gc.get_objects()`` filtered for ``lucid.Tensor``). After a warm-up of ``--warmup``
steps, "flat" means: RSS grew by at most ``--tolerance-mb`` from the first sample after
warm-up to the last, and the live-tensor count did not grow.

    python bench/longrun_lenet.py                        # 10,000 steps on numpy and mlx
    python bench/longrun_lenet.py --steps 2000 --backends numpy

Writes ``bench/results/longrun_lenet_<backend>.json`` (every sample) and prints a summary.
Exit status 1 if any backend's memory was not flat.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import subprocess
import sys
import time

RESULTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "results")


def rss_mb() -> float:
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:  # macOS: the peak, in bytes
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20


def live_tensors() -> int:
    import lucid

    gc.collect()
    return sum(1 for o in gc.get_objects() if isinstance(o, lucid.Tensor))


def child(backend: str, steps: int, every: int, warmup: int) -> dict:
    import numpy as np

    import lucid
    import lucid.nn.functional as F
    import lucid.optim
    from lucid.models import lenet_5

    lucid.backends.bind("cpu", backend)
    lucid.manual_seed(0)
    rng = np.random.default_rng(0)
    pool = [(lucid.tensor(rng.standard_normal((64, 1, 28, 28)).astype(np.float32)),
             lucid.tensor(rng.integers(0, 10, 64).astype(np.int64))) for _ in range(32)]
    model = lenet_5()
    optimizer = lucid.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    samples = []
    start = time.perf_counter()
    for step in range(1, steps + 1):
        x, y = pool[step % len(pool)]
        optimizer.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        optimizer.step()
        value = loss.item()
        if step % every == 0 or step == warmup:
            samples.append({"step": step, "rss_mb": round(rss_mb(), 2),
                            "live_tensors": live_tensors(), "loss": value,
                            "seconds": round(time.perf_counter() - start, 2)})
    return {"backend": backend, "steps": steps, "every": every, "warmup": warmup,
            "samples": samples}


def summarise(result: dict, tolerance_mb: float) -> tuple[str, bool]:
    after = [s for s in result["samples"] if s["step"] >= result["warmup"]]
    first, last = after[0], after[-1]
    growth = last["rss_mb"] - first["rss_mb"]
    peak = max(s["rss_mb"] for s in after) - first["rss_mb"]
    tensors = (first["live_tensors"], last["live_tensors"],
               max(s["live_tensors"] for s in after))
    flat = growth <= tolerance_mb and tensors[1] <= tensors[0]
    line = (f"{result['backend']}: {result['steps']} steps in {last['seconds']:.0f} s; RSS "
            f"{first['rss_mb']:.1f} MB at step {first['step']} -> {last['rss_mb']:.1f} MB at "
            f"step {last['step']} (growth {growth:+.1f} MB, peak {peak:+.1f} MB); live "
            f"tensors {tensors[0]} -> {tensors[1]} (max {tensors[2]}); loss "
            f"{result['samples'][0]['loss']:.3f} -> {last['loss']:.3f}; "
            f"{'FLAT' if flat else 'NOT FLAT'}")
    return line, flat


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=10_000)
    parser.add_argument("--every", type=int, default=250)
    parser.add_argument("--warmup", type=int, default=200)
    parser.add_argument("--tolerance-mb", type=float, default=8.0)
    parser.add_argument("--backends", nargs="+", default=["numpy", "mlx"])
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        json.dump(child(args.child, args.steps, args.every, args.warmup), sys.stdout)
        return 0
    os.makedirs(RESULTS, exist_ok=True)
    ok = True
    for backend in args.backends:
        out = subprocess.run([sys.executable, __file__, "--child", backend, "--steps",
                              str(args.steps), "--every", str(args.every), "--warmup",
                              str(args.warmup)], capture_output=True, text=True, check=True)
        result = json.loads(out.stdout)
        with open(os.path.join(RESULTS, f"longrun_lenet_{backend}.json"), "w") as f:
            json.dump(result, f, indent=1)
        line, flat = summarise(result, args.tolerance_mb)
        print(line, flush=True)
        ok &= flat
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
