"""Audit helper for write routes: every route that changes something calls one of these.

    audit(request, user, "source.update", object_type="source", object_id=str(src.id),
          city=city, before=old, after=new)

or, to write the change and its entry in one transaction::

    with audited(request, user, "alert.close", object_type="alert", object_id=str(alert_id),
                 city=city) as w:
        w.before = ...; w.conn.execute(...); w.after = ...

(The connection ``w.conn`` is a SQLAlchemy connection; only store/monitoring/tracking code should
use it - pass it to their functions.) Entries are append-only; admins read them at ``/admin/audit``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, TypeVar

from starlette.requests import Request

from jasyl.store import audit as store_audit
from jasyl.store.engine import is_retryable
from jasyl.store.users import Account
from jasyl.web.access import client_of

__all__ = ["audit", "audited", "audited_write", "client_label"]

_T = TypeVar("_T")
#: tries of an audited write that loses a deadlock or serialization conflict
_ATTEMPTS = 3


def client_label(request: Request) -> str:
    agent = request.headers.get("user-agent", "")[:80]
    return f"{client_of(request)} {agent}".strip()


def audit(request: Request, user: Account, action: str, *, object_type: str, object_id: str = "",
          city: str | None = None, before: Mapping[str, Any] | None = None,
          after: Mapping[str, Any] | None = None) -> None:
    """Append one audit entry for a write that has already been committed."""
    engine = request.app.state.engine
    with engine.begin() as conn:
        store_audit.record_audit(conn, user.actor, action, object_type=object_type, object_id=object_id,
                                 city=city, before=before, after=after, client=client_label(request))


@contextmanager
def audited(request: Request, user: Account, action: str, *, object_type: str, object_id: str = "",
            city: str | None = None) -> Iterator[store_audit.AuditedWrite]:
    """The write and its audit entry in one transaction (see the module docstring)."""
    with store_audit.audited(request.app.state.engine, user.actor, action, object_type=object_type,
                             object_id=object_id, city=city, client=client_label(request)) as write:
        yield write


def audited_write(request: Request, user: Account, action: str, write: Callable[[store_audit.AuditedWrite], _T], *,
                  object_type: str, object_id: str = "", city: str | None = None) -> _T:
    """Run ``write(w)`` (it sets ``w.before``/``w.after`` and changes the store through ``w.conn``) and its
    audit entry in one transaction; returns what ``write`` returns. Blocking: async routes call it through
    ``run_in_threadpool`` (a write may wait for another writer's lock). A transaction that lost a deadlock
    or serialization conflict with another writer (an ingest) was rolled back whole and is run again."""
    for attempt in range(_ATTEMPTS):
        try:
            with audited(request, user, action, object_type=object_type, object_id=object_id, city=city) as w:
                return write(w)
        except Exception as exc:
            if attempt + 1 == _ATTEMPTS or not is_retryable(exc):
                raise
            time.sleep(0.05 * 2 ** attempt)
    raise AssertionError("unreachable")  # pragma: no cover
