"""Vega-Lite charts of a plan's hours: supply by technology with a zoom, and duration curves."""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import numpy as np
import pandas as pd

from jasyl.report.chart_base import (
    TECH_COLORS,
    WIDTH,
    base_tech,
    color_scale,
    empty_chart,
    epoch_ms,
    finish,
    t,
)
from jasyl.report.labels import Labels
from jasyl.report.vegalite import Chart, records, wallclock_ms

__all__ = ["dispatch_chart", "duration_chart", "supply_columns"]


# ------------------------------------------------------------------------------------ dispatch
def supply_columns(dispatch: pd.DataFrame, bus: str) -> dict[str, np.ndarray]:
    """Hourly supply (MW, >= 0) to a bus group by base technology, and the bus's demand (``demand``).

    ``bus``: ``electricity`` or ``heat`` (every ``heat*`` bus). Storage charging and conversion inputs
    are withdrawals, not supply; curtailment is left out.
    """
    out: dict[str, np.ndarray] = {}
    demand = np.zeros(len(dispatch))
    for column in dispatch.columns:
        b, _, tech = str(column).partition(":")
        if not (b.startswith("heat") if bus == "heat" else b == bus):
            continue
        values = dispatch[column].to_numpy(dtype=float)
        if tech == "demand":
            demand += -values
            continue
        if tech == "curtailment":
            continue
        pos = np.clip(values, 0, None)
        if pos.max(initial=0.0) > 0.01:
            key = base_tech(tech)
            out[key] = out.get(key, np.zeros(len(dispatch))) + pos
    out["demand"] = demand
    return out


def dispatch_chart(dispatch: pd.DataFrame, *, lang: str, tz: str, bus: str = "electricity",
                   sources: Sequence[str] = (), chart_id: str = "chart-dispatch",
                   start_local: str | None = None) -> Chart:
    """Hourly supply by technology, local time, with a zoom: drag on the lower overview strip to
    choose the period shown above (starts on one week). In a static SVG the upper panel shows that
    first week.
    """
    lab = Labels(lang)
    title = t("dispatch.title", lang, bus=lab.sector(bus))
    if dispatch.empty:
        return empty_chart(chart_id, title, lang, lab.t("fig.no_data"), ["time_utc"])
    cols = supply_columns(dispatch, bus)
    demand = cols.pop("demand")
    order = sorted(cols, key=lambda k: (k.startswith("grid"), -float(cols[k].sum())))
    index = pd.DatetimeIndex(dispatch.index)
    utc = index.tz_localize("UTC") if index.tz is None else index.tz_convert("UTC")
    local = utc.tz_convert(tz)
    data = pd.DataFrame({"time_utc": utc.strftime("%Y-%m-%dT%H:%MZ"),
                         "time_local": local.strftime("%Y-%m-%d %H:%M")})
    for k in order:
        data[f"{k}_mw"] = cols[k]
    data["demand_mw"] = demand
    names = {f"{k}_mw": lab.tech(k) for k in order}
    ms = wallclock_ms(utc, tz)
    wide = pd.DataFrame({"ms": ms, **{names[c]: data[c].round(3) for c in names},
                         "__demand": data["demand_mw"].round(3)})
    src = alt.Data(values=records(wide))
    # initial zoom window: one week from start_local (default: the first full local day)
    first = pd.Timestamp(ms[0], unit="ms")
    next_midnight = first.normalize() + (pd.Timedelta(days=1) if first.hour else pd.Timedelta(0))
    start = pd.Timestamp(start_local) if start_local else next_midnight
    start = max(min(start, pd.Timestamp(ms[-1], unit="ms") - pd.Timedelta(days=7)), first)
    end = start + pd.Timedelta(days=7)
    window = [epoch_ms(start), epoch_ms(end)]
    brush = alt.selection_interval(name="zoom", encodings=["x"], value={"x": window})
    scale = color_scale(order, [lab.tech(k) for k in order])
    x_detail = alt.X("ms:T", scale=alt.Scale(type="utc", domain={"param": "zoom"}), title=None,
                     axis=alt.Axis(format="%d %b %H:%M", labelAngle=0, tickCount=7))
    detail_area = alt.Chart(src).transform_fold(list(names.values()), as_=["technology", "mw"]).mark_area(
        clip=True, interpolate="step-after").encode(
        x=x_detail, y=alt.Y("mw:Q", stack="zero", title=t("unit.mw", lang)),
        color=alt.Color("technology:N", scale=scale, title=None, legend=alt.Legend(orient="bottom", columns=2)),
        tooltip=[alt.Tooltip("ms:T", title=t("dispatch.local_time", lang, tz=tz), format="%d %b %Y %H:%M",
                             formatType="utc"),
                 alt.Tooltip("technology:N", title=t("capacity.technology", lang)),
                 alt.Tooltip("mw:Q", title=t("unit.mw", lang), format=",.1f")])
    demand_line = alt.Chart(src).mark_line(color="#222222", strokeWidth=1.2, clip=True,
                                           interpolate="step-after").encode(
        x=x_detail, y=alt.Y("__demand:Q"),
        tooltip=[alt.Tooltip("__demand:Q", title=t("dispatch.demand", lang), format=",.1f")])
    detail = alt.layer(detail_area, demand_line).properties(width=WIDTH, height=260)
    overview = alt.Chart(src).transform_timeunit(day="utcyearmonthdate(ms)").transform_aggregate(
        demand="mean(__demand)", groupby=["day"]).mark_area(color="#9db7d5").encode(
        x=alt.X("day:T", scale=alt.Scale(type="utc"), title=t("dispatch.overview", lang, tz=tz),
                axis=alt.Axis(format="%b" if ms[-1] - ms[0] > 60 * 86_400_000 else "%d %b", labelAngle=0)),
        y=alt.Y("demand:Q", title=None, axis=alt.Axis(tickCount=2)),
    ).add_params(brush).properties(width=WIDTH, height=60)
    chart = alt.vconcat(detail, overview).properties(title=title)
    return finish(chart, chart_id, title, data, lang, sources, t("dispatch.caption", lang))


