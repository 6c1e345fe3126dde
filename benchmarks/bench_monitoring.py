"""Soak benchmark of the monitoring store: ingest 1,000,000 measurements, alerts included, per backend.

Usage::

    .venv/bin/python benchmarks/bench_monitoring.py [--json] [--rows 1000000] [--backend sqlite|postgresql|all]
                                                    [--pg-url URL] [--no-alerts]

Generates a plain CSV of synthetic hourly air measurements (20 stations x 6 pollutants), then ingests it
into a fresh database of each backend, each in its own process, so that ``peak_mb`` is the peak resident
memory of that ingest alone (parse, validate, convert units, quality flags, insert, evaluate the alert
rules, commit). A second ingest of the same file (every row already stored: nothing changes) is timed too.

PostgreSQL: ``--pg-url`` (or ``JASYL_DB_URL``) names a server; without one a private server is started
from Debian's ``postgresql`` binaries when they are installed, otherwise that backend is reported as
skipped with the reason.

With ``--json`` prints ONE JSON object: ``rows``, ``rows_per_s`` and ``peak_mb`` of SQLite at the top level
(the target of issue 15: >= 150,000 rows/s at <= 400 MB) and the same keys per backend under ``backends``.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import pwd
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

TARGET_ROWS_PER_S = 150_000
TARGET_PEAK_MB = 400


def _peak_mb() -> float:
    """Peak resident memory of this process (VmHWM: unlike ru_maxrss it does not carry over the parent's
    peak across fork and exec)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _child(csv_path: str, url: str, alerts: bool) -> dict[str, Any]:
    """One backend, in this (fresh) process."""
    from sqlalchemy import func, select

    from jasyl.monitoring.ingest import ingest_file
    from jasyl.monitoring.setup import init_monitoring
    from jasyl.store.models import Alert, Measurement

    engine = init_monitoring(url, demo=False)
    base_mb = _peak_mb()
    t, c = time.perf_counter(), time.process_time()
    first = ingest_file(engine, csv_path, "csv", evaluate_alerts=alerts)
    first_s, first_cpu = time.perf_counter() - t, time.process_time() - c
    peak_mb = _peak_mb()
    t = time.perf_counter()
    second = ingest_file(engine, csv_path, "csv", evaluate_alerts=alerts)
    second_s = time.perf_counter() - t
    with engine.connect() as conn:
        stored = int(conn.scalar(select(func.count()).select_from(Measurement)) or 0)
        n_alerts = int(conn.scalar(select(func.count()).select_from(Alert)) or 0)
    engine.dispose()
    assert first.rows_inserted == stored, (first.rows_inserted, stored)
    assert second.rows_inserted == 0
    return {"backend": engine.dialect.name, "rows": stored, "seconds": round(first_s, 2),
            "cpu_s": round(first_cpu, 2), "rows_per_s": round(stored / first_s),
            "rows_per_cpu_s": round(stored / first_cpu), "peak_mb": round(peak_mb, 1),
            "start_mb": round(base_mb, 1), "alerts": n_alerts, "alerts_evaluated": alerts,
            "reingest_seconds": round(second_s, 2), "reingest_rows_per_s": round(stored / second_s)}


def _run_backend(csv_path: Path, url: str, alerts: bool) -> dict[str, Any]:
    args = [sys.executable, __file__, "--child", str(csv_path), "--db-url", url]
    if not alerts:
        args.append("--no-alerts")
    proc = subprocess.run(args, capture_output=True, text=True, timeout=3600, check=False)
    if proc.returncode != 0:
        return {"skipped": f"the ingest failed (exit {proc.returncode}): {proc.stderr.strip()[-600:]}"}
    return dict(json.loads(proc.stdout.strip().splitlines()[-1]))


