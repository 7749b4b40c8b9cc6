"""``load_state_dict`` with values that are no tensors (issue 10): the error names every
bad key, and the module is unchanged."""

import numpy as np
import pytest

import lucid
import lucid.nn as nn
from lucid.errors import DTypeError


@pytest.mark.parametrize("value", ["hello", {"a": 1}, None, {1, 2}, [[1, "x"]]],
                         ids=["str", "dict", "none", "set", "mixed-list"])
def test_a_non_numeric_value_names_its_key(value):
    lucid.manual_seed(0)
    model = nn.Sequential(nn.Linear(2, 3), nn.BatchNorm1d(3))
    before = {k: v.numpy().copy() for k, v in model.state_dict().items()}
    sd = model.state_dict()
    sd["1.running_mean"] = value
    with pytest.raises(DTypeError, match=r"'1\.running_mean' holds"):
        model.load_state_dict(sd)
    for k, v in model.state_dict().items():
        np.testing.assert_array_equal(v.numpy(), before[k])


def test_every_bad_key_is_listed():
    model = nn.Linear(2, 3)
    sd = model.state_dict()
    sd["weight"], sd["bias"] = "w", "b"
    with pytest.raises(DTypeError, match=r"'weight' holds str 'w'.*'bias' holds str 'b'"):
        model.load_state_dict(sd)


def test_numbers_in_plain_lists_still_load():
    model = nn.Linear(2, 1)
    model.load_state_dict({"weight": [[1.0, 2.0]], "bias": [0.5]})
    assert model(lucid.tensor([[1.0, 1.0]])).item() == 3.5
