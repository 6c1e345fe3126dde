"""Benchmark: the full-year Konaev plan, jasyl vs PyPSA (default HiGHS), each in its own process.

Usage::

    .venv/bin/python benchmarks/bench_planner.py            # table on stdout
    .venv/bin/python benchmarks/bench_planner.py --json     # one JSON object
    .venv/bin/python benchmarks/bench_planner.py --case synthetic --hours 2016

Each measurement runs in a fresh subprocess (``--worker``) so that wall time includes model building
and solving (not the shared input preparation: profiles, inventory, catalogue) and peak memory is the
process's own ``ru_maxrss``. PyPSA solves the identical problem (``jasyl.model.pypsa_network``) with
default HiGHS options, i.e. the exact optimum; ``objective_rel_diff`` compares jasyl's objective with it.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from typing import Any


def _inputs(case: str, hours: int | None) -> Any:
    if case == "konaev":
        from jasyl.planning import plan_inputs

        inp = plan_inputs(None, None, 0.0)
    else:
        from jasyl.model.city_inputs import InputOptions, inputs_from_profiles
        from jasyl.model.synthetic import synthetic_case

        sup, dem, temp, fe = synthetic_case(8760)
        inp = inputs_from_profiles(sup, dem, temp, fe, options=InputOptions(target_co2_t=0.0), city="synthetic")
    return inp.subset(0, hours) if hours else inp


def _worker(which: str, case: str, hours: int | None) -> dict[str, Any]:
    inp = _inputs(case, hours)
    start = time.perf_counter()
    if which == "pypsa":
        from jasyl.model.pypsa_network import solve_pypsa

        out = solve_pypsa(inp)
        objective = out["objective"]
        caps = out["capacities"]
    else:
        from jasyl.model.api import solve_inputs

        r = solve_inputs(inp, method="typical_days" if which == "jasyl_typical_days" else "exact")
        objective = r.total_annual_cost_usd * inp.year_fraction
        caps = r.capacities
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    return {"seconds": seconds, "peak_mb": peak_mb, "objective": objective, "capacities": caps}


def _run(which: str, case: str, hours: int | None) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--worker", which, "--case", case]
    if hours:
        cmd += ["--hours", str(hours)]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    if proc.returncode != 0 or not lines:
        raise SystemExit(f"{which} worker failed:\n{proc.stderr[-3000:]}")
    return json.loads(lines[-1])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    ap.add_argument("--case", choices=["konaev", "synthetic"], default="konaev")
    ap.add_argument("--hours", type=int, default=None, help="first N hours only (default: full year)")
    ap.add_argument("--worker", choices=["jasyl", "jasyl_typical_days", "pypsa"], help=argparse.SUPPRESS)
    ap.add_argument("--no-typical-days", action="store_true", help="skip the typical-days measurement")
    args = ap.parse_args(argv)
    if args.worker:
        print(json.dumps(_worker(args.worker, args.case, args.hours)))
        return 0
    ours = _run("jasyl", args.case, args.hours)
    fast = None if args.no_typical_days else _run("jasyl_typical_days", args.case, args.hours)
    theirs = _run("pypsa", args.case, args.hours)
    rel = abs(ours["objective"] - theirs["objective"]) / abs(theirs["objective"])
    cap_diff = max(
        (abs(ours["capacities"].get(k, 0.0) - v) / max(1.0, abs(v)) for k, v in theirs["capacities"].items()),
        default=0.0,
    )
    result = {
        "case": args.case,
        "hours": args.hours or 8760,
        "jasyl_seconds": round(ours["seconds"], 3),
        "pypsa_seconds": round(theirs["seconds"], 3),
        "ratio": round(ours["seconds"] / theirs["seconds"], 4),
        "jasyl_peak_mb": round(ours["peak_mb"], 1),
        "pypsa_peak_mb": round(theirs["peak_mb"], 1),
        "memory_ratio": round(ours["peak_mb"] / theirs["peak_mb"], 4),
        "jasyl_objective_usd": ours["objective"],
        "pypsa_objective_usd": theirs["objective"],
        "objective_rel_diff": rel,
        "max_capacity_rel_diff": cap_diff,
        "jasyl_method": "exact full-year hourly LP, linopy + HiGHS IPM without crossover (default)",
        "exact_reference": "PyPSA 1.4, identical problem, default HiGHS (simplex, exact)",
    }
    if fast is not None:
        result.update({
            "typical_days_seconds": round(fast["seconds"], 3),
            "typical_days_ratio": round(fast["seconds"] / theirs["seconds"], 4),
            "typical_days_peak_mb": round(fast["peak_mb"], 1),
            "typical_days_objective_rel_diff": abs(fast["objective"] - theirs["objective"]) / abs(theirs["objective"]),
        })
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        for k, v in result.items():
            print(f"{k:24s} {v}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
