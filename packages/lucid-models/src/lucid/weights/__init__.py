"""``lucid.weights``: pretrained-weight entries with URL, SHA-256, cache and offline use."""

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
from lucid.weights.entries import LeNet_5_Weights

__all__ = ["WeightsEntry", "WeightsEnum", "WeightsError", "LeNet_5_Weights", "cache_dir",
           "download", "load_weights_into", "resolve", "sha256_of"]
