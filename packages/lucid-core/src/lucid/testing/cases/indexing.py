"""Cases of the indexing ops: getitem (basic, advanced, boolean), getitem_grad, setitem,
gather, scatter, scatter_add, nonzero. References index with plain NumPy or loop."""

import numpy as np

import lucid
from lucid.ops.indexing import index_put
from lucid.testing.case import case, randn

# -- getitem -----------------------------------------------------------------------------
case("getitem", randn(4, 3, 5), lambda x: x[1:, ::-2, None, 3],
     call=lambda x: x[1:, ::-2, None, -2], name="basic")
case("getitem", randn(3, 4), lambda x: x[2], call=lambda x: x[-1], name="int")
case("getitem", randn(2, 3, 4), lambda x: x[..., 1:3],
     call=lambda x: x[..., 1:3], name="ellipsis")
case("getitem", randn(3, 4), lambda x: x[0:0], call=lambda x: x[2:1], name="empty-slice")
case("getitem", randn(4, 3), lambda x: np.stack([x[0], x[2], x[0], x[3]]),
     call=lambda x: x[[0, 2, 0, -1]], name="repeated-rows")
case("getitem", randn(3, 4, 5), lambda x: np.stack([x[0, :, 1], x[2, :, 1], x[2, :, 4]]),
     call=lambda x: x[lucid.tensor([0, 2, 2]), :, lucid.tensor([1, 1, -1])],
     name="separated-arrays")
case("getitem", randn(3, 4, 5), lambda x: x[:, [[0], [3]], [1, 2]],
     call=lambda x: x[:, [[0], [3]], [1, 2]], name="broadcast-arrays")
case("getitem", randn(2, 3, 4), lambda x: np.stack([x[1, :, 1], x[1, :, 3]], axis=-1),
     call=lambda x: x[1, :, [1, 3]], name="int-then-array")
case("getitem", lambda rng: [rng.standard_normal((3, 4)), rng.standard_normal((3, 4)) > 0],
     lambda x, m: np.array([x[i, j] for i in range(3) for j in range(4) if m[i, j]]),
     call=lambda x, m: x[m], name="bool-mask")
case("getitem", lambda rng: [rng.standard_normal((3, 4)), np.array([True, False, True])],
     lambda x, m: np.stack([x[0], x[2]]), call=lambda x, m: x[m], name="bool-rows")
case("getitem", lambda rng: [rng.standard_normal((3, 4)),
                             np.array([True, False, True, True])],
     lambda x, m: x[:, [0, 2, 3]], call=lambda x, m: lucid.masked_select(x, m).reshape(3, 3),
     name="masked-select")
case("getitem", randn(3, 4), lambda x: x[:, [3, 0]],
     call=lambda x: x.index_select(1, lucid.tensor([3, 0])), name="index-select")
case("getitem", randn(3, 4), lambda x: np.array([[x.flat[0], x.flat[11]], [x.flat[5], x.flat[5]]]),
     call=lambda x: lucid.take(x, lucid.tensor([[0, 11], [5, 5]])), name="take")


def _place_ref(v, index, shape):
    out = np.zeros(shape)
    rows, cols = index
    for k in range(len(rows)):
        out[rows[k], cols[k]] += v[k]
    return out


case("getitem_grad", randn(4), _place_ref,
     params={"index": (np.array([0, 2, 0, 1]), np.array([1, 1, 1, 0])), "shape": (3, 2)})
case("getitem_grad", randn(2, 3), lambda g, index, shape: np.pad(g, ((1, 0), (0, 1))),
     params={"index": (slice(1, 3), slice(0, 3)), "shape": (3, 4)}, name="basic")


# -- setitem -----------------------------------------------------------------------------
def _set_ref(x, v, index):
    out = x.copy()
    out[index] = v
    return out


case("setitem", lambda rng: [rng.standard_normal((3, 4)), rng.standard_normal((4,))],
     _set_ref, params={"index": (1,)})
case("setitem", lambda rng: [rng.standard_normal((4, 3)), rng.standard_normal((2, 1))],
     lambda x, v: _set_ref(x, v, (slice(1, 3), slice(None))),
     call=lambda x, v: index_put(x, slice(1, 3), v), name="broadcast")
case("setitem", lambda rng: [rng.standard_normal((4, 3)), rng.standard_normal((2, 3))],
     lambda x, v: _set_ref(x, v, [3, 0]),
     call=lambda x, v: index_put(x, lucid.tensor([-1, 0]), v), name="advanced")
