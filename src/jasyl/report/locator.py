"""Offline locator map: the city in its own country and region, drawn from bundled data.

Country outlines are Natural Earth 1:110m (public domain, every country; ``data/geo/world_countries.geojson``);
city points are a small bundled table of Central Asian cities (``data/geo/cities.csv``). The overview
frames the city's own country - the part of it the city is on, between 8 and 60 degrees of longitude
wide, the city always inside (:func:`overview_extent`) - with the neighbours' names from CLDR (Babel) in
the report's language. Nothing is downloaded: the map is an inline SVG.
"""

from __future__ import annotations

import csv
import json
import math
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import numpy as np
from babel import Locale
from matplotlib.axes import Axes
from matplotlib.patches import Polygon
from matplotlib.ticker import MaxNLocator

from jasyl.report.context import ReportContext, ReportFigure
from jasyl.report.labels import Labels
from jasyl.report.svg import new_figure, to_svg

__all__ = ["GeoCity", "bundled_cities", "country_outlines", "locator_figure", "scale_bar_km", "osm_link",
           "home_country", "overview_extent"]

KM_PER_DEG_LAT = 111.32
@dataclass(frozen=True)
class GeoCity:
    id: str
    names: dict[str, str]
    country: str
    latitude: float
    longitude: float
    capital: bool
    overview: bool = True


@cache
def bundled_cities() -> tuple[GeoCity, ...]:
    """Cities in ``data/geo/cities.csv`` (comment lines start with ``#``)."""
    text = resources.files("jasyl").joinpath("data/geo/cities.csv").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    out = []
    for row in csv.DictReader(lines):
        out.append(
            GeoCity(
                id=row["id"],
                names={"en": row["name_en"], "ru": row["name_ru"], "kk": row["name_kk"]},
                country=row["country"],
                latitude=float(row["latitude"]),
                longitude=float(row["longitude"]),
                capital=row["capital"] == "1",
                overview=row.get("overview", "1") != "0",
            )
        )
    return tuple(out)


@cache
def country_outlines() -> dict[str, Any]:
    """The bundled GeoJSON FeatureCollection of country outlines."""
    text = resources.files("jasyl").joinpath("data/geo/world_countries.geojson").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def _rings(geometry: dict[str, Any]) -> list[list[list[float]]]:
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"][0]]
    if geometry["type"] == "MultiPolygon":
        return [poly[0] for poly in geometry["coordinates"]]
    return []


def _inside(ring: list[list[float]], lon: float, lat: float) -> bool:
    """Ray casting: is (lon, lat) inside the ring?"""
    xy = np.asarray(ring, dtype=float)
    x, y = xy[:, 0], xy[:, 1]
    x2, y2 = np.roll(x, -1), np.roll(y, -1)
    crosses = ((y > lat) != (y2 > lat)) & (lon < (x2 - x) * (lat - y) / np.where(y2 != y, y2 - y, 1e-12) + x)
    return bool(np.count_nonzero(crosses) % 2)


def _distance(ring: list[list[float]], lon: float, lat: float) -> float:
    """Distance (degrees, longitude scaled by cos(lat)) from the point to the ring's nearest vertex."""
    xy = np.asarray(ring, dtype=float)
    dx = (xy[:, 0] - lon) * math.cos(math.radians(lat))
    return float(np.min(np.hypot(dx, xy[:, 1] - lat)))


def home_country(latitude: float, longitude: float, country: str | None = None) -> tuple[dict[str, Any],
                                                                                          list[list[float]]]:
    """(properties, outer ring of the part the city is on) of the city's country: the country whose
    ISO alpha-2 code is ``country``, else the one containing the point, else the nearest."""
    features = country_outlines()["features"]
    code = (country or "").upper()
    chosen = [f for f in features if code and f["properties"].get("iso_a2", "").upper() == code]
    if not chosen:
        chosen = [f for f in features if any(_inside(r, longitude, latitude) for r in _rings(f["geometry"]))]
    if not chosen:
        chosen = [min(features, key=lambda f: min(_distance(r, longitude, latitude) for r in _rings(f["geometry"])))]
    feature = chosen[0]
    rings = _rings(feature["geometry"])
    inside = [r for r in rings if _inside(r, longitude, latitude)]
    part = inside[0] if inside else min(rings, key=lambda r: _distance(r, longitude, latitude))
    return feature["properties"], part


