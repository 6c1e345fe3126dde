"""Ingestion: stream a file chunk by chunk, validate and normalise every row, write one transaction.

Idempotent: a measurement's key is (site, parameter, averaging period, time); a row whose key is
already stored is a duplicate (same value) or a conflict (another value: the stored one is kept and the
row is reported). Transactional: sites, measurements, quality flags, corrections, the batch record and
the alerts of one file are written in one transaction, so an ingest that is killed, loses its database
connection or finds the disk full leaves nothing of the file; by default any rejected row means nothing
is written (:class:`IngestError` lists the rejected rows); with ``partial=True`` the good rows are
committed and the rejected ones are still reported.

Concurrency: one ingest writes at a time. On SQLite the transaction starts with ``BEGIN IMMEDIATE``
(it waits for the write lock up to the busy timeout, then fails with a clear message); on PostgreSQL it
takes a transaction-level advisory lock (waiting up to :data:`LOCK_WAIT_S`). Two overlapping files
ingested at once therefore both finish, one after the other, without duplicates or deadlocks.

Memory stays flat: the file is read in chunks of :data:`CHUNK_ROWS` rows (pyarrow's streaming CSV
reader), each written before the next is read.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Engine, insert, update

from jasyl.errors import InputError, shorten
from jasyl.monitoring.alerts import count_standing
from jasyl.monitoring.ingest.common import IngestError, RowError, validate
from jasyl.monitoring.ingest.readers import CHUNK_ROWS, FORMATS, read_chunks
from jasyl.monitoring.ingest.write import WriteState, write_chunk
from jasyl.monitoring.units import Conditions
from jasyl.store.engine import DATABASE_ERRORS, database_problem, utcnow, write_transaction
from jasyl.store.models import IngestBatch

__all__ = ["FORMATS", "IngestReport", "IngestError", "RowError", "ingest_file", "write_rows", "CHUNK_ROWS"]


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
                evaluate_alerts: bool = True, chunk_rows: int = CHUNK_ROWS,
                progress: Callable[[int], None] | None = None) -> IngestReport:
    """Ingest one file; raise :class:`IngestError` (nothing written) on bad rows unless ``partial``.

    ``progress`` is called with the number of rows read after each chunk is written.
    """
    path = Path(path)
    if fmt not in FORMATS:
        raise InputError(f"unknown format '{shorten(fmt)}'", field="format", fix=f"use one of {', '.join(FORMATS)}")
    if not path.is_file():
        raise InputError("file not found", file=path, fix="give the path of an existing file")
    sha = _sha256(path)
    try:
        with write_transaction(engine) as conn:
            return _ingest(conn, path, fmt, sha, partial=partial, site=site, conditions=conditions,
                           period_s=period_s, evaluate_alerts=evaluate_alerts, chunk_rows=chunk_rows,
                           progress=progress)
    except DATABASE_ERRORS as exc:  # SQLAlchemy's and the drivers' own (the bulk writers use the driver)
        problem = database_problem(exc, engine, during=f"the ingest of {path.name}")
        if problem is None:
            raise
        raise problem from None


def _ingest(conn: Connection, path: Path, fmt: str, sha: str, *, partial: bool, site: str | None,
            conditions: Conditions, period_s: int | None, evaluate_alerts: bool, chunk_rows: int,
            progress: Callable[[int], None] | None) -> IngestReport:
    alerts_before = count_standing(conn)
    batch_id = conn.execute(insert(IngestBatch).values(
        file=str(path), sha256=sha, format=fmt, ingested_at=utcnow(), rows_read=0, rows_inserted=0,
        rows_duplicate=0, rows_rejected=0)).inserted_primary_key[0]  # type: ignore[index]
    state = WriteState(demo=False, batch_id=int(batch_id), evaluate_alerts=evaluate_alerts)
    errors: list[RowError] = []
    rows_read = inserted = duplicates = 0
    for parsed in read_chunks(path, fmt, site=site, period_s=period_s, chunk_rows=chunk_rows):
        state.where = parsed.where
        good, errs, n_dup = validate(parsed, conditions)
        # values read = value rows + lines rejected before they became rows (malformed lines)
        lines = set(parsed.rows["line"].tolist()) if not parsed.rows.empty else set()
        rows_read += len(parsed.rows) + len({e.line for e in parsed.errors if e.line not in lines})
        errors += errs
        duplicates += n_dup
        # written even after a rejected row: conflicts with the store are found only here, and the
        # report lists every rejected row; without --partial the transaction is rolled back below
        result = write_chunk(conn, good, state)
        inserted += result.inserted
        duplicates += result.duplicates
        errors += result.conflicts
        if progress is not None:
            progress(rows_read)
    errors.sort()
    if errors and not partial:
        raise IngestError(str(path), errors, rows_read)  # rolls the transaction back
    conn.execute(update(IngestBatch).where(IngestBatch.id == batch_id).values(
        rows_read=rows_read, rows_inserted=inserted, rows_duplicate=duplicates, rows_rejected=len(errors)))
    return IngestReport(file=str(path), format=fmt, rows_read=rows_read, rows_inserted=inserted,
                        rows_duplicate=duplicates, rejected=errors, sites_new=state.sites_new,
                        alerts_new=count_standing(conn) - alerts_before)


def write_rows(conn: Connection, good: pd.DataFrame, *, demo: bool, batch_id: int | None,
               evaluate_alerts: bool = True) -> tuple[int, int, int]:
    """Insert validated rows (columns of :func:`~jasyl.monitoring.ingest.common.validate`; missing optional
    columns get their defaults) in the open transaction ``conn``. Returns ``(inserted, new_sites, new_alerts)``."""
    if good.empty:
        return 0, 0, 0
    defaults: dict[str, Any] = {"sensor_type": None, "place": None, "quality_flags": 0, "latitude": None,
                                "longitude": None, "site_name": None, "site_kind": "", "line": 0}
    good = good.assign(**{k: v for k, v in defaults.items() if k not in good})
    before = count_standing(conn)
    state = WriteState(demo=demo, batch_id=batch_id, evaluate_alerts=evaluate_alerts)
    result = write_chunk(conn, good.reset_index(drop=True), state)
    return result.inserted, state.sites_new, count_standing(conn) - before
