"""Alert rules (``data/monitoring/alert_rules.yaml``), evaluated on every ingest.

An alert is kept per (rule, site, parameter, period start): for hourly rules the period is the
local calendar day (the value is that day's highest hourly mean), for 24-hour rules the day itself,
for water rules the sample. Re-evaluation recomputes the value from everything stored for that day,
so ingesting the same data again changes nothing and later data only raises or confirms the value.

Alerts from low-cost sensors are grounds for an inspection, not proof: fines in Kazakhstan need an
accredited laboratory protocol.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pandas as pd
from sqlalchemy import Connection, delete, func, select
from sqlalchemy.dialects import postgresql, sqlite

from jasyl.monitoring.air_limits import limit_for
from jasyl.monitoring.settings import read_settings
from jasyl.monitoring.standards import (
    DEFAULT_TZ,
    StandardDef,
    daily_means,
    find_standard,
    hourly_means,
    load_data,
    parameter_def,
)
from jasyl.store.engine import db_times, placeholder, utcnow
from jasyl.store.models import Alert, Measurement

__all__ = ["Rule", "rules", "evaluate_series", "evaluate_for_rows", "AlertRow", "reevaluate"]


@dataclass(frozen=True)
class Rule:
    id: str
    kind: str
    parameters: tuple[str, ...]
    standard: str | None
    multiple: float
    averaging: str
    severity: str
    hours: int = 0
    value: float | None = None

    @staticmethod
    def from_dict(d: dict[str, Any]) -> Rule:
        return Rule(id=d["id"], kind=d["kind"], parameters=tuple(d["parameters"]), standard=d.get("standard"),
                    multiple=float(d.get("multiple", 1.0)), averaging=str(d.get("averaging", "1h")),
                    severity=d.get("severity", "warning"), hours=int(d.get("hours", 0)), value=d.get("value"))


def rules() -> list[Rule]:
    return [Rule.from_dict(r) for r in load_data("alert_rules.yaml")["rules"]]


AlertRow = dict[str, Any]


def _local_day_bounds(day: Any, tz: str) -> tuple[datetime, datetime]:
    start = pd.Timestamp(day).tz_localize(tz).tz_convert("UTC").tz_localize(None)
    return start.to_pydatetime(), (start + pd.Timedelta(days=1)).to_pydatetime()


def _limit(rule: Rule, parameter: str, settings: Mapping[str, str] | None = None
           ) -> tuple[float, str, bool, str] | None:
    """(limit in canonical units, standard id, is_minimum, the limit in words) of the rule for a parameter.

    Where the sources conflict (daily NO2, O3, NH3) the value is the variant chosen by the settings
    (:mod:`jasyl.monitoring.air_limits`) and the words name it."""
    if rule.kind == "threshold":
        if rule.value is None:
            return None
        return float(rule.value), f"threshold:{rule.id}", False, f"threshold {rule.value:g} of rule {rule.id}"
    if rule.standard is None:
        return None
    std: StandardDef | None = find_standard(parameter, rule.standard)
    if std is None:
        return None
    choice = limit_for(std.id, settings)
    value = choice.value if choice is not None else std.value
    basis = choice.describe() if choice is not None else \
        f"{std.id} = {std.value:g} {std.unit} ({std.body}, status {std.status})"
    if rule.multiple != 1:
        basis = f"{rule.multiple:g} x {basis}"
    return value * rule.multiple, std.id, std.minimum, basis


def evaluate_series(rule: Rule, parameter: str, df: pd.DataFrame, tz: str = DEFAULT_TZ,
                    cache: dict[str, Any] | None = None, settings: Mapping[str, str] | None = None
                    ) -> list[AlertRow]:
    """Alerts of one rule on one site's measurements of one parameter (columns time_utc, value, period_s).

    ``cache`` (a dict shared by the calls on the same ``df``) keeps the hourly and daily means.
    """
    cache = {} if cache is None else cache
    if parameter not in rule.parameters or df.empty:
        return []
    lim = _limit(rule, parameter, settings)
    if lim is None:
        return []
    limit, std_id, minimum, basis = lim
    unit = parameter_def(parameter).unit
    out: list[AlertRow] = []

    def add(start: datetime, end: datetime, value: float, averaging: str) -> None:
        ratio = (limit / value if value > 0 else float("inf")) if minimum else value / limit
        out.append({"rule_id": rule.id, "severity": rule.severity, "parameter": parameter,
                    "averaging": averaging, "period_start": start, "period_end": end, "value": float(value),
                    "unit": unit, "standard_id": std_id, "limit_value": float(limit), "ratio": float(ratio),
                    "excess": float(limit - value if minimum else value - limit), "limit_basis": basis})

    if rule.kind == "water_mpc":
        for t, v in zip(pd.to_datetime(df["time_utc"]), df["value"], strict=True):
            if (v < limit) if minimum else (v > limit):
                add(t.to_pydatetime(), t.to_pydatetime(), float(v), "sample")
        return out
    if rule.kind in ("mpc_multiple", "threshold") and rule.averaging == "24h":
        if "hourly" not in cache:
            cache["hourly"] = hourly_means(df)
        if "daily" not in cache:
            cache["daily"] = daily_means(df, tz, hourly=cache["hourly"])
        daily = cache["daily"]
        for day, v in daily.items():
            if v >= limit:
                s, e = _local_day_bounds(day, tz)
                add(s, e, float(v), "24h")
        return out
    if "hourly" not in cache:
        cache["hourly"] = hourly_means(df)
    hourly = cache["hourly"]
    if hourly.empty:
        return out
    if "local_days" not in cache:
        cache["local_days"] = pd.DatetimeIndex(hourly.index).tz_localize("UTC").tz_convert(tz).date
    local_days = cache["local_days"]
    if rule.kind in ("mpc_multiple", "threshold"):
        above = hourly[hourly >= limit]
        if above.empty:
            return out
        days = pd.Series(local_days, index=hourly.index)[above.index]
        for day, vals in above.groupby(days.values):
            s, e = _local_day_bounds(day, tz)
            add(s, e, float(vals.max()), "1h")
        return out
    if rule.kind == "duration":
        full = hourly.asfreq("h")
        above = (full >= limit).fillna(False)
        run_id = (above != above.shift()).cumsum()
        for _, run in full[above].groupby(run_id[above]):
            if len(run) >= rule.hours:
                start = pd.Timestamp(run.index[0])
                end = pd.Timestamp(run.index[-1]) + pd.Timedelta(hours=1)
                day = start.tz_localize("UTC").tz_convert(tz).date()
                s, _ = _local_day_bounds(day, tz)
                add(s, end.to_pydatetime(), float(run.max()), f"{len(run)}h")
        # one alert per day of run start: keep the longest run
        best: dict[datetime, AlertRow] = {}
        for a in out:
            prev = best.get(a["period_start"])
            if prev is None or int(a["averaging"][:-1]) > int(prev["averaging"][:-1]):
                best[a["period_start"]] = a
        return list(best.values())
    return out


def _upsert(conn: Connection, rows: list[AlertRow]) -> None:
    if not rows:
        return
    table: Any = Alert.__table__
    ins: Any = sqlite.insert(table) if conn.dialect.name == "sqlite" else postgresql.insert(table)
    stmt = ins.on_conflict_do_update(
        index_elements=["rule_id", "site_id", "parameter", "period_start"],
        set_={c: ins.excluded[c] for c in ("severity", "averaging", "period_end", "value", "unit",
                                           "standard_id", "limit_value", "ratio", "excess", "limit_basis")})
    conn.execute(stmt, rows)


def evaluate_for_rows(conn: Connection, frame: pd.DataFrame, *, demo: bool, tz: str = DEFAULT_TZ) -> int:
    """Re-evaluate every rule for the (site, parameter) pairs and days touched by ``frame``.

    Returns the number of new alerts.
    """
    all_rules = rules()
    wanted = {p for r in all_rules for p in r.parameters}
    touched = frame[frame["parameter"].isin(wanted)]
    if touched.empty:
        return 0
    before = conn.scalar(select(func.count()).select_from(Alert)) or 0
    now = utcnow()
    settings = read_settings(conn)
    for (site_id, parameter), grp in touched.groupby(["site_id", "parameter"]):
        # whole local days touched by the new rows; read one more day each side for runs
        first_day = pd.Timestamp(grp["time_utc"].min()).tz_localize("UTC").tz_convert(tz).date()
        last_day = pd.Timestamp(grp["time_utc"].max()).tz_localize("UTC").tz_convert(tz).date()
        day0, _ = _local_day_bounds(first_day, tz)
        _, day1 = _local_day_bounds(last_day, tz)
        t0, t1 = day0 - timedelta(days=1), day1 + timedelta(days=1)
        ph = placeholder(conn)
        lo, hi = db_times(conn, pd.Series([t0, t1]))
        res = conn.exec_driver_sql(
            f"SELECT time_utc, value, period_s FROM measurements WHERE site_id = {ph} AND parameter = {ph} "
            f"AND time_utc >= {ph} AND time_utc < {ph}", (int(site_id), str(parameter), lo, hi))
        stored = pd.DataFrame(res.all(), columns=["time_utc", "value", "period_s"])
        stored["time_utc"] = pd.to_datetime(stored["time_utc"], format="ISO8601")
        cache: dict[str, Any] = {}
        rows: list[AlertRow] = []
        for rule in all_rules:
            for a in evaluate_series(rule, str(parameter), stored, tz, cache, settings):
                # keep the days recomputed from all their data; a run of the duration rule may have
                # started the day before the new data (that day is read in full as well)
                lo = day0 - timedelta(days=1) if rule.kind == "duration" else day0
                if not lo <= a["period_start"] < day1:
                    continue
                a.update(site_id=int(site_id), status="open", demo=demo, created_at=now)
                rows.append(a)
        _upsert(conn, rows)
    after = conn.scalar(select(func.count()).select_from(Alert)) or 0
    return int(after - before)


def reevaluate(conn: Connection, parameters: Iterable[str], *, tz: str = DEFAULT_TZ) -> int:
    """Evaluate the rules again over everything stored for ``parameters`` (after a limit setting changed).

    Open alerts of those parameters are dropped first, so an alert the new limit no longer supports goes;
    acknowledged or closed alerts are kept (their value and limit are updated where they still apply).
    Returns the number of open alerts afterwards.
    """
    params = sorted(set(parameters))
    if not params:
        return 0
    conn.execute(delete(Alert).where(Alert.parameter.in_(params), Alert.status == "open"))
    spans = conn.execute(select(Measurement.site_id, Measurement.parameter, func.min(Measurement.time_utc),
                                func.max(Measurement.time_utc), func.bool_or(Measurement.demo)
                                if conn.dialect.name == "postgresql" else func.max(Measurement.demo))
                         .where(Measurement.parameter.in_(params))
                         .group_by(Measurement.site_id, Measurement.parameter)).all()
    for site_id, parameter, t0, t1, demo in spans:
        frame = pd.DataFrame({"site_id": [site_id, site_id], "parameter": [parameter, parameter],
                              "time_utc": pd.to_datetime([t0, t1])})
        evaluate_for_rows(conn, frame, demo=bool(demo), tz=tz)
    return int(conn.scalar(select(func.count()).select_from(Alert).where(
        Alert.parameter.in_(params), Alert.status == "open")) or 0)
