"""The detection example: the synthetic shapes dataset draws what its targets say, and the
training script runs end to end (two steps) returning an mAP in [0, 1]."""

import importlib.util
import sys
from pathlib import Path

import numpy as np

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"


def _load(name):
    sys.path.insert(0, str(EXAMPLES))
    spec = importlib.util.spec_from_file_location(name, EXAMPLES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_shapes_dataset_matches_its_targets():
    ds = _load("shapes_dataset")
    images, targets = ds.make_shapes(20, size=64, seed=3)
    assert images.shape == (20, 3, 64, 64) and images.dtype == np.float32
    again, _ = ds.make_shapes(20, size=64, seed=3)
    np.testing.assert_array_equal(images, again)
    for img, t in zip(images, targets):
        assert 1 <= len(t["boxes"]) <= 3 and set(t["labels"]) <= {0, 1}
        b = t["boxes"]
        assert (b[:, :2] >= 0).all() and (b[:, 2:] <= 64).all() and (b[:, 2:] > b[:, :2]).all()
        for (x1, y1, x2, y2), label in zip(b.astype(int), t["labels"]):
            cx, cy = (x1 + x2) // 2, (y1 + y2) // 2
            assert img[:, cy, cx].max() >= 0.45  # the shape's colour, not the background
            if label == 0:  # a rectangle fills its corner (shapes are opaque, >= 0.45)
                assert img[:, y1, x1].max() >= 0.45


def test_training_script_runs():
    example = _load("train_detector_shapes")
    score = example.main(["--steps", "2", "--batch", "2", "--size", "64", "--held-out", "4",
                          "--eval-every", "2"])
    assert 0.0 <= score <= 1.0
