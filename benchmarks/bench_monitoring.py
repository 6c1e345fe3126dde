"""Soak benchmark of the monitoring store: ingest >= 1,000,000 measurements into SQLite.

Usage::

    .venv/bin/python benchmarks/bench_monitoring.py [--rows 1000000] [--db-url URL] [--no-alerts]

Generates a plain CSV of synthetic hourly air measurements (20 stations x 6 pollutants), ingests it
into a fresh database (SQLite in a temporary directory unless --db-url), and prints the rows per
second of the first ingestion (parse, validate, convert units, insert, evaluate alert rules, commit)
and of a second ingestion of the same file (every row already stored: nothing changes).
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from sqlalchemy import func, select

from jasyl.monitoring.demo import write_synthetic_csv
from jasyl.monitoring.ingest import ingest_file
from jasyl.monitoring.setup import init_monitoring
from jasyl.store.models import Alert, Measurement


def run(rows: int, db_url: str | None, alerts: bool, workdir: Path) -> dict[str, float]:
    csv_path = workdir / "soak.csv"
    t = time.perf_counter()
    n = write_synthetic_csv(csv_path, rows)
    gen_s = time.perf_counter() - t
    url = db_url or f"sqlite:///{workdir / 'soak.sqlite'}"
    engine = init_monitoring(url, demo=False)
    t = time.perf_counter()
    first = ingest_file(engine, csv_path, "csv", evaluate_alerts=alerts)
    first_s = time.perf_counter() - t
    t = time.perf_counter()
    second = ingest_file(engine, csv_path, "csv", evaluate_alerts=alerts)
    second_s = time.perf_counter() - t
    with engine.connect() as conn:
        stored = int(conn.scalar(select(func.count()).select_from(Measurement)) or 0)
        n_alerts = int(conn.scalar(select(func.count()).select_from(Alert)) or 0)
    assert first.rows_inserted == n == stored, (first.rows_inserted, n, stored)
    assert second.rows_inserted == 0
    return {"rows": n, "generate_s": round(gen_s, 2), "first_ingest_s": round(first_s, 2),
            "first_rows_per_s": round(n / first_s), "second_ingest_s": round(second_s, 2),
            "second_rows_per_s": round(n / second_s), "alerts": n_alerts, "alerts_evaluated": alerts,
            "backend": engine.dialect.name}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--db-url", default=None)
    parser.add_argument("--no-alerts", action="store_true", help="skip alert evaluation on ingest")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="jasyl-bench-") as tmp:
        result = run(args.rows, args.db_url, not args.no_alerts, Path(tmp))
    print(json.dumps(result, indent=2))
    print(f"ingested {result['rows']:,} measurements at {result['first_rows_per_s']:,} rows/s "
          f"({result['backend']}, alerts {'on' if result['alerts_evaluated'] else 'off'}); "
          f"re-ingest of the same file {result['second_rows_per_s']:,} rows/s")


if __name__ == "__main__":
    main()
