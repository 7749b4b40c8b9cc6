"""Cases of the product family: ``einsum`` in its different shapes of use.

References are written without ``np.einsum`` (matmul, trace, diagonal, outer, sums), so
they stay independent of the NumPy kernel.
"""

import numpy as np

import lucid
from lucid.testing.case import case


def _shapes(*shapes):
    return lambda rng: [rng.standard_normal(s) for s in shapes]


def _einsum(eq):
    return lambda *tensors: lucid.einsum(eq, *tensors)


case("einsum", _shapes((3, 4), (4, 5)), lambda a, b, subscripts: a @ b,
     params={"subscripts": "ij,jk->ik"}, name="raw-matmul")
for _eq, _shape_list, _ref in (
        ("ij,jk->ik", [(3, 4), (4, 2)], lambda a, b: a @ b),
        ("ij,jk", [(2, 3), (3, 4)], lambda a, b: a @ b),
        ("ii", [(4, 4)], np.trace),
        ("ii->i", [(3, 3)], np.diag),
        ("ij->i", [(3, 4)], lambda a: a.sum(axis=1)),
        ("ij->ji", [(2, 3)], np.transpose),
        ("i,j->ij", [(3,), (4,)], np.outer),
        ("i,i->", [(5,)] * 2, lambda a, b: (a * b).sum()),
        ("bij,bjk->bik", [(2, 3, 4), (2, 4, 2)], np.matmul),
        ("...ij,...jk->...ik", [(2, 1, 2, 3), (3, 3, 2)], np.matmul),
        ("...ij,jk", [(2, 2, 3), (3, 2)], np.matmul),
        ("ij,jk,kl->il", [(2, 3), (3, 4), (4, 2)], lambda a, b, c: a @ b @ c),
        ("iij->j", [(2, 2, 3)], lambda a: a[0, 0] + a[1, 1]),
        ("bi,bj->bij", [(2, 3), (2, 4)], lambda a, b: a[:, :, None] * b[:, None, :]),
):
    case("einsum", _shapes(*_shape_list), _ref, call=_einsum(_eq), name=_eq)
