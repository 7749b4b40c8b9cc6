"""Run under 2 processes: LeNet-5 trained for 20 steps with DistributedDataParallel, each
rank on half of every batch, against one process (inside rank 0) on the whole batch from
the same initial weights. ``mode``: ``plain``, ``no_sync`` (two micro-batches per step,
the first inside ``no_sync()``), ``sync_bn`` (a small conv net with SyncBatchNorm against
BatchNorm on the whole batch), ``checkpoint`` (rank 0 saves, every rank loads).
Prints ``OK <max difference>``."""

import os
import sys
import tempfile

import numpy as np

import lucid
import lucid.distributed as dist
import lucid.nn as nn
import lucid.nn.functional as F
import lucid.optim as optim
from lucid.models import lenet_5

engine_name, mode = sys.argv[1], sys.argv[2]
if engine_name == "mlx":
    lucid.backends.bind("cpu", "mlx")
dist.init_process_group(engine_name, timeout=120)
rank, world = dist.get_rank(), dist.get_world_size()
STEPS, BATCH = 20, 16


def make_model():
    if mode == "sync_bn":
        return nn.Sequential(nn.Conv2d(1, 4, 3), nn.BatchNorm2d(4), nn.ReLU(), nn.Flatten(),
                             nn.Linear(4 * 26 * 26, 10))
    return lenet_5(num_classes=10)


lucid.random.seed(1234 + rank)  # different on each rank: DDP must broadcast rank 0's
model = make_model()
if mode == "sync_bn":
    model = dist.SyncBatchNorm.convert_sync_batchnorm(model)
ddp = dist.DistributedDataParallel(model, bucket_cap_mb=0.05)  # several buckets
opt = optim.SGD(ddp.parameters(), lr=0.05, momentum=0.9)

reference = None
if rank == 0:  # same start as rank 0 (= every rank after the broadcast)
    reference = make_model()
    reference.load_state_dict({k: v.numpy() for k, v in model.state_dict().items()})
    ref_opt = optim.SGD(reference.parameters(), lr=0.05, momentum=0.9)

rng = np.random.default_rng(7)
for _step in range(STEPS):
    x = rng.standard_normal((BATCH, 1, 28, 28)).astype(np.float32)
    y = rng.integers(0, 10, BATCH)
    share = slice(rank * BATCH // world, (rank + 1) * BATCH // world)
    xs, ys = x[share], y[share]
    opt.zero_grad()
    if mode == "no_sync":
        half = len(xs) // 2
        with ddp.no_sync():
            (F.cross_entropy(ddp(lucid.tensor(xs[:half])), lucid.tensor(ys[:half])) / 2).backward()
        (F.cross_entropy(ddp(lucid.tensor(xs[half:])), lucid.tensor(ys[half:])) / 2).backward()
    else:
        F.cross_entropy(ddp(lucid.tensor(xs)), lucid.tensor(ys)).backward()
    opt.step()
    if rank == 0:
        ref_opt.zero_grad()
        F.cross_entropy(reference(lucid.tensor(x)), lucid.tensor(y)).backward()
        ref_opt.step()

mine = np.concatenate([p.numpy().reshape(-1) for p in model.parameters()])
everyone = dist.all_gather(None, lucid.tensor(mine))
np.testing.assert_array_equal(everyone[0].numpy(), everyone[1].numpy())  # replicas equal
worst = 0.0
if rank == 0:
    for key, value in reference.state_dict().items():
        ours = model.state_dict()[key].numpy()
        np.testing.assert_allclose(ours, value.numpy(), rtol=2e-4, atol=2e-5, err_msg=key)
        worst = max(worst, float(np.abs(ours - value.numpy()).max()))
assert list(ddp.state_dict()) == list(model.state_dict())  # the bare module's keys

if mode == "checkpoint":
    path = os.path.join(tempfile.gettempdir(), f"lucid_ddp_{os.getppid()}.lcd")
    if rank == 0:
        lucid.save(ddp.state_dict(), path)
    dist.barrier()
    fresh = make_model()
    fresh.load_state_dict(lucid.load(path))
    for key, value in fresh.state_dict().items():
        np.testing.assert_array_equal(value.numpy(), model.state_dict()[key].numpy())
    dist.barrier()
    if rank == 0:
        os.remove(path)
print(f"OK {worst:.2e}", flush=True)
dist.destroy_process_group()