def overview_extent(latitude: float, longitude: float, country: str | None = None) -> tuple[float, float, float,
                                                                                            float]:
    """(lon0, lon1, lat0, lat1) of the overview: the city's part of its country with a 12 % margin, at least
    12 x 8 degrees and at most 60 x 35, the city at least a tenth of the width from each edge."""
    _props, part = home_country(latitude, longitude, country)
    xy = np.asarray(part, dtype=float)
    x0, x1 = min(float(xy[:, 0].min()), longitude), max(float(xy[:, 0].max()), longitude)
    y0, y1 = min(float(xy[:, 1].min()), latitude), max(float(xy[:, 1].max()), latitude)
    w = min(max((x1 - x0) * 1.24, 12.0), 60.0)
    h = min(max((y1 - y0) * 1.24, 8.0), 35.0)
    cx = min(max((x0 + x1) / 2, longitude - 0.4 * w), longitude + 0.4 * w)
    cy = min(max((y0 + y1) / 2, latitude - 0.4 * h), latitude + 0.4 * h)
    lat0, lat1 = max(cy - h / 2, -89.0), min(cy + h / 2, 89.0)
    return cx - w / 2, cx + w / 2, lat0, lat1


def _country_name(props: dict[str, Any], lang: str) -> str:
    code = props.get("iso_a2", "")
    if code:
        name = Locale.parse(lang).territories.get(code)
        if name:
            return str(name)
    return str(props.get("name", ""))


def scale_bar_km(span_deg_lon: float, latitude: float) -> float:
    """A round scale-bar length (km) about a fifth of the map width."""
    width_km = span_deg_lon * KM_PER_DEG_LAT * math.cos(math.radians(latitude))
    target = width_km / 5
    magnitude = 10 ** math.floor(math.log10(target))
    for step in (1, 2, 5, 10):
        if step * magnitude >= target:
            return float(step * magnitude)
    return float(10 * magnitude)


def osm_link(latitude: float, longitude: float, zoom: int = 11) -> str:
    """OpenStreetMap link to the city (an optional online extra of the report)."""
    return f"https://www.openstreetmap.org/?mlat={latitude:.4f}&mlon={longitude:.4f}#map={zoom}/{latitude:.4f}/{longitude:.4f}"


