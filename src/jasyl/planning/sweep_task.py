"""One scenario of a sweep, solved where it lands (a Dask worker or this process); no Dask here.

:func:`run_scenario` rebuilds the scenario's inputs from its small dict (checking that they hash as the
coordinator said), solves them, runs the design through the weather checks, writes the hourly Parquet
file (or returns it when the worker cannot see the output directory) and returns one small row.
Infeasible and failed scenarios are rows too.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import resource
import socket
import sys
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from jasyl.errors import SolveError
from jasyl.fileio import write_bytes_atomic
from jasyl.model.aggregate import fix_design
from jasyl.model.api import solve_inputs
from jasyl.model.build import build_model
from jasyl.model.inputs import PlanInputs
from jasyl.model.solve import solve_model
from jasyl.planning.resolve import Resolver

__all__ = ["run_scenario", "check_design", "STATUSES", "FAILED_STATUSES", "FINAL_STATUSES", "TOKEN_FILE"]

log = logging.getLogger(__name__)

#: row ``status`` values; the last three count as failed
STATUSES = ("optimal", "infeasible", "out_of_memory", "error")
FAILED_STATUSES = frozenset({"infeasible", "out_of_memory", "error"})
#: statuses a rerun keeps (deterministic results); the others are retried
FINAL_STATUSES = frozenset({"optimal", "infeasible"})
TOKEN_FILE = ".jasyl-sweep-token"



_RESOLVERS: dict[str, Resolver] = {}
_LOCK = threading.Lock()


def _resolver(file: str) -> Resolver:
    with _LOCK:
        if file not in _RESOLVERS:
            _RESOLVERS[file] = Resolver(file)
        return _RESOLVERS[file]


def _versions() -> dict[str, str]:
    out = {}
    for pkg in ("jasyl", "linopy", "highspy"):
        try:
            out[f"{pkg}_version"] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            out[f"{pkg}_version"] = ""
    return out


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def check_design(design: PlanInputs, capacities: Mapping[str, float], check: PlanInputs) -> dict[str, Any]:
    """Run a fixed design hour by hour through another weather year.

    The existing fuel-burning plant keeps the design's capacities. Demand that the design cannot
    serve is first met where it can be by grid import and the existing fuel-burning plant (extra CO2
    beyond the target), and what even those cannot cover is unserved energy.
    """
    fossil_caps = {f.name: f.capacity_mw for f in design.fossil}
    fixed = fix_design(check, dict(capacities))
    fixed.fossil = [replace(f, capacity_mw=fossil_caps.get(f.name, f.capacity_mw)) for f in fixed.fossil]
    pm = build_model(fixed, relax=frozenset({"co2", "unserved"}))
    sol = solve_model(pm, highs_options={"solver": "simplex"})
    yf = fixed.year_fraction
    unserved_by_bus = {}
    hours_short = np.zeros(fixed.n_hours, dtype=bool)
    for key in pm.slacks:
        if key.startswith("unserved_"):
            v = np.asarray(sol.values[f"slack_{key}"], dtype=float)
            bus = key.removeprefix("unserved_")
            peak = float(np.max(fixed.demand.get(bus, np.zeros(1)), initial=1.0))
            v = np.where(v > 1e-6 * peak, v, 0.0)
            unserved_by_bus[bus] = float(v.sum()) / yf
            hours_short |= v > 0
    extra = float(np.ravel(sol.values.get("slack_co2", np.zeros(1)))[0]) / yf
    co2_scale = max(1.0, float(sum(check.baseline.get("co2_by_sector_t", {}).values())))
    extra = extra if extra > 1e-6 * co2_scale else 0.0
    penalty = 1.0e6 * (sum(unserved_by_bus.values()) + extra) * yf
    return {
        "unserved_mwh": sum(unserved_by_bus.values()),
        "unserved_hours": int(hours_short.sum()),
        "unserved_by_bus_mwh": unserved_by_bus,
        "extra_co2_t": extra,
        "co2_after_t": extra + fixed.co2_target_t / yf,
        "annual_cost_usd": (sol.objective - penalty) / yf,
    }


def _row_from_result(res: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "method": res.method,
        "objective_usd": res.total_annual_cost_usd * 1.0,
        "total_annual_cost_usd": res.total_annual_cost_usd,
        "baseline_annual_cost_usd": res.baseline_annual_cost_usd,
        "cost_per_t_avoided_usd": res.cost_per_t_avoided_usd,
        "levelised_cost_usd_per_mwh": res.levelised_cost_usd_per_mwh,
        "co2_before_t": res.co2_before_t,
        "co2_after_t": res.co2_after_t,
        "curtailment_mwh": res.curtailment_mwh,
    }
    for tech, v in sorted(res.capacities.items()):
        row[f"cap_{tech}"] = float(v)
    for tech, v in sorted(res.costs_usd.items()):
        row[f"cost_usd_{tech}"] = float(v)
    for sector, v in sorted(res.co2_after_by_sector_t.items()):
        row[f"co2_after_t_{sector}"] = float(v)
    return row


def _hourly_bytes(res: Any) -> bytes:
    frame = pd.concat([res.dispatch, res.storage_soc.add_prefix("soc:")], axis=1)
    frame.index.name = "time_utc"
    buf = io.BytesIO()
    frame.to_parquet(buf, compression="zstd")
    return buf.getvalue()


def run_scenario(task: Mapping[str, Any], emit: Callable[[dict[str, Any]], None] | None = None,
                 worker: str = "local") -> dict[str, Any]:
    """Solve one scenario (runs on a Dask worker or in-process); returns its small result row.

    ``task``: ``scenario`` (Scenario.to_task()), ``file`` (scenario file label), ``hash`` (expected
    input hash), ``out_dir``, ``token`` (proves the worker sees ``out_dir``). ``emit`` receives a
    start and an end event; ``worker`` names where it runs.
    Never raises for a scenario's own failure: infeasible and failed scenarios are rows too.
    """
    sc = task["scenario"]
    started = datetime.now(UTC)
    t0 = time.perf_counter()
    if emit is not None:
        emit({"event": "start", "name": sc["name"], "hash": task.get("hash", "")})
    row: dict[str, Any] = {"name": sc["name"], "input_hash": task.get("hash", ""), "status": "error", "message": "",
                           "worker": worker, "hostname": socket.gethostname(), "pid": os.getpid(),
                           "started_utc": started.isoformat(timespec="seconds"), **_versions()}
    checks: list[dict[str, Any]] = []
    try:
        rs = _resolver(str(task.get("file", ""))).resolve(sc)
        if task.get("hash") and rs.input_hash != task["hash"]:
            raise RuntimeError(
                f"the scenario resolves to other inputs on this worker (hash {rs.input_hash[:16]} instead of "
                f"{str(task['hash'])[:16]}): the worker's jasyl, data files or weather files differ from the "
                "client's")
        row["design_years"] = "+".join(rs.design_years)
        row["hours"] = rs.inputs.n_hours
        try:
            with _quiet_stdout():
                res = solve_inputs(rs.inputs, method=rs.method.replace("-", "_"), typical_days=rs.typical_days)
        except SolveError as exc:
            row.update(status="infeasible", message=str(exc))
        else:
            row.update(status="optimal", **_row_from_result(res))
            row["solve_seconds"] = float(res.solve_seconds)
            design_caps = dict(res.capacities)
            for label, check in rs.checks:
                with _quiet_stdout():
                    c = check_design(rs.inputs, design_caps, check)
                checks.append({"check_weather": label, **c})
            if checks:
                row["check_unserved_mwh_max"] = max(c["unserved_mwh"] for c in checks)
                row["check_extra_co2_t_max"] = max(c["extra_co2_t"] for c in checks)
            data = _hourly_bytes(res)
            rel = f"hourly/{rs.input_hash[:16]}.parquet"
            row["hourly_file"] = rel
            out_dir = task.get("out_dir")
            if out_dir and _sees(out_dir, task.get("token", "")):
                write_bytes_atomic(Path(out_dir) / rel, data)
            else:
                row["_hourly_bytes"] = data
    except MemoryError:
        row.update(status="out_of_memory", message="out of memory while building or solving this scenario")
    except Exception as exc:  # noqa: BLE001 - a failed scenario is a result row, the sweep goes on
        row.update(status="error", message=f"{type(exc).__name__}: {exc}")
        log.exception("scenario %s failed", sc["name"])
    row["checks"] = checks
    row["seconds"] = time.perf_counter() - t0
    row["finished_utc"] = datetime.now(UTC).isoformat(timespec="seconds")
    row["peak_rss_mb"] = _peak_rss_mb()
    if emit is not None:
        emit({"event": "end", "name": sc["name"], "status": row["status"]})
    return row


@contextlib.contextmanager
def _quiet_stdout() -> Any:
    """Native solver banners (HiGHS prints one per solve on stdout) go nowhere: stdout may carry JSON,
    and a sweep of hundreds of solves would bury its progress bar. Solver failures still raise."""
    with contextlib.suppress(Exception):
        sys.stdout.flush()
    try:
        saved = os.dup(1)
        devnull = os.open(os.devnull, os.O_WRONLY)
    except OSError:
        yield
        return
    try:
        os.dup2(devnull, 1)
        yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)
        os.close(devnull)


def _sees(out_dir: str, token: str) -> bool:
    try:
        return bool(token) and (Path(out_dir) / TOKEN_FILE).read_text(encoding="utf-8").strip() == token
    except OSError:
        return False


# ------------------------------------------------------------------------------------------------ coordinator
