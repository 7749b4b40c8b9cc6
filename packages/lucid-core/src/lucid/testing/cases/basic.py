"""Cases of the core ops: arithmetic, comparison, casts, sum, reshape, matmul, where."""

import numpy as np

import lucid
from lucid.testing.case import case, positive, randn


def _two(shape_a, shape_b, second=None):
    def make(rng):
        b = second(rng) if second else rng.standard_normal(shape_b)
        return [rng.standard_normal(shape_a), b]
    return make


case("add", _two((3, 4), (4,)), np.add, name="broadcast")
case("sub", _two((2, 3), (2, 1)), np.subtract)
case("mul", _two((2, 3, 4), (3, 1)), np.multiply)
case("div", _two((3, 4), (3, 4), lambda rng: rng.uniform(0.5, 2, (3, 4))), np.divide)
case("pow", lambda rng: [rng.uniform(0.5, 2, (3, 4)), rng.uniform(-1, 2, (3, 4))], np.power)
case("neg", lambda rng: [rng.standard_normal((5,))], np.negative)
case("floor_divide", lambda rng: [rng.uniform(-5, 5, (6,)), rng.uniform(0.5, 2, (6,))],
     np.floor_divide)
case("remainder", lambda rng: [rng.uniform(-5, 5, (6,)), rng.uniform(0.7, 2, (6,))],
     np.remainder, grad_inputs=(0,))
for _op, _ref in (("eq", np.equal), ("ne", np.not_equal), ("lt", np.less),
                  ("le", np.less_equal), ("gt", np.greater), ("ge", np.greater_equal)):
    case(_op, lambda rng: [rng.integers(0, 3, (4, 5)).astype(float),
                           rng.integers(0, 3, (5,)).astype(float)], _ref)
for _op, _ref in (("logical_and", np.logical_and), ("logical_or", np.logical_or),
                  ("logical_xor", np.logical_xor)):
    case(_op, lambda rng: [rng.integers(0, 2, (3, 4)).astype(bool),
                           rng.integers(0, 2, (3, 4)).astype(bool)], _ref)
case("logical_not", lambda rng: [rng.integers(0, 2, (3, 4)).astype(bool)], np.logical_not)
case("full", lambda rng: [], lambda **p: np.full(p["shape"], p["fill_value"]),
     params={"shape": (2, 3), "fill_value": 1.5, "dtype": lucid.float64}, float32=False)
case("astype", randn(3, 4), lambda x, dtype: x.astype(np.float32), name="to-float32",
     params={"dtype": lucid.float32}, rtol=1e-6, atol=1e-6, differentiable=False)
case("astype", randn(3, 4), lambda x, dtype: x, params={"dtype": lucid.float64}, float32=False)
case("astype", lambda rng: [rng.integers(-5, 5, (3, 4))], lambda x, dtype: x.astype(np.float64),
     params={"dtype": lucid.float64}, name="int-to-float64")
case("clone", randn(3, 4), np.copy)
case("exp", randn(3, 4), np.exp)
case("log", positive(3, 4), np.log)
case("where", lambda rng: [rng.integers(0, 2, (3, 4)).astype(bool), rng.standard_normal((3, 4)),
                           rng.standard_normal((4,))], np.where)
case("sum", randn(2, 3, 4), lambda x, axis, keepdims: np.sum(x, axis=axis, keepdims=keepdims),
     params={"axis": (0, 2), "keepdims": False})
case("sum", randn(2, 3), lambda x, axis, keepdims: np.sum(x, axis=axis, keepdims=keepdims),
     params={"axis": None, "keepdims": True}, name="all")
case("reshape", randn(2, 6), lambda x, shape: x.reshape(shape), params={"shape": (3, 4)})
case("permute", randn(2, 3, 4), lambda x, axes: x.transpose(axes), params={"axes": (2, 0, 1)})
case("broadcast_to", randn(3, 1), lambda x, shape: np.broadcast_to(x, shape),
     params={"shape": (2, 3, 4)})
case("matmul", lambda rng: [rng.standard_normal((2, 3, 4)), rng.standard_normal((4, 5))],
     np.matmul)
