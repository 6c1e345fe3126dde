"""Registered emissions and violations of pollution sources, and the damage estimate over them.

A record is (source, pollutant, tonnes, period, permitted or not, reference). Records are added one by one or
imported from CSV (``source,pollutant,tonnes,period_start,period_end,permitted,reference``; every line checked,
nothing stored unless all are good); the same record twice is stored once. :func:`damage` reads them and
computes the fee-based estimate of :mod:`jasyl.monitoring.fees` with the settings in force.
"""

from __future__ import annotations

import csv
import io
import math
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select

from jasyl.errors import InputError
from jasyl.monitoring.fees import DamageEstimate, EmissionRecord, estimate_damage, resolve_pollutant
from jasyl.monitoring.register import parse_date
from jasyl.monitoring.settings import get_settings
from jasyl.store.engine import insert_ignore, utcnow
from jasyl.store.models import Source
from jasyl.store.tracking import EmissionRecordRow

__all__ = ["check_record", "add_records", "read_records_csv", "list_records", "damage", "RECORD_COLUMNS"]

RECORD_COLUMNS = ("source", "pollutant", "tonnes", "period_start", "period_end", "permitted", "reference")
_TRUE = {"1", "true", "yes", "y", "permitted", "да", "иә"}
_FALSE = {"0", "false", "no", "n", "unauthorised", "unauthorized", "нет", "жоқ"}


def check_record(raw: dict[str, Any], where: str = "record", *, today: date | None = None) -> dict[str, Any]:
    """One record, checked and normalised (raises InputError naming the field); a period that ends after
    ``today`` (default: the system date) is refused: a record is what was emitted."""
    source = str(raw.get("source") or "").strip()
    if not source:
        raise InputError(f"{where}: no source", field="source", fix="name the pollution source")
    pollutant_text = str(raw.get("pollutant") or "").strip()
    pollutant = resolve_pollutant(pollutant_text)
    if pollutant is None:
        raise InputError(f"{where}: pollutant '{pollutant_text}' has no emission-fee rate", field="pollutant",
                         fix="use e.g. sox, nox, dust_ash, soot, co, h2s, ammonia (see emission_fees.yaml)")
    try:
        tonnes = float(str(raw.get("tonnes")).replace(",", ".")) if not isinstance(raw.get("tonnes"), float) \
            else float(raw["tonnes"])
    except ValueError:
        raise InputError(f"{where}: tonnes '{raw.get('tonnes')}' is not a number", field="tonnes",
                         fix="the mass emitted in tonnes, e.g. 12.5") from None
    if not math.isfinite(tonnes) or tonnes < 0:
        raise InputError(f"{where}: tonnes {tonnes} must be a number >= 0", field="tonnes", fix="e.g. 12.5")
    start = parse_date(raw.get("period_start"), "period_start")
    end = parse_date(raw.get("period_end"), "period_end")
    if end < start or end.year != start.year:
        raise InputError(f"{where}: the period {start}..{end} must run forward within one calendar year (the tax "
                         "period)", field="period_end", fix="split the record at the turn of the year")
    day = today or date.today()
    if end > day:
        raise InputError(f"{where}: the period ends on {end}, after today ({day})", field="period_end",
                         fix="record an emission once its period is over (or end the period today)")
    permitted_raw = raw.get("permitted")
    if isinstance(permitted_raw, bool):
        permitted = permitted_raw
    else:
        text = str(permitted_raw or "").strip().lower()
        if text in _TRUE:
            permitted = True
        elif text in _FALSE:
            permitted = False
        else:
            raise InputError(f"{where}: permitted '{permitted_raw}' is not yes or no", field="permitted",
                             fix="yes for an emission within the permit, no for one without a permit or above it")
    return {"source": source, "pollutant": pollutant, "tonnes": tonnes, "period_start": start, "period_end": end,
            "permitted": permitted, "reference": str(raw.get("reference") or "").strip()}


def add_records(engine: Engine, rows: list[dict[str, Any]], *, demo: bool = False) -> int:
    """Store checked records in one transaction (all or nothing); returns how many were new."""
    today = date.max if demo else None           # the demo records are invented: no date check
    checked = [check_record(r, f"record {i}", today=today) for i, r in enumerate(rows, start=1)]
    with engine.begin() as conn:
        ids = {name: sid for sid, name in conn.execute(select(Source.id, Source.name))}
        missing = sorted({r["source"] for r in checked} - set(ids))
        if missing:
            raise InputError(f"no pollution source named {', '.join(repr(m) for m in missing)}", field="source",
                             fix="add the source first (jasyl monitor sources add) or check the name")
        before = len(conn.execute(select(EmissionRecordRow.id)).all())
        now = utcnow()
        values = [{"source_id": ids[r["source"]], "pollutant": r["pollutant"], "tonnes": r["tonnes"],
                   "period_start": r["period_start"], "period_end": r["period_end"], "permitted": r["permitted"],
                   "reference": r["reference"], "demo": demo, "recorded_at": now} for r in checked]
        if values:
            conn.execute(insert_ignore(conn, EmissionRecordRow.__table__), values)
        after = len(conn.execute(select(EmissionRecordRow.id)).all())
    return after - before


def read_records_csv(path: Path) -> list[dict[str, Any]]:
    """Records of a CSV file, every line checked; raises one InputError listing every bad line."""
    if not path.is_file():
        raise InputError("the file does not exist", file=path, fix="give the path of a CSV file")
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError("the file is not UTF-8 text", file=path, fix="save it as CSV UTF-8") from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    missing = [c for c in RECORD_COLUMNS[:6] if c not in (reader.fieldnames or [])]
    if missing:
        raise InputError(f"missing column(s) {', '.join(missing)}", file=path, field="header",
                         fix="header: " + ",".join(RECORD_COLUMNS))
    rows: list[dict[str, Any]] = []
    errors: list[str] = []
    for raw in reader:
        line = reader.line_num
        try:
            rows.append(check_record(raw, f"line {line}"))
        except InputError as exc:
            errors.append(f"{exc.message} ({exc.fix})" if exc.fix else exc.message)
    if errors:
        raise InputError(f"{len(errors)} bad line(s), nothing stored:\n  " + "\n  ".join(errors), file=path)
    return rows


def list_records(engine: Engine, year: int | None = None) -> list[EmissionRecord]:
    """Stored records (of ``year``: the calendar year of their period), oldest first."""
    e = EmissionRecordRow
    q = (select(Source.name, e.pollutant, e.tonnes, e.period_start, e.period_end, e.permitted, e.reference, e.demo)
         .join(Source, Source.id == e.source_id).order_by(e.period_start, Source.name, e.pollutant))
    with engine.connect() as conn:
        rows = conn.execute(q).all()
    out = [EmissionRecord(source=r.name, pollutant=r.pollutant, tonnes=float(r.tonnes), period_start=r.period_start,
                          period_end=r.period_end, permitted=bool(r.permitted), reference=r.reference or "",
                          demo=bool(r.demo)) for r in rows]
    return [r for r in out if year is None or r.year == year]


def damage(engine: Engine, year: int | None = None) -> DamageEstimate:
    """The fee-based damage estimate of the stored records (of ``year``), with the settings in force."""
    settings = {k: float(v) for k, v in get_settings(engine).items() if k.startswith("damage.")}
    return estimate_damage(list_records(engine), year=year, settings=settings)
