"""Cases of the shape ops: concatenate, split, pad, roll, tril, triu, and the functions
built on reshape/broadcast/getitem (squeeze, flatten, stack, tile, repeat, flip, ...).

References are plain NumPy written another way where that is easy (slice assignment,
explicit masks), so they do not repeat the kernels.
"""

import numpy as np

import lucid
from lucid.testing.case import case, randn


def _arrays(*shapes):
    return lambda rng: [rng.standard_normal(s) for s in shapes]


def _cat_ref(*xs, axis):
    n = sum(x.shape[axis] for x in xs)
    shape = list(xs[0].shape)
    shape[axis] = n
    out = np.zeros(shape)
    start = 0
    for x in xs:
        idx = [slice(None)] * out.ndim
        idx[axis] = slice(start, start + x.shape[axis])
        out[tuple(idx)] = x
        start += x.shape[axis]
    return out


# -- concatenate and the functions built on it -------------------------------------------
case("concatenate", _arrays((2, 1, 3), (2, 4, 3), (2, 2, 3)),
     lambda *xs: _cat_ref(*xs, axis=1), call=lambda *xs: lucid.cat(xs, dim=1), name="cat")
case("concatenate", _arrays((2, 3), (1, 3)), lambda a, b: _cat_ref(a, b, axis=0),
     call=lambda a, b: lucid.concatenate([a, b], axis=-2), name="negative-axis")
case("concatenate", _arrays((3,), (3,)), lambda a, b: np.array([a, b]),
     call=lambda a, b: lucid.stack([a, b]), name="stack")
case("concatenate", _arrays((2, 3), (2, 3)), lambda a, b: np.dstack([a, b])[..., :],
     call=lambda a, b: lucid.stack([a, b], dim=-1), name="stack-last")
case("concatenate", _arrays((2,), (3,)), lambda a, b: np.r_[a, b],
     call=lambda a, b: lucid.hstack([a, b]), name="hstack")
case("concatenate", _arrays((3,), (2, 3)), lambda a, b: np.r_[a[None], b],
     call=lambda a, b: lucid.vstack([a, b]), name="vstack")
case("concatenate", _arrays((2, 3)), lambda a: a.copy(), call=lambda a: lucid.cat([a]),
     name="single")

# -- split and the functions built on it -------------------------------------------------
case("split", randn(2, 6), lambda x: [x[:, :1], x[:, 1:4], x[:, 4:]],
     call=lambda x: lucid.hsplit(x, [1, 4]), name="numpy-cuts")
case("split", randn(6, 2), lambda x: [x[0:2], x[2:4], x[4:6]],
     call=lambda x: lucid.vsplit(x, 3), name="numpy-sections")
case("split", randn(5, 2), lambda x: (x[0:2], x[2:4], x[4:5]),
     call=lambda x: lucid.split(x, 2), name="torch-size-function")
case("split", randn(5, 2), lambda x: (x[0:2], x[2:4], x[4:5]),
     call=lambda x: x.split(2), name="torch-size")
case("split", randn(2, 5), lambda x: (x[:, :1], x[:, 1:5]),
     call=lambda x: lucid.split(x, [1, 4], dim=-1), name="torch-sizes")
case("split", randn(7, 3), lambda x: (x[:3], x[3:6], x[6:]),
     call=lambda x: lucid.chunk(x, 3), name="chunk")
case("split", randn(3, 2), lambda x: (x[:, 0], x[:, 1]),
     call=lambda x: lucid.unbind(x, 1), name="unbind")
case("split", randn(7,), lambda x: [x[:3], x[3:5], x[5:]],
     call=lambda x: lucid.array_split(x, 3), name="array-split")


# -- pad -------------------------------------------------------------------------------
def _pad_ref(x, pad_width, value):
    shape = tuple(n + b + a for n, (b, a) in zip(x.shape, pad_width))
    out = np.full(shape, float(value))
    out[tuple(slice(b, b + n) for n, (b, _) in zip(x.shape, pad_width))] = x
    return out


case("pad", randn(2, 3), _pad_ref, params={"pad_width": ((1, 0), (2, 3)), "value": 0.5})
case("pad", randn(2, 3, 2), lambda x: _pad_ref(x, ((0, 0), (1, 1), (0, 2)), 0),
     call=lambda x: lucid.pad(x, ((0, 0), (1, 1), (0, 2))), name="numpy-widths")
case("pad", randn(3, 4), lambda x: _pad_ref(x, ((2, 2), (2, 2)), -1),
     call=lambda x: lucid.pad(x, 2, constant_values=-1), name="int-width")
for _mode in ("reflect", "symmetric", "edge", "wrap"):
    case("getitem", randn(3, 4), lambda x, m=_mode: np.pad(x, ((2, 1), (3, 2)), mode=m),
         call=lambda x, m=_mode: lucid.pad(x, ((2, 1), (3, 2)), mode=m), name=f"pad-{_mode}")
case("getitem", randn(3, 4), lambda x: np.pad(x, ((1, 1), (1, 1)), mode="wrap"),
     call=lambda x: lucid.pad(x, 1, mode="circular"), name="pad-circular")


