"""What ``jasyl monitor status`` shows: per site latest values, averages, indices, exceedances, alerts.

Pure read side; returns one JSON-ready dict. Windows are anchored at each site's latest measurement
(not at "now"), so a site whose data stopped still shows its last state, with the date.
"""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pandas as pd
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from jasyl.errors import InputError
from jasyl.monitoring.air_limits import limit_for
from jasyl.monitoring.emissions import damage
from jasyl.monitoring.indices import aqi, iza, izv, izv_class, kazhydromet_level, np_percent, standard_index
from jasyl.monitoring.quality import EXCLUDED, EXCLUDED_LOW_COST, flag_names
from jasyl.monitoring.register import register
from jasyl.monitoring.settings import class_table_from_settings, get_settings
from jasyl.monitoring.standards import (
    DEFAULT_TZ,
    daily_means,
    find_standard,
    hourly_means,
    parameter_def,
    rolling_means,
    standards_for,
)
from jasyl.monitoring.water_status import water_class_block
from jasyl.store.engine import display_url
from jasyl.store.models import Alert, Measurement, Site, Source

__all__ = ["site_status", "status", "site_frame", "INDEX_WINDOW_DAYS", "EXCEEDANCE_WINDOW_DAYS"]

INDEX_WINDOW_DAYS = 30
MIN_DAYS_PER_YEAR = 274  # 75 % of 365
EXCEEDANCE_WINDOW_DAYS = 365
DEMO_LABEL = "DEMO"


def _f(x: Any, digits: int = 3) -> float | None:
    if x is None:
        return None
    x = float(x)
    return None if math.isnan(x) or math.isinf(x) else round(x, digits)


def site_frame(engine: Engine, site_id: int, since: Any = None, *, with_quality: bool = False) -> pd.DataFrame:
    """Measurements of a site (columns time_utc, parameter, value, period_s, unit; with ``with_quality``
    also quality_flags, value_corrected and correction)."""
    cols: list[Any] = [Measurement.time_utc, Measurement.parameter, Measurement.value, Measurement.period_s,
                       Measurement.unit]
    names = ["time_utc", "parameter", "value", "period_s", "unit"]
    if with_quality:
        cols += [Measurement.quality_flags, Measurement.value_corrected, Measurement.correction]
        names += ["quality_flags", "value_corrected", "correction"]
    q = select(*cols).where(Measurement.site_id == site_id)
    if since is not None:
        q = q.where(Measurement.time_utc >= since)
    with engine.connect() as conn:
        rows = conn.execute(q.order_by(Measurement.time_utc)).all()
    df = pd.DataFrame(rows, columns=names)
    df["time_utc"] = pd.to_datetime(df["time_utc"])
    return df


