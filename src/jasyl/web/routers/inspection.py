"""Inspector pages (role inspector+): the pollution-source register (register, edit), measurement uploads
(the readers and rejections of ``jasyl monitor ingest``) and alerts (acknowledge, close, reopen with a
comment). Every write is audited (who, when, what, before/after).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, File, Form, HTTPException, UploadFile
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from jasyl.errors import InputError
from jasyl.monitoring.alert_actions import (
    ACTIONS,
    ALERT_STATUSES,
    act_on_alert,
    alert_detail,
    count_alerts,
    list_alerts,
)
from jasyl.monitoring.ingest import FORMATS, IngestError, ingest_file
from jasyl.monitoring.source_register import EDITABLE, create_source, get_source, update_source
from jasyl.monitoring.sources import list_sources
from jasyl.report.ingest_reasons import reason_text, rejected_summary
from jasyl.report.monitor_labels import MonitorLabels
from jasyl.store.audit import AuditedWrite
from jasyl.store.models import SOURCE_STATUSES, SOURCE_TYPES
from jasyl.store.users import Account
from jasyl.web.access import require
from jasyl.web.audit import audit, audited_write
from jasyl.web.i18n import request_language
from jasyl.web.routers.city_pages import check_city
from jasyl.web.routers.pages_data import city_site_codes, invalidate_monitoring
from jasyl.web.templating import NAV, NavItem, render
from jasyl.web.uploads import describe

__all__ = ["router", "MEASUREMENT_SUFFIXES"]

router = APIRouter(include_in_schema=False)
NAV.append(NavItem("pages.nav.inspector", "/{city}/inspect", role="inspector", order=60))

MEASUREMENT_SUFFIXES = (".csv", ".txt", ".json", ".ndjson", ".jsonl")
PAGE_SIZE = 50


def _alert_view(a: dict[str, Any], lab: MonitorLabels) -> dict[str, Any]:
    demo = bool(a.get("demo"))
    return {**a, "rule_label": lab.rule(str(a["rule"])), "severity_label": lab.severity(str(a["severity"])),
            "status_label": lab.alert_status(str(a["status"])), "parameter_label": lab.parameter(str(a["parameter"])),
            "averaging_label": lab.averaging(str(a["averaging"])), "standard_label": lab.standard(str(a["standard"])),
            "site_label": lab.site_name(str(a.get("site_code") or ""), str(a.get("site_name") or ""), demo),
            "period_label": lab.local_time(a["period_start_utc"], with_zone=False),
            "value_label": f"{lab.sig(a.get('value'))} {lab.unit(str(a.get('unit', '')))}",
            "limit_label": f"{lab.sig(a.get('limit'))} {lab.unit(str(a.get('unit', '')))}",
            "ratio_label": lab.num(a.get("ratio"), 2)}


def _source_view(s: dict[str, Any], lab: MonitorLabels) -> dict[str, Any]:
    demo = bool(s.get("demo"))
    return {**s, "name_label": lab.source_name(str(s["name"]), demo), "type_label": lab.source_type(str(s["type"])),
            "status_label": lab.source_status(str(s["status"]))}


def _form_source(row: dict[str, Any]) -> dict[str, Any]:
    """Every field the source form shows, with blanks where ``row`` has none."""
    blank: dict[str, Any] = {"id": None, "name": "", "type": "other", "status": "operating", "operator": "",
                             "latitude": None, "longitude": None, "approximate_location": False, "notes": "",
                             "demo": False}
    return {**blank, **{k: v for k, v in row.items() if v is not None or k in ("latitude", "longitude")}}


def _choices(lab: MonitorLabels) -> dict[str, list[dict[str, str]]]:
    return {"types": [{"id": t, "label": lab.source_type(t)} for t in SOURCE_TYPES],
            "statuses": [{"id": s, "label": lab.source_status(s)} for s in SOURCE_STATUSES]}


@router.get("/{city}/inspect")
def inspect_home(request: Request, city: str, status: str = "open", page: int = 1,
                 user: Account = Depends(require("inspector"))) -> Response:
    """Alerts (by status), the source register and the measurement upload form."""
    check_city(request, city)
    lab = MonitorLabels(request_language(request))
    status = status if status in ALERT_STATUSES else "open"
    page = max(1, min(int(page), 10_000))
    engine = request.app.state.engine
    codes = city_site_codes(request, city)
    alerts = [_alert_view(a, lab) for a in list_alerts(engine, status=status, limit=PAGE_SIZE,
                                                       offset=(page - 1) * PAGE_SIZE, site_codes=codes)]
    sources = [_source_view(s, lab) for s in _sources_with_ids(request)]
    return render(request, "pages/inspect.html", {
        "alerts": alerts, "alert_status": status, "statuses": [(s, lab.alert_status(s)) for s in ALERT_STATUSES],
        "counts": count_alerts(engine, codes), "page": page, "page_size": PAGE_SIZE, "sources": sources,
        "formats": FORMATS, "upload_errors": {}, "upload_report": None})


def _sources_with_ids(request: Request) -> list[dict[str, Any]]:
    rows = list_sources(request.app.state.engine)
    return [r for r in rows if r.get("id") is not None]


@router.get("/{city}/inspect/alerts/{alert_id}")
def alert_page(request: Request, city: str, alert_id: int, user: Account = Depends(require("inspector"))) -> Response:
    check_city(request, city)
    detail = alert_detail(request.app.state.engine, alert_id)
    if detail is None or detail.get("site_code") not in city_site_codes(request, city):
        raise HTTPException(status_code=404, detail="no such alert")
    lab = MonitorLabels(request_language(request))
    view = _alert_view(detail, lab)
    view["history"] = [{**h, "time_label": lab.local_time(h["time_utc"]), "status_label": lab.alert_status(h["status"])}
                       for h in detail["history"]]
    return render(request, "pages/alert.html", {"alert": view, "actions": _allowed(detail["status"]), "errors": {},
                                                "comment": ""})


def _allowed(status: str) -> list[str]:
    return [a for a, (start, _) in ACTIONS.items() if status in start]


@router.post("/{city}/inspect/alerts/{alert_id}/{action}")
def alert_action(request: Request, city: str, alert_id: int, action: str, comment: str = Form(""),
                 user: Account = Depends(require("inspector"))) -> Response:
    """Acknowledge, close or reopen an alert with a comment (audited)."""
    check_city(request, city)
    engine = request.app.state.engine
    found = alert_detail(engine, alert_id)
    if found is None or found.get("site_code") not in city_site_codes(request, city):
        raise HTTPException(status_code=404, detail="no such alert")  # another city's alert: not this inspector's

    def write(w: AuditedWrite) -> None:
        out = act_on_alert(w.conn, alert_id, action, user=user.username, comment=comment)
        w.before, w.after = out["before"], {**out["after"], "comment": out["event"]["comment"]}

    try:  # the change and its audit entry in one transaction
        audited_write(request, user, f"alert.{action}", write, object_type="alert", object_id=str(alert_id),
                      city=city)
    except InputError as exc:
        detail = alert_detail(engine, alert_id)
        if detail is None:
            raise HTTPException(status_code=404, detail="no such alert") from exc
        lab = MonitorLabels(request_language(request))
        view = _alert_view(detail, lab)
        view["history"] = [{**h, "time_label": lab.local_time(h["time_utc"]),
                            "status_label": lab.alert_status(h["status"])} for h in detail["history"]]
        ctx = {"alert": view, "actions": _allowed(detail["status"]), "errors": {exc.field or "comment": exc.message},
               "comment": comment}
        return render(request, "pages/alert.html", ctx, status_code=400)
    invalidate_monitoring(request)
    return RedirectResponse(f"/{city}/inspect/alerts/{alert_id}", status_code=303)


def _form_row(form: Any) -> dict[str, Any]:
    row: dict[str, Any] = {k: str(form.get(k, "")).strip() for k in EDITABLE if k != "approximate_location"}
    row["approximate_location"] = bool(form.get("approximate_location"))
    return row


@router.get("/{city}/inspect/sources/new")
def source_new(request: Request, city: str, user: Account = Depends(require("inspector"))) -> Response:
    check_city(request, city)
    lab = MonitorLabels(request_language(request))
    return render(request, "pages/source_form.html", {"source": _form_source({}),
                                                      "errors": {}, "new": True, **_choices(lab)})


@router.post("/{city}/inspect/sources")
async def source_create(request: Request, city: str, user: Account = Depends(require("inspector"))) -> Response:
    """Register a pollution source (audited)."""
    check_city(request, city)
    form = await request.form()
    row = _form_row(form)

    def write(w: AuditedWrite) -> dict[str, Any]:
        made = create_source(w.conn, row, origin=f"web:{user.username}")
        w.object_id, w.after = str(made["id"]), made
        return made

    try:
        made = await run_in_threadpool(audited_write, request, user, "source.create", write, object_type="source",
                                       city=city)
    except InputError as exc:
        lab = MonitorLabels(request_language(request))
        ctx = {"source": _form_source(row), "errors": {exc.field or "name": exc.message}, "new": True,
               **_choices(lab)}
        return render(request, "pages/source_form.html", ctx, status_code=400)
    invalidate_monitoring(request)
    return RedirectResponse(f"/{city}/inspect/sources/{made['id']}", status_code=303)


@router.get("/{city}/inspect/sources/{source_id}")
def source_edit(request: Request, city: str, source_id: int, user: Account = Depends(require("inspector"))) -> Response:
    check_city(request, city)
    source = get_source(request.app.state.engine, source_id)
    if source is None:
        raise HTTPException(status_code=404, detail="no such source")
    lab = MonitorLabels(request_language(request))
    return render(request, "pages/source_form.html", {"source": _form_source(source), "errors": {}, "new": False,
                                                      **_choices(lab)})


@router.post("/{city}/inspect/sources/{source_id}")
async def source_update(request: Request, city: str, source_id: int,
                        user: Account = Depends(require("inspector"))) -> Response:
    """Change a source's status, operator, location or notes (audited)."""
    check_city(request, city)
    form = await request.form()
    row = _form_row(form)

    def write(w: AuditedWrite) -> None:
        out = update_source(w.conn, source_id, row)
        w.before, w.after = out["before"], out["after"]

    try:
        await run_in_threadpool(audited_write, request, user, "source.update", write, object_type="source",
                                object_id=str(source_id), city=city)
    except InputError as exc:
        if exc.field == "source_id":
            raise HTTPException(status_code=404, detail="no such source") from exc
        lab = MonitorLabels(request_language(request))
        return render(request, "pages/source_form.html", {"source": _form_source({**row, "id": source_id}),
                                                          "errors": {exc.field or "name": exc.message}, "new": False,
                                                          **_choices(lab)}, status_code=400)
    invalidate_monitoring(request)
    return RedirectResponse(f"/{city}/inspect/sources/{source_id}", status_code=303)


