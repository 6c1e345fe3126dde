"""Benchmark: the cost-CO2 trade-off curve, one model re-solved vs every point solved from scratch.

Usage::

    .venv/bin/python benchmarks/bench_tradeoff.py                 # table on stdout
    .venv/bin/python benchmarks/bench_tradeoff.py --json          # one JSON object
    .venv/bin/python benchmarks/bench_tradeoff.py --hours 336 --accounting annual-net

``curve_seconds``: one process builds the Konaev model once and solves the six points
(0.5, 0.8, 0.9, 0.95, 0.99, 1.0 of today's CO2 removed) by changing the CO2 row in place, as ``jasyl
tradeoff`` does: up to 2,500 hours the first with interior point + crossover and the rest with dual
simplex from the previous basis; beyond, interior point at every point on the reused model (the
simplex method does not scale to the full year; docs/planner.md). ``independent_seconds``: the same
points, each solved from scratch in its own process (model build + the planner's default solve, as
``jasyl plan --target-co2`` would). Both exclude the shared input preparation (profiles, inventory,
catalogue). ``ratio`` = curve / independent (target <= 0.35);
``max_objective_rel_diff`` compares each point's objective with its independent solve (target <= 1e-6).
``curve_cpu_seconds`` / ``independent_cpu_seconds`` / ``cpu_ratio``: the same in CPU seconds of the
timed regions (all threads of the process), the steadier figure on a shared machine; with ``--workers 2``
the curve's wall time falls but its CPU time does not.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from dataclasses import replace
from typing import Any

POINTS = (0.5, 0.8, 0.9, 0.95, 0.99, 1.0)


def _inputs(hours: int | None, accounting: str) -> Any:
    from jasyl.planning import plan_inputs

    inp = plan_inputs(accounting=accounting)
    return inp.subset(0, hours) if hours else inp


def _worker_curve(hours: int | None, accounting: str, workers: int, strategy: str) -> dict[str, Any]:
    from jasyl.model.tradeoff import tradeoff_curve

    inp = _inputs(hours, accounting)
    start, cpu = time.perf_counter(), time.process_time()
    curve = tradeoff_curve(inp, POINTS, accounting=accounting, keep_results=False, workers=workers,
                           strategy=strategy)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "cpu_seconds": time.process_time() - cpu,
            "objectives": [p.total_annual_cost_usd * inp.year_fraction for p in curve.points],
            "marginal": [p.marginal_cost_per_t_usd for p in curve.points],
            "solve_seconds": [p.seconds for p in curve.points], "solvers": [p.solver for p in curve.points],
            "build_seconds": curve.build_seconds, "strategy": curve.strategy, "workers": curve.workers}


def _worker_point(hours: int | None, accounting: str, reduction: float) -> dict[str, Any]:
    from jasyl.model.build import build_model
    from jasyl.model.solve import solve_model
    from jasyl.model.tradeoff import co2_today_t

    inp = _inputs(hours, accounting)
    start, cpu = time.perf_counter(), time.process_time()
    cap = (1.0 - reduction) * co2_today_t(inp) * inp.year_fraction
    sol = solve_model(build_model(replace(inp, co2_target_t=cap)))
    return {"seconds": time.perf_counter() - start, "cpu_seconds": time.process_time() - cpu,
            "objective": sol.objective}


def _run(args: list[str]) -> dict[str, Any]:
    proc = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True, check=False)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    if proc.returncode != 0 or not lines:
        raise SystemExit(f"worker {args} failed:\n{proc.stderr[-3000:]}")
    out: dict[str, Any] = json.loads(lines[-1])
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    ap.add_argument("--hours", type=int, default=None, help="first N hours only (default: the full year)")
    ap.add_argument("--accounting", default="hourly", choices=["hourly", "annual-net", "ppa"])
    ap.add_argument("--workers", type=int, default=1, help="threads of the curve (default 1, like the "
                    "independent solves)")
    ap.add_argument("--strategy", default="auto", choices=["auto", "warm", "ipm"],
                    help="the curve's strategy (default auto: warm up to 2,500 h, ipm beyond; ipm on a short "
                    "horizon measures the full-year route quickly)")
    ap.add_argument("--worker", choices=["curve", "point"], help=argparse.SUPPRESS)
    ap.add_argument("--reduction", type=float, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    common = ["--accounting", args.accounting] + (["--hours", str(args.hours)] if args.hours else [])
    if args.worker == "curve":
        print(json.dumps(_worker_curve(args.hours, args.accounting, args.workers, args.strategy)))
        return 0
    if args.worker == "point":
        print(json.dumps(_worker_point(args.hours, args.accounting, float(args.reduction))))
        return 0
    curve = _run(["--worker", "curve", "--workers", str(args.workers), "--strategy", args.strategy, *common])
    points = [_run(["--worker", "point", "--reduction", str(r), *common]) for r in POINTS]
    independent = sum(p["seconds"] for p in points)
    independent_cpu = sum(p["cpu_seconds"] for p in points)
    diffs = [abs(a - p["objective"]) / max(abs(p["objective"]), 1e-9)
             for a, p in zip(curve["objectives"], points, strict=True)]
    out = {
        "case": "konaev", "hours": args.hours or 8760, "accounting": args.accounting, "points": list(POINTS),
        "curve_seconds": curve["seconds"], "independent_seconds": independent,
        "ratio": curve["seconds"] / independent if independent > 0 else None,
        "max_objective_rel_diff": max(diffs),
        "curve_cpu_seconds": curve["cpu_seconds"], "independent_cpu_seconds": independent_cpu,
        "cpu_ratio": curve["cpu_seconds"] / independent_cpu if independent_cpu > 0 else None,
        "curve_build_seconds": curve["build_seconds"], "curve_solve_seconds": curve["solve_seconds"],
        "curve_solvers": curve["solvers"], "curve_strategy": curve["strategy"], "curve_workers": curve["workers"],
        "independent_point_seconds": [p["seconds"] for p in points],
        "objective_rel_diff": diffs, "marginal_cost_per_t_usd": curve["marginal"],
        "load_average_1min": os.getloadavg()[0],
    }
    if args.json:
        print(json.dumps(out))
    else:
        for k, v in out.items():
            print(f"{k:28s} {v}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
