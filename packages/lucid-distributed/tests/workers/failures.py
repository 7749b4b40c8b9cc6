"""Run under 2 processes. ``killed``: rank 1 dies (SIGKILL) before a collective;
``hangs``: rank 1 never calls it. Rank 0 must raise a DistributedError (a timeout, or the
engine's report of the dead peer) within the timeout (prints ``OK <error> <seconds>``).
``mismatch``: the ranks build models of different shapes; DistributedDataParallel must
refuse at construction on every rank, naming the parameter (prints ``OK mismatch``)."""

import os
import signal
import sys
import time

import lucid
import lucid.distributed as dist
import lucid.nn as nn

engine_name, mode = sys.argv[1], sys.argv[2]
if engine_name == "mlx":
    lucid.backends.bind("cpu", "mlx")
TIMEOUT = 3.0
dist.init_process_group(engine_name, timeout=TIMEOUT)
rank = dist.get_rank()
dist.barrier()

if mode in ("killed", "hangs"):
    if rank == 1:
        if mode == "killed":
            os.kill(os.getpid(), signal.SIGKILL)
        time.sleep(TIMEOUT * 4)
        os._exit(0)
    start = time.monotonic()
    try:
        dist.all_reduce(lucid.ones(4))
    except dist.DistributedError as exc:  # a timeout, or the engine saw the peer die
        waited = time.monotonic() - start
        assert "all_reduce" in str(exc) and waited < TIMEOUT + 5, (exc, waited)
        print(f"OK {type(exc).__name__} {waited:.1f}", flush=True)
        os._exit(0)  # the engine's thread may still be blocked on the dead peer
    print("FAIL: no error", flush=True)
    os._exit(1)

if mode == "mismatch":
    model = nn.Sequential(nn.Linear(4, 8), nn.Linear(8, 3 + rank))
    try:
        dist.DistributedDataParallel(model)
    except dist.DistributedError as exc:
        assert "1.weight" in str(exc), exc
        print("OK mismatch", flush=True)
    else:
        print("FAIL: no error", flush=True)
    dist.destroy_process_group()