case("setitem", lambda rng: [rng.standard_normal((3, 3)), rng.standard_normal((3, 3)) > 0],
     lambda x, m: np.where(m, 2.0, x), call=lambda x, m: index_put(x, m, 2.0), name="mask")
case("setitem", lambda rng: [rng.standard_normal((2, 3, 4)), rng.standard_normal((3, 2))],
     lambda x, v: _set_ref(x, v[None], (slice(1, 2), slice(None), [0, 2])),
     call=lambda x, v: index_put(x, (1, slice(None), [0, 2]), v), name="int-then-array")


# -- gather / scatter --------------------------------------------------------------------
def _index_case(shape, n, dim, unique=False):
    def make(rng):
        x = rng.standard_normal(shape)
        ishape = list(shape)
        ishape[dim] = 3
        if unique:
            idx = np.argsort(rng.standard_normal(ishape[:dim] + [n] + ishape[dim + 1:]),
                             axis=dim)
            idx = np.take(idx, range(3), axis=dim)
        else:
            idx = rng.integers(0, n, ishape)
        return [x, idx, rng.standard_normal(ishape)]
    return make


def _gather_ref(x, idx, dim):
    out = np.zeros(idx.shape)
    for pos in np.ndindex(*idx.shape):
        src = list(pos)
        src[dim] = idx[pos]
        out[pos] = x[tuple(src)]
    return out


def _scatter_ref(x, idx, src, dim, add):
    out = x.copy()
    for pos in np.ndindex(*idx.shape):
        dst = list(pos)
        dst[dim] = idx[pos]
        out[tuple(dst)] = out[tuple(dst)] + src[pos] if add else src[pos]
    return out


case("gather", lambda rng: _index_case((3, 4), 4, 1)(rng)[:2], _gather_ref, params={"dim": 1})
case("gather", lambda rng: _index_case((4, 2, 3), 4, 0)(rng)[:2],
     lambda x, i: _gather_ref(x, i, 0), call=lambda x, i: lucid.gather(x, 0, i), name="dim0")
case("gather", lambda rng: [rng.standard_normal((2, 5)), rng.integers(0, 5, (2, 3))],
     lambda x, i: np.take_along_axis(x, i, -1), call=lambda x, i: lucid.take_along_axis(x, i),
     name="take-along-axis")
case("scatter_add", _index_case((3, 5), 5, 1),
     lambda x, i, s, dim: _scatter_ref(x, i, s, dim, True), params={"dim": 1})
case("scatter_add", _index_case((5, 2), 5, 0),
     lambda x, i, s: _scatter_ref(x, i, s, 0, True),
     call=lambda x, i, s: x.scatter_add(0, i, s), name="method")
case("scatter", _index_case((3, 5), 5, 1, unique=True),
     lambda x, i, s, dim: _scatter_ref(x, i, s, dim, False), params={"dim": 1})
case("scatter", _index_case((4, 3), 4, 0, unique=True),
     lambda x, i, s: _scatter_ref(x, i, s, 0, False),
     call=lambda x, i, s: lucid.scatter(x, 0, i, s), name="function")
case("nonzero", lambda rng: [rng.integers(0, 2, (3, 4)).astype(float)],
     lambda x: np.array([[i, j] for i in range(3) for j in range(4) if x[i, j]]).reshape(-1, 2))
case("nonzero", lambda rng: [rng.integers(0, 2, (5,)).astype(bool)],
     lambda x: (np.array([i for i in range(5) if x[i]], dtype=np.int64),),
     call=lambda x: lucid.nonzero(x, as_tuple=True), name="as-tuple")


def _index_add_ref(x, s):
    out = x.copy()
    for j, i in enumerate([2, 0, 2]):
        out[:, i] += 0.5 * s[:, j]
    return out


case("getitem_grad", lambda rng: [rng.standard_normal((2, 4)), rng.standard_normal((2, 3))],
     _index_add_ref, call=lambda x, s: x.index_add(1, lucid.tensor([2, 0, 2]), s, alpha=0.5),
     name="index-add")
case("getitem_grad", lambda rng: [rng.standard_normal((3,)), rng.standard_normal((4,))],
     lambda x, v: x + np.array([v[0] + v[2], 0, v[1] + v[3]]),
     call=lambda x, v: lucid.index_put(x, lucid.tensor([0, 2, 0, 2]), v, accumulate=True),
     name="index-put-accumulate")