def _air_block(df: pd.DataFrame, tz: str) -> dict[str, Any]:
    params = [p for p in df["parameter"].unique() if parameter_def(p).medium == "air"]
    if not params:
        return {}
    end = df["time_utc"].max()
    recent = df[df["time_utc"] > end - timedelta(days=INDEX_WINDOW_DAYS)]
    per: dict[str, pd.DataFrame] = {p: recent[recent["parameter"] == p] for p in params}
    # AQI of the last local day with data
    # the last local day with a valid 24-hour mean (a day cut short by the end of the data is skipped)
    valid_days = [d for sub in per.values() for d in daily_means(sub, tz).index]
    last_day = max(valid_days) if valid_days else pd.Timestamp(end).tz_localize("UTC").tz_convert(tz).date()
    conc: dict[str, float | None] = {}
    for p, sub in per.items():
        daily = daily_means(sub, tz)
        hourly = hourly_means(sub)
        local = pd.DatetimeIndex(hourly.index).tz_localize("UTC").tz_convert(tz).date if not hourly.empty else []
        day_hourly = hourly[[d == last_day for d in local]] if len(hourly) else hourly
        if p in ("pm25", "pm10"):
            conc[f"{p}_24h"] = float(daily[last_day]) if last_day in daily.index else None
        elif p in ("o3", "co"):
            roll = rolling_means(sub)
            rl = pd.DatetimeIndex(roll.index).tz_localize("UTC").tz_convert(tz).date if not roll.empty else []
            day_roll = roll[[d == last_day for d in rl]] if len(roll) else roll
            conc[f"{p}_8h"] = float(day_roll.max()) if not day_roll.empty else None
            if p == "o3":
                conc["o3_1h"] = float(day_hourly.max()) if not day_hourly.empty else None
        elif p in ("no2", "so2"):
            conc[f"{p}_1h"] = float(day_hourly.max()) if not day_hourly.empty else None
            if p == "so2":
                conc["so2_24h"] = float(daily[last_day]) if last_day in daily.index else None
    res = aqi(conc)
    # Kazhydromet indices over the window
    si: dict[str, float] = {}
    nps: dict[str, float] = {}
    means: dict[str, float] = {}
    for p, sub in per.items():
        hourly = hourly_means(sub)
        if hourly.empty:
            continue
        value = standard_index(float(hourly.max()), p)
        if value is not None:
            si[p] = value
        npv = np_percent(hourly.to_numpy(), p)
        if npv is not None:
            nps[p] = npv
        means[p] = float(hourly.mean())
    iza_value, iza_terms = iza(means)
    si_max = max(si.values()) if si else None
    np_max = max(nps.values()) if nps else None
    return {
        "aqi": {"index": res.index, "category": res.category, "pollutant": res.pollutant,
                "sub_indices": res.sub_indices, "day_local": str(last_day),
                "basis": "US EPA AQI (May 2024 breakpoints) of the last local day with data"},
        "kazhydromet": {
            "window_days": INDEX_WINDOW_DAYS, "si": {k: _f(v) for k, v in si.items()}, "si_max": _f(si_max),
            "si_level": kazhydromet_level("si", si_max) if si_max is not None else None,
            "np_percent": {k: _f(v, 2) for k, v in nps.items()}, "np_max": _f(np_max, 2),
            "np_level": kazhydromet_level("np", np_max) if np_max is not None else None,
            "iza5": _f(iza_value) if iza_terms else None,
            "iza_level": kazhydromet_level("iza", iza_value) if iza_terms else None,
            "iza_terms": {k: _f(v) for k, v in iza_terms.items()},
            "basis": "hourly means of the last 30 days of data; IZA from their period means "
                     "(Kazhydromet publishes IZA on annual means)"},
    }


def _water_block(df: pd.DataFrame) -> dict[str, Any]:
    water = df[[parameter_def(p).medium == "water" for p in df["parameter"]]]
    if water.empty:
        return {}
    latest = water.sort_values("time_utc").groupby("parameter").tail(1)
    conc = {r.parameter: float(r.value) for r in latest.itertuples()}
    out: dict[str, Any] = {"latest_sample_utc": str(latest["time_utc"].max())}
    res = izv(conc)
    if res is not None:
        value, _ = res
        klass, name = izv_class(value)
        out["izv"] = {"value": _f(value), "class": klass, "name": name,
                      "basis": "latest sample of each indicator, fishery MPC"}
    out["classification"] = "see water_class (indicative class of Order 111-НҚ or the user's table)"
    return out


