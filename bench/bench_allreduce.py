"""All-reduce bandwidth: Lucid's collectives against the raw engine, 2 processes.

    python bench/bench_allreduce.py [--engines mpi mlx] [--calls 20]

Launches itself under ``mpiexec -n 2`` (MPI: ``lucid.distributed.all_reduce`` on a
NumPy-backed tensor vs ``comm.Allreduce`` on a NumPy array) and ``mlx.launch -n 2
--backend ring`` (MLX: on an MLX tensor vs ``mx.distributed.all_sum`` + ``mx.eval``), for
float32 messages of 1 KB to 64 MB. Each size: warm-up, then the median of the
timed calls per side (``--calls``; not ``--repeat``, which ``mlx.launch`` would take as
its own ``--repeat-hosts``), the two sides interleaved. Prints the bus bandwidth
(``2 (n-1)/n * bytes / time``) of each and the ratio of times lucid/raw (target <= 1.1
at 1 MB and above).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time

SIZES = [2 ** k for k in range(10, 27, 2)]  # 1 KB ... 64 MB


def worker(engine: str, repeat: int) -> None:
    import numpy as np

    import lucid
    import lucid.distributed as dist

    if engine == "mlx":
        lucid.backends.bind("cpu", "mlx")
    dist.init_process_group(engine)
    rank, world = dist.get_rank(), dist.get_world_size()
    if engine == "mpi":
        from mpi4py import MPI

        comm = MPI.COMM_WORLD

        def raw(a):
            out = np.empty_like(a)
            comm.Allreduce(a, out, op=MPI.SUM)
            return out
    else:
        import mlx.core as mx

        group = mx.distributed.init()

        def raw(a):
            out = mx.distributed.all_sum(a, group=group)
            mx.eval(out)
            return out
    for size in SIZES:
        n = size // 4
        t = lucid.ones(n)
        a = t.numpy() if engine == "mpi" else t.data
        for _ in range(3):
            raw(a)
            dist.all_reduce(t)
        times = {"raw": [], "lucid": []}
        for _ in range(repeat):
            dist.barrier()
            start = time.perf_counter()
            raw(a)
            times["raw"].append(time.perf_counter() - start)
            dist.barrier()
            start = time.perf_counter()
            dist.all_reduce(t)
            times["lucid"].append(time.perf_counter() - start)
        if rank == 0:
            print(json.dumps({"engine": engine, "bytes": size, "world": world,
                              **{k: statistics.median(v) for k, v in times.items()}}),
                  flush=True)
    dist.destroy_process_group()


def launch(engine: str, repeat: int) -> list[dict]:
    here = os.path.dirname(sys.executable)
    script = [sys.executable, os.path.abspath(__file__), "--worker", engine,
              "--calls", str(repeat)]
    if engine == "mpi":
        command = [shutil.which("mpiexec", path=here) or "mpiexec", "-n", "2", *script]
    else:
        command = [shutil.which("mlx.launch", path=here) or "mlx.launch", "-n", "2",
                   "--backend", "ring", *script]
    env = dict(os.environ, OMP_NUM_THREADS="1")
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=1800)
    rows = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    if not rows:
        raise RuntimeError(f"{engine} run failed:\n{done.stdout}\n{done.stderr}")
    return rows


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--engines", nargs="+", default=["mpi", "mlx"])
    p.add_argument("--calls", type=int, default=20, help="timed calls per size and side")
    p.add_argument("--worker", default=None, help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.worker:
        worker(args.worker, args.calls)
        return
    print("all-reduce (sum, float32), 2 processes on this machine; bus bandwidth GB/s")
    print(f"{'engine':6s} {'size':>8s} {'raw ms':>9s} {'lucid ms':>9s} {'raw GB/s':>9s} "
          f"{'lucid GB/s':>11s} {'lucid/raw':>10s}")
    for engine in args.engines:
        for row in launch(engine, args.calls):
            factor = 2 * (row["world"] - 1) / row["world"] * row["bytes"] / 1e9
            size = row["bytes"]
            label = f"{size // 2**20} MB" if size >= 2**20 else f"{size // 2**10} KB"
            print(f"{engine:6s} {label:>8s} {1e3 * row['raw']:9.3f} {1e3 * row['lucid']:9.3f} "
                  f"{factor / row['raw']:9.3f} {factor / row['lucid']:11.3f} "
                  f"{row['lucid'] / row['raw']:10.2f}", flush=True)


if __name__ == "__main__":
    main()
