"""``linear_sum_assignment`` (DETR's Hungarian matcher) against SciPy's, and by hand."""

import numpy as np
import pytest
from scipy.optimize import linear_sum_assignment as scipy_assignment

from lucid.models.detection.ops import linear_sum_assignment


def test_a_hand_computed_case():
    cost = np.array([[4.0, 1.0, 3.0], [2.0, 0.0, 5.0], [3.0, 2.0, 2.0]])
    rows, cols = linear_sum_assignment(cost)  # 1 + 2 + 2 = 5 is the minimum
    assert rows.tolist() == [0, 1, 2] and cols.tolist() == [1, 0, 2]


@pytest.mark.parametrize("shape", [(0, 3), (3, 0), (1, 1), (4, 4), (3, 7), (7, 3), (25, 40)])
@pytest.mark.parametrize("ties", [False, True])
def test_same_total_cost_as_scipy(shape, ties):
    rng = np.random.default_rng(sum(shape) + ties)
    for _ in range(20):
        cost = rng.normal(size=shape)
        if ties:
            cost = np.round(cost)
        rows, cols = linear_sum_assignment(cost)
        ref_rows, ref_cols = scipy_assignment(cost)
        assert len(rows) == len(ref_rows) == min(shape)
        assert len(set(rows.tolist())) == len(rows) and len(set(cols.tolist())) == len(cols)
        assert np.all(np.diff(rows) > 0)
        np.testing.assert_allclose(cost[rows, cols].sum(), cost[ref_rows, ref_cols].sum(),
                                   rtol=1e-12, atol=1e-12)
        if not ties:  # a unique optimum: the very same pairs
            assert rows.tolist() == ref_rows.tolist() and cols.tolist() == ref_cols.tolist()


def test_bad_costs_are_refused():
    with pytest.raises(ValueError, match="linear_sum_assignment: expected a 2-D"):
        linear_sum_assignment(np.zeros(3))
    with pytest.raises(ValueError, match="NaN"):
        linear_sum_assignment(np.array([[1.0, np.nan]]))
