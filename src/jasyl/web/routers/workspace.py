"""Analyst workspace (role analyst+): run a plan from a form (the options schema of ``jasyl plan``, checked on
the server, errors next to their field) or a sweep from a scenario file, follow progress live (htmx
polling), see the results (key figures, the HTML report's figures, hourly dispatch with zoom, duration
curves), compare plans side by side, download JSON, CSV, Parquet and the HTML report, and upload a
city or weather file (size-limited, read by the CLI's readers, stored per user). Long work runs as jobs
on Dask (:mod:`jasyl.planning.jobs`), never in a request.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pandas as pd
from fastapi import APIRouter, Depends, File, Form, HTTPException, Query, UploadFile
from fastapi.responses import FileResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from jasyl.city import load_city
from jasyl.errors import InputError, JasylError
from jasyl.planning.jobs import JobManager
from jasyl.planning.options import PlanOptions
from jasyl.report.dispatch_charts import dispatch_chart, duration_chart
from jasyl.report.labels import Labels
from jasyl.store.users import Account
from jasyl.weather import read_weather
from jasyl.web.access import require
from jasyl.web.audit import audit
from jasyl.web.i18n import request_language
from jasyl.web.routers.city_pages import chart_response, check_city, csv_response, figure
from jasyl.web.routers.pages_data import job_progress, jobs_of
from jasyl.web.templating import NAV, NavItem, render
from jasyl.web.uploads import describe

__all__ = ["router", "PLAN_FIELDS", "STAGE_WEIGHTS"]

router = APIRouter(include_in_schema=False)
NAV.append(NavItem("pages.nav.workspace", "/{city}/workspace", role="analyst", order=50))

#: the plan options offered in the form (the rest keep the defaults of ``jasyl plan``)
PLAN_FIELDS: tuple[str, ...] = ("target_co2_t", "hours", "method", "weather", "export_credit", "allow_export",
                                "land_pv_km2", "land_wind_km2", "grid_import_max_mw", "grid_export_max_mw")
STAGE_WEIGHTS = {"inventory": 0.03, "profiles": 0.1, "optimise": 0.5, "macc": 0.05, "pathway": 0.3, "report": 0.02}
CITY_SUFFIXES = (".yaml", ".yml")
WEATHER_SUFFIXES = (".epw", ".csv", ".json", ".nc", ".txt")
#: files of a plan job offered for download
DOWNLOADS = ("report.html", "summary.json", "capacities.csv", "energy.csv", "costs.csv", "emissions.csv",
             "dispatch.csv", "storage_soc.csv", "dispatch.parquet")


def _jobs(request: Request) -> Any:
    jobs = jobs_of(request.app)
    if jobs is None:
        raise HTTPException(status_code=503, detail="this server runs no background jobs (JASYL_WEB_JOBS=0)")
    return jobs


def _meta_path(jobs: Any, job_id: str) -> Path:
    return Path(jobs.root) / job_id / "web.json"


def _meta(jobs: Any, job_id: str) -> dict[str, Any] | None:
    try:
        data = json.loads(_meta_path(jobs, job_id).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _city_jobs(request: Request, city: str) -> list[dict[str, Any]]:
    """The jobs of this city started from the workspace (any analyst's; newest first), read from the
    jobs folder, so every uvicorn worker and a restarted server list the same jobs."""
    jobs = jobs_of(request.app)
    if jobs is None:
        return []
    root = Path(jobs.root)
    out = []
    for meta_file in sorted(root.glob("*/web.json"), reverse=True)[:200]:
        job_id = meta_file.parent.name
        meta = _meta(jobs, job_id)
        st = JobManager.read_status(root, job_id)
        if meta is None or st is None or meta.get("city") != city:
            continue
        out.append({"id": job_id, "kind": st.kind, "state": st.state, "owner": meta.get("owner", ""),
                    "title": meta.get("title", job_id), "submitted": st.submitted_utc})
    return sorted(out, key=lambda j: j["submitted"], reverse=True)


def _uploads(request: Request, user: Account) -> dict[str, list[str]]:
    store = request.app.state.uploads
    return {kind: [p.name for p in store.list(user.id, kind)] for kind in ("city", "weather")}


def _form_page(request: Request, city: str, user: Account, values: dict[str, Any], errors: dict[str, str],
               status_code: int = 200, upload_errors: dict[str, str] | None = None) -> Response:
    return render(request, "pages/workspace.html", {
        "values": values, "errors": errors, "jobs": _city_jobs(request, city), "uploads": _uploads(request, user),
        "upload_errors": upload_errors or {}, "defaults": PlanOptions().to_dict()}, status_code=status_code)


@router.get("/{city}/workspace")
def workspace(request: Request, city: str, user: Account = Depends(require("analyst"))) -> Response:
    check_city(request, city)
    return _form_page(request, city, user, {}, {})


@router.post("/{city}/workspace/plan")
async def submit_plan(request: Request, city: str, user: Account = Depends(require("analyst"))) -> Response:
    """Check the form with the plan's own options schema and queue the plan as a job."""
    check_city(request, city)
    form = await request.form()
    values = {k: str(form.get(k, "")).strip() for k in PLAN_FIELDS}
    data: dict[str, Any] = {k: v for k, v in values.items() if v != "" and k not in ("export_credit", "allow_export")}
    data["export_credit"] = bool(form.get("export_credit"))
    data["allow_export"] = bool(form.get("allow_export"))
    if data.get("weather"):
        try:
            data["weather"] = str(request.app.state.uploads.open_path(user.id, "weather", str(data["weather"])))
        except InputError as exc:
            return _form_page(request, city, user, values, {"weather": exc.message}, 400)
    data.update(city=city, language=request_language(request), pathway=False)
    try:
        options = PlanOptions.from_dict(data)
    except InputError as exc:
        return _form_page(request, city, user, values, {exc.field or "target_co2_t": exc.message
                                                        + (f" ({exc.fix})" if exc.fix else "")}, 400)
    jobs = _jobs(request)
    job_id = jobs.submit("plan", options)
    title = f"CO₂ ≤ {options.target_co2_t:,.0f} t, {options.hours or 8760} h, {options.method}"
    (_meta_path(jobs, job_id)).write_text(json.dumps({"city": city, "owner": user.username, "title": title,
                                                      "options": options.to_dict()}), encoding="utf-8")
    audit(request, user, "job.plan", object_type="job", object_id=job_id, city=city, after=options.to_dict())
    return RedirectResponse(f"/{city}/workspace/jobs/{job_id}", status_code=303)


def _job_or_404(request: Request, city: str, job_id: str) -> tuple[Any, Any, dict[str, Any]]:
    jobs = _jobs(request)
    meta = _meta(jobs, job_id) if job_id.replace("-", "").replace("_", "").isalnum() else None
    st = JobManager.read_status(jobs.root, job_id) if meta is not None else None
    if meta is None or st is None or meta.get("city") != city:
        raise HTTPException(status_code=404, detail="no such job")
    return jobs, st, meta


def _progress_ctx(jobs: Any, st: Any, lang: str) -> dict[str, Any]:
    fraction, stage = job_progress(JobManager.read_events(jobs.root, st.id), STAGE_WEIGHTS)
    label = Labels(lang).t(f"cli.stage.{stage}") if stage and Labels(lang).has(f"cli.stage.{stage}") else ""
    return {"state": st.state, "percent": 100 if st.state == "done" else int(100 * fraction), "stage": label,
            "error": st.error}


@router.get("/{city}/workspace/jobs/{job_id}")
def job_page(request: Request, city: str, job_id: str, user: Account = Depends(require("analyst"))) -> Response:
    check_city(request, city)
    jobs, st, meta = _job_or_404(request, city, job_id)
    lang = request_language(request)
    ctx: dict[str, Any] = {"job": {"id": job_id, **meta}, "progress": _progress_ctx(jobs, st, lang), "result": None}
    if st.state == "done":
        ctx.update(_result_ctx(request, city, job_id, jobs, lang))
    return render(request, "pages/job.html", ctx)


@router.get("/{city}/workspace/jobs/{job_id}/progress")
def job_progress_fragment(request: Request, city: str, job_id: str,
                          user: Account = Depends(require("analyst"))) -> Response:
    """The progress line (htmx polls it every 2 s; the page reloads itself when the job is done)."""
    check_city(request, city)
    jobs, st, meta = _job_or_404(request, city, job_id)
    response = render(request, "pages/_job_progress.html", {"job": {"id": job_id, **meta},
                                                             "progress": _progress_ctx(jobs, st,
                                                                                       request_language(request))})
    if st.state in ("done", "failed", "cancelled"):
        response.headers["HX-Refresh"] = "true"
    return response


def _out_dir(jobs: Any, job_id: str) -> Path | None:
    result = JobManager.read_result(jobs.root, job_id) or {}
    outputs = result.get("outputs")
    if isinstance(outputs, list) and outputs:
        return Path(str(outputs[0]))
    return None


def _dispatch(jobs: Any, job_id: str) -> pd.DataFrame:
    folder = _out_dir(jobs, job_id)
    if folder is None or not (folder / "dispatch.csv").is_file():
        raise HTTPException(status_code=404, detail="no hourly results")
    return pd.read_csv(folder / "dispatch.csv", index_col=0, parse_dates=True)


def _result_ctx(request: Request, city: str, job_id: str, jobs: Any, lang: str) -> dict[str, Any]:
    result = (JobManager.read_result(jobs.root, job_id) or {}).get("result") or {}
    folder = _out_dir(jobs, job_id)
    files = [name for name in DOWNLOADS if folder is not None and ((folder / name).is_file() or
                                                                  (name == "dispatch.parquet" and
                                                                   (folder / "dispatch.csv").is_file()))]
    figs = []
    if folder is not None and (folder / "dispatch.csv").is_file():
        for kind in ("dispatch", "duration"):
            chart = _job_chart(request, jobs, job_id, kind, lang)
            figs.append(figure(chart, f"/{city}/workspace/jobs/{job_id}/charts/{kind}.csv?lang={lang}"))
    return {"result": result, "files": files, "figs": figs, "labels": Labels(lang)}


def _job_chart(request: Request, jobs: Any, job_id: str, kind: str, lang: str) -> Any:
    def make() -> Any:
        dispatch = _dispatch(jobs, job_id)
        if kind == "dispatch":
            return dispatch_chart(dispatch, lang=lang, tz="Asia/Almaty")
        return duration_chart(dispatch, lang=lang)

    return request.app.state.cache.get(("job-chart", job_id, kind, lang), make, 3600.0)


@router.get("/{city}/workspace/jobs/{job_id}/charts/{kind}.json")
def job_chart_spec(request: Request, city: str, job_id: str, kind: str,
                   user: Account = Depends(require("analyst"))) -> Response:
    check_city(request, city)
    jobs, st, _ = _job_or_404(request, city, job_id)
    if kind not in ("dispatch", "duration") or st.state != "done":
        raise HTTPException(status_code=404, detail="no such chart")
    return chart_response(_job_chart(request, jobs, job_id, kind, request_language(request)))


@router.get("/{city}/workspace/jobs/{job_id}/charts/{kind}.csv")
def job_chart_csv(request: Request, city: str, job_id: str, kind: str,
                  user: Account = Depends(require("analyst"))) -> Response:
    check_city(request, city)
    jobs, st, _ = _job_or_404(request, city, job_id)
    if kind not in ("dispatch", "duration") or st.state != "done":
        raise HTTPException(status_code=404, detail="no such chart")
    return csv_response(_job_chart(request, jobs, job_id, kind, request_language(request)), f"{job_id}-{kind}.csv")


@router.get("/{city}/workspace/jobs/{job_id}/files/{name}")
def job_file(request: Request, city: str, job_id: str, name: str,
             user: Account = Depends(require("analyst"))) -> Response:
    """A file of a finished plan: the HTML report, summary.json, the CSV tables, dispatch.parquet."""
    check_city(request, city)
    jobs, st, _ = _job_or_404(request, city, job_id)
    folder = _out_dir(jobs, job_id)
    if name not in DOWNLOADS or folder is None:
        raise HTTPException(status_code=404, detail="no such file")
    if name == "dispatch.parquet":
        frame = _dispatch(jobs, job_id)
        buf = io.BytesIO()
        frame.to_parquet(buf)
        return Response(buf.getvalue(), media_type="application/vnd.apache.parquet",
                        headers={"Content-Disposition": f'attachment; filename="{job_id}-dispatch.parquet"'})
    path = folder / name
    if not path.is_file():
        raise HTTPException(status_code=404, detail="no such file")
    media = {"html": "text/html", "json": "application/json", "csv": "text/csv"}[name.rsplit(".", 1)[1]]
    return FileResponse(path, media_type=media, filename=f"{job_id}-{name}",
                        content_disposition_type="attachment" if media != "text/html" else "inline")


@router.get("/{city}/workspace/compare")
def compare(request: Request, city: str, jobs_: list[str] = Query([], alias="job", max_length=20),
            user: Account = Depends(require("analyst"))) -> Response:
    """Finished plans side by side: key figures and capacities."""
    check_city(request, city)
    lang = request_language(request)
    jobs = _jobs(request)
    rows = []
    for job_id in jobs_[:6]:
        try:
            _, st, meta = _job_or_404(request, city, job_id)
        except HTTPException:
            continue
        if st.state == "done":
            rows.append({"id": job_id, "title": meta.get("title", job_id),
                         "result": (JobManager.read_result(jobs.root, job_id) or {}).get("result") or {}})
    techs = sorted({t for r in rows for t, v in (r["result"].get("capacities") or {}).items() if v and v > 1e-3})
    return render(request, "pages/compare.html", {"rows": rows, "techs": techs, "labels": Labels(lang),
                                                  "jobs": _city_jobs(request, city)})


@router.post("/{city}/workspace/uploads")
async def upload(request: Request, city: str, kind: str = Form("weather"), file: UploadFile = File(...),
                 user: Account = Depends(require("analyst"))) -> Response:
    """A city file (YAML) or weather file, size-limited, checked by the CLI's readers, kept per user."""
    check_city(request, city)
    if kind not in ("city", "weather"):
        return _form_page(request, city, user, {}, {}, 400, {"kind": f"unknown kind '{kind}'"})
    stored = await request.app.state.uploads.save(user.id, file, kind=kind,
                                                  suffixes=CITY_SUFFIXES if kind == "city" else WEATHER_SUFFIXES)
    try:
        await run_in_threadpool(load_city if kind == "city" else read_weather, stored.path)
    except (JasylError, ValueError) as exc:
        stored.path.unlink(missing_ok=True)
        message = getattr(exc, "message", str(exc))
        return _form_page(request, city, user, {}, {}, 400, {"file": message})
    audit(request, user, f"upload.{kind}", object_type="upload", object_id=stored.stored_name, city=city,
          after=describe(stored))
    return RedirectResponse(f"/{city}/workspace#uploads", status_code=303)
