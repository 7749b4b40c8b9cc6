"""Pretrained-weight entries: where a file lives, how to check it, how to load it.

A :class:`WeightsEntry` names a file, its URL and the SHA-256 its publisher gives (the full
64 hex digits, or a prefix of them: torchvision puts the first 8 or more in its file names,
``resnet50-0676ba61.pth``), its preprocessing (``transforms()``) and metadata (categories,
metrics, parameter count, recipe). :meth:`WeightsEntry.get_state_dict` finds the file, in
order:

1. inside the installed package (``lucid/weights/files/``: small weights ship with Lucid);
2. in the cache folder, ``$LUCID_HOME/weights`` or ``~/.cache/lucid/weights``;
3. by downloading the URL into the cache (a ``.part`` file, resumed with an HTTP Range
   request if a previous download was cut, renamed into place only after its SHA-256
   matches).

Every file is verified against the SHA-256 before it is loaded, so a corrupted cache entry
is never used. Offline, steps 1 and 2 are enough. Files are read by
:func:`lucid.weights.formats.load_state_file`: PyTorch ``.pth`` (restricted reader, no
torch), ``.safetensors`` or Lucid's ``.lcd``.
"""

from __future__ import annotations

import enum
import hashlib
import os
import re
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import lucid
from lucid.weights import hub
from lucid.weights.formats import load_state_file

PACKAGE_FILES = Path(__file__).parent / "files"
CHUNK = 1 << 20


class WeightsError(lucid.LucidError, ValueError):
    """A weights file is missing, unreachable or fails its checksum."""


def cache_dir() -> Path:
    """``$LUCID_HOME/weights`` if set, else ``~/.cache/lucid/weights``."""
    root = os.environ.get("LUCID_HOME")
    base = Path(root) if root else Path.home() / ".cache" / "lucid"
    return base / "weights"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def hash_matches(actual: str, published: str) -> bool:
    """``actual`` (64 hex digits) is the published SHA-256, or starts with its prefix."""
    return len(published) >= 8 and actual.startswith(published.lower())


