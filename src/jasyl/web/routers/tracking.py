"""Progress against the plan and the restoration register (issue 14) in the web platform.

* ``/{city}/progress`` (public): planned against actual per indicator and year, a plain verdict per indicator,
  charts (Vega-Lite, data as CSV), the inventory recomputed from the actuals; analysts upload actuals (the
  template of ``jasyl track import``: all rows good or nothing, unless "partial"; audited);
* ``/{city}/register`` (public): the restoration and closure register (late sources first) and the damage
  ESTIMATE of registered emissions; inspectors record a status change with its evidence (audited);
* ``/api/v1/{city}/progress``, ``/register``, ``/damage`` (public JSON): the same data as the CLI's JSON.

The comparison never adopts a plan in a request: without an adopted plan the page says how to adopt one
(``jasyl track plan``); the status is cached per city and language and dropped after an upload.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, File, Form, HTTPException, UploadFile
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from jasyl.errors import InputError
from jasyl.monitoring.emissions import damage
from jasyl.monitoring.register import REGISTER_STATUSES, add_event, parse_date
from jasyl.monitoring.register import register as register_rows
from jasyl.report.tracking import PROGRESS_GROUPS, basis_label, progress_chart, unit_label, verdicts
from jasyl.store.audit import AuditedWrite
from jasyl.store.users import Account
from jasyl.tracking.run import TrackOptions, track_status
from jasyl.tracking.store import active_plan, import_actuals
from jasyl.tracking.template import template_csv, template_xlsx
from jasyl.web.access import public, require
from jasyl.web.audit import audit, audited_write
from jasyl.web.i18n import request_language
from jasyl.web.routers.city_pages import chart_response, check_city, csv_response
from jasyl.web.routers.pages_data import city_display_name
from jasyl.web.templating import NAV, NavItem, render
from jasyl.web.uploads import describe

__all__ = ["router", "ACTUALS_SUFFIXES"]

router = APIRouter(include_in_schema=False)
api_router = APIRouter(tags=["tracking"])
NAV.extend([NavItem("track.web.nav.progress", "/{city}/progress", order=40),
            NavItem("track.web.nav.register", "/{city}/register", order=45)])

ACTUALS_SUFFIXES = (".csv", ".txt", ".xlsx")
STATUS_TTL_S = 120.0


def _status(request: Request, city: str) -> dict[str, Any]:
    def compute() -> dict[str, Any]:
        return track_status(request.app.state.engine, TrackOptions(city=city), adopt=False)
    return dict(request.app.state.cache.get(("tracking", city), compute, STATUS_TTL_S))


def _planned(request: Request, city: str) -> dict[str, Any]:
    plan = active_plan(request.app.state.engine, city)
    return dict(plan["planned"]["series"]) if plan else {}


def _progress_page(request: Request, city: str, *, upload_report: dict[str, Any] | None = None,
                   upload_error: str = "", status_code: int = 200) -> Response:
    lang = request_language(request)
    status = _status(request, city)
    rows = [{**r, "unit_label": unit_label(r["unit"], lang), "basis_label": basis_label(r["actual_basis"], lang)}
            for r in status["indicators"]]
    return render(request, "pages/progress.html", {
        "status": status, "rows": rows, "verdicts": verdicts(status, lang) if status.get("plan") else [],
        "groups": [g for g in PROGRESS_GROUPS if any(r["name"] in PROGRESS_GROUPS[g] for r in status["indicators"])],
        "upload_report": upload_report, "upload_error": upload_error,
        "city_title": city_display_name(request, city, lang)}, status_code=status_code)


@router.get("/{city}/progress")
def progress(request: Request, city: str, user: Account | None = Depends(public)) -> Response:
    """Planned against actual, verdicts, charts and the recomputed inventory."""
    check_city(request, city)
    return _progress_page(request, city)


@router.get("/{city}/progress/charts/{group}.json")
def progress_spec(request: Request, city: str, group: str, user: Account | None = Depends(public)) -> Response:
    check_city(request, city)
    if group not in PROGRESS_GROUPS:
        raise HTTPException(status_code=404, detail="page not found")
    return chart_response(progress_chart(_status(request, city), _planned(request, city), group,
                                         request_language(request)))


@router.get("/{city}/progress/template.{fmt}")
def progress_template(request: Request, city: str, fmt: str, user: Account | None = Depends(public)) -> Response:
    """The actuals template ('jasyl track template'): CSV with commented examples, or Excel with drop-down lists."""
    check_city(request, city)
    if fmt == "csv":
        return Response(template_csv().encode("utf-8"), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": 'attachment; filename="actuals_template.csv"'})
    if fmt == "xlsx":
        return Response(template_xlsx(), media_type="application/vnd.openxmlformats-officedocument."
                                                    "spreadsheetml.sheet",
                        headers={"Content-Disposition": 'attachment; filename="actuals_template.xlsx"'})
    raise HTTPException(status_code=404, detail="page not found")


@router.get("/{city}/progress/charts/{group}.csv")
def progress_csv(request: Request, city: str, group: str, user: Account | None = Depends(public)) -> Response:
    check_city(request, city)
    if group not in PROGRESS_GROUPS:
        raise HTTPException(status_code=404, detail="page not found")
    chart = progress_chart(_status(request, city), _planned(request, city), group, request_language(request))
    return csv_response(chart, f"{city}-progress-{group}.csv")


@router.post("/{city}/progress/actuals")
async def upload_actuals(request: Request, city: str, file: UploadFile = File(...), partial: str = Form(""),
                         user: Account = Depends(require("analyst"))) -> Response:
    """Upload an actuals file (CSV or Excel); every bad row is listed and nothing is stored unless "partial"."""
    check_city(request, city)
    stored = await request.app.state.uploads.save(user.id, file, kind="actuals", suffixes=ACTUALS_SUFFIXES)
    try:
        report = await run_in_threadpool(import_actuals, request.app.state.engine, stored.path, city=city,
                                         partial=bool(partial))
    except InputError as exc:
        return _progress_page(request, city, upload_error=exc.message + (f" ({exc.fix})" if exc.fix else ""),
                              status_code=400)
    out = report.as_dict()
    out["file"] = stored.original_name or stored.stored_name
    # the upload itself is a write (the file is kept in the user's folder): audited even when the store is unchanged
    await run_in_threadpool(audit, request, user, "actuals.import", object_type="upload",
                            object_id=stored.stored_name, city=city,
                            after={**describe(stored), **{k: v for k, v in out.items() if k != "rejected"}})
    if report.committed:
        request.app.state.cache.invalidate("tracking")
    return _progress_page(request, city, upload_report=out, status_code=400 if report.rejected and not partial
                          else 200)


@router.get("/{city}/register")
def register_page(request: Request, city: str, user: Account | None = Depends(public)) -> Response:
    """The restoration and closure register (late first) and the damage estimate."""
    check_city(request, city)
    engine = request.app.state.engine
    return render(request, "pages/register.html", {
        "rows": [r.to_dict() for r in register_rows(engine)], "damage": damage(engine).to_dict(),
        "statuses": REGISTER_STATUSES, "today": date.today().isoformat(), "errors": {}})


@router.post("/{city}/register/events")
def register_event(request: Request, city: str, source: str = Form(...), status: str = Form(...),
                   when: str = Form(...), evidence: str = Form(...), note: str = Form(""),
                   user: Account = Depends(require("inspector"))) -> Response:
    """Record a status change of a source with its date and evidence (audited)."""
    check_city(request, city)
    engine = request.app.state.engine

    def write(w: AuditedWrite) -> None:
        new = add_event(w.conn, source, status, parse_date(when, "date"), evidence, note)
        w.after = {"status": status, "date": when, "evidence": evidence, "note": note, "recorded": new}

    try:  # the event and its audit entry in one transaction
        audited_write(request, user, "register.event", write, object_type="source", object_id=source, city=city)
    except InputError as exc:
        return render(request, "pages/register.html", {
            "rows": [r.to_dict() for r in register_rows(engine)], "damage": damage(engine).to_dict(),
            "statuses": REGISTER_STATUSES, "today": date.today().isoformat(),
            "errors": {exc.field or "source": exc.message + (f" ({exc.fix})" if exc.fix else "")}},
            status_code=400)
    return RedirectResponse(f"/{city}/register", status_code=303)


@api_router.get("/api/v1/{city}/progress")
def api_progress(request: Request, city: str, user: Account | None = Depends(public)) -> Response:
    """Planned against actual (the JSON of ``jasyl track status``; no plan adopted: empty indicators)."""
    check_city(request, city)
    return JSONResponse(_jsonable(_status(request, city)))


@api_router.get("/api/v1/{city}/register")
def api_register(request: Request, city: str, user: Account | None = Depends(public)) -> Response:
    """The restoration and closure register, late sources first."""
    check_city(request, city)
    return JSONResponse({"today": date.today().isoformat(),
                         "sources": [r.to_dict() for r in register_rows(request.app.state.engine)]})


@api_router.get("/api/v1/{city}/damage")
def api_damage(request: Request, city: str, year: int | None = None,
               user: Account | None = Depends(public)) -> Response:
    """Fee-based damage ESTIMATE of the registered emissions (not a legal assessment)."""
    check_city(request, city)
    try:
        return JSONResponse(damage(request.app.state.engine, year).to_dict())
    except InputError as exc:
        return JSONResponse({"error": exc.message, "field": exc.field, "fix": exc.fix}, status_code=400)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


router.include_router(api_router)