def _exceedances(df: pd.DataFrame, tz: str, settings: dict[str, str] | None = None) -> list[dict[str, Any]]:
    out = []
    end = df["time_utc"].max()
    recent = df[df["time_utc"] > end - timedelta(days=EXCEEDANCE_WINDOW_DAYS)]
    for p, sub in recent.groupby("parameter"):
        for std in standards_for(str(p)):
            if std.averaging == "1h":
                series = hourly_means(sub)
            elif std.averaging == "24h":
                series = daily_means(sub, tz)
            elif std.averaging == "8h":
                series = rolling_means(sub)
            elif std.averaging == "annual":
                # an annual mean needs valid daily means on at least 75 % of the days of the year
                daily = daily_means(sub, tz)
                if daily.empty:
                    continue
                grouped = daily.groupby([d.year for d in daily.index])
                counts = grouped.count()
                series = grouped.mean()[counts >= MIN_DAYS_PER_YEAR]
            else:  # water samples
                series = sub.set_index("time_utc")["value"]
            if series.empty:
                continue
            choice = limit_for(std.id, settings)
            if choice is not None:  # sources conflict: the value chosen by the settings, named
                std = replace(std, value=choice.value, note=choice.describe())
            beyond = series[series < std.value] if std.minimum else series[series > std.value]
            worst = series.min() if std.minimum else series.max()
            out.append({"standard_id": std.id, "body": std.body, "parameter": str(p),
                        "averaging": std.averaging, "limit": std.value, "unit": std.unit,
                        "periods": int(len(series)), "exceedances": int(len(beyond)),
                        "worst": _f(worst),
                        "worst_ratio": _f((std.value / worst if worst else None) if std.minimum
                                          else worst / std.value),
                        "status": std.status, "limit_basis": std.note if choice is not None else ""})
    return out


def _reading(period_s: int) -> str:
    """What a stored value is: a single reading, or a mean over its period."""
    if period_s <= 0:
        return "single reading"
    if period_s % 3600 == 0:
        return f"mean over {period_s // 3600} h"
    return f"mean over {period_s / 60:g} min" if period_s % 60 == 0 else f"mean over {period_s} s"


def site_status(engine: Engine, site: Site, tz: str = DEFAULT_TZ, settings: dict[str, str] | None = None
                ) -> dict[str, Any]:
    with engine.connect() as conn:
        last = conn.scalar(select(func.max(Measurement.time_utc)).where(Measurement.site_id == site.id))
    info: dict[str, Any] = {
        "id": site.id, "code": site.code, "name": site.name, "kind": site.kind, "demo": bool(site.demo),
        "label": DEMO_LABEL if site.demo else "", "latitude": site.latitude, "longitude": site.longitude,
        "approximate_location": bool(site.approximate_location), "latest": [], "exceedances": [],
        "open_alerts": []}
    if last is None:
        return info
    full = site_frame(engine, site.id, since=last - timedelta(days=EXCEEDANCE_WINDOW_DAYS), with_quality=True)
    # readings whose quality flags exclude them (quality.yaml) are shown with their flags but left out of
    # means, indices and exceedances
    mask = EXCLUDED_LOW_COST if site.kind == "sensor" else EXCLUDED
    flags = full["quality_flags"].fillna(0).astype("int64")
    excluded = (flags & mask) != 0
    df = full.loc[~excluded, ["time_utc", "parameter", "value", "period_s", "unit"]]
    info["sensor_type"] = site.sensor_type
    info["excluded_readings"] = int(excluded.sum())
    latest = full.sort_values("time_utc").groupby("parameter").tail(1).sort_values("parameter")
    for r in latest.itertuples():
        mpc = find_standard(str(r.parameter), "mpc_one_off") or find_standard(str(r.parameter), "fishery_mpc")
        info["latest"].append({
            "parameter": r.parameter, "parameter_label": parameter_def(str(r.parameter)).label,
            "time_utc": pd.Timestamp(r.time_utc).isoformat() + "Z", "value": _f(r.value, 4), "unit": r.unit,
            "period_s": int(r.period_s), "label": DEMO_LABEL if site.demo else "",
            "reading": _reading(int(r.period_s)),
            "quality_flags": flag_names(int(r.quality_flags or 0)),
            "excluded_from_means": bool(int(r.quality_flags or 0) & mask),
            "value_corrected": _f(r.value_corrected, 4) if pd.notna(r.value_corrected) else None,
            "correction": r.correction if isinstance(r.correction, str) else None,
            "mpc": mpc.value if mpc else None,
            "ratio_to_mpc": _f((mpc.value / r.value if r.value else None) if mpc and mpc.minimum
                               else (r.value / mpc.value if mpc else None))})
    info.update(_air_block(df, tz))
    info.update({"water": _water_block(df)} if _water_block(df) else {})
    if "water" in info:
        year = site_frame(engine, site.id, since=last - timedelta(days=365))
        info["water_class"] = water_class_block(year, site.water_body,
                                                class_table_from_settings(settings or {}))
    info["exceedances"] = [dict(e, label=DEMO_LABEL if site.demo else "") for e in _exceedances(df, tz, settings)]
    with Session(engine) as conn:
        alerts = conn.scalars(select(Alert).where(Alert.site_id == site.id, Alert.status == "open")
                              .order_by(Alert.period_start.desc(), Alert.rule_id).limit(20)).all()
        n_open = conn.scalar(select(func.count()).select_from(Alert).where(
            Alert.site_id == site.id, Alert.status == "open")) or 0
    info["open_alerts_total"] = int(n_open)
    info["open_alerts"] = [{
        "rule": a.rule_id, "severity": a.severity, "parameter": a.parameter, "averaging": a.averaging,
        "period_start_utc": a.period_start.isoformat() + "Z", "period_end_utc": a.period_end.isoformat() + "Z",
        "value": _f(a.value, 4), "unit": a.unit, "standard": a.standard_id, "limit": _f(a.limit_value, 6),
        "ratio": _f(a.ratio), "excess": _f(a.excess, 4), "limit_basis": a.limit_basis or "",
        "label": DEMO_LABEL if a.demo else ""}
        for a in alerts]
    return info


