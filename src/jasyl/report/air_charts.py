"""Vega-Lite charts of air and water quality (24-hour means against limits, a 12-month view against
the WHO annual guideline) and the static map of sites and sources."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import altair as alt
import pandas as pd

from jasyl.report.chart_base import (
    WIDTH,
    empty_chart,
    finish,
    t,
)
from jasyl.report.vegalite import Chart, month_label, records, wallclock_ms

__all__ = ["air_daily_chart", "air_year_chart", "monitoring_map_chart"]


# ------------------------------------------------------------------------------------ air quality
def air_daily_chart(daily: pd.DataFrame, *, lang: str, parameter_label: str, unit_label: str,
                    limits: Sequence[Mapping[str, Any]] = (), demo: bool = False,
                    sources: Sequence[str] = (), chart_id: str = "chart-air-daily", title: str | None = None,
                    averaging: str | None = None) -> Chart:
    """24-hour means (local calendar days) against the daily limits (WHO 2021, KZ MPC daily).

    ``daily``: columns ``date`` (local date) and ``value``; ``limits``: dicts with ``label``
    (already in the reader's language), ``value`` and ``color``. ``title`` and ``averaging`` replace
    the 24-hour wording (water samples).
    """
    title = (title or t("air.daily_title", lang, parameter=parameter_label)) + (
        " — " + t("demo", lang) if demo else "")
    if daily.empty:
        return empty_chart(chart_id, title, lang, t("air.no_data", lang), ["date", "value"])
    data = pd.DataFrame({"date": [str(d) for d in daily["date"]], "value": daily["value"].astype(float)})
    data["unit"] = unit_label
    data["averaging"] = averaging or t("air.averaging_24h", lang)
    if demo:
        data["label"] = "DEMO"
    src = alt.Data(values=records(data.assign(ms=wallclock_ms(pd.to_datetime(data["date"]), "UTC"))))
    x = alt.X("ms:T", scale=alt.Scale(type="utc"), title=t("air.local_day", lang),
              axis=alt.Axis(format="%d %b %Y", labelAngle=0, tickCount=6))
    line = alt.Chart(src).mark_line(color="#1f618d", point=alt.OverlayMarkDef(size=12)).encode(
        x=x, y=alt.Y("value:Q", title=f"{parameter_label}, {unit_label}"),
        tooltip=[alt.Tooltip("ms:T", title=t("air.local_day", lang), format="%d %b %Y", formatType="utc"),
                 alt.Tooltip("value:Q", title=unit_label, format=",.1f")])
    layers: list[Any] = [line]
    rules = [dict(lim) for lim in limits if lim.get("value") is not None]
    if rules:
        rsrc = alt.Data(values=[{"label": r["label"], "value": float(r["value"]), "color": r.get("color", "#c0392b")}
                                for r in rules])
        layers.append(alt.Chart(rsrc).mark_rule(strokeDash=[5, 3]).encode(
            y="value:Q", color=alt.Color("label:N", title=None, legend=alt.Legend(orient="bottom", labelLimit=420),
                                         scale=alt.Scale(domain=[r["label"] for r in rules],
                                                         range=[r.get("color", "#c0392b") for r in rules]))))
    chart = alt.layer(*layers).properties(width=WIDTH - 80, height=220, title=title)
    return finish(chart, chart_id, title, data, lang, sources)


def air_year_chart(monthly: pd.DataFrame, *, lang: str, parameter_label: str, unit_label: str,
                   annual_mean: float | None, guideline: float | None, guideline_label: str,
                   demo: bool = False, sources: Sequence[str] = (), chart_id: str = "chart-air-year") -> Chart:
    """A 12-month view: monthly means against the WHO annual guideline, with the 12-month mean.

    ``monthly``: columns ``month`` (``YYYY-MM``), ``mean`` and ``days`` (valid days it rests on).
    """
    title = t("air.year_title", lang, parameter=parameter_label) + (" — " + t("demo", lang) if demo else "")
    if monthly.empty:
        return empty_chart(chart_id, title, lang, t("air.no_data", lang), ["month", "mean", "days"])
    data = pd.DataFrame({"month": monthly["month"].astype(str), "mean": monthly["mean"].astype(float),
                         "days": monthly["days"].astype(int)})
    data["unit"] = unit_label
    if demo:
        data["label"] = "DEMO"
    names = [month_label(m + "-01", lang) for m in data["month"]]
    src = alt.Data(values=records(data.assign(name=names)))
    bars = alt.Chart(src).mark_bar(color="#5d8aa8").encode(
        x=alt.X("name:O", sort=names, title=None, axis=alt.Axis(labelAngle=-40)),
        y=alt.Y("mean:Q", title=f"{parameter_label}, {unit_label}"),
        tooltip=[alt.Tooltip("month:N", title=t("air.month", lang)),
                 alt.Tooltip("mean:Q", title=t("air.monthly_mean", lang), format=",.1f"),
                 alt.Tooltip("days:Q", title=t("air.valid_days", lang))])
    layers: list[Any] = [bars]
    refs: list[dict[str, Any]] = []
    if guideline is not None:
        refs.append({"label": guideline_label, "value": float(guideline), "color": "#c0392b"})
    if annual_mean is not None and math.isfinite(annual_mean):
        refs.append({"label": t("air.twelve_month_mean", lang), "value": float(annual_mean), "color": "#222222"})
    if refs:
        layers.append(alt.Chart(alt.Data(values=refs)).mark_rule(strokeDash=[5, 3], size=2).encode(
            y="value:Q", color=alt.Color("label:N", title=None, legend=alt.Legend(orient="bottom", labelLimit=420),
                                         scale=alt.Scale(domain=[r["label"] for r in refs],
                                                         range=[r["color"] for r in refs]))))
    chart = alt.layer(*layers).properties(width=WIDTH - 80, height=220, title=title)
    return finish(chart, chart_id, title, data, lang, sources)


# ------------------------------------------------------------------------------------ map
def monitoring_map_chart(layer: Mapping[str, Any], base: Mapping[str, Any], *, lang: str,
                         bounds: Sequence[float] | None = None, title: str = "",
                         sources: Sequence[str] = (), chart_id: str = "chart-map") -> Chart:
    """A static map (for the HTML report) of sites and sources over the offline base.

    Markers carry numbers instead of names (the names go into the table under the map), so labels
    never overlap. ``layer`` is :func:`jasyl.report.geojson.monitoring_geojson`, ``base``
    :func:`jasyl.report.geojson.base_geojson`; ``bounds`` (lon0, lat0, lon1, lat1) frames the map.
    """
    rows = []
    for i, f in enumerate(layer.get("features", []), start=1):
        p = f["properties"]
        lon, lat = f["geometry"]["coordinates"]
        rows.append({"number": i, "layer": p["layer"], "name": p["name"], "kind": p.get("kind_label", ""),
                     "status": p.get("status_label", ""), "longitude": lon, "latitude": lat,
                     "approximate": bool(p.get("approximate")), "demo": bool(p.get("demo")),
                     "color": p.get("color", "#555555")})
    data = pd.DataFrame(rows, columns=["number", "layer", "name", "kind", "status", "longitude", "latitude",
                                       "approximate", "demo", "color"])
    if bounds is None and rows:
        xs, ys = data["longitude"], data["latitude"]
        pad = max(0.15, 0.08 * max(xs.max() - xs.min(), ys.max() - ys.min()))
        bounds = [xs.min() - pad, ys.min() - pad, xs.max() + pad, ys.max() + pad]
    if bounds is None:
        return empty_chart(chart_id, title, lang, t("air.no_data", lang), list(data.columns))
    lon0, lat0, lon1, lat1 = (float(b) for b in bounds)
    # markers closer than a marker's width are drawn side by side (the table keeps the true coordinates)
    step = 0.035 * (lon1 - lon0)
    placed: list[tuple[float, float]] = []
    draw_lon = []
    for lon, lat in zip(data["longitude"], data["latitude"], strict=True):
        x = float(lon)
        while any(abs(x - px) < step and abs(float(lat) - py) < step * 0.75 for px, py in placed):
            x += step
        placed.append((x, float(lat)))
        draw_lon.append(x)
    plot = data.assign(draw_longitude=draw_lon)
    # a MultiPoint frame: no ring orientation to get wrong (d3-geo reads rings on the sphere)
    frame = {"type": "Feature", "geometry": {"type": "MultiPoint", "coordinates": [
        [lon0, lat0], [lon1, lat0], [lon1, lat1], [lon0, lat1]]}, "properties": {}}
    projection = {"type": "mercator", "fit": frame}
    height = 420
    width = WIDTH
    countries = [f for f in base.get("features", []) if f["properties"].get("layer") == "country"]
    cities = [{"name": f["properties"]["name"], "longitude": f["geometry"]["coordinates"][0],
               "latitude": f["geometry"]["coordinates"][1]}
              for f in base.get("features", []) if f["properties"].get("layer") == "city"
              and lon0 <= f["geometry"]["coordinates"][0] <= lon1 and lat0 <= f["geometry"]["coordinates"][1] <= lat1]
    layers: list[Any] = [
        alt.Chart(alt.Data(values=countries)).mark_geoshape(fill="#eef3ea", stroke="#8aa17f", strokeWidth=0.8,
                                                            clip=True).project(**projection),
    ]
    if cities:
        csrc = alt.Data(values=cities)
        layers += [
            alt.Chart(csrc).mark_square(size=18, color="#666666", clip=True).encode(
                longitude="longitude:Q", latitude="latitude:Q").project(**projection),
            alt.Chart(csrc).mark_text(dx=5, align="left", fontSize=10, color="#666666", clip=True).encode(
                longitude="longitude:Q", latitude="latitude:Q", text="name:N").project(**projection),
        ]
    if rows:
        msrc = alt.Data(values=records(plot))
        layers += [
            alt.Chart(msrc).mark_point(filled=True, size=260, opacity=0.9, clip=True).encode(
                longitude="draw_longitude:Q", latitude="latitude:Q", color=alt.Color("color:N", scale=None),
                shape=alt.Shape("layer:N", scale=alt.Scale(domain=["source", "site"], range=["square", "circle"]),
                                legend=None)).project(**projection),
            alt.Chart(msrc).mark_text(fontSize=10, fontWeight="bold", color="white", clip=True).encode(
                longitude="draw_longitude:Q", latitude="latitude:Q", text="number:Q").project(**projection),
        ]
    chart = alt.layer(*layers).properties(width=width, height=height, title=title)
    out = data.drop(columns=["color"])
    return finish(chart, chart_id, title, out, lang, sources)
