"""lucid.port.load_original: the original Lucid's .lct/.lcd files (written here with plain
pickle in the original's format: {"type", "format_version", "content"} holding NumPy
arrays), its LeNet/ResNet key names mapped to Lucid's, and crafted pickles refused."""

import os
import pickle
from collections import OrderedDict

import numpy as np
import pytest

import lucid
import lucid.models as models
import lucid.nn as nn
from lucid.port import OriginalFormatError, load_original


def _write(path, kind, content):
    with open(path, "wb") as f:
        pickle.dump({"type": kind, "format_version": 1.1, "content": content}, f)
    return path


def test_lct_tensor_round_trip(tmp_path):
    a = np.arange(6, dtype=np.float32).reshape(2, 3)
    t = load_original(_write(tmp_path / "x.lct", "Tensor", a))
    assert isinstance(t, lucid.Tensor) and t.dtype == lucid.float32
    np.testing.assert_array_equal(t.numpy(), a)


class _OriginalLeNet5(nn.Module):
    """The original Lucid's LeNet-5 module tree (its lenet.py): conv1/conv2 are
    Sequential(Conv2d, Tanh, AvgPool2d), then fc1..fc3 with tanh between."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Sequential(nn.Conv2d(1, 6, 5), nn.Tanh(), nn.AvgPool2d(2, 2))
        self.conv2 = nn.Sequential(nn.Conv2d(6, 16, 5), nn.Tanh(), nn.AvgPool2d(2, 2))
        self.fc1, self.fc2, self.fc3 = nn.Linear(400, 120), nn.Linear(120, 84), nn.Linear(84, 10)

    def forward(self, x):
        x = self.conv2(self.conv1(x)).reshape(x.shape[0], -1)
        return self.fc3(lucid.tanh(self.fc2(lucid.tanh(self.fc1(x)))))


def test_lenet5_checkpoint_loads_into_lucid_lenet5(tmp_path):
    lucid.random.seed(0)
    original = _OriginalLeNet5()
    state = OrderedDict((k, v.numpy()) for k, v in original.state_dict().items())
    path = _write(tmp_path / "lenet.lcd", "OrderedDict", state)
    mapped = load_original(path)
    # the original's LeNet-5 reads 32x32 images (fc1 has 16*5*5 inputs)
    assert set(mapped) == set(models.lenet_5(image_size=32).state_dict())  # Lucid's names
    model = load_original(path, model=models.lenet_5(image_size=32))
    x = lucid.randn(2, 1, 32, 32)
    np.testing.assert_allclose(model(x).numpy(), original(x).numpy(), atol=1e-5)


def _original_resnet_keys(lucid_state):
    """Lucid (torchvision) names -> the original's: stem = ConvBNReLU2d(conv, bn); a
    bottleneck's conv1/conv2 = ConvBNReLU2d, conv3 = Sequential(Conv2d, BatchNorm2d); the
    original's BatchNorm had no num_batches_tracked."""
    out = OrderedDict()
    for key, value in lucid_state.items():
        if key.endswith("num_batches_tracked"):
            continue
        parts = key.split(".")
        if parts[0] in ("conv1", "bn1"):
            key = "stem." + ("conv" if parts[0] == "conv1" else "bn") + "." + parts[1]
        elif parts[0].startswith("layer") and parts[2] in ("conv1", "conv2", "bn1", "bn2"):
            n = parts[2][-1]
            inner = "conv" if parts[2].startswith("conv") else "bn"
            key = ".".join(parts[:2] + [f"conv{n}", inner] + parts[3:])
        elif parts[0].startswith("layer") and parts[2] in ("conv3", "bn3"):
            key = ".".join(parts[:2] + ["conv3", "0" if parts[2] == "conv3" else "1"]
                           + parts[3:])
        out[key] = value
    return out


def test_resnet50_checkpoint_keys_map_onto_lucid_resnet(tmp_path):
    lucid.random.seed(1)
    source = models.resnet_50(num_classes=10)
    want = {k: v.numpy() for k, v in source.state_dict().items()}
    original = _original_resnet_keys(want)
    assert "stem.conv.weight" in original and "layer1.0.conv3.1.running_var" in original
    path = _write(tmp_path / "resnet.lcd", "OrderedDict", original)
    model = load_original(path, model=models.resnet_50(num_classes=10))
    for key, value in model.state_dict().items():
        if not key.endswith("num_batches_tracked"):
            np.testing.assert_array_equal(value.numpy(), want[key], err_msg=key)


def test_unknown_layout_keeps_keys_and_strict_model_load_names_them(tmp_path):
    path = _write(tmp_path / "mlp.lcd", "dict", {"w": np.ones((2, 2), np.float32)})
    assert list(load_original(path)) == ["w"]
    with pytest.raises(KeyError):
        load_original(path, model=nn.Linear(2, 2))


class _Exploit:
    def __init__(self, target):
        self.target = target

    def __reduce__(self):
        return os.system, (f"touch {self.target}",)


def test_crafted_pickle_fails_without_side_effects(tmp_path):
    marker = tmp_path / "pwned"
    path = _write(tmp_path / "evil.lcd", "OrderedDict", {"w": _Exploit(marker)})
    with pytest.raises(OriginalFormatError, match="refusing"):
        load_original(path)
    assert not marker.exists()
    with open(tmp_path / "eval.lct", "wb") as f:
        pickle.dump({"type": "Tensor", "format_version": 1.1, "content": eval}, f)
    with pytest.raises(OriginalFormatError, match="builtins"):
        load_original(tmp_path / "eval.lct")


def test_corrupt_and_wrong_files_raise_typed_errors(tmp_path):
    good = _write(tmp_path / "t.lct", "Tensor", np.zeros(3, np.float32)).read_bytes()
    (tmp_path / "cut.lct").write_bytes(good[: len(good) // 2])
    with pytest.raises(OriginalFormatError, match="not an original Lucid file"):
        load_original(tmp_path / "cut.lct")
    with pytest.raises(OriginalFormatError, match="unknown content type"):
        load_original(_write(tmp_path / "m.lcd", "Module", {}))
    with pytest.raises(OriginalFormatError, match="NumPy array"):
        load_original(_write(tmp_path / "s.lcd", "dict", {"w": [1.0, 2.0]}))
    with pytest.raises(FileNotFoundError):
        load_original(tmp_path / "missing.lcd")
