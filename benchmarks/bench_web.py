"""Bounded load test of the web platform on PostgreSQL with 1,000,000 measurements (localhost only).

Usage::

    .venv/bin/python benchmarks/bench_web.py --json                  # one JSON object on stdout
    .venv/bin/python benchmarks/bench_web.py --users 50 --seconds 60 --rows 1000000 --workers 2

What it does, and it stops by itself:

1. starts a private PostgreSQL server (Debian's binaries, trust auth, a free 127.0.0.1 port, a temp
   data directory; as ``tests/conftest.py`` does), creates the store with the labelled demo
   data and ingests ``--rows`` synthetic hourly measurements (20 stations x 6 pollutants);
2. starts ``jasyl serve`` (uvicorn, ``--workers`` processes) on a free 127.0.0.1 port against it;
3. discovers the public pages (every GET route open to anonymous visitors whose only path parameter
   is ``{city}``) and the status API (``/api/v1/health``, ``/api/v1/status``,
   ``/api/v1/monitoring/status``), requests each in kk, ru and en four times at once (warm-up, not
   counted: every worker computes its caches; the time it took is reported in ``problems``);
4. runs ``--users`` simulated visitors for ``--seconds``: each loops "pick a URL at random, GET it,
   wait a think time drawn uniformly from ``--think-ms`` (default 200-800 ms)"; a request counts as an
   error if it fails or answers anything but 200 (redirects are not followed);
5. stops everything (server, PostgreSQL, temp files) and prints the figures.

Printed keys: ``requests``, ``errors``, ``p50_ms``, ``p95_ms``, ``rps`` (all requests), the same per group
(``pages`` = public HTML pages, ``api`` = status API) and per URL, plus the set-up (rows, users,
seconds, workers, think time, URLs, ``loadavg`` before and after) and the CPU the server processes
and this load generator used during the timed phase (``server_cpu_ms_per_request`` does not depend
on what else the machine is doing, unlike the latencies). Targets: zero errors and
``pages.p95_ms`` < 300.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.conftest import _PgServer  # noqa: E402 - the same private server as the tests

API_URLS = ["/api/v1/health", "/api/v1/status", "/api/v1/monitoring/status"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _log(quiet: bool, message: str) -> None:
    if not quiet:
        print(message, file=sys.stderr, flush=True)


def prepare_store(url: str, rows: int, workdir: Path, quiet: bool) -> dict[str, Any]:
    from jasyl.monitoring.demo import write_synthetic_csv
    from jasyl.monitoring.ingest import ingest_file
    from jasyl.monitoring.setup import counts, init_monitoring

    engine = init_monitoring(url, demo=True)
    csv_path = workdir / "load.csv"
    write_synthetic_csv(csv_path, rows)
    start = time.perf_counter()
    report = ingest_file(engine, csv_path, "csv", evaluate_alerts=True)
    _log(quiet, f"ingested {report.rows_inserted:,} rows in {time.perf_counter() - start:.0f} s")
    csv_path.unlink()
    with engine.connect() as conn:
        conn.exec_driver_sql("ANALYZE")
        conn.commit()
    numbers = counts(engine)
    engine.dispose()
    return numbers


def public_pages(city: str) -> list[str]:
    """Public GET pages of the app (policy ``public``, no path parameter but ``{city}``)."""
    from jasyl.web.access import iter_routes, public
    from jasyl.web.app import create_app
    from jasyl.web.settings import WebSettings

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(WebSettings(db_url="sqlite://", data_dir=Path(tmp), secret_key="x" * 40), engine=object())
        urls = []
        for info in iter_routes(app.routes):
            if "GET" not in info.methods or info.policy is not public:
                continue
            path = info.path
            if path.startswith("/api/") or path in ("/login",):
                continue
            path = path.replace("{city}", city)
            if "{" in path:
                continue
            urls.append(path)
    return sorted(set(urls) - {"/"})


def start_server(db_url: str, port: int, workers: int, data_dir: Path) -> subprocess.Popen[bytes]:
    env = dict(os.environ, JASYL_DB_URL=db_url, JASYL_WEB_DATA=str(data_dir), JASYL_SECRET_KEY="bench-" + "k" * 40)
    jasyl = Path(sys.executable).with_name("jasyl")
    if jasyl.exists():
        cmd = [str(jasyl), "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
               "--no-plan", "--log-level", "warning"]
    else:  # pragma: no cover - running without the console script
        cmd = [sys.executable, "-m", "jasyl", "serve", "--host", "127.0.0.1", "--port", str(port),
               "--workers", str(workers), "--no-plan", "--log-level", "warning"]
    return subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=open(data_dir / "server.log", "wb"),
                            start_new_session=True)


def wait_ready(base: str, proc: subprocess.Popen[bytes], timeout_s: float = 120) -> None:
    deadline = time.time() + timeout_s
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited with status {proc.returncode}")
        try:
            if httpx.get(base + "/api/v1/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise RuntimeError("the server did not answer within 120 s")


def _cpu_seconds(root_pid: int) -> float:
    """User + system CPU time of a process and all its descendants (Linux /proc), in seconds."""
    ticks = os.sysconf("SC_CLK_TCK")
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry.name)] = int(fields[1])
        times[int(entry.name)] = (int(fields[11]) + int(fields[12])) / ticks
    total, todo = 0.0, [root_pid]
    while todo:
        pid = todo.pop()
        total += times.get(pid, 0.0)
        todo += [child for child, parent in parents.items() if parent == pid]
    return total


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def _summary(samples: list[tuple[str, float, bool]], seconds: float) -> dict[str, Any]:
    times = [ms for _, ms, _ in samples]
    errors = sum(1 for _, _, ok in samples if not ok)
    return {"requests": len(samples), "errors": errors, "p50_ms": round(_percentile(times, 0.50), 1),
            "p95_ms": round(_percentile(times, 0.95), 1), "max_ms": round(max(times, default=0.0), 1),
            "rps": round(len(samples) / seconds, 1)}


def _client_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def run_load(base: str, urls: list[str], users: int, seconds: float, think_ms: tuple[int, int],
                   seed: int, on_start: Any = None) -> tuple[list[tuple[str, float, bool]], float, list[str]]:
    samples: list[tuple[str, float, bool]] = []
    problems: list[str] = []
    rng = random.Random(seed)
    limits = httpx.Limits(max_connections=users, max_keepalive_connections=users)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30.0, follow_redirects=False) as client:
        # warm-up, not counted: every URL a few times at once so that each worker has computed its caches
        # (the monitoring status over 1 M rows takes tens of seconds; the server starts it at start-up)
        warm_start = time.perf_counter()
        # pages are cached per language: each URL in kk, ru and en, twice per worker
        await asyncio.gather(*(client.get(url, headers={"Accept-Language": lang}, timeout=1800.0)
                               for url in urls for lang in ("kk", "ru", "en") for _ in range(4)))
        problems.append(f"warm-up took {time.perf_counter() - warm_start:.0f} s (not counted)")
        if on_start is not None:
            on_start()
        stop_at = time.perf_counter() + seconds

        async def visitor(index: int) -> None:
            local = random.Random(rng.random())
            lang = ("kk", "ru", "en")[index % 3]
            await asyncio.sleep(local.uniform(0, think_ms[1] / 1000))
            while time.perf_counter() < stop_at:
                url = local.choice(urls)
                start = time.perf_counter()
                try:
                    response = await client.get(url, headers={"Accept-Language": lang})
                    await response.aread()
                    ok = response.status_code == 200
                    if not ok and len(problems) < 20:
                        problems.append(f"{url}: HTTP {response.status_code}")
                except httpx.HTTPError as exc:
                    ok = False
                    if len(problems) < 20:
                        problems.append(f"{url}: {type(exc).__name__}")
                samples.append((url, (time.perf_counter() - start) * 1000, ok))
                await asyncio.sleep(local.uniform(think_ms[0], think_ms[1]) / 1000)

        began = time.perf_counter()
        await asyncio.wait_for(asyncio.gather(*(visitor(i) for i in range(users))), timeout=seconds + 60)
        elapsed = time.perf_counter() - began
    return samples, elapsed, problems


def main() -> int:
    parser = argparse.ArgumentParser(description="Bounded load test of jasyl serve (localhost only).")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")
    parser.add_argument("--think-ms", type=int, nargs=2, default=(200, 800), metavar=("MIN", "MAX"))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--city", default="konaev")
    args = parser.parse_args()
    quiet = args.json
    load_before = os.getloadavg()
    server = _PgServer()
    server.start()
    if server.skip_reason:
        print(json.dumps({"error": server.skip_reason}) if args.json else server.skip_reason)
        return 2
    proc: subprocess.Popen[bytes] | None = None
    with tempfile.TemporaryDirectory(prefix="jasyl-bench-web-") as tmp:
        try:
            url = server.create_db()
            numbers = prepare_store(url, args.rows, Path(tmp), quiet)
            port = _free_port()
            proc = start_server(url, port, args.workers, Path(tmp))
            base = f"http://127.0.0.1:{port}"
            wait_ready(base, proc)
            pages = public_pages(args.city)
            urls = pages + API_URLS
            _log(quiet, f"{args.users} users for {args.seconds:.0f} s over {len(urls)} URLs: {urls}")
            cpu: dict[str, float] = {}
            server_pid = proc.pid

            def mark_start() -> None:
                cpu.update(server_start=_cpu_seconds(server_pid), client_start=_client_cpu())

            samples, elapsed, problems = asyncio.run(run_load(base, urls, args.users, args.seconds,
                                                              tuple(args.think_ms), args.seed, on_start=mark_start))
            cpu.update(server_end=_cpu_seconds(proc.pid), client_end=_client_cpu())
        finally:
            if proc is not None and proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
            server.stop()
    result: dict[str, Any] = _summary(samples, elapsed)
    result["pages"] = _summary([s for s in samples if s[0] in pages], elapsed)
    result["api"] = _summary([s for s in samples if s[0] in API_URLS], elapsed)
    result["per_url"] = {u: _summary([s for s in samples if s[0] == u], elapsed) for u in urls}
    result.update({"seconds": round(elapsed, 1), "users": args.users, "workers": args.workers,
                   "think_ms": list(args.think_ms), "backend": "postgresql", "measurements": numbers["measurements"],
                   "urls": urls, "problems": problems, "loadavg_before": [round(x, 2) for x in load_before],
                   "loadavg_after": [round(x, 2) for x in os.getloadavg()],
                   "server_cpu_s": round(cpu["server_end"] - cpu["server_start"], 2),
                   "server_cpu_ms_per_request": round(1000 * (cpu["server_end"] - cpu["server_start"])
                                                      / max(1, len(samples)), 2),
                   "client_cpu_s": round(cpu["client_end"] - cpu["client_start"], 2),
                   "cpu_cores": os.cpu_count(),
                   "targets": {"errors": 0, "pages_p95_ms_below": 300},
                   "targets_met": result["errors"] == 0 and result["pages"]["p95_ms"] < 300})
    if args.json:
        print(json.dumps(result))
    else:
        for key in ("requests", "errors", "p50_ms", "p95_ms", "rps"):
            print(f"{key:>10}: {result[key]}")
        print(f"     pages: {result['pages']}")
        print(f"       api: {result['api']}")
        for u, s in result["per_url"].items():
            print(f"  {u}: {s}")
        print(f"   loadavg: {result['loadavg_before']} -> {result['loadavg_after']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
