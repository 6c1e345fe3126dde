"""Public pages of a city: at a glance (``/{city}/``), what the plan means for you (``/{city}/explain``)
and their charts (Vega-Lite spec and CSV of each chart). Everything here is public and read-only.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, HTTPException
from fastapi.responses import JSONResponse, Response
from starlette.requests import Request

from jasyl.i18n import catalogue, translate
from jasyl.report.explainer import explainer_sections, explainer_sources
from jasyl.report.monitor_labels import MonitorLabels
from jasyl.report.overview import OVERVIEW_CHARTS, city_label, headline, method_text, overview_chart
from jasyl.report.vegalite import Chart, spec_json
from jasyl.store.users import Account
from jasyl.web.access import public
from jasyl.web.i18n import request_language
from jasyl.web.routers.pages_data import get_overview, overview_job_status
from jasyl.web.templating import NAV, NavItem, render

__all__ = ["router", "chart_response", "csv_response", "check_city", "figure"]

router = APIRouter(include_in_schema=False)

NAV.extend([NavItem("pages.nav.glance", "/{city}/", order=10), NavItem("pages.nav.air", "/{city}/air", order=20),
            NavItem("pages.nav.explain", "/{city}/explain", order=30)])

CHART_TTL_S = 600.0


def check_city(request: Request, city: str) -> None:
    if city not in request.app.state.settings.cities:
        raise HTTPException(status_code=404, detail="page not found")


def chart_response(chart: Chart) -> Response:
    return JSONResponse(chart.spec, headers={"Cache-Control": "public, max-age=300"})


def csv_response(chart: Chart, filename: str) -> Response:
    return Response(chart.csv(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"',
                             "Cache-Control": "public, max-age=300"})


def figure(chart: Chart, csv_url: str) -> dict[str, Any]:
    """What ``m.chart_inline`` draws: the spec inline (a JSON data block), the CSV link and the sources."""
    spec = {k: v for k, v in chart.spec.items() if k != "title"}  # the page's caption carries the title
    return {"id": chart.id, "title": chart.title, "spec_json": spec_json(spec), "csv_url": csv_url,
            "sources": chart.sources, "caption": chart.caption}


def _pending(request: Request, city: str) -> dict[str, Any]:
    """The overview job's progress for the "being computed" notice (stage named in the reader's language)."""
    job = overview_job_status(request, city)
    lang = request_language(request)
    stage = (job or {}).get("stage")
    key = f"plan.cli.stage.{stage}"
    label = translate(key, lang) if stage and key in catalogue(lang) else ""
    return {"job": job, "percent": int(100 * float(job["fraction"])) if job else 0, "stage_label": label}


@router.get("/{city}/")
def glance(request: Request, city: str, user: Account | None = Depends(public)) -> Response:
    """The city at a glance: inventory, the plan's headline and trade-off curve, what gets built, the pathway."""
    check_city(request, city)
    lang = request_language(request)
    ov = get_overview(request, city)
    ctx: dict[str, Any] = {"overview": ov, "charts": [], "pending": _pending(request, city) if ov is None else None}
    if ov is not None:
        ctx.update(city_name=city_label(ov, lang), head=headline(ov), method=method_text(ov, lang),
                   computed_local=MonitorLabels(lang).local_time(ov["computed_utc"]),
                   pathway_years=(ov.get("pathway") or {}).get("years") or [],
                   charts=[name for name in OVERVIEW_CHARTS if name != "tradeoff" or ov.get("tradeoff")])
        stamp = ov.get("computed_utc", "")
        ctx["figs"] = {name: request.app.state.cache.get(
            ("fig", city, name, lang, stamp),
            lambda name=name: figure(_chart(request, city, name, lang, ov), f"/{city}/charts/{name}.csv?lang={lang}"),
            CHART_TTL_S) for name in ctx["charts"]}
    return render(request, "pages/glance.html", ctx)


def _chart(request: Request, city: str, name: str, lang: str, ov: dict[str, Any] | None = None) -> Chart:
    ov = ov if ov is not None else get_overview(request, city)
    if ov is None:
        raise HTTPException(status_code=404, detail="not computed yet")
    stamp = ov.get("computed_utc", "")
    return request.app.state.cache.get(("chart", city, name, lang, stamp),  # type: ignore[no-any-return]
                                       lambda: overview_chart(ov, name, lang), CHART_TTL_S)


@router.get("/{city}/charts/{name}.json")
def chart_spec(request: Request, city: str, name: str, user: Account | None = Depends(public)) -> Response:
    """A chart of the overview as a Vega-Lite spec (data inline, locale of the request's language)."""
    check_city(request, city)
    if name not in OVERVIEW_CHARTS:
        raise HTTPException(status_code=404, detail="page not found")
    return chart_response(_chart(request, city, name, request_language(request)))


@router.get("/{city}/charts/{name}.csv")
def chart_csv(request: Request, city: str, name: str, user: Account | None = Depends(public)) -> Response:
    """The data behind a chart of the overview, as CSV."""
    check_city(request, city)
    if name not in OVERVIEW_CHARTS:
        raise HTTPException(status_code=404, detail="page not found")
    chart = _chart(request, city, name, request_language(request))
    return csv_response(chart, f"{city}-{name}.csv")


@router.get("/{city}/explain")
def explain(request: Request, city: str, user: Account | None = Depends(public)) -> Response:
    """What the plan means for you: the plan's own figures in everyday terms, for residents and pupils."""
    check_city(request, city)
    lang = request_language(request)
    ov = get_overview(request, city)
    ctx: dict[str, Any] = {"overview": ov, "pending": _pending(request, city) if ov is None else None}
    if ov is not None:
        name = city_label(ov, lang)
        ctx.update(city_name=name, sections=explainer_sections(ov["explainer"], lang, name),
                   sources=explainer_sources(ov["explainer"], lang),
                   computed_local=MonitorLabels(lang).local_time(ov["computed_utc"]))
    return render(request, "pages/explain.html", ctx)
