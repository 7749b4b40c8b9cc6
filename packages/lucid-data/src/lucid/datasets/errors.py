"""The errors of :mod:`lucid.datasets`; each message names the file or URL involved."""

from __future__ import annotations

from lucid.errors import LucidError


class DatasetNotFoundError(LucidError, FileNotFoundError):
    """A dataset is in none of the places searched; the message lists them and how to get it."""


class DatasetFormatError(LucidError, ValueError):
    """A dataset file is truncated, corrupted or not in the expected format."""


class ChecksumError(LucidError, ValueError):
    """A downloaded file does not have the published checksum (it is deleted)."""


class DownloadError(LucidError, OSError):
    """A download failed on every mirror; the message gives each URL and its error."""
