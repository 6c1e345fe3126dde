"""What a sweep's results say: tornado, cost-CO2 frontier, capacity ranges, failures (tables only).

These functions read the tables a sweep wrote (:mod:`jasyl.planning.sweep`) and compute what the
sweep report draws (:mod:`jasyl.report.sweep`); nothing here renders.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from jasyl.errors import InputError

__all__ = ["SweepTables", "load_sweep_results", "tornado", "frontier", "capacity_ranges", "failures",
           "DEFAULT_ACCOUNTING"]

#: accounting mode of scenarios that do not set one (the planner's hourly, location-based rule)
DEFAULT_ACCOUNTING = "hourly"


@dataclass
class SweepTables:
    """The tables of one sweep directory."""

    directory: Path
    results: pd.DataFrame
    checks: pd.DataFrame
    spec: dict[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return str(self.spec.get("name") or (self.results["sweep"].iloc[0] if len(self.results) else "sweep"))


def load_sweep_results(directory: str | Path) -> SweepTables:
    """Read ``results.parquet``, ``weather_checks.parquet`` and ``spec.json`` of a sweep directory."""
    d = Path(directory)
    path = d / "results.parquet"
    if not path.is_file():
        raise InputError("no sweep results here (results.parquet is missing)", file=d,
                         fix="give the --out directory of a finished 'jasyl sweep'")
    try:
        results = pd.read_parquet(path)
    except Exception as exc:  # noqa: BLE001 - pyarrow raises several types for damaged files
        raise InputError(f"cannot read the results ({type(exc).__name__})", file=path,
                         fix="rerun the sweep into this directory") from None
    for col in ("name", "status"):
        if col not in results.columns:
            raise InputError(f"the results table has no '{col}' column", file=path, field=col,
                             fix="rerun the sweep into this directory")
    checks_path = d / "weather_checks.parquet"
    checks = pd.read_parquet(checks_path) if checks_path.is_file() else pd.DataFrame()
    spec: dict[str, Any] = {}
    try:
        spec = json.loads((d / "spec.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        spec = {}
    return SweepTables(d, results, checks, spec)


def _base_row(results: pd.DataFrame) -> pd.Series | None:
    if "axis" in results.columns:
        base = results[(results["axis"].fillna("") == "") & (results["name"] == "base")]
        if len(base):
            return base.iloc[0]
    return None


def tornado(results: pd.DataFrame, metric: str = "cost_per_t_avoided_usd") -> pd.DataFrame:
    """One row per axis of a one-at-a-time sweep: the lowest and highest ``metric`` over the axis's values
    (the base included), which values gave them, and the swing (high - low); largest swing first.

    Columns: ``axis``, ``base``, ``low``, ``high``, ``low_setting``, ``high_setting``, ``swing``,
    ``n_values``, ``failed`` (scenarios of the axis without a result). Empty without a base scenario.
    """
    cols = ["axis", "base", "low", "high", "low_setting", "high_setting", "swing", "n_values", "failed"]
    base = _base_row(results)
    if base is None or metric not in results.columns or base.get("status") != "optimal":
        return pd.DataFrame(columns=cols)
    b = float(base[metric])
    rows = []
    for axis, group in results[results["axis"].fillna("") != ""].groupby("axis", sort=False):
        ok = group[(group["status"] == "optimal") & np.isfinite(group[metric].astype(float))]
        values = [(b, "base")] + [(float(r[metric]), str(r["name"]).split("=", 1)[-1]) for _i, r in ok.iterrows()]
        low = min(values, key=lambda v: v[0])
        high = max(values, key=lambda v: v[0])
        rows.append({"axis": axis, "base": b, "low": low[0], "high": high[0], "low_setting": low[1],
                     "high_setting": high[1], "swing": high[0] - low[0], "n_values": len(group),
                     "failed": int(len(group) - len(ok))})
    frame = pd.DataFrame(rows, columns=cols)
    return frame.sort_values("swing", ascending=False, kind="stable").reset_index(drop=True)


def frontier(results: pd.DataFrame) -> pd.DataFrame:
    """Solved scenarios with ``co2_after_t`` and ``total_annual_cost_usd``, their accounting mode, and
    ``on_frontier``: no other scenario of the same mode is both cheaper and lower in CO2."""
    ok = results[results["status"] == "optimal"].copy()
    cols = ["name", "accounting", "co2_after_t", "total_annual_cost_usd", "on_frontier"]
    if ok.empty or "co2_after_t" not in ok.columns:
        return pd.DataFrame(columns=cols)
    ok["accounting"] = ok["accounting"].fillna(DEFAULT_ACCOUNTING).astype(str) if "accounting" in ok.columns \
        else DEFAULT_ACCOUNTING
    ok = ok.sort_values(["accounting", "co2_after_t", "total_annual_cost_usd"], kind="stable")
    flags = []
    for _mode, group in ok.groupby("accounting", sort=False):
        best = np.inf
        for _i, r in group.iterrows():
            cost = float(r["total_annual_cost_usd"])
            flags.append(cost < best - 1e-6 * max(1.0, abs(cost)))
            best = min(best, cost)
    ok["on_frontier"] = flags
    return ok[cols].reset_index(drop=True)


def capacity_ranges(results: pd.DataFrame, threshold: float = 0.01) -> pd.DataFrame:
    """Per technology over the solved scenarios: min, max, base, in how many it is built, and whether
    it is ``robust`` (built in every solved scenario: more than ``threshold`` of its largest value)."""
    ok = results[results["status"] == "optimal"]
    cap_cols = [c for c in results.columns if c.startswith("cap_")]
    base = _base_row(results)
    rows = []
    for col in cap_cols:
        v = ok[col].astype(float).fillna(0.0)
        if v.empty:
            continue
        top = float(v.max())
        if top <= 1e-6:
            continue
        built = v > max(1e-6, threshold * top)
        rows.append({"technology": col.removeprefix("cap_"), "min": float(v.min()), "max": top,
                     "base": float(base[col]) if base is not None and base.get("status") == "optimal" else np.nan,
                     "built_in": int(built.sum()), "scenarios": int(len(v)), "robust": bool(built.all())})
    frame = pd.DataFrame(rows, columns=["technology", "min", "max", "base", "built_in", "scenarios", "robust"])
    return frame.sort_values(["robust", "max"], ascending=[False, False], kind="stable").reset_index(drop=True)


def failures(results: pd.DataFrame) -> pd.DataFrame:
    """Scenarios without a plan: name, status and the reason."""
    bad = results[results["status"] != "optimal"]
    return bad[["name", "status", "message"]].reset_index(drop=True)
