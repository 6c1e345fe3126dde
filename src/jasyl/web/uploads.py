"""Per-user storage of uploaded files: size-limited, safe names, never outside the user's folder.

Every upload goes to ``<JASYL_WEB_DATA>/uploads/u<user id>/<kind>/<stamp>-<safe name>``:

* the name keeps letters and digits of any script, ``.``, ``-`` and ``_``; everything else (``/``,
  ``\\``, ``..``, control characters, spaces) becomes ``_``; a leading dot is dropped; at most 100
  characters (70 in the stored name); the suffix must be one the caller allows;
* the file is streamed to a temporary name in the same folder, refused with :class:`UploadTooLarge`
  past the limit, and renamed into place only when complete (no half-written file);
* files are written with mode 0600 (never executable) and are only ever read as data;
* the resolved path is checked to be inside the user's folder before anything is written.

Usage in a route::

    stored = await request.app.state.uploads.save(user.id, upload, kind="weather",
                                                  suffixes=(".csv", ".epw"))
    # stored.path, stored.original_name, stored.size, stored.sha256
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from jasyl.errors import InputError

__all__ = ["UploadStore", "StoredFile", "UploadTooLarge", "safe_filename"]

_CHUNK = 1024 * 1024
_KIND = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")


class _Readable(Protocol):
    filename: str | None

    async def read(self, size: int = -1) -> bytes: ...


class UploadTooLarge(InputError):
    """The upload is over the size limit (answered with 413)."""


@dataclass(frozen=True)
class StoredFile:
    path: Path
    original_name: str
    stored_name: str
    size: int
    sha256: str
    kind: str
    user_id: int


def safe_filename(name: str | None, *, fallback: str = "upload", max_length: int = 100) -> str:
    """A harmless file name made from what the client sent (no folders, no dot files)."""
    name = unicodedata.normalize("NFKC", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(ch if (ch.isalnum() or ch in "._-") else "_" for ch in name)
    cleaned = re.sub(r"\.{2,}", ".", cleaned).lstrip("._-")
    if not cleaned:
        cleaned = fallback
    stem, dot, suffix = cleaned.rpartition(".")
    if dot and stem:
        suffix = suffix[:16].lower()
        cleaned = stem[: max_length - len(suffix) - 1] + "." + suffix
    return cleaned[:max_length]


class UploadStore:
    """The upload folder of the platform (``settings.upload_dir``) with its size limit."""

    def __init__(self, root: Path, max_bytes: int) -> None:
        self.root = Path(root)
        self.max_bytes = int(max_bytes)

    def user_dir(self, user_id: int, kind: str) -> Path:
        if not isinstance(user_id, int) or user_id <= 0:
            raise ValueError(f"bad user id {user_id!r}")
        if not _KIND.match(kind):
            raise ValueError(f"bad upload kind {kind!r}")
        return self.root / f"u{user_id}" / kind

    def _inside(self, path: Path, user_id: int) -> Path:
        base = (self.root / f"u{user_id}").resolve()
        resolved = path.resolve()
        if base != resolved and base not in resolved.parents:
            raise InputError("the file name points outside your upload folder", field="file",
                             fix="upload the file under a plain name")
        return resolved

    async def save(self, user_id: int, upload: _Readable, *, kind: str, suffixes: tuple[str, ...]) -> StoredFile:
        """Store one upload; raises :class:`InputError` for a refused name/suffix, :class:`UploadTooLarge`."""
        original = upload.filename or ""
        name = safe_filename(original, max_length=70)
        suffix = "." + name.rpartition(".")[2].lower() if "." in name else ""
        allowed = tuple(s.lower() for s in suffixes)
        if suffix not in allowed:
            raise InputError(f"file '{name}' has a type that is not accepted here", field="file",
                             fix=f"upload a file ending in {', '.join(allowed)}")
        folder = self.user_dir(user_id, kind)
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S") + "-" + secrets.token_hex(3)
        final = self._inside(folder / f"{stamp}-{name}", user_id)
        tmp = self._inside(folder / f".{stamp}.part", user_id)
        digest = hashlib.sha256()
        size = 0
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "wb") as handle:
                while chunk := await upload.read(_CHUNK):
                    size += len(chunk)
                    if size > self.max_bytes:
                        raise UploadTooLarge(
                            f"file '{name}' is larger than the limit of {self.max_bytes // (1024 * 1024)} MB",
                            field="file", fix="upload a smaller file (or split it)")
                    digest.update(chunk)
                    handle.write(chunk)
            os.replace(tmp, final)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        os.chmod(final, 0o600)
        return StoredFile(path=final, original_name=original[:300], stored_name=final.name, size=size,
                          sha256=digest.hexdigest(), kind=kind, user_id=user_id)

    def list(self, user_id: int, kind: str) -> list[Path]:
        folder = self.user_dir(user_id, kind)
        if not folder.is_dir():
            return []
        return sorted((p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")), reverse=True)

    def open_path(self, user_id: int, kind: str, stored_name: str) -> Path:
        """The path of one of the user's stored files (by its stored name), checked to be inside."""
        if safe_filename(stored_name) != stored_name:
            raise InputError(f"no such file '{stored_name}'", field="file", fix="pick a file from your list")
        path = self._inside(self.user_dir(user_id, kind) / stored_name, user_id)
        if not path.is_file():
            raise InputError(f"no such file '{stored_name}'", field="file", fix="pick a file from your list")
        return path


def describe(stored: StoredFile) -> dict[str, Any]:
    """For the audit log."""
    return {"file": stored.stored_name, "original_name": stored.original_name, "bytes": stored.size,
            "sha256": stored.sha256, "kind": stored.kind}
