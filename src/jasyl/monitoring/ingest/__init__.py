"""Ingestion: read a file, validate and normalise every row, write one transaction.

Idempotent: a measurement's key is (site, parameter, averaging period, time); rows whose key is
already stored are skipped with ``INSERT ... ON CONFLICT DO NOTHING`` (the stored value is kept).
Transactional: sites, measurements, the batch record and the alerts are written in one transaction;
by default any rejected row means nothing is written (:class:`IngestError` lists every rejected row);
with ``partial=True`` the good rows are committed and the rejected ones are still reported.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Connection, Engine, func, insert, select, update

from jasyl.errors import InputError
from jasyl.monitoring.alerts import evaluate_for_rows
from jasyl.monitoring.ingest.common import IngestError, ParsedFile, RowError, validate
from jasyl.monitoring.ingest.readers import FORMATS, read_file
from jasyl.monitoring.units import Conditions
from jasyl.store.engine import db_times, insert_ignore, placeholder, utcnow
from jasyl.store.models import IngestBatch, Measurement, Site

__all__ = ["FORMATS", "IngestReport", "IngestError", "RowError", "ingest_file", "write_rows", "find_conflicts",
           "CHUNK_ROWS"]

CHUNK_ROWS = 50_000


@dataclass
class IngestReport:
    file: str
    format: str
    rows_read: int
    rows_inserted: int
    rows_duplicate: int
    rejected: list[RowError] = field(default_factory=list)
    alerts_new: int = 0
    committed: bool = True
    sites_new: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {"file": self.file, "format": self.format, "rows_read": self.rows_read,
                "rows_inserted": self.rows_inserted, "rows_duplicate": self.rows_duplicate,
                "rows_rejected": len(self.rejected), "sites_new": self.sites_new,
                "alerts_new": self.alerts_new, "committed": self.committed,
                "rejected": [{"where": e.where, "line": e.line, "reason": e.reason} for e in self.rejected]}


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def ingest_file(engine: Engine, path: str | Path, fmt: str, *, partial: bool = False, site: str | None = None,
                conditions: Conditions = Conditions(), period_s: int | None = None,
                evaluate_alerts: bool = True) -> IngestReport:
    """Ingest one file; raise :class:`IngestError` (nothing written) on bad rows unless ``partial``."""
    path = Path(path)
    if fmt not in FORMATS:
        raise InputError(f"unknown format '{fmt}'", field="format", fix=f"use one of {', '.join(FORMATS)}")
    parsed: ParsedFile = read_file(path, fmt, site=site, period_s=period_s)
    good, errors, n_dup_file = validate(parsed, conditions)
    # values read = value rows of the file + lines rejected before they became rows (malformed lines)
    parsed_lines = set(parsed.rows["line"].tolist()) if not parsed.rows.empty else set()
    rows_read = len(parsed.rows) + len({e.line for e in parsed.errors if e.line not in parsed_lines})
    if errors and not partial:
        raise IngestError(str(path), errors, rows_read)
    with engine.begin() as conn:
        conflicts = find_conflicts(conn, good, parsed.where)
        if conflicts:
            errors = sorted(errors + conflicts)
            if not partial:
                raise IngestError(str(path), errors, rows_read)  # rolls the transaction back
            good = good[~good["line"].isin({e.line for e in conflicts})]
        report = IngestReport(file=str(path), format=fmt, rows_read=rows_read, rows_inserted=0,
                              rows_duplicate=n_dup_file, rejected=errors)
        batch_id = conn.execute(insert(IngestBatch).values(
            file=str(path), sha256=_sha256(path), format=fmt, ingested_at=utcnow(), rows_read=rows_read,
            rows_inserted=0, rows_duplicate=0, rows_rejected=len(errors))).inserted_primary_key[0]  # type: ignore[index]
        inserted, sites_new, alerts_new = write_rows(conn, good, demo=False, batch_id=int(batch_id),
                                                     evaluate_alerts=evaluate_alerts)
        report.rows_inserted = inserted
        report.rows_duplicate = n_dup_file + (len(good) - inserted)
        report.sites_new = sites_new
        report.alerts_new = alerts_new
        conn.execute(update(IngestBatch).where(IngestBatch.id == batch_id).values(
            rows_inserted=inserted, rows_duplicate=report.rows_duplicate))
    return report


def find_conflicts(conn: Connection, good: pd.DataFrame, where: str = "line") -> list[RowError]:
    """Rows whose key is already stored with a different value (the stored value would be kept)."""
    if good.empty:
        return []
    codes = good["site_code"].drop_duplicates().tolist()
    ids: dict[str, int] = {}
    for start in range(0, len(codes), 500):
        for sid, code in conn.execute(select(Site.id, Site.code).where(Site.code.in_(codes[start:start + 500]))):
            ids[code] = sid
    if not ids:
        return []
    ph = placeholder(conn)
    out: list[RowError] = []
    known = good[good["site_code"].isin(list(ids))]
    for (code, parameter), grp in known.groupby(["site_code", "parameter"], sort=False):
        lo, hi = db_times(conn, pd.Series([grp["time_utc"].min(), grp["time_utc"].max()]))
        res = conn.exec_driver_sql(
            f"SELECT time_utc, period_s, value FROM measurements WHERE site_id = {ph} AND parameter = {ph} "
            f"AND time_utc >= {ph} AND time_utc <= {ph}", (int(ids[str(code)]), str(parameter), lo, hi))
        stored = pd.DataFrame(res.all(), columns=["time_utc", "period_s", "stored"])
        if stored.empty:
            continue
        stored["time_utc"] = pd.to_datetime(stored["time_utc"], format="ISO8601")
        both = grp[["line", "time_utc", "period_s", "value"]].merge(stored, on=["time_utc", "period_s"])
        differs = ~np.isclose(both["value"], both["stored"], rtol=1e-9, atol=1e-12)
        for r in both[differs].itertuples(index=False):
            out.append(RowError(int(r.line), f"already stored with value {r.stored:g} {parameter} (kept); "
                                             f"this file has {r.value:g}", where))
    return out


def _ensure_sites(conn: Connection, good: pd.DataFrame, demo: bool) -> tuple[dict[str, int], int]:
    codes = good["site_code"].drop_duplicates().tolist()
    existing: dict[str, tuple[int, bool]] = {}
    for chunk_start in range(0, len(codes), 500):
        chunk = codes[chunk_start:chunk_start + 500]
        for sid, code, is_demo in conn.execute(select(Site.id, Site.code, Site.demo).where(Site.code.in_(chunk))):
            existing[code] = (sid, bool(is_demo))
    mixed = [c for c, (_, d) in existing.items() if d != demo]
    if mixed:
        raise InputError(f"site(s) {', '.join(mixed[:5])} hold {'real' if demo else 'demonstration'} data",
                         field="site_code", fix="demonstration and real data never share a site; use another code")
    firsts = good.drop_duplicates("site_code")
    new = firsts[~firsts["site_code"].isin(list(existing))]
    if not new.empty:
        rows = [{"code": r.site_code, "name": str(r.site_name or r.site_code)[:300], "kind": r.site_kind,
                 "latitude": None if pd.isna(r.latitude) else float(r.latitude),
                 "longitude": None if pd.isna(r.longitude) else float(r.longitude),
                 "approximate_location": False, "demo": demo, "origin": str(r.origin)}
                for r in new.itertuples(index=False)]
        conn.execute(insert_ignore(conn, Site.__table__), rows)
        for sid, code in conn.execute(select(Site.id, Site.code).where(Site.code.in_(new["site_code"].tolist()))):
            existing[code] = (sid, demo)
    return {c: sid for c, (sid, _) in existing.items()}, len(new)


def write_rows(conn: Connection, good: pd.DataFrame, *, demo: bool, batch_id: int | None,
               evaluate_alerts: bool = True) -> tuple[int, int, int]:
    """Insert validated rows (see :func:`validate`) in the open transaction ``conn``.

    Returns ``(inserted, new_sites, new_alerts)``.
    """
    if good.empty:
        return 0, 0, 0
    site_ids, sites_new = _ensure_sites(conn, good, demo)
    table = Measurement.__table__
    count_before = conn.scalar(select(func.count()).select_from(table)) or 0
    frame = pd.DataFrame({
        "site_id": good["site_code"].map(site_ids).astype(int),
        "time_utc": pd.to_datetime(good["time_utc"]),
        "parameter": good["parameter"].astype(str),
        "value": good["value"].astype(float),
        "unit": good["unit"].astype(str),
        "period_s": good["period_s"].astype(int),
        "original_value": good["original_value"].astype(float),
        "original_unit": good["original_unit"].astype(str),
        "origin": good["origin"].astype(str),
    })
    frame["batch_id"] = batch_id
    frame["demo"] = demo
    # bulk path: DB-API executemany of plain tuples, INSERT ... ON CONFLICT DO NOTHING (SQLite >= 3.24
    # and PostgreSQL); times in the storage format of SQLAlchemy's DateTime type
    cols = list(frame.columns)
    if conn.dialect.name == "postgresql":
        _copy_postgresql(conn, frame, cols)
    else:
        _executemany(conn, frame, cols, batch_id)
    inserted = int((conn.scalar(select(func.count()).select_from(table)) or 0) - count_before)
    alerts_new = 0
    if evaluate_alerts:
        alerts_new = evaluate_for_rows(conn, frame, demo=demo)
    return inserted, sites_new, alerts_new


def _executemany(conn: Connection, frame: pd.DataFrame, cols: list[str], batch_id: int | None) -> None:
    ph = placeholder(conn)
    sql = (f"INSERT INTO {Measurement.__tablename__} ({', '.join(cols)}) VALUES ({', '.join([ph] * len(cols))}) "
           "ON CONFLICT DO NOTHING")
    for start in range(0, len(frame), CHUNK_ROWS):
        part = frame.iloc[start:start + CHUNK_ROWS]
        chunk = part.drop(columns="time_utc").astype(object)  # Python ints/floats for the driver
        chunk.insert(cols.index("time_utc"), "time_utc", db_times(conn, part["time_utc"]))
        if batch_id is None:
            chunk["batch_id"] = None
        conn.exec_driver_sql(sql, list(chunk.itertuples(index=False, name=None)))


_PG_STAGING_COLUMNS = {
    "site_id": "integer", "time_utc": "timestamp", "parameter": "text", "value": "double precision",
    "unit": "text", "period_s": "integer", "original_value": "double precision", "original_unit": "text",
    "origin": "text", "batch_id": "integer", "demo": "boolean",
}


def _copy_postgresql(conn: Connection, frame: pd.DataFrame, cols: list[str]) -> None:
    """PostgreSQL: COPY into a temporary table, then INSERT ... SELECT ... ON CONFLICT DO NOTHING."""
    defs = ", ".join(f"{c} {_PG_STAGING_COLUMNS[c]}" for c in cols)
    names = ", ".join(cols)
    conn.exec_driver_sql("DROP TABLE IF EXISTS _jasyl_staging")
    conn.exec_driver_sql(f"CREATE TEMPORARY TABLE _jasyl_staging ({defs}) ON COMMIT DROP")
    raw: Any = conn.connection.driver_connection
    with raw.cursor() as cur, cur.copy(f"COPY _jasyl_staging ({names}) FROM STDIN") as copy:
        for start in range(0, len(frame), CHUNK_ROWS):
            part = frame.iloc[start:start + CHUNK_ROWS]
            chunk = part.drop(columns="time_utc").astype(object)
            chunk.insert(cols.index("time_utc"), "time_utc", list(part["time_utc"].dt.to_pydatetime()))
            for row in chunk.itertuples(index=False, name=None):
                copy.write_row(row)
    conn.exec_driver_sql(f"INSERT INTO {Measurement.__tablename__} ({names}) SELECT {names} "
                         "FROM _jasyl_staging ON CONFLICT DO NOTHING")
    conn.exec_driver_sql("DROP TABLE _jasyl_staging")
