"""Actuals in the store: import (all rows good or nothing, unless partial; the same file twice changes
nothing), read back, and the adopted plan of a city.

An import compares every row with what is stored under its key (city, year, month, quantity, sector,
carrier, item): new keys are inserted, changed values (or source, note, unit as read) are updated, equal
rows are left alone. When nothing is new or changed, nothing at all is written (not even a batch row).
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, delete, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from jasyl.errors import InputError
from jasyl.store.engine import utcnow
from jasyl.store.tracking import Actual, TrackingBatch, TrackingPlan
from jasyl.tracking.actuals import ActualRow, ReadResult, RowError, read_actuals

__all__ = ["ImportReport", "import_actuals", "store_rows", "load_actuals", "save_plan", "active_plan",
           "remove_demo_actuals"]

_FIELDS = ("value", "unit", "original_value", "original_unit", "source", "note")


@dataclass
class ImportReport:
    file: str
    format: str
    city: str
    rows_read: int = 0
    rows_inserted: int = 0
    rows_updated: int = 0
    rows_unchanged: int = 0
    rejected: list[RowError] = field(default_factory=list)
    committed: bool = False
    partial: bool = False

    @property
    def changed(self) -> int:
        return self.rows_inserted + self.rows_updated

    def as_dict(self) -> dict[str, Any]:
        return {"file": self.file, "format": self.format, "city": self.city, "rows_read": self.rows_read,
                "rows_inserted": self.rows_inserted, "rows_updated": self.rows_updated,
                "rows_unchanged": self.rows_unchanged, "rows_rejected": len(self.rejected),
                "rejected": [{"line": e.line, "field": e.field, "value": e.value, "reason": e.reason}
                             for e in self.rejected],
                "bad_lines": sorted({e.line for e in self.rejected}), "committed": self.committed,
                "partial": self.partial}


def _same(stored: Any, row: ActualRow) -> bool:
    for name in _FIELDS:
        a, b = getattr(stored, name), getattr(row, name)
        if isinstance(b, float):
            if not math.isclose(float(a), b, rel_tol=1e-12, abs_tol=1e-12):
                return False
        elif (a or "") != (b or ""):
            return False
    return True


def store_rows(engine: Engine, rows: list[ActualRow], *, city: str, file: str, sha256: str, fmt: str,
               rows_read: int, rows_rejected: int, demo: bool = False) -> tuple[int, int, int]:
    """Write ``rows`` (upsert by key) in one transaction; returns (inserted, updated, unchanged)."""
    keys = {r.key for r in rows}
    with engine.begin() as conn:
        stored: dict[tuple[int, int, str, str, str, str], Any] = {}
        years = sorted({r.year for r in rows})
        if years:
            q = select(Actual).where(Actual.city == city, Actual.year.in_(years))
            for s in conn.execute(q):
                key = (s.year, s.month, s.quantity, s.sector, s.carrier, s.item)
                if key in keys:
                    stored[key] = s
        new = [r for r in rows if r.key not in stored]
        changed = [r for r in rows if r.key in stored and not _same(stored[r.key], r)]
        unchanged = len(rows) - len(new) - len(changed)
        if not new and not changed:
            return 0, 0, unchanged
        now = utcnow()
        batch_id = conn.execute(insert(TrackingBatch).values(
            city=city, file=file, sha256=sha256, format=fmt, imported_at=now, rows_read=rows_read,
            rows_inserted=len(new), rows_updated=len(changed), rows_unchanged=unchanged, rows_rejected=rows_rejected,
            demo=demo).returning(TrackingBatch.id)).scalar_one()
        values = [{"city": city, "year": r.year, "month": r.month, "quantity": r.quantity, "sector": r.sector,
                   "carrier": r.carrier, "item": r.item, "value": r.value, "unit": r.unit,
                   "original_value": r.original_value, "original_unit": r.original_unit, "source": r.source,
                   "note": r.note, "batch_id": batch_id, "demo": demo, "updated_at": now} for r in new]
        if values:
            table: Any = Actual.__table__
            ins: Any = sqlite.insert(table) if conn.dialect.name == "sqlite" else postgresql.insert(table)
            # a concurrent import of the same keys: the later one wins instead of failing on the constraint
            conn.execute(ins.on_conflict_do_update(
                index_elements=["city", "year", "month", "quantity", "sector", "carrier", "item"],
                set_={c: ins.excluded[c] for c in (*_FIELDS, "batch_id", "demo", "updated_at")}), values)
        for r in changed:
            conn.execute(update(Actual).where(Actual.id == stored[r.key].id).values(
                **{name: getattr(r, name) for name in _FIELDS}, batch_id=batch_id, demo=demo, updated_at=now))
    return len(new), len(changed), unchanged


def import_actuals(engine: Engine, path: str | Path, *, city: str, fmt: str | None = None, partial: bool = False,
                   demo: bool = False, today: date | None = None) -> ImportReport:
    """Read, validate and store an actuals file (see the module docstring).

    With bad rows and ``partial`` False nothing is stored and the report lists every bad line; with
    ``partial`` True the good rows are stored.
    """
    p = Path(path)
    result: ReadResult = read_actuals(p, fmt, today=today)
    report = ImportReport(file=str(p), format=result.format, city=city, rows_read=result.rows_read,
                          rejected=list(result.errors), partial=partial)
    if result.errors and not partial:
        return report
    if not result.rows:
        if not result.errors:
            raise InputError("the file has no rows to import", file=p,
                             fix="add lines below the header (the template's example lines start with '#')")
        return report
    digest = hashlib.sha256(p.read_bytes()).hexdigest()
    ins, upd, same = store_rows(engine, result.rows, city=city, file=str(p), sha256=digest, fmt=result.format,
                                rows_read=result.rows_read, rows_rejected=len(result.errors), demo=demo)
    report.rows_inserted, report.rows_updated, report.rows_unchanged = ins, upd, same
    report.committed = ins + upd > 0
    return report


def load_actuals(engine: Engine, city: str) -> list[ActualRow]:
    """Every stored row of ``city`` (line = 0: they come from the store)."""
    with engine.connect() as conn:
        rows = conn.execute(select(Actual).where(Actual.city == city)
                            .order_by(Actual.year, Actual.month, Actual.quantity, Actual.sector, Actual.carrier,
                                      Actual.item)).all()
    return [ActualRow(line=0, year=r.year, month=r.month, quantity=r.quantity, sector=r.sector, carrier=r.carrier,
                      item=r.item, value=r.value, unit=r.unit, original_value=r.original_value,
                      original_unit=r.original_unit, source=r.source or "", note=r.note or "") for r in rows]


def demo_present(engine: Engine, city: str) -> bool:
    with engine.connect() as conn:
        return conn.execute(select(Actual.id).where(Actual.city == city, Actual.demo.is_(True)).limit(1)).first() \
            is not None


def remove_demo_actuals(engine: Engine) -> int:
    with engine.begin() as conn:
        n = conn.execute(delete(Actual).where(Actual.demo.is_(True))).rowcount
        conn.execute(delete(TrackingBatch).where(TrackingBatch.demo.is_(True)))
    return int(n or 0)


def save_plan(engine: Engine, city: str, engine_name: str, options: dict[str, Any], pathway: dict[str, Any],
              planned: dict[str, Any], note: str = "") -> int:
    """Store an adopted plan; it replaces the active plan of the city (older ones are kept, inactive).

    ``planned``: ``{"series": {indicator: {year: value}}, "raw": {...}, "calibration": {sector: factor}}``.
    """
    with engine.begin() as conn:
        conn.execute(update(TrackingPlan).where(TrackingPlan.city == city).values(active=False))
        return int(conn.execute(insert(TrackingPlan).values(
            city=city, engine=engine_name, options=json.dumps(options, sort_keys=True),
            pathway=json.dumps(pathway), planned=json.dumps(_years_as_text(planned)),
            adopted_at=utcnow(), note=note, active=True).returning(TrackingPlan.id)).scalar_one())


def _years_as_text(planned: dict[str, Any]) -> dict[str, Any]:
    return {key: ({k: {str(y): v for y, v in series.items()} for k, series in value.items()}
                  if key in ("series", "raw") else value) for key, value in planned.items()}


def active_plan(engine: Engine, city: str) -> dict[str, Any] | None:
    """The active adopted plan of ``city``: engine, options, pathway, planned series and date; or None."""
    with engine.connect() as conn:
        row = conn.execute(select(TrackingPlan).where(TrackingPlan.city == city, TrackingPlan.active.is_(True))
                           .order_by(TrackingPlan.id.desc()).limit(1)).first()
    if row is None:
        return None
    stored = json.loads(row.planned)
    planned = {key: ({k: {int(y): float(v) for y, v in series.items()} for k, series in stored[key].items()}
                     if key in ("series", "raw") else stored[key]) for key in stored}
    return {"id": row.id, "engine": row.engine, "options": json.loads(row.options), "pathway": json.loads(row.pathway),
            "planned": planned, "adopted_at": row.adopted_at, "note": row.note}