def duration_chart(dispatch: pd.DataFrame, *, lang: str, bus: str = "electricity", points: int = 400,
                   sources: Sequence[str] = (), chart_id: str = "chart-duration") -> Chart:
    """Duration curves: each technology's hourly output sorted from highest to lowest, and the
    demand's. The x axis is the share of the hours (so a shorter horizon reads the same way).

    Curves are sampled at ``points`` ranks (first and last rank always kept); the CSV holds the
    sampled curves.
    """
    lab = Labels(lang)
    title = t("duration.title", lang, bus=lab.sector(bus))
    if dispatch.empty:
        return empty_chart(chart_id, title, lang, lab.t("fig.no_data"), ["technology", "hours_share_percent", "mw"])
    cols = supply_columns(dispatch, bus)
    n = len(dispatch)
    ranks = np.unique(np.linspace(0, n - 1, min(points, n)).round().astype(int))
    rows = []
    for key, values in cols.items():
        ordered = np.sort(values)[::-1]
        if ordered.max(initial=0.0) <= 0.01:
            continue
        name = t("dispatch.demand", lang) if key == "demand" else lab.tech(key)
        for r in ranks:
            rows.append({"technology_id": key, "technology": name, "hour_rank": int(r) + 1,
                         "hours_share_percent": 100.0 * (r + 1) / n, "mw": float(ordered[r])})
    data = pd.DataFrame(rows)
    if data.empty:
        return empty_chart(chart_id, title, lang, lab.t("fig.no_data"), ["technology", "hours_share_percent", "mw"])
    ids = list(dict.fromkeys(data["technology_id"]))
    names = [data.loc[data["technology_id"] == k, "technology"].iloc[0] for k in ids]
    palette = {**TECH_COLORS, "demand": "#222222"}
    chart = alt.Chart(alt.Data(values=records(data.drop(columns=["technology_id"])))).mark_line(
        interpolate="step-after").encode(
        x=alt.X("hours_share_percent:Q", title=t("duration.x", lang), scale=alt.Scale(domain=[0, 100])),
        y=alt.Y("mw:Q", title=t("unit.mw", lang)),
        color=alt.Color("technology:N", scale=color_scale(ids, names, palette), title=None,
                        legend=alt.Legend(orient="bottom", columns=2)),
        tooltip=[alt.Tooltip("technology:N", title=t("capacity.technology", lang)),
                 alt.Tooltip("hour_rank:Q", title=t("duration.rank", lang)),
                 alt.Tooltip("mw:Q", title=t("unit.mw", lang), format=",.1f")],
    ).properties(width=WIDTH, height=260, title=title)
    out = data[["technology_id", "technology", "hour_rank", "hours_share_percent", "mw"]]
    return finish(chart.interactive(bind_y=False), chart_id, title, out, lang, sources,
                   t("duration.caption", lang, hours=lab.num(n)))

