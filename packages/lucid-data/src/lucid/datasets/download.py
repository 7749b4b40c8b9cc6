"""Downloads with checksums and resume, and the local cache.

* Cache: ``$LUCID_DATA/<dataset>`` when ``LUCID_DATA`` is set, else
  ``~/.cache/lucid/<dataset>``.
* :func:`download_url` fetches into ``<file>.part``; when a ``.part`` file is already
  there it asks the server for the rest (HTTP ``Range: bytes=N-``) and appends, or starts
  over when the server ignores the range. The finished file is checked against its
  published MD5/SHA-256 before it gets its real name; a mismatch deletes it and raises
  :class:`ChecksumError`. A file already in place with the right checksum is reused
  without touching the network.
"""

from __future__ import annotations

import hashlib
import os
import sys
import urllib.error
import urllib.request

from lucid.datasets.errors import ChecksumError, DownloadError

__all__ = ["data_home", "cache_dir", "file_digest", "download_url", "download_first"]

_CHUNK = 1 << 20


def data_home() -> str:
    """The folder that holds every dataset's cache folder."""
    env = os.environ.get("LUCID_DATA")
    return os.path.abspath(os.path.expanduser(env)) if env else \
        os.path.join(os.path.expanduser("~"), ".cache", "lucid")


def cache_dir(name: str) -> str:
    """``data_home()/name``: where a dataset is downloaded when no ``root`` is given."""
    return os.path.join(data_home(), name)


def file_digest(path: str, algorithm: str = "md5") -> str:
    """The hex digest of a file, read in chunks."""
    h = hashlib.new(algorithm)
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(_CHUNK), b""):
            h.update(chunk)
    return h.hexdigest()


def _expected(md5: str | None, sha256: str | None) -> tuple[str, str] | None:
    if sha256:
        return "sha256", sha256.lower()
    if md5:
        return "md5", md5.lower()
    return None


def _check(path: str, expected: tuple[str, str] | None) -> str | None:
    """None when ``path`` has the expected digest (or none is expected), else the actual one."""
    if expected is None:
        return None
    actual = file_digest(path, expected[0])
    return None if actual == expected[1] else actual


def _progress(total: int | None, start: int, name: str, enabled: bool):
    if not enabled:
        return None
    try:
        from tqdm import tqdm
    except ImportError:
        return None
    return tqdm(total=total, initial=start, unit="B", unit_scale=True, desc=name,
                file=sys.stderr, leave=False)


def download_url(url: str, dest: str, md5: str | None = None, sha256: str | None = None,
                 timeout: float = 60.0, progress: bool = True) -> str:
    """Download ``url`` to the file ``dest`` (resuming ``dest + ".part"``) and verify it.

    Returns ``dest``. Raises :class:`ChecksumError` (the bad file is deleted) or
    :class:`DownloadError`.
    """
    expected = _expected(md5, sha256)
    if os.path.isfile(dest):
        if _check(dest, expected) is None:
            return dest  # cached: no network
        os.remove(dest)
    os.makedirs(os.path.dirname(os.path.abspath(dest)) or ".", exist_ok=True)
    part = dest + ".part"
    start = os.path.getsize(part) if os.path.isfile(part) else 0
    headers = {"User-Agent": "lucid-data/0.1"}
    if start:
        headers["Range"] = f"bytes={start}-"
    try:
        response = urllib.request.urlopen(urllib.request.Request(url, headers=headers),
                                          timeout=timeout)
    except urllib.error.HTTPError as exc:
        if not (exc.code == 416 and start):  # 416: nothing left past `start`
            raise DownloadError(f"download: {url}: HTTP {exc.code} {exc.reason}") from None
        response = None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise DownloadError(f"download: {url}: {reason}") from None
    if response is not None:
        with response:
            status = getattr(response, "status", None) or response.getcode()
            resumed = bool(start) and status == 206
            if start and not resumed:
                start = 0  # the server sent the whole file
            length = response.headers.get("Content-Length") if response.headers else None
            total = start + int(length) if length and length.isdigit() else None
            bar = _progress(total, start, os.path.basename(dest), progress)
            try:
                with open(part, "ab" if resumed else "wb") as f:
                    for chunk in iter(lambda: response.read(_CHUNK), b""):
                        f.write(chunk)
                        if bar is not None:
                            bar.update(len(chunk))
            except OSError as exc:
                raise DownloadError(f"download: {url}: interrupted ({exc}); run again to "
                                    f"resume from {part}") from None
            finally:
                if bar is not None:
                    bar.close()
    actual = _check(part, expected)
    if actual is not None:
        os.remove(part)
        raise ChecksumError(f"download: {url}: {expected[0].upper()} of the downloaded file "
                            f"is {actual}, expected {expected[1]}; the file was deleted "
                            "(corrupted transfer or a changed mirror)")
    os.replace(part, dest)
    return dest


def download_first(urls: list[str], dest: str, md5: str | None = None,
                   sha256: str | None = None, progress: bool = True) -> str:
    """Try each mirror URL in turn; raise :class:`DownloadError` listing every failure."""
    failures = []
    for url in urls:
        try:
            return download_url(url, dest, md5=md5, sha256=sha256, progress=progress)
        except (DownloadError, ChecksumError) as exc:
            failures.append(str(exc))
    raise DownloadError(f"download: could not get {os.path.basename(dest)} from any "
                        "mirror:\n  " + "\n  ".join(failures))