def status(engine: Engine, site_codes: list[str] | None = None, tz: str = DEFAULT_TZ) -> dict[str, Any]:
    with Session(engine, expire_on_commit=False) as session:
        q = select(Site).order_by(Site.demo, Site.code)
        if site_codes:
            q = q.where(Site.code.in_(site_codes))
        sites = list(session.scalars(q).all())
        sources = list(session.scalars(select(Source).order_by(Source.demo, Source.name)).all())
        session.expunge_all()
    if site_codes:
        missing = sorted(set(site_codes) - {s.code for s in sites})
        if missing:
            raise InputError(f"unknown site(s): {', '.join(missing)}", field="site",
                             fix="see the site codes in 'jasyl monitor status'")
    settings = get_settings(engine)
    out = {
        "database": display_url(str(engine.url)),
        "demo_data_present": any(s.demo for s in sites) or any(s.demo for s in sources),
        "notes": ["Rows labelled DEMO are synthetic demonstration data, not measurements.",
                  "Exceedances are screening results; in Kazakhstan enforcement needs an accredited "
                  "laboratory protocol.",
                  "KZ one-off MPC (20-30 min) is compared with hourly means."],
        "sites": [site_status(engine, s, tz, settings) for s in sites],
        "sources": [{"id": s.id, "name": s.name, "type": s.type, "status": s.status, "latitude": s.latitude,
                     "longitude": s.longitude, "approximate_location": bool(s.approximate_location),
                     "operator": s.operator, "notes": s.notes, "demo": bool(s.demo),
                     "label": DEMO_LABEL if s.demo else ""} for s in sources],
    }
    return out


def report_data(engine: Engine, site_codes: list[str] | None = None, tz: str = DEFAULT_TZ,
                window_days: int = 365) -> dict[str, Any]:
    """Everything the monitoring report draws, read from the database here and nowhere else: the
    :func:`status` data plus ``frames`` (site code -> measurements of the last ``window_days`` days
    before the site's latest value, as from :func:`site_frame`)."""
    data = status(engine, site_codes, tz)
    with engine.connect() as conn:
        ids = {str(code): int(site_id) for code, site_id in conn.execute(select(Site.code, Site.id)).all()}
    frames: dict[str, pd.DataFrame] = {}
    for site in data["sites"]:
        df = site_frame(engine, ids[site["code"]])
        if not df.empty:
            end = df["time_utc"].max()
            df = df[df["time_utc"] > end - pd.Timedelta(days=window_days)]
        frames[site["code"]] = df
    return {**data, "frames": frames, "register": [r.to_dict() for r in register(engine)],
            "damage": damage(engine).to_dict()}
