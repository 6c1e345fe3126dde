"""Benchmark: the full-year Konaev plan, jasyl vs PyPSA (default and tuned HiGHS), each in its own process.

Usage::

    .venv/bin/python benchmarks/bench_planner.py            # table on stdout
    .venv/bin/python benchmarks/bench_planner.py --json     # one JSON object
    .venv/bin/python benchmarks/bench_planner.py --json --quick  # smoke test: 48 days, both sites
    .venv/bin/python benchmarks/bench_planner.py --case synthetic --hours 2016 --sites konaev

Each measurement runs in a fresh subprocess (``--worker``) so that wall time includes model building
and solving (not the shared input preparation: profiles, inventory, catalogue) and peak memory is the
process's own ``ru_maxrss``. PyPSA solves the identical problem (``jasyl.model.pypsa_network``):

* ``pypsa_*``: default HiGHS options (dual simplex, a vertex: the exact optimum); ``objective_rel_diff``
  compares jasyl's objective with it;
* ``pypsa_tuned_*``: the HiGHS options jasyl uses (``jasyl.model.solve.DEFAULT_HIGHS_OPTIONS``: HiPO
  without crossover when highspy-extras is installed; IPX without crossover if HiPO gives up on PyPSA's
  model, which has no finite column bounds), so ``tuned_ratio`` measures the formulation and the
  modelling layer, not the solver choice.

Solver variants of jasyl's exact LP (``solver_variants``): ``hipo`` and ``ipx`` (both without crossover).
Typical days are measured on every site (``--sites``; ``urumqi`` = Konaev with the real Urumqi EPW year of
``../shared/data/weather``), each against the exact optimum of the same site.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

SECOND_SITE_EPW = (Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "weather" /
                   "CHN_Xinjiang.Uygur.Urumqi.514630_CSWD.epw").resolve()
SITES = {"konaev": None, "urumqi": SECOND_SITE_EPW}
QUICK_HOURS = 48 * 24  # enough days for the typical-days route (40 typical days) to run at all


def _inputs(case: str, site: str, hours: int | None) -> Any:
    if case == "konaev":
        from jasyl.planning import plan_inputs

        weather = SITES[site]
        inp = plan_inputs(None, str(weather) if weather is not None else None, 0.0)
    else:
        from jasyl.model.city_inputs import InputOptions, inputs_from_profiles
        from jasyl.model.synthetic import synthetic_case

        sup, dem, temp, fe = synthetic_case(8760)
        inp = inputs_from_profiles(sup, dem, temp, fe, options=InputOptions(target_co2_t=0.0), city="synthetic")
    return inp.subset(0, hours) if hours else inp


def _worker(which: str, case: str, site: str, hours: int | None) -> dict[str, Any]:
    from jasyl.model.solve import DEFAULT_HIGHS_OPTIONS, highs_options

    inp = _inputs(case, site, hours)
    start = time.perf_counter()
    cpu = time.process_time()
    method = "exact"
    if which.startswith("pypsa"):
        from jasyl.model.pypsa_network import solve_pypsa

        options = {**DEFAULT_HIGHS_OPTIONS, "threads": 1} if which == "pypsa_tuned" else {}
        note = ""
        try:
            out = solve_pypsa(inp, solver_options=options)
        except RuntimeError as exc:
            if which != "pypsa_tuned" or options.get("solver") != "hipo":
                raise
            # HiPO stalls on an LP without finite column bounds (PyPSA's full-year model has none; jasyl adds
            # flow bounds for this reason, docs/planner.md): a tuned user then takes IPX, timed on its own
            note = f"; HiPO gave up after {time.perf_counter() - start:.0f} s ({exc}), IPX timed alone"
            options = {**highs_options("ipx"), "threads": 1}
            start, cpu = time.perf_counter(), time.process_time()
            out = solve_pypsa(inp, solver_options=options)
        objective = out["objective"]
        caps = out["capacities"]
        method = f"PyPSA, HiGHS options {options or 'default'}{note}"
    else:
        from jasyl.model.api import solve_inputs

        kind = which.removeprefix("jasyl_")
        if kind == "typical_days":
            r = solve_inputs(inp, method="typical_days")
        else:
            r = solve_inputs(inp, highs_options=highs_options(kind) if kind in ("hipo", "ipx") else None)
        objective = r.total_annual_cost_usd * inp.year_fraction
        caps = r.capacities
        method = r.method
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    return {"seconds": seconds, "cpu_seconds": time.process_time() - cpu, "peak_mb": peak_mb,
            "objective": objective, "capacities": caps, "method": method}


def _run(which: str, case: str, site: str, hours: int | None) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--worker", which, "--case", case, "--sites", site]
    if hours:
        cmd += ["--hours", str(hours)]
    load = os.getloadavg()[0]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    if proc.returncode != 0 or not lines:
        raise SystemExit(f"{which} worker ({site}) failed:\n{proc.stderr[-3000:]}")
    out = json.loads(lines[-1])
    out["load_before"] = round(load, 2)
    return out


def _rel(a: float, b: float) -> float:
    return abs(a - b) / abs(b)


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    ap.add_argument("--case", choices=["konaev", "synthetic"], default="konaev")
    ap.add_argument("--hours", type=int, default=None, help="first N hours only (default: full year)")
    ap.add_argument("--quick", action="store_true",
                    help=f"smoke test: the first {QUICK_HOURS} hours (48 days) unless --hours is given")
    ap.add_argument("--sites", default="konaev,urumqi", help="comma-separated: konaev, urumqi (default both)")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--no-typical-days", action="store_true", help="skip the typical-days measurements")
    ap.add_argument("--no-variants", action="store_true", help="skip the solver variants (hipo, ipx)")
    ap.add_argument("--no-pypsa-second-site", action="store_true",
                    help="typical-days ratio of the second site against Konaev's PyPSA time (saves one slow run)")
    args = ap.parse_args(argv)
    if args.quick and not args.hours:
        args.hours = QUICK_HOURS
    sites = [s for s in args.sites.split(",") if s]
    if args.worker:
        print(json.dumps(_worker(args.worker, args.case, sites[0], args.hours)))
        return 0
    if args.case != "konaev":
        sites = sites[:1]
    for s in sites:
        if s not in SITES:
            raise SystemExit(f"unknown site {s!r}; choose from {sorted(SITES)}")
        if SITES[s] is not None and not Path(SITES[s]).is_file():  # type: ignore[arg-type]
            raise SystemExit(f"site {s}: weather file {SITES[s]} not found (../shared beside the clone)")
    started = time.time()
    load_start = os.getloadavg()
    main_site = sites[0]
    ours = _run("jasyl", args.case, main_site, args.hours)
    theirs = _run("pypsa", args.case, main_site, args.hours)
    tuned = _run("pypsa_tuned", args.case, main_site, args.hours)
    rel = _rel(ours["objective"], theirs["objective"])
    cap_diff = max(
        (abs(ours["capacities"].get(k, 0.0) - v) / max(1.0, abs(v)) for k, v in theirs["capacities"].items()),
        default=0.0,
    )
    from jasyl.model.solve import DEFAULT_HIGHS_OPTIONS, hipo_available

    result: dict[str, Any] = {
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
        "jasyl_method": f"{ours['method']}; HiGHS options {DEFAULT_HIGHS_OPTIONS}",
        "exact_reference": "PyPSA 1.4, identical problem, default HiGHS (simplex, exact)",
        "pypsa_tuned_seconds": round(tuned["seconds"], 3),
        "tuned_ratio": round(ours["seconds"] / tuned["seconds"], 4),
        "pypsa_tuned_peak_mb": round(tuned["peak_mb"], 1),
        "pypsa_tuned_objective_rel_diff": _rel(tuned["objective"], theirs["objective"]),
        "pypsa_tuned_options": tuned["method"],
        "jasyl_cpu_seconds": round(ours["cpu_seconds"], 3),
        "pypsa_cpu_seconds": round(theirs["cpu_seconds"], 3),
        "pypsa_tuned_cpu_seconds": round(tuned["cpu_seconds"], 3),
        "hipo_available": hipo_available(),
    }
    if not args.no_variants:
        variants: dict[str, Any] = {}
        for kind in ("hipo", "ipx"):
            if kind == "hipo" and not hipo_available():
                continue
            v = _run(f"jasyl_{kind}", args.case, main_site, args.hours)
            variants[kind] = {"seconds": round(v["seconds"], 3), "cpu_seconds": round(v["cpu_seconds"], 3),
                              "ratio": round(v["seconds"] / theirs["seconds"], 4),
                              "tuned_ratio": round(v["seconds"] / tuned["seconds"], 4),
                              "peak_mb": round(v["peak_mb"], 1),
                              "objective_rel_diff": _rel(v["objective"], theirs["objective"]),
                              "load_before": v["load_before"]}
            result[f"{kind}_seconds"] = variants[kind]["seconds"]
        result["solver_variants"] = variants
    per_site: dict[str, Any] = {}
    for site in sites:
        entry: dict[str, Any] = {"weather": str(SITES[site]) if SITES[site] else "Konaev default (synthetic year)"}
        if site == main_site:
            exact, peer = ours, theirs
        else:
            exact = _run("jasyl", args.case, site, args.hours)
            peer = theirs if args.no_pypsa_second_site else _run("pypsa", args.case, site, args.hours)
            entry.update({"exact_seconds": round(exact["seconds"], 3), "pypsa_seconds": round(peer["seconds"], 3),
                          "ratio": round(exact["seconds"] / peer["seconds"], 4),
                          "exact_objective_usd": exact["objective"],
                          "exact_objective_rel_diff": _rel(exact["objective"], peer["objective"])
                          if peer is not theirs else None})
        if not args.no_typical_days:
            fast = _run("jasyl_typical_days", args.case, site, args.hours)
            entry.update({
                "typical_days_seconds": round(fast["seconds"], 3),
                "typical_days_ratio": round(fast["seconds"] / peer["seconds"], 4),
                "typical_days_peak_mb": round(fast["peak_mb"], 1),
                "typical_days_objective_rel_diff": _rel(fast["objective"], exact["objective"]),
                "typical_days_method": fast["method"],
            })
        per_site[site] = entry
    result["sites"] = per_site
    if not args.no_typical_days:
        first = per_site[main_site]
        result.update({k: first[k] for k in ("typical_days_seconds", "typical_days_ratio", "typical_days_peak_mb",
                                             "typical_days_objective_rel_diff")})
        for site, entry in per_site.items():
            if site != main_site:
                result[f"typical_days_seconds_{site}"] = entry["typical_days_seconds"]
                result[f"typical_days_ratio_{site}"] = entry["typical_days_ratio"]
                result[f"typical_days_objective_rel_diff_{site}"] = entry["typical_days_objective_rel_diff"]
    result.update({
        "cpu_model": _cpu_model(),
        "cpu_count": os.cpu_count(),
        "load_average_start": [round(x, 2) for x in load_start],
        "load_average_end": [round(x, 2) for x in os.getloadavg()],
        "benchmark_seconds": round(time.time() - started, 1),
    })
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        for k, v in result.items():
            print(f"{k:34s} {v}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
