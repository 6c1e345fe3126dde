"""Public page "air and water now" (``/{city}/air``): the map of sites and sources, latest values with
their averaging period, US AQI and Kazhydromet SI/NP/IZA, exceedances of the Kazakh MPC and WHO 2021,
12-month views; with the map layers (GeoJSON) and every chart's spec and CSV.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from fastapi import APIRouter, Depends, HTTPException
from fastapi.responses import JSONResponse, Response
from starlette.requests import Request

from jasyl.monitoring.standards import parameter_def, parameters
from jasyl.report.geojson import base_geojson, monitoring_geojson
from jasyl.report.monitor_labels import MonitorLabels
from jasyl.report.monitoring_view import history_charts, history_summary, site_views, source_rows
from jasyl.report.vegalite import Chart
from jasyl.store.users import Account
from jasyl.web.access import public
from jasyl.web.i18n import request_language
from jasyl.web.routers.city_pages import chart_response, check_city, csv_response, figure
from jasyl.web.routers.pages_data import (
    city_display_name,
    city_monitoring,
    site_history,
    site_parameter_list,
)
from jasyl.web.templating import render

__all__ = ["router", "DEFAULT_AIR_PARAMETER", "DEFAULT_WATER_PARAMETER", "warm_air_pages"]

router = APIRouter(include_in_schema=False)

DEFAULT_AIR_PARAMETER = "pm25"
DEFAULT_WATER_PARAMETER = "bod5"
GEOJSON = "application/geo+json"


def _site_ids(st: dict[str, Any]) -> dict[str, int]:
    """Site code -> id (the status speaks in codes, URLs in ids)."""
    return {s["code"]: int(s["id"]) for s in st["sites"] if s.get("id") is not None}


def _choose(params: list[str], wanted: str | None, medium: str, default: str) -> str | None:
    own = [p for p in params if parameter_def(p).medium == medium]
    if wanted in own:
        return wanted
    if default in own:
        return default
    return own[0] if own else None


@router.get("/{city}/air")
def air(request: Request, city: str, parameter: str | None = None, water: str | None = None,
        user: Account | None = Depends(public)) -> Response:
    """Air and water now. ``parameter`` picks the air indicator of the 12-month views, ``water`` the water one.

    Only this city's sites and sources are shown (:func:`city_monitoring`). What the page shows is the same
    for every visitor of a language: it is built once per (city, language, indicators) and monitoring
    status, and kept while the status does not change (start-up warms it in every language)."""
    check_city(request, city)
    lang = request_language(request)
    st = city_monitoring(request, city)
    if parameter is not None and parameter not in parameters():
        parameter = None
    if water is not None and water not in parameters():
        water = None
    key = ("monitoring", "air-page", city, lang, parameter, water)
    ctx = request.app.state.cache.get(key, lambda: _air_context(request, city, lang, parameter, water, st),
                                      AIR_PAGE_TTL_S, version=lambda: id(city_monitoring(request, city)))
    return render(request, "pages/air.html", dict(ctx))


#: how long the air page's content is kept before it is checked against the status again
AIR_PAGE_TTL_S = 60.0


def _air_context(request: Request, city: str, lang: str, parameter: str | None, water: str | None,
                 st: dict[str, Any]) -> dict[str, Any]:
    lab = MonitorLabels(lang)
    views = site_views(st, lang, _site_ids(st))
    for view in views:
        site_id = view["id"]
        if site_id is None:
            continue
        params = site_parameter_list(request, site_id)
        medium = "water" if view["kind_id"] == "water_point" else "air"
        chosen = _choose(params, water if medium == "water" else parameter, medium,
                         DEFAULT_WATER_PARAMETER if medium == "water" else DEFAULT_AIR_PARAMETER)
        view["choices"] = [{"id": p, "label": lab.parameter(p)} for p in params if parameter_def(p).medium == medium]
        view["medium"] = medium
        view["chosen"] = chosen
        if chosen is not None:
            history = site_history(request, site_id, chosen)
            view["summary"] = history_summary(history, lang)
            view["charts"] = _figures(request, city, site_id, chosen, lang, view["demo"])
    n_values = sum(len(s.get("latest", [])) for s in st["sites"])
    return {
        "city_title": city_display_name(request, city, lang), "sites": views, "sources": source_rows(st, lang),
        "demo": bool(st.get("demo_data_present")),
        "zone": lab.zone_text(), "n_values": n_values, "parameter": parameter, "water": water,
        "tiles_url": getattr(request.app.state.settings, "tile_url", "") or "",
        "notes": [lab.t(f"note.{k}") for k in ("demo", "legal", "mpc_one_off", "water_gap", "times")],
    }


def warm_air_pages(app: Any) -> None:
    """Start-up hook: build the default city's air page in kk, ru and en in a background thread (after the
    monitoring status), so no visitor waits for the 12-month views of every site."""
    def run() -> None:
        try:
            client_scope = {"type": "http", "app": app, "path": "/", "headers": [], "query_string": b""}
            city = app.state.settings.default_city
            for lang in ("kk", "ru", "en"):
                request = Request({**client_scope, "path_params": {"city": city}})
                request.state.lang = lang
                st = city_monitoring(request, city)
                key = ("monitoring", "air-page", city, lang, None, None)
                app.state.cache.get(key, lambda r=request, lg=lang, s=st: _air_context(r, city, lg, None, None, s),
                                    AIR_PAGE_TTL_S, version=lambda r=request: id(city_monitoring(r, city)))
        except Exception:  # noqa: BLE001 - the page computes (and reports) it again
            logging.getLogger("jasyl.web").exception("warming the air pages failed")

    threading.Thread(target=run, name="jasyl-warm-air", daemon=True).start()


def _charts(request: Request, site_id: int, parameter: str, lang: str, demo: bool) -> dict[str, Chart]:
    history = site_history(request, site_id, parameter)
    key = ("monitoring", "charts", site_id, parameter, lang, history.last_day)
    return request.app.state.cache.get(  # type: ignore[no-any-return]
        key, lambda: history_charts(history, lang, demo=demo, site_key=f"site{site_id}"), 300.0)


def _figures(request: Request, city: str, site_id: int, parameter: str, lang: str, demo: bool) -> list[dict[str, Any]]:
    history = site_history(request, site_id, parameter)
    return request.app.state.cache.get(  # type: ignore[no-any-return]
        ("monitoring", "figures", site_id, parameter, lang, history.last_day),
        lambda: [figure(chart, f"/{city}/air/sites/{site_id}/{parameter}/{kind}.csv?lang={lang}")
                 for kind, chart in _charts(request, site_id, parameter, lang, demo).items()], 300.0)


def _site_chart(request: Request, city: str, site_id: int, parameter: str, kind: str) -> Chart:
    check_city(request, city)
    if parameter not in parameters():
        raise HTTPException(status_code=404, detail="page not found")
    st = city_monitoring(request, city)
    site = next((s for s in st["sites"] if s.get("id") == site_id), None)
    if site is None or parameter not in site_parameter_list(request, site_id):
        raise HTTPException(status_code=404, detail="page not found")
    charts = _charts(request, site_id, parameter, request_language(request), bool(site.get("demo")))
    if kind not in charts:
        raise HTTPException(status_code=404, detail="page not found")
    return charts[kind]


@router.get("/{city}/air/sites/{site_id}/{parameter}/{kind}.json")
def site_chart_spec(request: Request, city: str, site_id: int, parameter: str, kind: str,
                    user: Account | None = Depends(public)) -> Response:
    """A site's chart (``daily`` or ``year``) as a Vega-Lite spec."""
    return chart_response(_site_chart(request, city, site_id, parameter, kind))


