"""Every weights enum: its facts hang together (URL, file name, published hash, metadata,
preprocessing), its model exists and has the published parameter count (counted on the
``meta`` device, no memory), and LeNet-5's shipped weights score ~90 % through
``transforms()``."""

from pathlib import Path

import numpy as np
import pytest

import lucid
from lucid import models, weights
from lucid.weights import ImageClassification, WeightsEnum, WeightsError, api
from lucid.weights.timm_catalog import ENUMS as TIMM
from lucid.weights.torchvision_catalog import ENUMS as TORCHVISION
from lucid.weights.torchvision_catalog import published_prefix

DATA = Path("/usr/share/datasets/fashion-mnist")
ALL = sorted({e for e in vars(weights.entries).values()
              if isinstance(e, type) and issubclass(e, WeightsEnum) and e is not WeightsEnum},
             key=lambda e: e.__name__)


def test_enums_are_importable_from_lucid_models_and_weights():
    from lucid.models import LeNet_5_Weights, ResNet50_Weights, ResNet_50_Weights

    assert LeNet_5_Weights is weights.LeNet_5_Weights
    assert ResNet50_Weights is ResNet_50_Weights  # torchvision's spelling is an alias
    entry = ResNet_50_Weights.IMAGENET1K_V1.value
    assert weights.resolve("ResNet_50_Weights.IMAGENET1K_V1") is entry


@pytest.mark.parametrize("enum", ALL, ids=lambda e: e.__name__)
def test_entry_facts(enum):
    assert enum.DEFAULT in list(enum)
    for member in enum:
        entry, meta = member.value, member.meta
        assert len(meta["categories"]) == meta["num_classes"]
        preset = member.transforms()
        assert isinstance(preset, ImageClassification)
        for metrics in meta["metrics"].values():
            assert 0 < metrics["acc@1"] < metrics.get("acc@5", 100) <= 100
        if entry.sha256 is None:  # a hub file: the hub publishes its hash
            repo = meta["source"].split()[1]
            assert entry.url == f"https://huggingface.co/timm/{repo}/resolve/main/model.safetensors"
            assert entry.file_name == f"timm--{repo}.safetensors"
        else:
            assert entry.url.rsplit("/", 1)[1] == entry.file_name
            assert len(entry.sha256) >= 8 and int(entry.sha256, 16) >= 0
        if enum.__name__ in TORCHVISION or enum.__name__ in TIMM:
            assert meta["num_classes"] == 1000 and meta["dataset"] == "ImageNet-1K"
            assert meta["categories"][0] == "tench" and meta["categories"][-1] == "toilet tissue"
            assert preset.crop_size <= min(np.atleast_1d(preset.resize_size))
        if enum.__name__ in TORCHVISION:  # the file name carries the hash prefix
            assert entry.url.startswith("https://download.pytorch.org/models/")
            assert entry.sha256 == published_prefix(entry.file_name)
            assert set(meta["metrics"]["ImageNet-1K"]) == {"acc@1", "acc@5"}
        if enum is weights.LeNet_5_Weights:  # Lucid's own file: the full SHA-256
            assert len(entry.sha256) == 64


@pytest.mark.parametrize("enum", ALL, ids=lambda e: e.__name__)
def test_model_exists_with_the_published_parameter_count(enum):
    model_name = enum.DEFAULT.meta.get("model", "lenet_5")
    assert model_name in models.list_models()
    with lucid.device("meta"):
        model = models.create_model(model_name, num_classes=enum.DEFAULT.meta["num_classes"])
    total = sum(p.numel() for p in model.parameters())
    # torchvision counts GoogLeNet without the auxiliary heads its file also holds
    main = sum(p.numel() for n, p in model.named_parameters() if not n.startswith("aux"))
    assert enum.DEFAULT.meta["num_params"] in (total, main), (total, main)


def test_missing_file_offline_names_the_url(tmp_path, monkeypatch):
    monkeypatch.setenv("LUCID_HOME", str(tmp_path))

    def no_network(*args, **kwargs):
        raise OSError("network unreachable")

    monkeypatch.setattr(api.urllib.request, "urlopen", no_network)
    with pytest.raises(WeightsError, match="download.pytorch.org/models/resnet18-f37072fd.pth"):
        models.resnet_18(weights=weights.ResNet_18_Weights.DEFAULT)
    assert not (tmp_path / "weights" / "resnet18-f37072fd.pth").exists()


def test_preset_resizes_crops_and_normalises():
    image = np.random.default_rng(0).integers(0, 256, (300, 400, 3), dtype=np.uint8)
    out = weights.ResNet_50_Weights.IMAGENET1K_V2.transforms()(image)
    assert out.shape == (3, 224, 224) and out.dtype == lucid.float32
    # a flat white image: (1 - 0.5) / 0.25 = 2 everywhere, cropped to 2x2
    lo = ImageClassification(crop_size=2, resize_size=None, mean=(0.5, 0.5, 0.5),
                             std=(0.25, 0.25, 0.25))
    flat = np.full((4, 4, 3), 255, np.uint8)
    np.testing.assert_allclose(lo(flat).numpy(), np.full((3, 2, 2), 2.0), rtol=1e-6)


@pytest.mark.skipif(not DATA.is_dir(), reason=f"{DATA} absent (dataset-fashion-mnist)")
def test_lenet_5_scores_90_percent_through_transforms():
    from lucid.data import DataLoader
    from lucid.datasets import FashionMNIST

    entry = weights.LeNet_5_Weights.DEFAULT
    loader = DataLoader(FashionMNIST(train=False, transform=entry.transforms()),
                        batch_size=1000)
    model = models.lenet_5(weights=entry).eval()
    correct = seen = 0
    with lucid.no_grad():
        for images, labels in loader:
            correct += int((model(images).numpy().argmax(1) == labels.numpy()).sum())
            seen += labels.shape[0]
    accuracy = 100 * correct / seen
    assert seen == 10_000 and abs(accuracy - entry.meta["metrics"]["Fashion-MNIST"]["acc@1"]) < 0.1
    assert accuracy > 89
