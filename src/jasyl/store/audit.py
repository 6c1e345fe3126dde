"""The audit log: one append-only row per write (who, when, what, before and after).

Every write of the web platform and of the account commands calls :func:`record_audit` inside the
transaction of the write, so an entry exists exactly when the change does. No code path updates
or deletes an entry, and the database refuses it too: the migration installs triggers that abort
``UPDATE`` and ``DELETE`` on ``audit_log`` (SQLite and PostgreSQL; ``TRUNCATE`` too on PostgreSQL).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, Engine, Index, Integer, String, Text, func, insert, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Mapped, mapped_column

from jasyl.store.base import Base

__all__ = ["AuditEntry", "AuditRecord", "Actor", "AuditedWrite", "record_audit", "audited", "read_audit",
           "count_audit", "utcnow", "TRIGGERS_SQLITE", "TRIGGERS_POSTGRESQL", "DROP_TRIGGERS"]


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


@dataclass(frozen=True)
class Actor:
    """Who writes: a user (id and name at the time) or ``system`` (CLI, start-up)."""

    user_id: int | None
    username: str


class AuditEntry(Base):
    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_at", "at"), Index("ix_audit_log_city_at", "city", "at"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: naive UTC
    at: Mapped[datetime] = mapped_column(DateTime)
    user_id: Mapped[int | None] = mapped_column(Integer)
    username: Mapped[str] = mapped_column(String(64))
    #: dotted verb, e.g. ``user.create``, ``source.update``, ``alert.acknowledge``
    action: Mapped[str] = mapped_column(String(60))
    object_type: Mapped[str] = mapped_column(String(60))
    object_id: Mapped[str] = mapped_column(String(120), default="")
    city: Mapped[str | None] = mapped_column(String(64))
    #: JSON of the object before / after the write (``null`` for a creation / deletion)
    before: Mapped[str | None] = mapped_column(Text)
    after: Mapped[str | None] = mapped_column(Text)
    #: client address (and the user agent's first characters) the write came from
    client: Mapped[str] = mapped_column(String(200), default="")


@dataclass(frozen=True)
class AuditRecord:
    id: int
    at: datetime
    user_id: int | None
    username: str
    action: str
    object_type: str
    object_id: str
    city: str | None
    before: Any
    after: Any
    client: str

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "at_utc": self.at.replace(tzinfo=UTC).isoformat(), "user_id": self.user_id,
                "username": self.username, "action": self.action, "object_type": self.object_type,
                "object_id": self.object_id, "city": self.city, "before": self.before, "after": self.after,
                "client": self.client}


def _json(value: Any) -> str | None:
    if value is None:
        return None
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def record_audit(conn: Connection, actor: Actor, action: str, *, object_type: str, object_id: str = "",
                 city: str | None = None, before: Mapping[str, Any] | None = None,
                 after: Mapping[str, Any] | None = None, client: str = "") -> None:
    """Append one entry, in the caller's transaction (``conn`` from ``engine.begin()``)."""
    conn.execute(insert(AuditEntry).values(
        at=utcnow(), user_id=actor.user_id, username=actor.username[:64], action=action[:60],
        object_type=object_type[:60], object_id=str(object_id)[:120], city=city, before=_json(before),
        after=_json(after), client=client[:200]))


@dataclass
class AuditedWrite:
    """The open transaction of :func:`audited`; set ``before``/``after`` (and ``object_id``) as you go."""

    conn: Connection
    before: Mapping[str, Any] | None = None
    after: Mapping[str, Any] | None = None
    object_id: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


@contextmanager
def audited(engine: Engine, actor: Actor, action: str, *, object_type: str, object_id: str = "",
            city: str | None = None, client: str = "") -> Iterator[AuditedWrite]:
    """One transaction for a write and its audit entry::

        with audited(engine, user.actor, "source.update", object_type="source", object_id="7",
                     city="konaev") as w:
            w.before = row_as_dict(...)
            w.conn.execute(update(...))
            w.after = row_as_dict(...)

    The entry is written when the block ends without an exception; an exception rolls back both.
    """
    with engine.begin() as conn:
        write = AuditedWrite(conn=conn, object_id=object_id)
        yield write
        record_audit(conn, actor, action, object_type=object_type, object_id=write.object_id, city=city,
                     before=write.before, after=write.after, client=client)


def _record(row: Any) -> AuditRecord:
    return AuditRecord(id=row.id, at=row.at, user_id=row.user_id, username=row.username, action=row.action,
                       object_type=row.object_type, object_id=row.object_id, city=row.city,
                       before=json.loads(row.before) if row.before else None,
                       after=json.loads(row.after) if row.after else None, client=row.client)


def _filtered(query: Any, cities: list[str] | None, action: str | None, username: str | None) -> Any:
    if cities is not None:
        query = query.where(AuditEntry.city.in_(cities))
    if action:
        query = query.where(AuditEntry.action.startswith(action, autoescape=True))
    if username:
        query = query.where(func.lower(AuditEntry.username) == username.lower())
    return query


def read_audit(engine: Engine, *, cities: list[str] | None = None, action: str | None = None,
               username: str | None = None, limit: int = 100, offset: int = 0) -> list[AuditRecord]:
    """Newest first. ``cities`` restricts to entries about those cities (``None``: all entries)."""
    query = _filtered(select(AuditEntry), cities, action, username)
    query = query.order_by(AuditEntry.id.desc()).limit(max(1, min(limit, 10_000))).offset(max(0, offset))
    with engine.connect() as conn:
        return [_record(row) for row in conn.execute(query)]


def count_audit(engine: Engine, *, cities: list[str] | None = None, action: str | None = None,
                username: str | None = None) -> int:
    query = _filtered(select(func.count()).select_from(AuditEntry), cities, action, username)
    with engine.connect() as conn:
        return int(conn.scalar(query) or 0)


#: DDL run by the migration: the database itself refuses to change or remove audit entries.
TRIGGERS_SQLITE = (
    "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
    "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
    "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
    "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
)
TRIGGERS_POSTGRESQL = (
    "CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$",
    "CREATE TRIGGER audit_log_no_update_delete BEFORE UPDATE OR DELETE ON audit_log "
    "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()",
    "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()",
)
DROP_TRIGGERS = {
    "sqlite": ("DROP TRIGGER IF EXISTS audit_log_no_update", "DROP TRIGGER IF EXISTS audit_log_no_delete"),
    "postgresql": ("DROP TRIGGER IF EXISTS audit_log_no_update_delete ON audit_log",
                   "DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log",
                   "DROP FUNCTION IF EXISTS audit_log_append_only()"),
}
