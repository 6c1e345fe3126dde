"""A small in-process cache for expensive read-only answers (status, public page data).

``cache.get(key, compute, ttl_s, version=None)`` returns the stored value while it is fresh. When it
is stale, the first caller triggers a refresh in a background thread and everyone keeps getting the
stale value meanwhile (stale-while-revalidate), so a slow query never holds up more than the very
first request. With ``version`` (a cheap callable, e.g. the highest row id of the tables the value
is made from), a refresh first asks for the version and only recomputes when it changed.
Values must be treated as read-only. Every uvicorn worker has its own cache.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

__all__ = ["TTLCache"]

T = TypeVar("T")
_log = logging.getLogger("jasyl.web")
_NO_VERSION = object()


class TTLCache:
    def __init__(self) -> None:
        self._values: dict[Hashable, tuple[float, Any, Any]] = {}
        self._locks: dict[Hashable, threading.Lock] = {}
        self._refreshing: set[Hashable] = set()
        self._guard = threading.Lock()
        #: how many times each key was computed (for tests and the status page)
        self.computations: dict[Hashable, int] = {}

    def _lock(self, key: Hashable) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(key, threading.Lock())

    def _compute(self, key: Hashable, compute: Callable[[], Any], version: Callable[[], Any] | None) -> None:
        stamp_version = version() if version is not None else _NO_VERSION
        value = compute()
        self.computations[key] = self.computations.get(key, 0) + 1
        self._values[key] = (time.monotonic(), value, stamp_version)

    def get(self, key: Hashable, compute: Callable[[], T], ttl_s: float,
            version: Callable[[], Any] | None = None) -> T:
        hit = self._values.get(key)
        if hit is not None:
            stamp, value, _ = hit
            if ttl_s > 0 and time.monotonic() - stamp > ttl_s:
                self._refresh_later(key, compute, version)
            return value  # type: ignore[no-any-return]
        with self._lock(key):  # first computation: one caller computes, the others wait for it
            if key not in self._values:
                self._compute(key, compute, version)
            return self._values[key][1]  # type: ignore[no-any-return]

    def _refresh_later(self, key: Hashable, compute: Callable[[], Any], version: Callable[[], Any] | None) -> None:
        with self._guard:
            if key in self._refreshing:
                return
            self._refreshing.add(key)

        def run() -> None:
            try:
                with self._lock(key):
                    stamp, value, old_version = self._values[key]
                    if version is not None and version() == old_version:
                        self._values[key] = (time.monotonic(), value, old_version)  # unchanged: still fresh
                    else:
                        self._compute(key, compute, version)
            except Exception:  # noqa: BLE001 - keep serving the old value, log the failure
                _log.exception("background refresh of %r failed", key)
            finally:
                with self._guard:
                    self._refreshing.discard(key)

        threading.Thread(target=run, name=f"jasyl-cache-{key}", daemon=True).start()

    def invalidate(self, prefix: Hashable | None = None) -> None:
        """Forget everything (or keys that are tuples starting with ``prefix``) after a write."""
        with self._guard:
            if prefix is None:
                self._values.clear()
            else:
                for key in [k for k in self._values if isinstance(k, tuple) and k and k[0] == prefix]:
                    self._values.pop(key, None)
