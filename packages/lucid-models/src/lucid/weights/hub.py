"""The SHA-256 that Hugging Face publishes for a hub file, and where Lucid records it.

Hub files (timm's weights among them) are stored with Git LFS, whose pointer names the
file by its SHA-256. The hub publishes that hash on every download URL: a ``HEAD`` of
``https://huggingface.co/<repo>/resolve/<revision>/<file>`` answers (with a redirect to the
storage CDN) carrying ``X-Linked-Etag: "<sha256>"``. Entries of hub files therefore store no
hash of their own: the download asks the hub for it first, checks the bytes against it,
and records it next to the cached file (``<file>.sha256``) so that later, offline loads are
checked against the same published value.
"""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from pathlib import Path

HEX64 = re.compile(r"[0-9a-f]{64}")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # the redirect itself carries the header; do not follow it


def published_sha256(url: str, timeout: float = 60) -> str:
    """The hub's SHA-256 for ``url`` (``X-Linked-Etag``, else a 64-hex ``ETag``).

    Raises ``OSError`` when the hub cannot be reached and ``ValueError`` when it answers
    without a SHA-256."""
    request = urllib.request.Request(url, method="HEAD")
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=timeout) as response:
            headers = response.headers
    except urllib.error.HTTPError as exc:
        if exc.code not in (301, 302, 303, 307, 308):
            raise
        headers = exc.headers
    for name in ("X-Linked-Etag", "ETag"):
        value = (headers.get(name) or "").removeprefix("W/").strip('"').lower()
        if HEX64.fullmatch(value):
            return value
    raise ValueError(f"{url}: the hub published no SHA-256 (no X-Linked-Etag header)")


def sidecar(path: Path) -> Path:
    return path.with_name(path.name + ".sha256")


def recorded_sha256(path: Path) -> str | None:
    """The published hash recorded when ``path`` was downloaded, if any."""
    try:
        value = sidecar(path).read_text(encoding="ascii").strip()
    except OSError:
        return None
    return value if HEX64.fullmatch(value) else None


def record_sha256(path: Path, sha256: str) -> None:
    sidecar(path).write_text(sha256 + "\n", encoding="ascii")
