"""Restoration and closure register of pollution sources: plan, deadline, operator, dated status history.

A source moves through the statuses ``operating`` / ``illegal`` -> ``closed`` -> ``under_restoration`` ->
``restored`` (:data:`TRANSITIONS`); every change is an event with its date and evidence (a photo or document
reference) and the source's current status is its latest event. A source is **late** when its restoration
deadline has passed and it is not ``restored``; the register says by how many days.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, Engine, insert, select, update

from jasyl.errors import InputError
from jasyl.store.engine import utcnow
from jasyl.store.models import Source
from jasyl.store.tracking import RestorationRecord, SourceStatusEvent

__all__ = ["REGISTER_STATUSES", "TRANSITIONS", "check_transition", "set_record", "add_event", "register",
           "RegisterRow", "parse_date"]

REGISTER_STATUSES: tuple[str, ...] = ("operating", "illegal", "closed", "under_restoration", "restored")
#: allowed status changes (a correction of a wrong entry is a new event with the right status and date)
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "operating": ("closed", "illegal", "under_restoration"),
    "illegal": ("closed",),
    "closed": ("under_restoration", "operating"),
    "under_restoration": ("restored", "closed"),
    "restored": ("under_restoration",),
}


def parse_date(value: Any, field: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise InputError(f"'{value}' is not a date", field=field,
                         fix="write it as YYYY-MM-DD, e.g. 2026-09-30") from None


def check_transition(previous: str | None, new: str) -> None:
    if new not in REGISTER_STATUSES:
        raise InputError(f"status '{new}' is unknown", field="status", fix="use one of " + ", ".join(REGISTER_STATUSES))
    if previous is None or previous == new:
        return
    if new not in TRANSITIONS.get(previous, ()):
        allowed = ", ".join(TRANSITIONS.get(previous, ())) or "none"
        raise InputError(f"a source cannot go from '{previous}' to '{new}'", field="status",
                         fix=f"from '{previous}' the next status is one of: {allowed}")


def _source(conn: Any, name: str) -> Any:
    row = conn.execute(select(Source.id, Source.status, Source.demo).where(Source.name == name)).first()
    if row is None:
        raise InputError(f"no pollution source named '{name}'", field="source",
                         fix="add it first (jasyl monitor sources add) or check the name (jasyl monitor sources list)")
    return row


def set_record(engine: Engine, source: str, *, disturbed_area_ha: float | None = None, plan: str | None = None,
               deadline: date | None = None, operator: str | None = None, demo: bool = False) -> None:
    """Create or update the restoration record of ``source`` (fields left None keep their value)."""
    if disturbed_area_ha is not None and not 0 <= disturbed_area_ha < 1e7:
        raise InputError(f"disturbed area {disturbed_area_ha} ha is out of range", field="disturbed_area_ha",
                         fix="give the area in hectares, >= 0")
    with engine.begin() as conn:
        src = _source(conn, source)
        existing = conn.execute(select(RestorationRecord.id).where(RestorationRecord.source_id == src.id)).first()
        values: dict[str, Any] = {k: v for k, v in (("disturbed_area_ha", disturbed_area_ha),
                                                    ("restoration_plan", plan), ("deadline", deadline),
                                                    ("operator", operator)) if v is not None}
        values["updated_at"] = utcnow()
        if existing is None:
            values.setdefault("restoration_plan", "")
            values.setdefault("operator", "")
            conn.execute(insert(RestorationRecord).values(source_id=src.id, demo=demo, **values))
        else:
            conn.execute(update(RestorationRecord).where(RestorationRecord.id == existing.id).values(**values))


@contextlib.contextmanager
def _begin(bind: Engine | Connection) -> Iterator[Connection]:
    """A transaction of its own on an engine; a connection's transaction as it is (the caller commits)."""
    if isinstance(bind, Connection):
        yield bind
        return
    with bind.begin() as conn:
        yield conn