@router.get("/{city}/air/sites/{site_id}/{parameter}/{kind}.csv")
def site_chart_csv(request: Request, city: str, site_id: int, parameter: str, kind: str,
                   user: Account | None = Depends(public)) -> Response:
    """The data behind a site's chart, as CSV (averaging period and unit in every row)."""
    chart = _site_chart(request, city, site_id, parameter, kind)
    return csv_response(chart, f"{city}-site{site_id}-{parameter}-{kind}.csv")


@router.get("/{city}/air/map.geojson")
def map_layer(request: Request, city: str, user: Account | None = Depends(public)) -> Response:
    """Monitoring sites and pollution sources with their status, names in the request's language."""
    check_city(request, city)
    lang = request_language(request)
    st = city_monitoring(request, city)
    layer = request.app.state.cache.get(("monitoring", "geojson", city, lang, id(st)),
                                        lambda: monitoring_geojson(st, lang), 60.0)
    return JSONResponse(layer, media_type=GEOJSON, headers={"Cache-Control": "public, max-age=60"})


@router.get("/{city}/air/base.geojson")
def map_base(request: Request, city: str, user: Account | None = Depends(public)) -> Response:
    """The offline base map: Natural Earth country outlines and bundled city points."""
    check_city(request, city)
    lang = request_language(request)
    return JSONResponse(base_geojson(lang), media_type=GEOJSON, headers={"Cache-Control": "public, max-age=86400"})
