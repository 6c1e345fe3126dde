"""Soak test (reduced size): bulk ingestion stays correct and idempotent at volume.

The full-size run (1,000,000 rows) is ``benchmarks/bench_monitoring.py``; its figure is in
docs/monitoring.md. Here 60,000 rows keep the suite fast.
"""

from __future__ import annotations

import time
from pathlib import Path

from sqlalchemy import func, select

from jasyl.monitoring.demo import write_synthetic_csv
from jasyl.monitoring.ingest import ingest_file
from jasyl.monitoring.setup import init_monitoring
from jasyl.store.models import Measurement, Site

ROWS = 60_000


def test_soak_ingest(sqlite_url: str, tmp_path: Path) -> None:
    path = tmp_path / "soak.csv"
    assert write_synthetic_csv(path, ROWS) == ROWS
    engine = init_monitoring(sqlite_url, demo=False)
    t = time.perf_counter()
    report = ingest_file(engine, path, "csv")
    elapsed = time.perf_counter() - t
    print(f"soak: {ROWS} rows in {elapsed:.1f} s = {ROWS / elapsed:,.0f} rows/s")
    assert report.rows_inserted == ROWS and not report.rejected
    again = ingest_file(engine, path, "csv")
    assert again.rows_inserted == 0 and again.rows_duplicate == ROWS
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(Measurement)) == ROWS
        assert conn.scalar(select(func.count()).select_from(Site)) == 20