def _draw(ax: Axes, ctx: ReportContext, extent: tuple[float, float, float, float], *, detail: bool) -> None:
    lab: Labels = ctx.labels
    lon0, lon1, lat0, lat1 = extent
    here_lat, here_lon = ctx.city.location.latitude, ctx.city.location.longitude
    home_props, _part = home_country(here_lat, here_lon, ctx.city.country)
    home_iso = home_props.get("iso_a3", "")
    for feature in country_outlines()["features"]:
        iso = feature["properties"]["iso_a3"]
        home = iso == home_iso
        rings = _rings(feature["geometry"])
        for ring in rings:
            ax.add_patch(
                Polygon(ring, closed=True, facecolor="#e3f1e0" if home else "#f2f2f2",
                        edgecolor="#6b8f63" if home else "#aaaaaa", linewidth=1.0 if home else 0.6, zorder=1)
            )
        if not detail and rings:
            big = max(rings, key=len)
            x, y = float(np.mean([p[0] for p in big])), float(np.mean([p[1] for p in big]))
            inner = (lon0 + 0.08 * (lon1 - lon0) < x < lon1 - 0.08 * (lon1 - lon0)
                     and lat0 + 0.08 * (lat1 - lat0) < y < lat1 - 0.08 * (lat1 - lat0))
            near_star = abs(x - here_lon) < 0.08 * (lon1 - lon0) and abs(y - here_lat) < 0.08 * (lat1 - lat0)
            if inner and not near_star:
                name = _country_name(feature["properties"], lab.lang)
                ax.text(x, y, name.upper() if home else name, ha="center", va="center",
                        fontsize=11 if home else 8.5, color="#4a6b43" if home else "#888888", style="italic",
                        zorder=2, clip_on=True)
    for city in bundled_cities():
        if not (lon0 <= city.longitude <= lon1 and lat0 <= city.latitude <= lat1):
            continue
        if abs(city.latitude - here_lat) < 0.05 and abs(city.longitude - here_lon) < 0.05:
            continue  # the planned city itself is drawn below
        if not detail and not city.overview:
            continue
        if not detail and city.country != home_iso and not city.capital:
            continue
        if not detail and abs(city.latitude - here_lat) < 1.2 and abs(city.longitude - here_lon) < 1.6:
            continue  # shown in the close-up; would crowd the star here
        ax.plot(city.longitude, city.latitude, marker="s" if city.capital else "o", markersize=4 if detail else 3,
                color="#555555", zorder=3)
        # just west of the star (Bishkek), write the name below the point, clear of the star's box
        left = (not detail and city.longitude < here_lon and abs(city.latitude - here_lat) < 2.5
                and here_lon - city.longitude < 5)
        ax.annotate(city.names.get(lab.lang, city.names["en"]), (city.longitude, city.latitude),
                    xytext=(3, -10) if left else (4, 3), textcoords="offset points",
                    fontsize=8.5 if detail else 7.5, color="#333333", zorder=3)
    ax.plot(here_lon, here_lat, marker="*", markersize=16 if detail else 13, color="#d62728",
            markeredgecolor="white", markeredgewidth=0.8, zorder=4)
    ax.annotate(ctx.city.display_name(lab.lang), (here_lon, here_lat), xytext=(7, -12), textcoords="offset points",
                fontsize=11 if detail else 9.5, fontweight="bold", color="#b01c1c", zorder=4)
    ax.set_xlim(lon0, lon1)
    ax.set_ylim(lat0, lat1)
    ax.set_aspect(1.0 / math.cos(math.radians((lat0 + lat1) / 2)))
    ax.set_facecolor("#eaf2fb")
    ax.xaxis.set_major_formatter(lambda x, _p: f"{lab.num(abs(x), 1 if detail else 0)}"
                                 f"{lab.t('unit.deg_e' if x >= 0 else 'unit.deg_w')}")
    ax.yaxis.set_major_formatter(lambda y, _p: f"{lab.num(abs(y), 1 if detail else 0)}"
                                 f"{lab.t('unit.deg_n' if y >= 0 else 'unit.deg_s')}")
    ax.xaxis.set_major_locator(MaxNLocator(4 if detail else 7))
    ax.yaxis.set_major_locator(MaxNLocator(5 if detail else 7))
    ax.tick_params(labelsize=7.5)
    ax.grid(color="#ffffff", linewidth=0.6)
    # scale bar in the lower left corner
    km = scale_bar_km(lon1 - lon0, (lat0 + lat1) / 2)
    deg = km / (KM_PER_DEG_LAT * math.cos(math.radians((lat0 + lat1) / 2)))
    x0 = lon0 + 0.05 * (lon1 - lon0)
    y0 = lat0 + 0.06 * (lat1 - lat0)
    ax.plot([x0, x0 + deg], [y0, y0], color="black", linewidth=2.5, solid_capstyle="butt", zorder=5)
    ax.text(x0 + deg / 2, y0 + 0.02 * (lat1 - lat0), f"{lab.num(km)} {lab.t('unit.km')}", ha="center", va="bottom",
            fontsize=8, zorder=5)


def locator_figure(ctx: ReportContext) -> ReportFigure:
    """Overview of Central Asia and a regional close-up around the city, each with a scale bar."""
    lab = ctx.labels
    lat, lon = ctx.city.location.latitude, ctx.city.location.longitude
    fig, axes = new_figure(10.0, 4.6, ncols=2, gridspec_kw={"width_ratios": [1.45, 1]})
    overview = overview_extent(lat, lon, ctx.city.country)
    close = (lon - 1.9, lon + 1.9, lat - 1.25, lat + 1.25)
    _draw(axes[0], ctx, overview, detail=False)
    _draw(axes[1], ctx, close, detail=True)
    x0, x1, y0, y1 = close
    axes[0].add_patch(Polygon([(x0, y0), (x1, y0), (x1, y1), (x0, y1)], closed=True, fill=False, edgecolor="#d62728",
                              linewidth=1.0, zorder=6))
    axes[0].set_title(lab.t("fig.locator.overview"), loc="left")
    axes[1].set_title(lab.t("fig.locator.close"), loc="left")
    title = lab.t("fig.locator.title", city=ctx.city.display_name(lab.lang))
    fig.suptitle(title, x=0.01, ha="left", fontweight="bold")
    caption = lab.t("fig.locator.caption", lat=lab.num(lat, 2), lon=lab.num(lon, 2),
                    elevation=lab.num(ctx.city.location.elevation_m))
    return ReportFigure(id="fig-locator", title=title, svg=to_svg(fig, "fig-locator", title), caption=caption)