@router.post("/{city}/inspect/measurements")
async def upload_measurements(request: Request, city: str, file: UploadFile = File(...), format: str = Form("csv"),
                              site: str = Form(""), partial: str = Form(""),
                              user: Account = Depends(require("inspector"))) -> Response:
    """Upload a measurement file: stored in the inspector's folder, read by the ``jasyl monitor ingest``
    readers; any rejected row means nothing is written unless "partial" is ticked (audited)."""
    check_city(request, city)
    lab = MonitorLabels(request_language(request))
    errors: dict[str, str] = {}
    report: dict[str, Any] | None = None
    status_code = 200
    if format not in FORMATS:
        errors["format"] = f"unknown format '{format}'"
        status_code = 400
    else:
        stored = await request.app.state.uploads.save(user.id, file, kind="measurements",
                                                      suffixes=MEASUREMENT_SUFFIXES)
        try:
            result = await run_in_threadpool(ingest_file, request.app.state.engine, stored.path, format,
                                             partial=bool(partial), site=site.strip() or None)
            report = result.as_dict()
            report["file"] = stored.original_name or stored.stored_name
            await run_in_threadpool(audit, request, user, "measurements.upload", object_type="upload",
                                    object_id=stored.stored_name, city=city,
                                    after={**describe(stored), **{k: v for k, v in report.items() if k != "rejected"}})
            invalidate_monitoring(request)
            lang = request_language(request)
            report["rejected"] = [{**r, "reason": reason_text(str(r["reason"]), lang)} for r in report["rejected"]]
        except IngestError as exc:  # the readers word rejections in English: shown in the page's language
            lang = request_language(request)
            errors["file"] = rejected_summary(exc.message, lang)
            report = {"file": stored.original_name, "committed": False,
                      "rejected": [{"where": e.where, "line": e.line, "reason": reason_text(e.reason, lang)}
                                   for e in exc.errors]}
            status_code = 400
        except InputError as exc:
            errors[exc.field or "file"] = exc.message + (f" ({exc.fix})" if exc.fix else "")
            status_code = 400
    engine = request.app.state.engine
    codes = city_site_codes(request, city)
    alerts = [_alert_view(a, lab) for a in list_alerts(engine, status="open", limit=PAGE_SIZE, site_codes=codes)]
    sources = [_source_view(s, lab) for s in _sources_with_ids(request)]
    return render(request, "pages/inspect.html", {
        "alerts": alerts, "alert_status": "open", "statuses": [(s, lab.alert_status(s)) for s in ALERT_STATUSES],
        "counts": count_alerts(engine, codes), "page": 1, "page_size": PAGE_SIZE, "sources": sources,
        "formats": FORMATS, "upload_errors": errors, "upload_report": report}, status_code=status_code)
