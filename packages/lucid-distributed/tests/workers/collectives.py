"""Run by the tests under ``mpiexec -n 2`` or ``mlx.launch -n 2``: every collective
against NumPy on values each rank can compute for every other rank. Prints ``OK <n>``
(the number of cases) on success; any failure raises (non-zero exit)."""

import sys

import numpy as np

import lucid
import lucid.distributed as dist

engine_name = sys.argv[1]
if engine_name == "mlx":
    lucid.backends.bind("cpu", "mlx")
dist.init_process_group(engine_name, timeout=60)
rank, world = dist.get_rank(), dist.get_world_size()
DTYPES = ["float32", "int32", "int64", "bool"] + (["float64"] if engine_name == "mpi" else [])
SHAPES = [(), (7,), (3, 5), (0,)]


def value(r, shape, dtype):
    base = np.arange(int(np.prod(shape)), dtype=np.float64).reshape(shape)
    if dtype == "bool":
        return ((base + r) % 3 == 0)
    return (base * (r + 2) - 3 * r).astype(dtype)


cases = 0
for dtype in DTYPES:
    for shape in SHAPES:
        everyone = [value(r, shape, dtype) for r in range(world)]
        ops = {"SUM": lambda a: np.sum(a, axis=0), "MAX": lambda a: np.max(a, axis=0),
               "MIN": lambda a: np.min(a, axis=0), "PRODUCT": lambda a: np.prod(a, axis=0)}
        if dtype != "bool":
            ops["MEAN"] = lambda a: np.mean(a, axis=0)
        else:
            ops = {k: ops[k] for k in ("MAX", "MIN")}
        for op, ref in ops.items():
            t = lucid.tensor(everyone[rank])
            out = dist.all_reduce(t, op=dist.ReduceOp[op])
            assert out is t
            expected = ref(np.stack(everyone)).astype(dtype)
            np.testing.assert_allclose(t.numpy(), expected, rtol=1e-6,
                                       err_msg=f"all_reduce {op} {dtype} {shape}")
            assert t.dtype.name == dtype, (t.dtype, dtype)
            cases += 1
        t = lucid.tensor(everyone[rank])
        dist.broadcast(t, src=1)
        np.testing.assert_array_equal(t.numpy(), everyone[1])
        gathered = dist.all_gather(None, lucid.tensor(everyone[rank]))
        for r in range(world):
            np.testing.assert_array_equal(gathered[r].numpy(), everyone[r])
        outs = [lucid.zeros(shape, dtype=dtype) for _ in range(world)]
        dist.all_gather(outs, lucid.tensor(everyone[rank]))
        for r in range(world):
            np.testing.assert_array_equal(outs[r].numpy(), everyone[r])
        cases += 3
    if dtype != "bool":
        full = [value(r, (2 * world, 3), dtype) for r in range(world)]
        out = lucid.zeros((2, 3), dtype=dtype)
        dist.reduce_scatter(out, lucid.tensor(full[rank]))
        np.testing.assert_array_equal(out.numpy(), np.sum(full, axis=0)[2 * rank:2 * rank + 2])
        cases += 1

# a differentiable all-reduce: d/dx_r of sum_r' L_r'(allreduce(x)) for L_r = (r + 1) * y
x = lucid.tensor([1.0, 2.0, 3.0], requires_grad=True)
y = dist.all_reduce_differentiable(x * (rank + 1))
np.testing.assert_allclose(y.detach().numpy(), np.array([1.0, 2, 3]) * sum(
    r + 1 for r in range(world)))
(y * (rank + 1)).sum().backward()
total = sum(r + 1 for r in range(world))  # the sum of every rank's output gradient
np.testing.assert_allclose(x.grad.numpy(), np.full(3, (rank + 1) * total))
dist.barrier()
cases += 2
print(f"OK {cases}", flush=True)
dist.destroy_process_group()
