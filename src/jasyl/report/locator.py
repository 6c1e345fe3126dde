"""Offline locator map: the city on a map of Kazakhstan and its neighbours, drawn from bundled data.

Country outlines are Natural Earth 1:110m (public domain) clipped to Central Asia; city points are a
small bundled table (``data/geo/cities.csv``). Nothing is downloaded: the map is an inline SVG.
"""

from __future__ import annotations

import csv
import json
import math
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from matplotlib.axes import Axes
from matplotlib.patches import Polygon
from matplotlib.ticker import MaxNLocator

from jasyl.report.context import ReportContext, ReportFigure
from jasyl.report.labels import Labels
from jasyl.report.svg import new_figure, to_svg

__all__ = ["GeoCity", "bundled_cities", "country_outlines", "locator_figure", "scale_bar_km", "osm_link"]

KM_PER_DEG_LAT = 111.32
HOME_COUNTRY = "KAZ"
#: where to write each country's name on the overview map (lon, lat)
_COUNTRY_LABELS: dict[str, tuple[float, float]] = {
    "KAZ": (61.5, 47.6),
    "UZB": (63.0, 41.6),
    "KGZ": (74.6, 41.4),
    "TJK": (71.0, 38.7),
    "TKM": (58.5, 39.3),
    "CHN": (85.5, 40.0),
    "RUS": (62.0, 55.0),
    "MNG": (90.0, 47.5),
    "AFG": (66.0, 35.5),
}


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
    text = resources.files("jasyl").joinpath("data/geo/central_asia_countries.geojson").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def _rings(geometry: dict[str, Any]) -> list[list[list[float]]]:
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"][0]]
    if geometry["type"] == "MultiPolygon":
        return [poly[0] for poly in geometry["coordinates"]]
    return []


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
    for feature in country_outlines()["features"]:
        iso = feature["properties"]["iso_a3"]
        home = iso == HOME_COUNTRY
        for ring in _rings(feature["geometry"]):
            ax.add_patch(
                Polygon(ring, closed=True, facecolor="#e3f1e0" if home else "#f2f2f2",
                        edgecolor="#6b8f63" if home else "#aaaaaa", linewidth=1.0 if home else 0.6, zorder=1)
            )
        if not detail and iso in _COUNTRY_LABELS:
            x, y = _COUNTRY_LABELS[iso]
            if lon0 < x < lon1 and lat0 < y < lat1:
                ax.text(x, y, lab.t(f"country.{iso}"), ha="center", va="center", fontsize=11 if home else 8.5,
                        color="#4a6b43" if home else "#888888", style="italic", zorder=2)
    here_lat, here_lon = ctx.city.location.latitude, ctx.city.location.longitude
    for city in bundled_cities():
        if not (lon0 <= city.longitude <= lon1 and lat0 <= city.latitude <= lat1):
            continue
        if abs(city.latitude - here_lat) < 0.05 and abs(city.longitude - here_lon) < 0.05:
            continue  # the planned city itself is drawn below
        if not detail and not city.overview:
            continue
        if not detail and city.country != HOME_COUNTRY and not city.capital:
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
    ax.xaxis.set_major_formatter(lambda x, _p: f"{lab.num(x, 1 if detail else 0)}{lab.t('unit.deg_e')}")
    ax.yaxis.set_major_formatter(lambda y, _p: f"{lab.num(y, 1 if detail else 0)}{lab.t('unit.deg_n')}")
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
    overview = (min(46.0, lon - 10), max(88.0, lon + 10), min(36.0, lat - 6), max(56.0, lat + 6))
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