def add_event(engine: Engine | Connection, source: str, status: str, when: date, evidence: str, note: str = "",
              demo: bool = False) -> bool:
    """Record a status change with its date and evidence; the source's status follows its latest event.

    Returns False when the same event (source, status, date) is already recorded (nothing changes). Given a
    connection in a transaction (the web's audited write), the event joins it (event and audit entry together).
    """
    if not evidence.strip():
        raise InputError("every status change needs its evidence", field="evidence",
                         fix="give a photo or document reference (file name, register number, URL)")
    if when > date.today():
        raise InputError(f"the date {when} is in the future", field="date", fix="record an event once it happened")
    with _begin(engine) as conn:
        src = _source(conn, source)
        events = conn.execute(select(SourceStatusEvent.status, SourceStatusEvent.date)
                              .where(SourceStatusEvent.source_id == src.id)
                              .order_by(SourceStatusEvent.date, SourceStatusEvent.id)).all()
        if any(e.status == status and e.date == when for e in events):
            return False
        before = [e for e in events if e.date <= when]
        after = [e for e in events if e.date > when]
        if after:
            raise InputError(f"'{source}' has a later event ({after[-1].status} on {after[-1].date})",
                             field="date", fix="events are recorded in date order; give a date after "
                                               f"{after[-1].date}")
        previous = before[-1].status if before else src.status
        check_transition(previous, status)
        conn.execute(insert(SourceStatusEvent).values(
            source_id=src.id, status=status, date=when, evidence=evidence.strip(), note=note, recorded_at=utcnow(),
            demo=demo))
        conn.execute(update(Source).where(Source.id == src.id).values(status=status))
    return True


@dataclass(frozen=True)
class RegisterRow:
    source: str
    type: str
    status: str
    disturbed_area_ha: float | None
    restoration_plan: str
    deadline: date | None
    operator: str
    history: list[dict[str, Any]]
    late: bool
    days_late: int
    demo: bool
    restored_days_late: int = 0     # restored, but this many days after the deadline (0: in time or not restored)

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "type": self.type, "status": self.status,
                "disturbed_area_ha": self.disturbed_area_ha, "restoration_plan": self.restoration_plan,
                "deadline": self.deadline.isoformat() if self.deadline else None, "operator": self.operator,
                "late": self.late, "days_late": self.days_late, "restored_days_late": self.restored_days_late,
                "history": self.history, "demo": self.demo,
                "label": "DEMO" if self.demo else ""}


def register(engine: Engine, today: date | None = None, *, only_late: bool = False,
             sources: Iterable[str] | None = None) -> list[RegisterRow]:
    """Every source with a restoration record or a status history, late ones first."""
    today = today or date.today()
    wanted = set(sources) if sources is not None else None
    with engine.connect() as conn:
        srcs = conn.execute(select(Source.id, Source.name, Source.type, Source.status, Source.operator,
                                   Source.demo)).all()
        records = {r.source_id: r for r in conn.execute(select(RestorationRecord))}
        events: dict[int, list[dict[str, Any]]] = {}
        for e in conn.execute(select(SourceStatusEvent).order_by(SourceStatusEvent.date, SourceStatusEvent.id)):
            events.setdefault(e.source_id, []).append({"status": e.status, "date": e.date.isoformat(),
                                                       "evidence": e.evidence, "note": e.note,
                                                       "demo": bool(e.demo)})
    out: list[RegisterRow] = []
    for s in srcs:
        rec = records.get(s.id)
        hist = events.get(s.id, [])
        if rec is None and not hist:
            continue
        if wanted is not None and s.name not in wanted:
            continue
        deadline = rec.deadline if rec is not None else None
        late = deadline is not None and deadline < today and s.status != "restored"
        restored_on = [date.fromisoformat(h["date"]) for h in hist if h["status"] == "restored"]
        restored_late = (max(0, (restored_on[-1] - deadline).days)
                         if s.status == "restored" and restored_on and deadline is not None else 0)
        row = RegisterRow(source=s.name, type=s.type, status=s.status,
                          disturbed_area_ha=rec.disturbed_area_ha if rec is not None else None,
                          restoration_plan=rec.restoration_plan if rec is not None else "",
                          deadline=deadline, operator=(rec.operator if rec is not None and rec.operator
                                                       else (s.operator or "")),
                          history=hist, late=late, days_late=(today - deadline).days if late and deadline else 0,
                          demo=bool(s.demo) or bool(rec is not None and rec.demo), restored_days_late=restored_late)
        if only_late and not late:
            continue
        out.append(row)
    out.sort(key=lambda r: (not r.late, -r.days_late, r.source))
    return out