# -- roll, tril, triu ------------------------------------------------------------------
def _roll_ref(x, shifts, axes):
    for s, a in zip(shifts, axes):
        s %= x.shape[a]
        x = np.concatenate([np.take(x, range(x.shape[a] - s, x.shape[a]), axis=a),
                            np.take(x, range(0, x.shape[a] - s), axis=a)], axis=a)
    return x


case("roll", randn(3, 4), _roll_ref, params={"shifts": (1, -3), "axes": (0, 1)})
case("roll", randn(3, 4), lambda x: _roll_ref(x.reshape(-1), (5,), (0,)).reshape(3, 4),
     call=lambda x: lucid.roll(x, 5), name="flat")
case("roll", randn(2, 3), lambda x: _roll_ref(x, (2,), (1,)),
     call=lambda x: x.roll(2, -1), name="method")


def _tri_mask(shape, k, lower):
    i = np.arange(shape[-2])[:, None]
    j = np.arange(shape[-1])[None, :]
    return (j - i <= k) if lower else (j - i >= k)


case("tril", randn(2, 3, 4), lambda x, k: x * _tri_mask(x.shape, k, True), params={"k": 0})
case("tril", randn(4, 3), lambda x: x * _tri_mask(x.shape, -1, True),
     call=lambda x: lucid.tril(x, -1), name="below")
case("triu", randn(3, 4), lambda x, k: x * _tri_mask(x.shape, k, False), params={"k": 1})
case("triu", randn(2, 4, 4), lambda x: x * _tri_mask(x.shape, 0, False),
     call=lambda x: x.triu(), name="method")

# -- reshape family ----------------------------------------------------------------------
case("reshape", randn(2, 1, 3, 1), lambda x: x.reshape(2, 3), call=lucid.squeeze,
     name="squeeze")
case("reshape", randn(2, 1, 3), lambda x: x.reshape(2, 1, 1, 3),
     call=lambda x: x.unsqueeze(-3), name="unsqueeze")
case("reshape", randn(2, 3, 4), lambda x: x.reshape(2, 12), call=lambda x: x.flatten(1),
     name="flatten")
case("reshape", randn(2, 3), lambda x: x.reshape(-1), call=lucid.ravel, name="ravel")
case("permute", randn(2, 3, 4), lambda x: np.transpose(x, (1, 2, 0)),
     call=lambda x: lucid.movedim(x, 0, -1), name="movedim")

# -- broadcast family ------------------------------------------------------------------
case("broadcast_to", randn(2, 3), lambda x: np.concatenate([np.concatenate([x] * 2, 1)] * 3),
     call=lambda x: lucid.tile(x, (3, 2)), name="tile")
case("broadcast_to", randn(2, 3), lambda x: np.stack([x, x]).reshape(2, 2, 3)[[0, 1]],
     call=lambda x: x.repeat(2, 1, 1), name="torch-repeat")
case("broadcast_to", randn(2, 3), lambda x: x[:, [0, 0, 1, 1, 2, 2]],
     call=lambda x: lucid.repeat(x, 2, axis=1), name="numpy-repeat")
case("broadcast_to", lambda rng: [rng.standard_normal(3), rng.standard_normal(2)],
     lambda a, b: tuple(np.meshgrid(a, b, indexing="ij")),
     call=lambda a, b: lucid.meshgrid(a, b, indexing="ij"), name="meshgrid")

# -- getitem family (flip, narrow, diag, ...) ---------------------------------------------
case("getitem", randn(2, 3), lambda x: x[::-1, ::-1], call=lambda x: lucid.flip(x),
     name="flip")
case("getitem", randn(2, 3, 4), lambda x: x[:, :, ::-1], call=lambda x: x.flip(-1),
     name="flip-last")
case("getitem", randn(3, 5), lambda x: x[:, 1:4], call=lambda x: x.narrow(1, 1, 3),
     name="narrow")
case("getitem", randn(3, 4), lambda x: np.array([x[0, 1], x[1, 2], x[2, 3]]),
     call=lambda x: lucid.diag(x, 1), name="diag-matrix")
case("getitem", randn(2, 3, 4), lambda x: np.stack([[x[i, j, j + 1] for j in range(3)]
                                                     for i in range(2)]),
     call=lambda x: lucid.diagonal(x, 1, 1, 2), name="diagonal")
case("getitem", randn(3, 2), lambda x: x[[0, 1, 1, 2, 2, 2]],
     call=lambda x: lucid.repeat_interleave(x, lucid.tensor([1, 2, 3]), 0),
     name="repeat-interleave")
case("getitem_grad", randn(3), lambda v: np.array([[0, 0, 0, 0], [v[0], 0, 0, 0],
                                                   [0, v[1], 0, 0], [0, 0, v[2], 0]]),
     call=lambda v: lucid.diag(v, -1), name="diag-vector")
case("getitem", randn(2, 5), lambda x: np.stack([x[:, 0:3], x[:, 2:5]], axis=1),
     call=lambda x: x.unfold(1, 3, 2), name="unfold")
case("getitem", randn(2, 3), lambda x: np.array([[x[j, 2 - i] for j in range(2)]
                                                 for i in range(3)]),
     call=lambda x: lucid.rot90(x), name="rot90")
case("getitem", randn(3, 4), lambda x: x[:, 2], call=lambda x: x.select(1, -2), name="select")
