"""A tampered cached weights file (issue 10): refused, never loaded, with a message that
says the SHA-256 does not match, shows both hashes and says how to fix it."""

import hashlib

import pytest

import lucid
from lucid.models import lenet_1
from lucid.weights import WeightsEntry
from lucid.weights.api import WeightsError


@pytest.fixture
def cached(tmp_path, monkeypatch):
    """A genuine ``tiny.lcd`` (its SHA-256) and a tampered copy in a private cache."""
    monkeypatch.setenv("LUCID_HOME", str(tmp_path / "home"))
    lucid.manual_seed(0)
    source = tmp_path / "genuine.lcd"
    lucid.save(lenet_1().state_dict(), source)
    genuine = source.read_bytes()
    tampered = bytearray(genuine)
    tampered[len(tampered) // 2] ^= 0x01
    cache = tmp_path / "home" / "weights"
    cache.mkdir(parents=True)
    (cache / "tiny.lcd").write_bytes(bytes(tampered))
    return {"path": cache / "tiny.lcd", "genuine": hashlib.sha256(genuine).hexdigest(),
            "tampered": hashlib.sha256(bytes(tampered)).hexdigest(), "source": source}


def _message(entry, **kw):
    with pytest.raises(WeightsError) as info:
        entry.get_state_dict(**kw)
    return str(info.value)


def test_offline_message_names_the_mismatch_both_hashes_and_the_fix(cached):
    entry = WeightsEntry("tiny.lcd", "http://127.0.0.1:9/tiny.lcd", cached["genuine"])
    text = _message(entry, download_missing=False)
    assert "SHA-256 mismatch" in text and str(cached["path"]) in text
    assert cached["tampered"] in text and cached["genuine"] in text
    assert "delete it" in text
    assert "neither packaged nor cached" not in text


def test_unreachable_source_still_reports_the_mismatch(cached):
    entry = WeightsEntry("tiny.lcd", "http://127.0.0.1:9/tiny.lcd", cached["genuine"])
    text = _message(entry)
    assert "SHA-256 mismatch" in text and cached["tampered"] in text
    assert cached["genuine"] in text and "could not download" in text
    assert cached["path"].read_bytes() != cached["source"].read_bytes()  # left for the user


def test_a_reachable_source_replaces_the_tampered_file(cached):
    entry = WeightsEntry("tiny.lcd", cached["source"].as_uri(), cached["genuine"])
    state = entry.get_state_dict()
    assert set(state) == set(lenet_1().state_dict())
    assert cached["path"].read_bytes() == cached["source"].read_bytes()
