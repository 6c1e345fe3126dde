"""Standards as data (``data/monitoring/*.yaml``), the averages they need, and exceedances.

Averaging conventions (stated in every output):

* hourly mean: samples within the clock hour (UTC) are averaged; hourly values are kept as they are;
* 24-hour mean: calendar day in the site's local time zone (Asia/Almaty by default), from hourly
  means, valid with at least 18 of 24 hours (75 %); a value reported as a daily mean counts directly;
* 8-hour mean: running mean of hourly means ending at each hour, valid with at least 6 of 8 hours;
* annual mean: mean of the valid daily means of the calendar year (with their count);
* water: each (grab) sample is compared with the limit as it is.

KZ MPC "one-off maximum" (ПДК м.р.) is defined on 20-30 minute samples; jasyl compares the hourly
mean with it (a sample is compared as it is), which understates short peaks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import pandas as pd
import yaml

__all__ = ["ParamDef", "StandardDef", "parameters", "parameter_def", "resolve_parameter", "load_data",
           "air_standards", "water_standards", "find_standard", "standards_for", "hourly_means",
           "daily_means", "rolling_means", "annual_means", "exceedances", "DEFAULT_TZ",
           "MIN_HOURS_PER_DAY", "MIN_HOURS_PER_8H", "AVERAGING_SECONDS"]

DEFAULT_TZ = "Asia/Almaty"
MIN_HOURS_PER_DAY = 18
MIN_HOURS_PER_8H = 6
AVERAGING_SECONDS = {"sample": 0, "1h": 3600, "8h": 8 * 3600, "24h": 86400}


@cache
def load_data(name: str) -> Any:
    """A YAML file of ``jasyl/data/monitoring``."""
    path = resources.files("jasyl") / "data" / "monitoring" / name
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class ParamDef:
    name: str
    medium: str
    unit: str
    label: str
    molar_mass_g_mol: float | None = None
    aliases: tuple[str, ...] = ()
    as_element: dict[str, float] | None = field(default=None, hash=False, compare=False)


@cache
def parameters() -> dict[str, ParamDef]:
    out: dict[str, ParamDef] = {}
    for medium, entries in load_data("parameters.yaml").items():
        for name, spec in entries.items():
            out[name] = ParamDef(name=name, medium=medium, unit=spec["unit"], label=spec["label"],
                                 molar_mass_g_mol=spec.get("molar_mass_g_mol"),
                                 aliases=tuple(str(a).lower() for a in spec.get("aliases", [])),
                                 as_element=spec.get("as_element"))
    return out


def parameter_def(name: str) -> ParamDef:
    return parameters()[name]


@cache
def _alias_map() -> dict[str, str]:
    out: dict[str, str] = {}
    for p in parameters().values():
        out[p.name.lower()] = p.name
        for alias in p.aliases:
            out.setdefault(alias, p.name)
    return out


def resolve_parameter(text: str) -> str | None:
    """Canonical parameter name for a spelling (``PM2.5`` -> ``pm25``), None if unknown."""
    return _alias_map().get(str(text).strip().lower())


@dataclass(frozen=True)
class StandardDef:
    id: str
    body: str
    kind: str
    parameter: str
    averaging: str
    value: float
    unit: str
    source: str
    year: int
    status: str
    note: str = ""
    minimum: bool = False

    def as_row(self) -> dict[str, Any]:
        return {"id": self.id, "body": self.body, "kind": self.kind, "parameter": self.parameter,
                "averaging": self.averaging, "value": self.value, "unit": self.unit, "source": self.source,
                "year": self.year, "status": self.status}


@cache
def air_standards() -> tuple[StandardDef, ...]:
    data = load_data("standards_air.yaml")
    return tuple(
        StandardDef(id=s["id"], body=s["body"], kind=s["kind"], parameter=s["parameter"],
                    averaging=str(s["averaging"]), value=float(s["value"]), unit="ug/m3",
                    source=str(s["source"]), year=int(s["year"]), status=s["status"], note=s.get("note", ""))
        for s in data["standards"])


@cache
def water_standards() -> tuple[StandardDef, ...]:
    data = load_data("water_quality.yaml")
    out = []
    src = "fishery MPC list (RU/KZ common list), sibecolog.ru/norms/161; household: order ҚР ДСМ-138 (2022)"
    for param, spec in data["indicators"].items():
        for kind in ("fishery_mpc", "household_mpc"):
            if spec.get(kind) is None:
                continue
            out.append(StandardDef(id=f"water_{kind}_{param}", body="KZ", kind=kind, parameter=param,
                                   averaging="sample", value=float(spec[kind]), unit="mg/L", source=src,
                                   year=2016 if kind == "fishery_mpc" else 2022, status=spec["status"],
                                   note=spec.get("note", ""), minimum=bool(spec.get("minimum", False))))
    return tuple(out)


def standards_for(parameter: str) -> list[StandardDef]:
    return [s for s in (*air_standards(), *water_standards()) if s.parameter == parameter]


def find_standard(parameter: str, kind: str) -> StandardDef | None:
    """The standard of ``kind`` (``mpc_one_off``, ``mpc_daily``, ``fishery_mpc``...) for a parameter."""
    for s in standards_for(parameter):
        if s.kind == kind:
            return s
    return None


# ---------------------------------------------------------------------------------------------
# Averages. Input: a DataFrame of one site and parameter with columns time_utc (naive UTC),
# value and period_s (0 = sample, 3600 = hourly mean, 86400 = daily mean).

def hourly_means(df: pd.DataFrame) -> pd.Series:
    """Hourly means indexed by the hour start (naive UTC)."""
    if df.empty:
        return pd.Series(dtype=float)
    sub = df[df["period_s"] <= 3600]
    if sub.empty:
        return pd.Series(dtype=float)
    times = pd.to_datetime(sub["time_utc"])
    hours = times.dt.floor("h")
    if bool((sub["period_s"] == 3600).all()) and bool((hours == times).all()) and hours.is_unique:
        # already one hourly mean per hour (the common case): no grouping needed
        return pd.Series(sub["value"].to_numpy(dtype=float), index=pd.DatetimeIndex(hours)).sort_index()
    return sub["value"].groupby(hours.values).mean().sort_index()


def daily_means(df: pd.DataFrame, tz: str = DEFAULT_TZ, min_hours: int = MIN_HOURS_PER_DAY,
                hourly: pd.Series | None = None) -> pd.Series:
    """24-hour means per local calendar day (index: ``datetime.date``), valid days only.

    ``hourly`` may pass the already computed :func:`hourly_means` of ``df``.
    """
    hourly = hourly_means(df) if hourly is None else hourly
    out = pd.Series(dtype=float)
    if not hourly.empty:
        local_days = pd.DatetimeIndex(hourly.index).tz_localize("UTC").tz_convert(tz).tz_localize(None).floor("D")
        grouped = hourly.groupby(local_days)
        counts = grouped.count()
        out = grouped.mean()[counts >= min_hours]
        out.index = pd.DatetimeIndex(out.index).date
    native = df[df["period_s"] == 86400] if not df.empty else df
    if not native.empty:
        nd = pd.to_datetime(native["time_utc"]).dt.tz_localize("UTC").dt.tz_convert(tz).dt.date
        extra = native["value"].groupby(nd.values).mean()
        extra = extra[~extra.index.isin(out.index)]
        out = pd.concat([out, extra]).sort_index()
    return out.astype(float)


def rolling_means(df: pd.DataFrame, hours: int = 8, min_hours: int = MIN_HOURS_PER_8H) -> pd.Series:
    """Running ``hours``-hour means of hourly means, labelled by the end hour's start, valid only."""
    hourly = hourly_means(df)
    if hourly.empty:
        return hourly
    full = hourly.asfreq("h")
    roll = full.rolling(hours, min_periods=min_hours).mean()
    return roll.dropna()


def annual_means(df: pd.DataFrame, tz: str = DEFAULT_TZ) -> pd.DataFrame:
    """Mean of the valid daily means per calendar year, with the number of days it rests on."""
    daily = daily_means(df, tz)
    if daily.empty:
        return pd.DataFrame(columns=["year", "mean", "days"])
    years = [d.year for d in daily.index]
    g = daily.groupby(years)
    return pd.DataFrame({"year": g.mean().index, "mean": g.mean().values, "days": g.count().values})


def exceedances(series: pd.Series, limit: float, *, minimum: bool = False) -> pd.Series:
    """The values of ``series`` beyond ``limit`` (above it, or below it for a minimum)."""
    if series.empty:
        return series
    return series[series < limit] if minimum else series[series > limit]
