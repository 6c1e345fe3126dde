"""A cache of slow results (JSON files in the user cache directory), keyed by a hash of every input.

The key of a result is the SHA-256 of its options' input hash, the content of the files it read
(city, weather, measures) and a fingerprint of the installed jasyl package (every ``.py`` and data
file), so a changed input, data file or program never reuses an old result. Entries are written
atomically; a broken entry is ignored and recomputed. ``JASYL_NO_CACHE=1`` turns the cache off.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from platformdirs import user_cache_dir

from jasyl.fileio import write_text_atomic

__all__ = ["cache_key", "cache_dir", "load_entry", "save_entry", "enabled", "ENV_DISABLE"]

#: environment variable that turns the cache off when set to 1/true/yes
ENV_DISABLE = "JASYL_NO_CACHE"


def enabled() -> bool:
    return os.environ.get(ENV_DISABLE, "").strip().lower() not in ("1", "true", "yes", "on")


def cache_dir(kind: str) -> Path:
    """``<user cache dir>/jasyl/<kind>`` (not created here)."""
    return Path(user_cache_dir("jasyl", appauthor=False)) / kind


@cache
def package_fingerprint() -> str:
    """SHA-256 over the path and content of every file of the installed jasyl package."""
    digest = hashlib.sha256()
    root = resources.files("jasyl")
    stack = [root]
    files: list[Any] = []
    while stack:
        node = stack.pop()
        for child in node.iterdir():
            if child.name == "__pycache__":
                continue
            if child.is_dir():
                stack.append(child)
            elif child.name.endswith((".py", ".yaml", ".csv", ".geojson", ".j2", ".css")):
                files.append(child)
    for item in sorted(files, key=lambda f: str(f)):
        digest.update(str(item).encode("utf-8", "surrogateescape"))
        digest.update(item.read_bytes())
    return digest.hexdigest()


def _file_digest(path: str | Path) -> str:
    p = Path(path)
    if not p.is_file():
        return f"missing:{p}"
    return hashlib.sha256(p.read_bytes()).hexdigest()


def cache_key(input_hash: str, files: Iterable[str | Path | None] = (), extra: Iterable[str] = ()) -> str:
    """The key of a result: options hash, the content of ``files`` (None skipped), ``extra`` strings and
    the package fingerprint."""
    digest = hashlib.sha256()
    for part in (input_hash, package_fingerprint(), *extra, *(_file_digest(f) for f in files if f is not None)):
        digest.update(part.encode("utf-8"))
        digest.update(b"\0")
    return digest.hexdigest()


def load_entry(kind: str, key: str) -> dict[str, Any] | None:
    """The cached JSON object of ``key``, or None (missing, unreadable or the cache is off)."""
    if not enabled():
        return None
    path = cache_dir(kind) / f"{key}.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def save_entry(kind: str, key: str, data: dict[str, Any]) -> Path | None:
    """Store ``data`` under ``key`` (atomically); a cache that cannot be written is skipped."""
    if not enabled():
        return None
    try:
        return write_text_atomic(cache_dir(kind) / f"{key}.json", json.dumps(data, ensure_ascii=False))
    except OSError:
        return None
