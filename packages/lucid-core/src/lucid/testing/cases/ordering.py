"""Cases of the ordering family: the index ops (exact integer comparison) and, under
``gather`` (which carries their gradient), the values of sort/topk/kthvalue/median.

References use Python's ``sorted`` on rows or ``np.sort``/``np.partition``-free
formulations so they do not repeat the kernels' ``argsort``/``argpartition`` calls.
"""

import numpy as np

import lucid
from lucid.testing.case import case, randn


def _rows_argsort(x, axis, descending):
    moved = np.moveaxis(x, axis, -1)
    out = np.empty(moved.shape, dtype=np.int64)
    for idx in np.ndindex(moved.shape[:-1]):
        row = [-v if descending else v for v in moved[idx].tolist()]
        out[idx] = sorted(range(len(row)), key=row.__getitem__)
    return np.moveaxis(out, -1, axis)


def _ties(rng):
    return [rng.integers(0, 3, (3, 6)).astype(float)]


case("argsort", randn(3, 5), _rows_argsort, params={"axis": 1, "descending": False})
case("argsort", randn(4, 3), _rows_argsort, params={"axis": 0, "descending": True},
     name="descending")
case("argsort", _ties, _rows_argsort, params={"axis": 1, "descending": False},
     name="stable-ties")
case("argsort", _ties, _rows_argsort, params={"axis": 1, "descending": True},
     name="stable-ties-descending")
case("argtopk", randn(3, 6), lambda x, k, axis, largest:
     _rows_argsort(x, axis, largest)[:, :k], params={"k": 3, "axis": 1, "largest": True})
case("argtopk", randn(5, 2), lambda x, k, axis, largest:
     _rows_argsort(x, axis, largest)[:k], params={"k": 2, "axis": 0, "largest": False},
     name="smallest")
case("argkthvalue", randn(3, 5), lambda x, k, axis:
     _rows_argsort(x, axis, False)[:, k - 1:k], params={"k": 2, "axis": 1})


def _unique_ref(x, dim):
    values = sorted(set(x.reshape(-1).tolist()))
    inverse = np.array([values.index(v) for v in x.reshape(-1)]).reshape(x.shape)
    counts = np.array([int((x == v).sum()) for v in values])
    return np.array(values), inverse, counts


case("unique", lambda rng: [rng.integers(0, 5, (3, 4))], _unique_ref, params={"dim": None})
case("unique", lambda rng: [np.array([[1, 2], [0, 1], [1, 2], [0, 1], [0, 0]])],
     lambda x, dim: (np.array([[0, 0], [0, 1], [1, 2]]), np.array([2, 1, 2, 1, 0]),
                     np.array([1, 2, 2])), params={"dim": 0}, name="rows")


# Values (and their gradient, through gather) of the public functions.
case("gather", randn(3, 4), lambda x: -np.sort(-x, axis=1),
     call=lambda x: lucid.sort(x, 1, descending=True), name="sort-values")
case("gather", randn(3, 4), lambda x: (np.sort(x, axis=0), _rows_argsort(x, 0, False)),
     call=lambda x: tuple(x.sort(0)), name="sort-method")
case("gather", randn(2, 5), lambda x: -np.sort(-x, axis=1)[:, :2],
     call=lambda x: lucid.topk(x, 2).values, name="topk-values")
case("gather", randn(4, 3), lambda x: np.sort(x, axis=0)[1],
     call=lambda x: lucid.kthvalue(x, 2, 0).values, name="kthvalue-values")
case("gather", randn(3, 4), lambda x: np.median(x, axis=1),
     call=lambda x: lucid.median(x, axis=1), name="median-numpy")
case("gather", randn(3, 4), lambda x: np.sort(x, axis=1)[:, 1],
     call=lambda x: x.median(1).values, name="median-torch")


def _bisect_ref(seq, values, right):
    import bisect

    find = bisect.bisect_right if right else bisect.bisect_left
    if seq.ndim == 1:
        return np.vectorize(lambda v: find(seq.tolist(), v))(values).astype(np.int64)
    out = np.empty(values.shape, dtype=np.int64)
    for idx in np.ndindex(values.shape):
        out[idx] = find(seq[idx[:-1]].tolist(), values[idx])
    return out


def _seq_and_values(seq_shape, value_shape):
    def make(rng):
        seq = np.sort(rng.integers(0, 8, seq_shape).astype(float), axis=-1)
        return [seq, rng.integers(-1, 9, value_shape).astype(float)]
    return make


case("searchsorted", _seq_and_values((6,), (3, 4)), _bisect_ref, params={"right": False})
case("searchsorted", _seq_and_values((2, 5), (2, 3)), _bisect_ref, params={"right": True},
     name="rows-right")
