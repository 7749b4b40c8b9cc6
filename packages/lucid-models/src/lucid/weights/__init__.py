"""``lucid.weights``: pretrained-weight entries (URL, published SHA-256, preprocessing,
metadata), the cache and downloads, and readers for PyTorch ``.pth`` (restricted: no torch,
no code), ``.safetensors`` and ``.lcd`` files."""

from lucid.weights import entries
from lucid.weights.api import (
    WeightsEntry,
    WeightsEnum,
    WeightsError,
    cache_dir,
    download,
    load_weights_into,
    resolve,
    sha256_of,
)
from lucid.weights.categories import FASHION_MNIST_CATEGORIES, IMAGENET_CATEGORIES
from lucid.weights.entries import *  # noqa: F403 - every weights enum
from lucid.weights.formats import load_state_file
from lucid.weights.presets import ImageClassification
from lucid.weights.pth import read_pth

__all__ = ["WeightsEntry", "WeightsEnum", "WeightsError", "cache_dir", "download",
           "load_weights_into", "resolve", "sha256_of", "load_state_file", "read_pth",
           "ImageClassification", "IMAGENET_CATEGORIES", "FASHION_MNIST_CATEGORIES",
           *entries.__all__]
