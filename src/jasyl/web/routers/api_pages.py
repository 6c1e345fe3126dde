"""JSON API (``/api/v1/{city}/...``) for the content of the pages, with the pages' roles: the city overview
(inventory, plan, pathway, explainer), a site's 12-month history, alerts and the source register.
Writes (inspector+) are audited like the forms; bearer tokens or the session cookie (with CSRF header).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body, Depends, HTTPException, Query
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from jasyl.monitoring.alert_actions import ALERT_STATUSES, act_on_alert, alert_detail, list_alerts
from jasyl.monitoring.source_register import create_source, get_source, update_source
from jasyl.monitoring.sources import list_sources
from jasyl.monitoring.standards import parameters
from jasyl.store.audit import AuditedWrite
from jasyl.store.users import Account
from jasyl.web.access import public, require
from jasyl.web.audit import audited_write
from jasyl.web.routers.city_pages import check_city
from jasyl.web.routers.pages_data import (
    city_centres,
    city_monitoring,
    city_site_codes,
    get_overview,
    invalidate_monitoring,
    monitoring_city_of,
    site_history,
    site_parameter_list,
)

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/{city}", tags=["city"])


def _overview(request: Request, city: str) -> dict[str, Any]:
    check_city(request, city)
    ov = get_overview(request, city)
    if ov is None:
        raise HTTPException(status_code=404, detail="the city's overview is still being computed")
    return ov


@router.get("/overview")
def overview(request: Request, city: str, user: Account | None = Depends(public)) -> dict[str, Any]:
    """Everything the public pages show of the city: inventory, the plan (no hourly series), the pathway
    year by year and the explainer's figures, with the options and the time they were computed."""
    return _overview(request, city)


@router.get("/inventory")
def inventory(request: Request, city: str, user: Account | None = Depends(public)) -> dict[str, Any]:
    """The city's GHG inventory (GPC BASIC) by sector and GPC reference number."""
    return dict(_overview(request, city)["inventory"])


@router.get("/explainer")
def explainer(request: Request, city: str, user: Account | None = Depends(public)) -> dict[str, Any]:
    """The figures of "what the plan means for you" (tonne equivalents, sources, what gets built, actions)."""
    return dict(_overview(request, city)["explainer"])


@router.get("/sites/{site_id}/history")
def history(request: Request, city: str, site_id: int, parameter: str = Query("pm25", max_length=40),
            user: Account | None = Depends(public)) -> dict[str, Any]:
    """A site's last 12 months of one parameter: valid 24-hour means (local days), monthly means, the
    12-month mean with the days it rests on, and the standards it is read against."""
    check_city(request, city)
    if not any(s.get("id") == site_id for s in city_monitoring(request, city)["sites"]):
        raise HTTPException(status_code=404, detail="no such site in this city")
    if parameter not in parameters() or parameter not in site_parameter_list(request, site_id):
        raise HTTPException(status_code=404, detail="no such site or parameter")
    return site_history(request, site_id, parameter).to_dict()


@router.get("/alerts")
def alerts(request: Request, city: str, status: str | None = Query(None, max_length=20),
           site: str | None = Query(None, max_length=200), limit: int = Query(50, ge=1, le=500),
           offset: int = Query(0, ge=0), user: Account = Depends(require("inspector"))) -> list[dict[str, Any]]:
    """Alerts, newest first (status open | acknowledged | closed)."""
    check_city(request, city)
    if status is not None and status not in ALERT_STATUSES:
        raise HTTPException(status_code=400, detail=f"status must be one of {', '.join(ALERT_STATUSES)}")
    return list_alerts(request.app.state.engine, status=status, site_code=site, limit=limit, offset=offset,
                       site_codes=city_site_codes(request, city))


@router.get("/alerts/{alert_id}")
def alert(request: Request, city: str, alert_id: int, user: Account = Depends(require("inspector"))) -> dict[str, Any]:
    """One alert with its history of actions."""
    check_city(request, city)
    found = alert_detail(request.app.state.engine, alert_id)
    if found is None or found.get("site_code") not in city_site_codes(request, city):
        raise HTTPException(status_code=404, detail="no such alert")
    return found


@router.post("/alerts/{alert_id}/{action}")
def alert_act(request: Request, city: str, alert_id: int, action: str,
              body: dict[str, Any] = Body(..., examples=[{"comment": "lab sample ordered"}]),
              user: Account = Depends(require("inspector"))) -> dict[str, Any]:
    """Acknowledge, close or reopen an alert; ``{"comment": "..."}`` is required (audited)."""
    check_city(request, city)
    found = alert_detail(request.app.state.engine, alert_id)
    if found is None or found.get("site_code") not in city_site_codes(request, city):
        raise HTTPException(status_code=404, detail="no such alert")

    def write(w: AuditedWrite) -> dict[str, Any]:
        out = act_on_alert(w.conn, alert_id, action, user=user.username, comment=str(body.get("comment", "")))
        w.before, w.after = out["before"], {**out["after"], "comment": out["event"]["comment"]}
        return dict(out["after"])

    after = audited_write(request, user, f"alert.{action}", write, object_type="alert", object_id=str(alert_id),
                          city=city)  # the change and its audit entry in one transaction
    invalidate_monitoring(request)
    return after


@router.get("/sources")
def sources(request: Request, city: str, user: Account | None = Depends(public)) -> list[dict[str, Any]]:
    """The pollution-source register (status, operator, location, notes; DEMO rows labelled)."""
    check_city(request, city)
    app = request.app
    centres = app.state.cache.get(("city-centres",), lambda: city_centres(app), 3600.0)
    return [row for row in list_sources(app.state.engine)
            if monitoring_city_of(row, centres, app.state.settings.default_city) == city]


@router.post("/sources")
async def source_create(request: Request, city: str, body: dict[str, Any] = Body(...),
                        user: Account = Depends(require("inspector"))) -> dict[str, Any]:
    """Register a source: name, type, status (operating | closed | illegal | under_restoration), latitude,
    longitude, approximate_location, operator, notes (audited)."""
    check_city(request, city)

    def write(w: AuditedWrite) -> dict[str, Any]:
        made = create_source(w.conn, dict(body), origin=f"api:{user.username}")
        w.object_id, w.after = str(made["id"]), made
        return made

    made = await run_in_threadpool(audited_write, request, user, "source.create", write, object_type="source",
                                   city=city)
    invalidate_monitoring(request)
    return made


@router.put("/sources/{source_id}")
async def source_update(request: Request, city: str, source_id: int, body: dict[str, Any] = Body(...),
                        user: Account = Depends(require("inspector"))) -> dict[str, Any]:
    """Replace a source's fields (the same fields as registering it; audited)."""
    check_city(request, city)
    if get_source(request.app.state.engine, source_id) is None:
        raise HTTPException(status_code=404, detail="no such source")

    def write(w: AuditedWrite) -> dict[str, Any]:
        out = update_source(w.conn, source_id, dict(body))
        w.before, w.after = out["before"], out["after"]
        return dict(out["after"])

    after = await run_in_threadpool(audited_write, request, user, "source.update", write, object_type="source",
                                    object_id=str(source_id), city=city)
    invalidate_monitoring(request)
    return after
