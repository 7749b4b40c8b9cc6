"""Minimum-cost bipartite assignment (the Hungarian algorithm), for DETR's matcher.

Given a cost matrix ``C`` of shape ``(n, m)``, find ``k = min(n, m)`` pairs ``(r_i, c_i)``,
no row and no column used twice, minimising ``sum_i C[r_i, c_i]``: the same answer as
``scipy.optimize.linear_sum_assignment`` (rows sorted ascending), without needing SciPy.

Method: shortest augmenting paths with dual potentials ``u`` (rows) and ``v`` (columns)
(Kuhn–Munkres in its ``O(k^2 m)`` form, Jonker and Volgenant's variant). Each row is added
in turn; a Dijkstra-like search over reduced costs ``C[i, j] - u[i] - v[j] >= 0`` finds the
cheapest way to fit it in, the potentials are shifted so reduced costs stay non-negative
and the path is flipped. Rows are the shorter side (the matrix is transposed if needed).
"""

from __future__ import annotations

import numpy as np

__all__ = ["linear_sum_assignment"]


def linear_sum_assignment(cost) -> tuple[np.ndarray, np.ndarray]:
    """``(row_indices, col_indices)``, int64, of a minimum-cost assignment of ``cost``."""
    cost = np.asarray(cost, dtype=np.float64)
    if cost.ndim != 2:
        raise ValueError(f"linear_sum_assignment: expected a 2-D cost matrix, got shape "
                         f"{cost.shape}")
    if np.isnan(cost).any() or np.isneginf(cost).any():
        raise ValueError("linear_sum_assignment: the cost matrix holds NaN or -inf")
    transposed = cost.shape[0] > cost.shape[1]
    if transposed:
        cost = cost.T
    rows, cols = cost.shape
    if rows == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    u = np.zeros(rows)
    v = np.zeros(cols)
    row_of_col = np.full(cols, -1, dtype=np.int64)  # the row matched to each column
    for start in range(rows):
        _augment(cost, start, u, v, row_of_col)
    matched = np.flatnonzero(row_of_col >= 0)
    row_idx, col_idx = row_of_col[matched], matched.astype(np.int64)
    if transposed:
        row_idx, col_idx = col_idx, row_idx
    order = np.argsort(row_idx, kind="stable")
    return row_idx[order], col_idx[order]


def _augment(cost, start, u, v, row_of_col) -> None:
    """Fit row ``start`` in: cheapest augmenting path by reduced cost, then flip it."""
    cols = cost.shape[1]
    dist = np.full(cols, np.inf)   # cheapest reduced cost to reach each column
    came_from = np.full(cols, -1, dtype=np.int64)  # the column before it on that path
    done = np.zeros(cols, dtype=bool)
    row, col, reach = start, -1, 0.0
    while True:
        reduced = reach + cost[row] - u[row] - v
        better = ~done & (reduced < dist)
        dist[better] = reduced[better]
        came_from[better] = col
        candidates = np.where(done, np.inf, dist)
        col = int(np.argmin(candidates))
        reach = candidates[col]
        if not np.isfinite(reach):
            raise ValueError("linear_sum_assignment: the cost matrix is infeasible")
        done[col] = True
        if row_of_col[col] < 0:
            break
        row = int(row_of_col[col])
    # shift the potentials so every reduced cost stays >= 0 and the path costs 0
    u[start] += reach
    finished = np.flatnonzero(done)
    finished = finished[finished != col]
    u[row_of_col[finished]] += reach - dist[finished]
    v[finished] -= reach - dist[finished]
    # flip the path: each column on it takes the row of the column before it
    while True:
        before = came_from[col]
        row_of_col[col] = start if before < 0 else row_of_col[before]
        if before < 0:
            break
        col = before
