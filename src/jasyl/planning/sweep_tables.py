"""The coordinator's bookkeeping of a sweep: resolving every scenario up front (refusing duplicates),
the per-scenario row files that reruns skip on, and the results tables (no Dask here)."""

from __future__ import annotations

import dataclasses
import io
import json
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from jasyl.errors import InputError, SchemaError
from jasyl.fileio import write_bytes_atomic
from jasyl.planning.options import PlanOptions
from jasyl.planning.resolve import Resolver
from jasyl.planning.scenario import OPTION_TYPES, Scenario, SweepSpec, axis_column, display_value

__all__ = ["Resolved", "DuplicateScenarioError", "resolve_all", "write_tables", "load_row", "json_ready"]


class DuplicateScenarioError(InputError):
    """Two differently named scenarios resolve to the same inputs (a setting did not reach the model)."""



def _option_defaults() -> dict[str, Any]:
    """Default value of every plan-option setting (a column of every results table)."""
    out: dict[str, Any] = {}
    for f in dataclasses.fields(PlanOptions):
        if f.name in OPTION_TYPES:
            out[f.name] = f.default if f.default is not dataclasses.MISSING else None
    return out


def _settings_row(s: Scenario, columns: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    defaults = _option_defaults()
    for key in list(columns) + [k for k in defaults if k not in columns]:
        v = s.settings.get(key, defaults.get(key))
        col = axis_column(key)
        if isinstance(v, bool) or (isinstance(v, int | float) and not isinstance(v, bool)):
            out[col] = float(v) if not isinstance(v, bool) else v
        elif v is None:
            out[col] = None
        else:
            out[col] = display_value(key, v)
    return out


def load_row(path: Path) -> dict[str, Any] | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def json_ready(row: Mapping[str, Any]) -> dict[str, Any]:
    def clean(v: Any) -> Any:
        if isinstance(v, float) and not math.isfinite(v):
            return None
        if isinstance(v, np.generic):
            return clean(v.item())
        if isinstance(v, dict):
            return {k: clean(x) for k, x in v.items()}
        if isinstance(v, list):
            return [clean(x) for x in v]
        return v

    return {k: clean(v) for k, v in row.items() if not k.startswith("_")}


@dataclass(frozen=True)
class Resolved:
    """What the coordinator keeps of a resolved scenario (the inputs themselves are rebuilt on workers)."""

    name: str
    input_hash: str
    values: dict[str, Any]
    design_years: tuple[str, ...]


def resolve_all(spec: SweepSpec, scenarios: list[Scenario], resolver: Resolver,
                progress: Callable[[int], None] | None = None) -> list[Resolved]:
    """Resolve every scenario; refuse pairs with the same hash and axes whose values change nothing."""
    resolved: list[Resolved] = []
    by_hash: dict[str, str] = {}
    for i, s in enumerate(scenarios):
        try:
            rs = resolver.resolve(s)
        except SchemaError as exc:
            raise SchemaError(f"scenario '{s.name}': {exc.message}", file=spec.file,
                              field=_origin(spec, i, s, exc.field or ""), fix=exc.fix) from None
        if rs.input_hash in by_hash:
            other = by_hash[rs.input_hash]
            raise DuplicateScenarioError(
                f"scenarios '{other}' and '{s.name}' resolve to the same model inputs (hash "
                f"{rs.input_hash[:16]}): a setting that differs between them does not reach the model",
                file=spec.file, field=_differing(scenarios, other, s) or "axes",
                fix="remove one of them or change the setting so that it has an effect")
        by_hash[rs.input_hash] = s.name
        resolved.append(Resolved(rs.name, rs.input_hash, rs.values, tuple(rs.design_years)))
        del rs  # a full-year problem is ~1.5 MB: never keep them all
        if progress is not None:
            progress(i + 1)
    if spec.combine == "grid":  # single-valued axes are not caught by pairs: compare with the base
        single = [k for k, v in spec.axes.items() if len(v) == 1 and k in scenarios[0].varied]
        if single:
            for key in single:
                without = {k: v for k, v in scenarios[0].settings.items() if k != key}
                if key in spec.base:
                    without[key] = spec.base[key]
                    if repr(spec.base[key]) == repr(spec.axes[key][0]):
                        continue
                probe = resolver.resolve(Scenario("probe", without, {}))
                if probe.input_hash == resolved[0].input_hash:
                    raise DuplicateScenarioError(
                        f"axis '{key}' = {display_value(key, spec.axes[key][0])} does not change the model inputs "
                        f"of '{scenarios[0].name}'", file=spec.file, field=f"axes.{key}",
                        fix="remove the axis or give it a value that has an effect")
    return resolved


def _origin(spec: SweepSpec, index: int, scenario: Scenario, key: str) -> str:
    """Where a setting of a scenario comes from in the file: ``scenarios[i].key``, ``axes.key`` or ``base.key``."""
    if not key:
        return ""
    if key in scenario.varied:
        return f"scenarios[{index}].{key}" if spec.combine == "list" else f"axes.{key}"
    return f"base.{key}"


def _differing(scenarios: list[Scenario], a: str, b: Scenario) -> str:
    sa = next(s for s in scenarios if s.name == a)
    keys = [k for k in sorted(set(sa.settings) | set(b.settings))
            if repr(sa.settings.get(k)) != repr(b.settings.get(k))]
    return ", ".join(f"axes.{k}" if k not in ("name",) else k for k in keys)


def write_tables(out: Path, spec: SweepSpec, scenarios: list[Scenario], resolved: list[Resolved],
                  rows: dict[str, dict[str, Any]]) -> pd.DataFrame:
    columns = list(dict.fromkeys(k for s in scenarios for k in s.varied))
    records = []
    check_records = []
    for s, rs in zip(scenarios, resolved, strict=True):
        row = dict(rows.get(rs.input_hash) or {"status": "missing", "message": "not run"})
        row["name"] = s.name
        row["input_hash"] = rs.input_hash
        base = {"sweep": spec.name, "name": s.name, "input_hash": rs.input_hash, "axis": s.axis,
                **_settings_row(s, columns), "target_co2_t": float(rs.values.get("target_co2_t", 0.0)),
                "discount_rate": float(rs.values.get("discount_rate", float("nan")))}
        checks = row.pop("checks", []) or []
        for c in checks:
            flat = {k: v for k, v in c.items() if k != "unserved_by_bus_mwh"}
            for bus, v in (c.get("unserved_by_bus_mwh") or {}).items():
                flat[f"unserved_mwh_{bus}"] = v
            check_records.append({"sweep": spec.name, "name": s.name, "input_hash": rs.input_hash, **flat})
        records.append({**base, **{k: v for k, v in row.items() if k not in base}})
    frame = pd.DataFrame.from_records(records)
    lead = ["sweep", "name", "input_hash", "axis", *[axis_column(c) for c in columns], "status", "message"]
    cap_cols = sorted(c for c in frame.columns if c.startswith("cap_"))
    if cap_cols:
        ok = frame["status"] == "optimal"
        frame.loc[ok, cap_cols] = frame.loc[ok, cap_cols].fillna(0.0)
    rest = [c for c in frame.columns if c not in lead and c not in cap_cols]
    frame = frame[[c for c in lead if c in frame.columns] + rest + cap_cols]
    _write_parquet(out / "results.parquet", frame)
    checks_frame = pd.DataFrame.from_records(check_records) if check_records else pd.DataFrame(
        columns=["sweep", "name", "input_hash", "check_weather", "unserved_mwh", "unserved_hours", "extra_co2_t",
                 "co2_after_t", "annual_cost_usd"])
    _write_parquet(out / "weather_checks.parquet", checks_frame)
    return frame


def _write_parquet(path: Path, frame: pd.DataFrame) -> None:
    buf = io.BytesIO()
    frame.to_parquet(buf, index=False)
    write_bytes_atomic(path, buf.getvalue())
