"""Benchmark: a sweep on a Dask LocalCluster against the same scenarios one after another in one process.

Usage::

    .venv/bin/python benchmarks/bench_sweep.py --json                    # 24 full-year typical-day scenarios
    .venv/bin/python benchmarks/bench_sweep.py --json --scenarios 4 --hours 336   # a quick check

The scenarios are a grid over the Konaev zero-CO2 plan (discount rate x wind capital cost x battery
capital cost), solved with ``method=typical-days`` on the full year. ``serial_seconds``: every scenario
in this process, one after another (``run_sweep(serial=True)``: the same code path without Dask).
``sweep_seconds``: the same scenarios on a LocalCluster of ``--workers`` process workers (one thread
and one HiGHS thread each), including starting and stopping the cluster. ``speedup`` is their ratio;
``peak_worker_mb`` the largest peak resident memory of a worker process. Both runs start from empty
output directories (nothing is skipped). Target on a quiet 2-core machine: speedup >= 1.7 with 2
workers on 24 scenarios.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from jasyl.planning.scenario import parse_sweep_spec
from jasyl.planning.sweep import run_sweep

AXES: dict[str, list[Any]] = {
    "discount_rate": [0.05, 0.08, 0.11],
    "capex_multiplier.wind": [0.8, 1.0, 1.2, 1.4],
    "capex_multiplier.battery": [0.7, 1.3],
}


def _spec(n: int, hours: int | None, method: str) -> Any:
    base: dict[str, Any] = {"method": method, "target_co2_t": 0.0}
    if hours:
        base["hours"] = hours
    if not 1 <= n <= 24:
        raise SystemExit("--scenarios must be 1..24")
    names = list(AXES)
    scenarios = [dict(zip(names, combo, strict=True)) for combo in itertools.product(*AXES.values())][:n]
    return parse_sweep_spec({"name": "bench", "base": base, "combine": "list", "scenarios": scenarios},
                            "<bench_sweep>", Path.cwd())


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    ap.add_argument("--scenarios", type=int, default=24)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--hours", type=int, default=None, help="first N hours only (quick checks)")
    ap.add_argument("--method", default="typical-days", choices=("typical-days", "exact"))
    args = ap.parse_args()
    spec = _spec(args.scenarios, args.hours, args.method)
    with tempfile.TemporaryDirectory(prefix="bench-sweep-") as tmp:
        load_before = os.getloadavg()[0]
        t0 = time.perf_counter()
        parallel = run_sweep(spec, out=Path(tmp) / "dask", workers=args.workers)
        sweep_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        serial = run_sweep(spec, out=Path(tmp) / "serial", serial=True)
        serial_s = time.perf_counter() - t0
        load_after = os.getloadavg()[0]
    ok = list(parallel["status"]) == list(serial["status"])
    num = [c for c in parallel.columns if c.startswith("cap_")] + ["total_annual_cost_usd"]
    diff = float((parallel[num] - serial[num]).abs().max().max()) if ok else float("nan")
    out = {
        "scenarios": int(len(parallel)),
        "workers": int(parallel.attrs["sweep"]["workers"]),
        "sweep_seconds": round(sweep_s, 2),
        "serial_seconds": round(serial_s, 2),
        "speedup": round(serial_s / sweep_s, 3),
        "peak_worker_mb": round(float(parallel["peak_rss_mb"].max()), 1),
        "method": args.method,
        "hours": args.hours or 8760,
        "statuses": parallel["status"].value_counts().to_dict(),
        "same_results": bool(ok and diff < 1e-3),
        "max_abs_diff": diff,
        "distinct_workers": int(parallel["worker"].nunique()),
        "load_before": round(load_before, 2),
        "load_after": round(load_after, 2),
        "cpus": os.cpu_count(),
    }
    if args.json:
        print(json.dumps(out))
    else:
        for k, v in out.items():
            print(f"{k:>18}: {v}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
