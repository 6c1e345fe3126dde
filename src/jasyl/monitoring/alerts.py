"""Alert rules (``data/monitoring/alert_rules.yaml``), evaluated on every ingest, vectorised over series.

An alert is kept per (rule, site, parameter, period start) and names its rule (``rule_id``) and the
standard it compares with: for hourly rules the period is the local calendar day (the value is that
day's highest hourly mean), for 24-hour rules the day itself, for water rules the sample.
Re-evaluation recomputes the value from everything stored for that day, so ingesting the same data
again changes nothing and later data only raises or confirms the value.

One noisy reading does not make an alert:

* readings with a quality flag that excludes them (``out_of_range``, ``stuck``; ``jump`` for low-cost
  sensors, see ``quality.yaml``) are left out;
* at a low-cost sensor (site kind ``sensor``) an hour counts only with ``min_readings_per_hour``
  readings, and the hourly rules use the rolling mean over ``window_hours`` hours;
* where other sites cover the same place (the same ``place``, or within ``radius_m``), an alert of a
  low-cost sensor stands only when another sensor or a reference station of the place shows the same
  alert (``confirmation``: ``confirmed``); if they have data for the period and show none, the alert is
  kept but held back (``not_confirmed``, not counted as a new alert, not listed as open); with no
  other site of the place it is marked ``single_sensor``. Alerts of reference stations are ``reference``.

Alerts from low-cost sensors are grounds for an inspection, not proof: fines in Kazakhstan need an
accredited laboratory protocol.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from functools import cache
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Connection, bindparam, delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from jasyl.monitoring.air_limits import limit_for
from jasyl.monitoring.quality import EXCLUDED, EXCLUDED_LOW_COST
from jasyl.monitoring.settings import read_settings
from jasyl.monitoring.standards import (
    DEFAULT_TZ,
    MIN_HOURS_PER_DAY,
    StandardDef,
    find_standard,
    load_data,
    parameter_def,
)
from jasyl.store.engine import db_times, placeholder, utcnow
from jasyl.store.models import Alert, Measurement, Site

__all__ = ["Rule", "rules", "evaluate", "evaluate_series", "upsert_alerts", "confirm_alerts", "AlertRow",
           "LowCostSettings", "low_cost_settings", "CONFIRMATIONS", "STANDING", "count_standing", "peers",
           "evaluate_for_rows", "reevaluate"]

#: what the confirmation column says
CONFIRMATIONS = ("reference", "confirmed", "single_sensor", "not_confirmed", "not_checked")
#: confirmations of alerts that stand (are counted and listed as alerts)
STANDING = ("reference", "confirmed", "single_sensor", "not_checked")


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


@cache
def _rules() -> tuple[Rule, ...]:
    return tuple(Rule.from_dict(r) for r in load_data("alert_rules.yaml")["rules"])


def rules() -> list[Rule]:
    return list(_rules())


@dataclass(frozen=True)
class LowCostSettings:
    window_hours: int
    min_readings_per_hour: int
    min_hours_in_window: int
    radius_m: float


@cache
def low_cost_settings() -> LowCostSettings:
    d = load_data("alert_rules.yaml")["low_cost"]
    return LowCostSettings(window_hours=int(d["window_hours"]), min_readings_per_hour=int(d["min_readings_per_hour"]),
                           min_hours_in_window=int(d["min_hours_in_window"]), radius_m=float(d["radius_m"]))


AlertRow = dict[str, Any]


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


def _local_days(hours: pd.Series, tz: str) -> tuple[np.ndarray, pd.Series]:
    """Local calendar day (as naive UTC start of that day) of each naive-UTC time; computed per distinct hour."""
    codes, uniq = pd.factorize(hours)
    idx = pd.DatetimeIndex(uniq)
    local = idx.tz_localize("UTC").tz_convert(tz)
    day_start_local = local.floor("D", ambiguous=False, nonexistent="shift_forward") if len(local) else local
    starts = pd.DatetimeIndex(day_start_local).tz_convert("UTC").tz_localize(None)
    return np.asarray(starts)[codes], pd.Series(np.asarray(starts)[codes], index=hours.index)


def _day_end(start: np.ndarray, tz: str) -> np.ndarray:
    """UTC start of the next local day for each naive-UTC local-day start."""
    s = pd.DatetimeIndex(start).tz_localize("UTC").tz_convert(tz)
    nxt = (s.tz_localize(None) + pd.Timedelta(days=1)).tz_localize(tz, ambiguous=False, nonexistent="shift_forward")
    return np.asarray(nxt.tz_convert("UTC").tz_localize(None))


def _hourly(frame: pd.DataFrame, low_cost: frozenset[int]) -> pd.DataFrame:
    """Hourly means per series: columns site_id, parameter, hour, value (low-cost: rolling window)."""
    sub = frame[frame["period_s"] <= 3600]
    if sub.empty:
        return pd.DataFrame(columns=["site_id", "parameter", "hour", "value", "readings"])
    hours = sub["time_utc"].dt.floor("h")
    simple = (sub["period_s"] == 3600).all() and (hours == sub["time_utc"]).all()
    keyed = pd.DataFrame({"site_id": sub["site_id"].to_numpy(), "parameter": sub["parameter"].to_numpy(),
                          "hour": hours.to_numpy(), "value": sub["value"].to_numpy(float)})
    if simple:  # hourly means on the hour: (site, parameter, hour) is the stored key, so each hour is there once
        hourly = keyed.assign(readings=1)
    else:
        g = keyed.groupby(["site_id", "parameter", "hour"], sort=False)["value"]
        hourly = g.agg(value="mean", readings="count").reset_index()
    if not low_cost:
        return hourly
    lc = hourly["site_id"].isin(low_cost)
    if not lc.any():
        return hourly
    s = low_cost_settings()
    cheap = hourly[lc & (hourly["readings"] >= s.min_readings_per_hour)].sort_values(["site_id", "parameter", "hour"])
    rolled = []
    for (sid, param), grp in cheap.groupby(["site_id", "parameter"], sort=False):
        series = grp.set_index("hour")["value"]
        roll = series.rolling(f"{s.window_hours}h", min_periods=s.min_hours_in_window).mean().dropna()
        rolled.append(pd.DataFrame({"site_id": sid, "parameter": param, "hour": roll.index, "value": roll.to_numpy(),
                                    "readings": 1}))
    parts = [hourly[~lc], *rolled]
    return pd.concat(parts, ignore_index=True) if parts else hourly[~lc]


def evaluate(frame: pd.DataFrame, *, low_cost: Iterable[int] = (), tz: str = DEFAULT_TZ,
             rule_list: Iterable[Rule] | None = None, settings: Mapping[str, str] | None = None
             ) -> list[AlertRow]:
    """Alerts of every rule on the measurements in ``frame`` (columns site_id, parameter, time_utc (naive
    UTC), value, period_s, and optionally quality_flags). ``low_cost``: ids of low-cost sensor sites."""
    all_rules = list(rule_list) if rule_list is not None else rules()
    wanted = {p for r in all_rules for p in r.parameters}
    if frame.empty:
        return []
    lc = frozenset(int(x) for x in low_cost)
    df = frame[frame["parameter"].isin(wanted)]
    if "quality_flags" in df:
        flags = df["quality_flags"].fillna(0).astype(np.int64).to_numpy()
        mask = np.where(df["site_id"].isin(lc).to_numpy(), EXCLUDED_LOW_COST, EXCLUDED)
        df = df[(flags & mask) == 0]
    if df.empty:
        return []
    df = df.assign(time_utc=pd.to_datetime(df["time_utc"]))
    hourly = _hourly(df, lc)
    if not hourly.empty:
        day_start, _ = _local_days(hourly["hour"], tz)
        hourly = hourly.assign(day=day_start)
    daily = pd.DataFrame(columns=["site_id", "parameter", "day", "value"])
    if not hourly.empty:
        g = hourly.groupby(["site_id", "parameter", "day"], sort=False)["value"]
        daily = g.agg(value="mean", hours="count").reset_index()
        daily = daily[daily["hours"] >= MIN_HOURS_PER_DAY]
    native = df[df["period_s"] == 86400]
    if not native.empty:
        nday, _ = _local_days(native["time_utc"], tz)
        extra = pd.DataFrame({"site_id": native["site_id"].to_numpy(), "parameter": native["parameter"].to_numpy(),
                              "day": nday, "value": native["value"].to_numpy(float)})
        extra = extra.groupby(["site_id", "parameter", "day"], sort=False)["value"].mean().reset_index()
        merged = extra.merge(daily[["site_id", "parameter", "day"]], how="left", indicator=True)
        daily = pd.concat([daily, extra[(merged["_merge"] == "left_only").to_numpy()]], ignore_index=True)
    by_param = {str(p): g for p, g in df.groupby("parameter", sort=False)}
    hourly_by = {str(p): g for p, g in hourly.groupby("parameter", sort=False)} if not hourly.empty else {}
    daily_by = {str(p): g for p, g in daily.groupby("parameter", sort=False)} if not daily.empty else {}
    parts: list[pd.DataFrame] = []
    for rule in all_rules:
        for parameter in rule.parameters:
            if parameter not in by_param:
                continue
            lim = _limit(rule, parameter, settings)
            if lim is None:
                continue
            limit, std_id, minimum, basis = lim
            part: pd.DataFrame | None = None
            if rule.kind == "water_mpc":
                samples = by_param[parameter]
                bad = (samples["value"] < limit) if minimum else (samples["value"] > limit)
                hit = samples[bad]
                part = pd.DataFrame({"site_id": hit["site_id"].to_numpy(), "period_start": hit["time_utc"].to_numpy(),
                                     "period_end": hit["time_utc"].to_numpy(), "value": hit["value"].to_numpy(float),
                                     "averaging": "sample"})
            elif rule.kind in ("mpc_multiple", "threshold") and rule.averaging == "24h":
                d = daily_by.get(parameter)
                if d is not None:
                    hit = d[(d["value"] <= limit) if minimum else (d["value"] >= limit)]
                    days = hit["day"].to_numpy()
                    part = pd.DataFrame({"site_id": hit["site_id"].to_numpy(), "period_start": days,
                                         "period_end": _day_end(days, tz), "value": hit["value"].to_numpy(float),
                                         "averaging": "24h"})
            else:
                h = hourly_by.get(parameter)
                if h is None:
                    continue
                above = (h["value"] <= limit) if minimum else (h["value"] >= limit)
                if rule.kind in ("mpc_multiple", "threshold"):
                    hit = h[above]
                    worst = hit.groupby(["site_id", "day"], sort=False)["value"].agg(
                        "min" if minimum else "max").reset_index()
                    days = worst["day"].to_numpy()
                    part = pd.DataFrame({"site_id": worst["site_id"].to_numpy(), "period_start": days,
                                         "period_end": _day_end(days, tz), "value": worst["value"].to_numpy(float),
                                         "averaging": "1h"})
                elif rule.kind == "duration":
                    part = _duration(rule, h, above, minimum)
            if part is None or part.empty:
                continue
            v = part["value"].to_numpy(float)
            with np.errstate(divide="ignore"):
                ratio = np.where(v > 0, limit / np.where(v > 0, v, 1.0), np.inf) if minimum else v / limit
            parts.append(part.assign(rule_id=rule.id, severity=rule.severity, parameter=parameter,
                                     unit=parameter_def(parameter).unit, standard_id=std_id, limit_value=float(limit),
                                     ratio=ratio, excess=(limit - v) if minimum else (v - limit),
                                     limit_basis=basis))
    if not parts:
        return []
    alerts = pd.concat(parts, ignore_index=True)
    records = alerts[["rule_id", "severity", "site_id", "parameter", "averaging", "value", "unit", "standard_id",
                      "limit_value", "ratio", "excess", "limit_basis"]].to_dict("records")
    starts = pd.DatetimeIndex(alerts["period_start"]).to_pydatetime()
    ends = pd.DatetimeIndex(alerts["period_end"]).to_pydatetime()
    for r, a, b in zip(records, starts, ends, strict=True):
        r["site_id"] = int(r["site_id"])
        r["period_start"], r["period_end"] = a, b
    return records


def _duration(rule: Rule, h: pd.DataFrame, above: pd.Series, minimum: bool) -> pd.DataFrame:
    """Runs of consecutive hours beyond the limit of at least ``rule.hours``; one alert per local day of
    run start (the longest run)."""
    h = h.assign(above=above.to_numpy()).sort_values(["site_id", "hour"])
    sid = h["site_id"].to_numpy()
    hour = h["hour"].to_numpy()
    ab = h["above"].to_numpy()
    cont = np.zeros(len(h), dtype=bool)
    if len(h) > 1:
        cont[1:] = (sid[1:] == sid[:-1]) & ((hour[1:] - hour[:-1]) == np.timedelta64(1, "h")) & ab[:-1]
    start = ab & ~cont
    run = np.cumsum(start)
    runs = pd.DataFrame({"run": run[ab], "site_id": sid[ab], "hour": hour[ab], "day": h["day"].to_numpy()[ab],
                         "value": h["value"].to_numpy()[ab]})
    if runs.empty:
        return runs
    agg = runs.groupby("run").agg(site_id=("site_id", "first"), last=("hour", "last"), day=("day", "first"),
                                  n=("hour", "count"), value=("value", "min" if minimum else "max"))
    agg = agg[agg["n"] >= rule.hours].sort_values("n").drop_duplicates(["site_id", "day"], keep="last")
    return pd.DataFrame({"site_id": agg["site_id"].to_numpy(), "period_start": agg["day"].to_numpy(),
                         "period_end": agg["last"].to_numpy() + np.timedelta64(1, "h"),
                         "value": agg["value"].to_numpy(float), "averaging": [f"{int(n)}h" for n in agg["n"]]})


def evaluate_series(rule: Rule, parameter: str, df: pd.DataFrame, tz: str = DEFAULT_TZ,
                    cache: dict[str, Any] | None = None, settings: Mapping[str, str] | None = None
                    ) -> list[AlertRow]:
    """Alerts of one rule on one site's measurements of one parameter (columns time_utc, value, period_s).

    ``cache`` is accepted for older callers and not used (the evaluation is vectorised)."""
    if parameter not in rule.parameters or df.empty:
        return []
    frame = df.assign(site_id=0, parameter=parameter)
    rows = evaluate(frame, tz=tz, rule_list=[replace(rule, parameters=(parameter,))], settings=settings)
    for r in rows:
        r.pop("site_id", None)
    return rows


# ------------------------------------------------------------------------------------------ store side

def upsert_alerts(conn: Connection, rows: list[AlertRow], *, demo: bool) -> None:
    """Insert or update alerts (the inspector's status of an existing alert is kept)."""
    if not rows:
        return
    now = utcnow()
    payload = [dict(r, status="open", demo=demo, created_at=now, confirmation="not_checked") for r in rows]
    table: Any = Alert.__table__
    ins: Any = sqlite.insert(table) if conn.dialect.name == "sqlite" else postgresql.insert(table)
    stmt = ins.on_conflict_do_update(
        index_elements=["rule_id", "site_id", "parameter", "period_start"],
        set_={c: ins.excluded[c] for c in ("severity", "averaging", "period_end", "value", "unit",
                                           "standard_id", "limit_value", "ratio", "excess", "limit_basis")})
    conn.execute(stmt, payload)


def _distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6_371_000.0 * math.asin(min(1.0, math.sqrt(a)))


def peers(sites: pd.DataFrame, radius_m: float) -> dict[int, list[int]]:
    """Other sites covering the same place: same ``place`` text, or within ``radius_m`` metres."""
    out: dict[int, list[int]] = {int(s): [] for s in sites["id"]}
    rows = list(sites.itertuples(index=False))
    for i, a in enumerate(rows):
        for b in rows[i + 1:]:
            same = bool(a.place) and a.place == b.place
            if not same and None not in (a.latitude, b.latitude, a.longitude, b.longitude) and not any(
                    pd.isna(x) for x in (a.latitude, b.latitude, a.longitude, b.longitude)):
                same = _distance_m(a.latitude, a.longitude, b.latitude, b.longitude) <= radius_m
            if same:
                out[int(a.id)].append(int(b.id))
                out[int(b.id)].append(int(a.id))
    return out


def confirm_alerts(conn: Connection, site_ids: Iterable[int], lo: datetime, hi: datetime) -> None:
    """Set ``confirmation`` of the alerts of ``site_ids`` (and of the sites of their places) with a period
    starting in [lo, hi)."""
    sites = pd.DataFrame(conn.execute(select(Site.id, Site.kind, Site.place, Site.latitude, Site.longitude)).all(),
                         columns=["id", "kind", "place", "latitude", "longitude"])
    if sites.empty:
        return
    near = peers(sites, low_cost_settings().radius_m)
    kind = dict(zip(sites["id"].astype(int), sites["kind"], strict=True))
    code = dict(conn.execute(select(Site.id, Site.code)).all())
    touched = {int(s) for s in site_ids}
    touched |= {p for s in touched for p in near.get(s, [])}
    if not touched:
        return
    stations = sorted(s for s in touched if kind.get(s) != "sensor")
    if stations:  # a reference station's alert stands on its own
        conn.execute(update(Alert).where(Alert.site_id.in_(stations), Alert.period_start >= lo, Alert.period_start < hi,
                                         Alert.confirmation != "reference").values(confirmation="reference",
                                                                                    confirmed_by=None))
    if len(stations) == len(touched):
        return
    alerts = pd.DataFrame(conn.execute(
        select(Alert.id, Alert.rule_id, Alert.site_id, Alert.parameter, Alert.period_start, Alert.period_end,
               Alert.confirmation, Alert.confirmed_by).where(Alert.site_id.in_(sorted(touched)),
                                                             Alert.period_start >= lo, Alert.period_start < hi)).all(),
        columns=["id", "rule_id", "site_id", "parameter", "period_start", "period_end", "confirmation", "confirmed_by"])
    if alerts.empty:
        return
    keys = {(r.rule_id, int(r.site_id), r.parameter, pd.Timestamp(r.period_start)) for r in alerts.itertuples()}
    ph = placeholder(conn)
    updates: list[dict[str, Any]] = []
    for r in alerts.itertuples():
        sid = int(r.site_id)
        if kind.get(sid) != "sensor":
            continue
        others = near.get(sid, [])
        new: str
        by: str | None
        agreeing = [p for p in others if (r.rule_id, p, r.parameter, pd.Timestamp(r.period_start)) in keys]
        if not agreeing and others:
            agreeing = _peer_alerts(conn, r, others)
        if agreeing:
            new, by = "confirmed", ",".join(sorted(str(code[p]) for p in agreeing))
        elif others:
            lo_t, hi_t = db_times(conn, pd.Series([r.period_start, max(r.period_end, r.period_start)]))
            have = [int(x) for (x,) in conn.exec_driver_sql(
                f"SELECT DISTINCT site_id FROM measurements WHERE parameter = {ph} AND time_utc >= {ph} "
                f"AND time_utc <= {ph} AND site_id IN ({', '.join(str(int(p)) for p in others)})",
                (str(r.parameter), lo_t, hi_t)).all()]
            new, by = (("not_confirmed", ",".join(sorted(str(code[p]) for p in have))) if have
                       else ("single_sensor", None))
        else:
            new, by = "single_sensor", None
        if new != r.confirmation or by != r.confirmed_by:
            updates.append({"aid": int(r.id), "c": new, "b": by})
    if updates:
        conn.execute(update(Alert).where(Alert.id == bindparam("aid")).values(
            confirmation=bindparam("c"), confirmed_by=bindparam("b")), updates)


def _peer_alerts(conn: Connection, r: Any, others: list[int]) -> list[int]:
    rows = conn.execute(select(Alert.site_id).where(
        Alert.rule_id == r.rule_id, Alert.parameter == r.parameter, Alert.period_start == r.period_start,
        Alert.site_id.in_(others))).all()
    return [int(x) for (x,) in rows]


def count_standing(conn: Connection) -> int:
    """Alerts that stand (not held back for want of confirmation)."""
    return int(conn.scalar(select(func.count()).select_from(Alert).where(Alert.confirmation.in_(STANDING))) or 0)


def evaluate_for_rows(conn: Connection, frame: pd.DataFrame, *, demo: bool, tz: str = DEFAULT_TZ) -> int:
    """Re-evaluate every rule for the (site, parameter) pairs and local days touched by ``frame`` (columns
    site_id, parameter, time_utc), from everything stored for those days (one more day each side for runs).

    Returns the number of new alerts."""
    all_rules = rules()
    wanted = {p for r in all_rules for p in r.parameters}
    touched = frame[frame["parameter"].isin(wanted)]
    if touched.empty:
        return 0
    before = conn.scalar(select(func.count()).select_from(Alert)) or 0
    settings = read_settings(conn)
    kinds = dict(conn.execute(select(Site.id, Site.kind)).all())
    for (site_id, parameter), grp in touched.groupby(["site_id", "parameter"]):
        times = pd.to_datetime(grp["time_utc"])
        day0 = pd.Timestamp(times.min()).tz_localize("UTC").tz_convert(tz).normalize()
        day1 = pd.Timestamp(times.max()).tz_localize("UTC").tz_convert(tz).normalize()
        lo = (day0 - pd.Timedelta(days=1)).tz_convert("UTC").tz_localize(None)
        hi = (day1 + pd.Timedelta(days=2)).tz_convert("UTC").tz_localize(None)
        lo_t, hi_t = db_times(conn, pd.Series([lo.to_pydatetime(), hi.to_pydatetime()]))
        ph = placeholder(conn)
        stored = pd.DataFrame(conn.exec_driver_sql(
            f"SELECT time_utc, value, period_s, quality_flags FROM measurements WHERE site_id = {ph} "
            f"AND parameter = {ph} AND time_utc >= {ph} AND time_utc < {ph}",
            (int(site_id), str(parameter), lo_t, hi_t)).all(),
            columns=["time_utc", "value", "period_s", "quality_flags"])
        if stored.empty:
            continue
        stored = stored.assign(site_id=int(site_id), parameter=str(parameter),
                               time_utc=pd.to_datetime(stored["time_utc"], format="ISO8601"))
        low_cost = [int(site_id)] if kinds.get(int(site_id)) == "sensor" else []
        rows = evaluate(stored, low_cost=low_cost, tz=tz, settings=settings)
        keep_lo = (lo + pd.Timedelta(days=1)) - pd.Timedelta(days=1)
        keep_hi = hi - pd.Timedelta(days=1)
        keep = [r for r in rows if keep_lo <= pd.Timestamp(r["period_start"]) < keep_hi]
        upsert_alerts(conn, keep, demo=demo)
        confirm_alerts(conn, [int(site_id)], keep_lo.to_pydatetime(), keep_hi.to_pydatetime())
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
