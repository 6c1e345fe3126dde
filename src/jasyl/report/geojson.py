"""GeoJSON layers for the maps: monitoring sites and pollution sources with their status, and the
offline base (Natural Earth country outlines and the bundled cities).

Built from the JSON-ready status of :func:`jasyl.monitoring.status.status` (no database access here).
Every text a reader sees is in the requested language; popups are made by the browser from plain
properties (never from HTML), so a source named ``<script>`` stays text.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from jasyl.report.locator import bundled_cities, country_outlines
from jasyl.report.monitor_labels import MonitorLabels

__all__ = ["monitoring_geojson", "base_geojson", "source_feature", "site_feature", "STATUS_COLORS",
           "feature_bounds"]

#: marker colours of pollution sources by status
STATUS_COLORS: dict[str, str] = {
    "operating": "#c0392b",
    "illegal": "#7b1fa2",
    "under_restoration": "#e67e22",
    "closed": "#7f8c8d",
}
SITE_COLORS: dict[str, str] = {"air_station": "#1f618d", "water_point": "#17a589", "sensor": "#2e86c1"}


def _point(lon: Any, lat: Any) -> dict[str, Any] | None:
    try:
        x, y = float(lon), float(lat)
    except (TypeError, ValueError):
        return None
    if not (math.isfinite(x) and math.isfinite(y) and -180 <= x <= 180 and -90 <= y <= 90):
        return None
    return {"type": "Point", "coordinates": [round(x, 5), round(y, 5)]}


def source_feature(src: Mapping[str, Any], lab: MonitorLabels, *, url: str | None = None) -> dict[str, Any] | None:
    """A pollution source as a GeoJSON Feature (None without a location)."""
    geom = _point(src.get("longitude"), src.get("latitude"))
    if geom is None:
        return None
    demo = bool(src.get("demo"))
    status = str(src.get("status", ""))
    lines = [lab.source_type(str(src.get("type", ""))), lab.source_status(status)]
    operator = lab.operator(src.get("operator"), demo)
    if operator:
        lines.append(operator)
    notes = lab.source_notes(str(src.get("name", "")), src.get("notes"), demo)
    if notes:
        lines.append(notes)
    props = {
        "layer": "source",
        "id": src.get("id"),
        "name": lab.source_name(str(src.get("name", "")), demo),
        "type": src.get("type"),
        "kind_label": lab.source_type(str(src.get("type", ""))),
        "status": status,
        "status_label": lab.source_status(status),
        "operator": operator,
        "notes": notes,
        "demo": demo,
        "demo_label": lab.demo_tag() if demo else "",
        "approximate": bool(src.get("approximate_location")),
        "color": STATUS_COLORS.get(status, "#555555"),
        "lines": lines,
        "url": url,
    }
    return {"type": "Feature", "geometry": geom, "properties": props}


def site_feature(site: Mapping[str, Any], lab: MonitorLabels, *, url: str | None = None,
                 max_lines: int = 6) -> dict[str, Any] | None:
    """A monitoring site with its latest values (averaging period and local time stated), AQI and alerts."""
    geom = _point(site.get("longitude"), site.get("latitude"))
    if geom is None:
        return None
    demo = bool(site.get("demo"))
    kind = str(site.get("kind", ""))
    lines = [lab.site_kind(kind)]
    aqi = site.get("aqi") or {}
    color = SITE_COLORS.get(kind, "#1f618d")
    if aqi.get("index") is not None:
        lines.append(f"AQI {aqi['index']} — {lab.aqi_category(aqi.get('category'))}")
        color = str(aqi.get("color") or color)
    for row in list(site.get("latest") or [])[:max_lines]:
        lines.append(f"{lab.parameter(str(row['parameter']))}: {lab.sig(row.get('value'))} "
                     f"{lab.unit(str(row.get('unit', '')))} ({lab.period(int(row.get('period_s', 0)))}, "
                     f"{lab.local_time(row['time_utc'], with_zone=False)})")
    n_alerts = int(site.get("open_alerts_total", 0) or 0)
    props = {
        "layer": "site",
        "code": site.get("code"),
        "name": lab.site_name(str(site.get("code", "")), str(site.get("name", "")), demo),
        "kind": kind,
        "kind_label": lab.site_kind(kind),
        "demo": demo,
        "demo_label": lab.demo_tag() if demo else "",
        "approximate": bool(site.get("approximate_location")),
        "aqi": aqi.get("index"),
        "aqi_label": lab.aqi_category(aqi.get("category")) if aqi.get("index") is not None else "",
        "open_alerts": n_alerts,
        "color": color,
        "lines": lines,
        "url": url,
    }
    return {"type": "Feature", "geometry": geom, "properties": props}


def monitoring_geojson(status: Mapping[str, Any], lang: str, *, site_url: str | None = None,
                       source_url: str | None = None, tz: str | None = None) -> dict[str, Any]:
    """Sites and sources of a monitoring status as one FeatureCollection (``properties.layer`` tells which).

    ``site_url`` / ``source_url`` are templates with ``{code}`` / ``{id}`` for links from the popups.
    """
    lab = MonitorLabels(lang, tz) if tz else MonitorLabels(lang)
    features: list[dict[str, Any]] = []
    for src in status.get("sources", []):
        f = source_feature(src, lab, url=source_url.format(id=src.get("id")) if source_url and src.get("id") else None)
        if f:
            features.append(f)
    for site in status.get("sites", []):
        f = site_feature(site, lab, url=site_url.format(code=site.get("code")) if site_url else None)
        if f:
            features.append(f)
    return {"type": "FeatureCollection", "features": features,
            "demo": bool(status.get("demo_data_present")), "lang": lang}


def base_geojson(lang: str, bounds: Sequence[float] | None = None) -> dict[str, Any]:
    """The offline base map: Natural Earth country outlines and the bundled city points (names in
    ``lang``). ``bounds`` (lon0, lat0, lon1, lat1) keeps only the cities inside it."""
    outlines = country_outlines()
    features: list[dict[str, Any]] = []
    for f in outlines["features"]:
        features.append({"type": "Feature", "geometry": f["geometry"],
                         "properties": {"layer": "country", "iso_a3": f["properties"].get("iso_a3")}})
    for city in bundled_cities():
        if bounds is not None:
            lon0, lat0, lon1, lat1 = bounds
            if not (lon0 <= city.longitude <= lon1 and lat0 <= city.latitude <= lat1):
                continue
        point = {"type": "Point", "coordinates": [city.longitude, city.latitude]}
        features.append({"type": "Feature", "geometry": point,
                         "properties": {"layer": "city", "name": city.names.get(lang, city.names["en"]),
                                        "capital": city.capital}})
    return {"type": "FeatureCollection", "features": features, "source": outlines.get("source", ""),
            "note": outlines.get("note", "")}


def feature_bounds(collection: Mapping[str, Any], pad_deg: float = 0.1) -> list[float] | None:
    """[lon0, lat0, lon1, lat1] around the points of a collection (None if it has none)."""
    xs, ys = [], []
    for f in collection.get("features", []):
        geom = f.get("geometry") or {}
        if geom.get("type") == "Point":
            xs.append(geom["coordinates"][0])
            ys.append(geom["coordinates"][1])
    if not xs:
        return None
    return [min(xs) - pad_deg, min(ys) - pad_deg, max(xs) + pad_deg, max(ys) + pad_deg]