class _PrivatePostgres:
    """A throw-away PostgreSQL server from Debian's binaries (as the test suite starts one)."""

    def __init__(self) -> None:
        self.tmp: str | None = None
        self.prefix: list[str] = []
        self.bindir: Path | None = None

    def start(self) -> str:
        found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
        exe = found[-1] if found else shutil.which("initdb")
        if not exe:
            raise RuntimeError("PostgreSQL binaries not found (make postgres installs Debian's package)")
        self.bindir = Path(exe).parent
        self.tmp = tempfile.mkdtemp(prefix="jasyl-bench-pg-")
        if os.geteuid() == 0:
            pwd.getpwnam("postgres")
            shutil.chown(self.tmp, "postgres")
            self.prefix = ["runuser", "-u", "postgres", "--"]
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = int(s.getsockname()[1])
        data = Path(self.tmp) / "data"
        subprocess.run([*self.prefix, str(self.bindir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust",
                        "-E", "UTF8", "--no-sync"], check=True, capture_output=True, timeout=120)
        subprocess.run([*self.prefix, str(self.bindir / "pg_ctl"), "-D", str(data), "-l", str(Path(self.tmp) / "log"),
                        "-w", "-o", f"-p {port} -k {self.tmp} -c listen_addresses=127.0.0.1", "start"],
                       check=True, capture_output=True, timeout=120)
        return f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"

    def stop(self) -> None:
        if self.tmp and self.bindir is not None:
            subprocess.run([*self.prefix, str(self.bindir / "pg_ctl"), "-D", str(Path(self.tmp) / "data"), "-m",
                            "fast", "-w", "stop"], capture_output=True, timeout=60, check=False)
            shutil.rmtree(self.tmp, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "all"], default="all")
    parser.add_argument("--pg-url", default=os.environ.get("JASYL_DB_URL") or None)
    parser.add_argument("--db-url", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--child", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--no-alerts", action="store_true", help="skip alert evaluation on ingest")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(_child(args.child, args.db_url, not args.no_alerts)))
        return

    from jasyl.monitoring.demo import write_synthetic_csv

    out: dict[str, Any] = {"target_rows_per_s": TARGET_ROWS_PER_S, "target_peak_mb": TARGET_PEAK_MB,
                           "load_average": list(os.getloadavg()), "cpu_count": os.cpu_count(), "backends": {}}
    with tempfile.TemporaryDirectory(prefix="jasyl-bench-") as tmp:
        csv_path = Path(tmp) / "soak.csv"
        out["rows_in_file"] = write_synthetic_csv(csv_path, args.rows)
        out["file_mb"] = round(csv_path.stat().st_size / 1e6, 1)
        if args.backend in ("sqlite", "all"):
            out["backends"]["sqlite"] = _run_backend(csv_path, f"sqlite:///{Path(tmp) / 'soak.sqlite'}",
                                                     not args.no_alerts)
        if args.backend in ("postgresql", "all"):
            server = None
            try:
                url = args.pg_url
                if not url:
                    server = _PrivatePostgres()
                    url = server.start()
                out["backends"]["postgresql"] = _run_backend(csv_path, url, not args.no_alerts)
            except (RuntimeError, KeyError, OSError, subprocess.SubprocessError) as exc:
                out["backends"]["postgresql"] = {"skipped": f"no PostgreSQL server: {exc}"}
            finally:
                if server is not None:
                    server.stop()
    main_backend = out["backends"].get("sqlite") or next(iter(out["backends"].values()), {})
    for key in ("rows", "rows_per_s", "peak_mb"):
        out[key] = main_backend.get(key)
    if "rows_per_s" in main_backend:
        out["meets_target"] = bool(main_backend["rows_per_s"] >= TARGET_ROWS_PER_S
                                   and main_backend["peak_mb"] <= TARGET_PEAK_MB)
    if args.json:
        print(json.dumps(out))
        return
    for name, r in out["backends"].items():
        if "skipped" in r:
            print(f"{name}: skipped ({r['skipped']})")
        else:
            print(f"{name}: {r['rows']:,} rows in {r['seconds']} s = {r['rows_per_s']:,} rows/s "
                  f"({r['rows_per_cpu_s']:,} per CPU second), peak {r['peak_mb']} MB, {r['alerts']} alerts; "
                  f"re-ingest {r['reingest_rows_per_s']:,} rows/s")
    print(f"target: >= {TARGET_ROWS_PER_S:,} rows/s at <= {TARGET_PEAK_MB} MB (load {out['load_average'][0]:.1f})")


if __name__ == "__main__":
    main()