def download(url: str, target: Path, sha256: str | None) -> Path:
    """Fetch ``url`` into ``target`` via ``target.part`` (resumed if present); verify against
    ``sha256``, or (``None``, a hub file) against the hash the hub publishes, recorded next to
    the file (:mod:`lucid.weights.hub`)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if sha256 is None:
        try:
            sha256 = hub.published_sha256(url)
        except (OSError, ValueError) as exc:
            raise WeightsError(f"weights: could not get the published SHA-256 of {url} "
                               f"({exc}); put the file at {target} with its SHA-256 in "
                               f"{hub.sidecar(target)} to use it offline") from exc
    part = target.with_name(target.name + ".part")
    have = part.stat().st_size if part.exists() else 0
    request = urllib.request.Request(url, headers={"Range": f"bytes={have}-"} if have else {})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            resumed = have and getattr(response, "status", 200) == 206
            with open(part, "ab" if resumed else "wb") as out:
                for block in iter(lambda: response.read(CHUNK), b""):
                    out.write(block)
    except OSError as exc:
        raise WeightsError(f"weights: could not download {url} ({exc}); put the file at "
                           f"{target} to use it offline") from exc
    actual = sha256_of(part)
    if not hash_matches(actual, sha256):
        part.unlink()
        raise WeightsError(f"weights: {url} has SHA-256 {actual}, expected {sha256}; "
                           "the download was discarded")
    os.replace(part, target)
    hub.record_sha256(target, actual)
    return target


@dataclass(frozen=True)
class WeightsEntry:
    """One pretrained file: ``file_name``, ``url``, ``sha256`` (full, a published prefix,
    or ``None`` for a hub file whose hash the hub publishes), ``meta`` and ``transforms`` (a
    callable returning the preprocessing the weights expect, as torchvision's
    ``partial(ImageClassification, crop_size=224)``)."""

    file_name: str
    url: str
    sha256: str | None
    meta: dict = field(default_factory=dict, hash=False, compare=False, repr=False)
    transforms: Callable | None = field(default=None, hash=False, compare=False, repr=False)

    def path(self, download_missing: bool = True) -> Path:
        """A verified local copy of the file (packaged, cached, or downloaded)."""
        mismatch = None  # a cached file whose SHA-256 is wrong: refused, never loaded
        for candidate in (PACKAGE_FILES / self.file_name, cache_dir() / self.file_name):
            expected = self.sha256 or hub.recorded_sha256(candidate)
            if candidate.is_file() and expected:
                actual = sha256_of(candidate)
                if hash_matches(actual, expected):
                    return candidate
                if candidate.parent == PACKAGE_FILES:
                    raise WeightsError(f"weights: packaged file {candidate} has SHA-256 "
                                       f"{actual}, expected {expected}; reinstall "
                                       "lucid-models")
                mismatch = (f"weights: SHA-256 mismatch for the cached file {candidate}: it "
                            f"has {actual}, expected {expected} (damaged or replaced)")
        if not download_missing:
            if mismatch:
                raise WeightsError(f"{mismatch}; delete it and download again "
                                   f"(download_missing=True, from {self.url}), or put the "
                                   "genuine file there")
            raise WeightsError(f"weights: {self.file_name} is neither packaged nor cached in "
                               f"{cache_dir()}")
        try:
            return download(self.url, cache_dir() / self.file_name, self.sha256)
        except WeightsError as exc:
            if mismatch is None:
                raise
            raise WeightsError(f"{mismatch}; downloading a good copy failed too ({exc}); "
                               "replace it with the genuine file") from exc

    def get_state_dict(self, map_location=None, download_missing: bool = True) -> dict:
        """The verified state dict (``.pth``, ``.safetensors`` or ``.lcd``), its keys renamed
        by ``meta["key_renames"]`` (``(regex, replacement)`` pairs, for files saved under
        older module names, as torchvision's DenseNet files)."""
        state = load_state_file(self.path(download_missing), map_location=map_location)
        return rename_keys(state, self.meta.get("key_renames", ()))


class WeightsEnum(enum.Enum):
    """Base of the per-model weight enums (``LeNet_5_Weights.DEFAULT``, ...)."""

    @property
    def entry(self) -> WeightsEntry:
        return self.value

    @property
    def meta(self) -> dict:
        return self.value.meta

    @property
    def url(self) -> str:
        return self.value.url

    def transforms(self):
        """The preprocessing these weights were evaluated with (a callable on images)."""
        if self.value.transforms is None:
            raise WeightsError(f"weights: {self} has no preprocessing recorded")
        return self.value.transforms()

    def get_state_dict(self, map_location=None, download_missing: bool = True) -> dict:
        return self.value.get_state_dict(map_location, download_missing)


def rename_keys(state: dict, renames) -> dict:
    """``state`` with each key rewritten by the first ``(regex, replacement)`` that matches."""
    if not renames:
        return state
    compiled = [(re.compile(pattern), replacement) for pattern, replacement in renames]
    out = {}
    for key, value in state.items():
        for pattern, replacement in compiled:
            if pattern.match(key):
                key = pattern.sub(replacement, key)
                break
        out[key] = value
    return out


def make_enum(name: str, members: dict[str, WeightsEntry], default: str,
              module: str) -> type[WeightsEnum]:
    """A :class:`WeightsEnum` subclass ``name`` with ``members`` and ``DEFAULT`` (an alias of
    ``members[default]``), as the catalogs build them from their tables."""
    items = [*members.items(), ("DEFAULT", members[default])]
    return WeightsEnum(name, items, module=module, qualname=name)


def resolve(weights) -> WeightsEntry:
    """A WeightsEntry from an entry, an enum member or a name like ``"LeNet_5_Weights.DEFAULT"``."""
    if isinstance(weights, WeightsEnum):
        return weights.value
    if isinstance(weights, WeightsEntry):
        return weights
    if isinstance(weights, str):
        from lucid.weights import entries

        enum_name, _, member = weights.partition(".")
        try:
            return getattr(entries, enum_name)[member or "DEFAULT"].value
        except (AttributeError, KeyError):
            raise WeightsError(f"weights: unknown weights {weights!r}") from None
    raise TypeError(f"weights: expected a weights entry or name, got {type(weights).__name__}")


def load_weights_into(model, weights) -> None:
    """Load pretrained ``weights`` into ``model`` (strict); the class count must match.

    Files saved before batch norm counted its batches (torchvision's DenseNet, Inception
    and early MobileNet files) have no ``num_batches_tracked``: the model keeps its own
    counters there, as PyTorch's BatchNorm does when it loads such files."""
    entry = resolve(weights)
    expected = entry.meta.get("num_classes")
    state = dict(entry.get_state_dict())
    for key, value in model.state_dict().items():
        if key.endswith("num_batches_tracked") and key not in state:
            state[key] = value
    try:
        model.load_state_dict(state, strict=True)
    except (KeyError, RuntimeError, ValueError) as exc:
        raise WeightsError(f"weights: {entry.file_name} does not fit this model "
                           f"(trained with num_classes={expected}): {exc}") from exc
