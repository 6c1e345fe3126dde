"""The installed jasyl version (for the API and page footers)."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

__all__ = ["VERSION"]

try:
    VERSION = version("jasyl")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without installing
    VERSION = "0+unknown"
