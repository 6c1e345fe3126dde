"""Analyst workspace (role analyst+): run a plan or a cost-CO2 trade-off curve from a form (the options
schemas of ``jasyl plan`` and ``jasyl tradeoff``, checked on the server, errors next to their field) or a
sweep from a scenario file (the schema of ``jasyl sweep``), follow progress live (htmx polling), see the
results (plans: key figures, the HTML report's figures, hourly dispatch with zoom, duration curves;
trade-off curves: the curve chart and its points; sweeps: the results table and the sweep report),
compare plans side by side, download JSON, CSV, Parquet and the HTML reports, and upload a city or
weather file (size-limited, read by the CLI's readers, stored per user). Long work runs as jobs on Dask
(:mod:`jasyl.planning.jobs`), never in a request.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import pandas as pd
from fastapi import APIRouter, Depends, File, Form, HTTPException, Query, UploadFile
from fastapi.responses import FileResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from jasyl.city import load_city
from jasyl.errors import InputError, JasylError
from jasyl.i18n import translate
from jasyl.planning.jobs import JobManager
from jasyl.planning.options import PlanOptions, TradeoffOptions
from jasyl.planning.scenario import SweepSpec, expand, parse_sweep_spec
from jasyl.report.dispatch_charts import dispatch_chart, duration_chart
from jasyl.report.labels import Labels
from jasyl.report.overview import overview_chart
from jasyl.report.sweep import setting_label, write_sweep_report
from jasyl.store.users import Account
from jasyl.weather import read_weather
from jasyl.web.access import require
from jasyl.web.audit import audit
from jasyl.web.i18n import request_language
from jasyl.web.routers.city_pages import chart_response, check_city, csv_response, figure
from jasyl.web.routers.pages_data import job_progress, jobs_of
from jasyl.web.templating import NAV, NavItem, render
from jasyl.web.uploads import describe
from jasyl.yamlfile import parse_yaml_mapping

__all__ = ["router", "PLAN_FIELDS", "TRADEOFF_FIELDS", "STAGE_WEIGHTS", "MAX_SWEEP_SCENARIOS", "SWEEP_EXAMPLE",
           "DOWNLOADS", "TRADEOFF_DOWNLOADS", "SWEEP_DOWNLOADS", "web_sweep_spec", "job_title", "job_or_404",
           "list_city_jobs", "progress_of", "save_job_meta"]

router = APIRouter(include_in_schema=False)
NAV.append(NavItem("pages.nav.workspace", "/{city}/workspace", role="analyst", order=50))

#: the plan options offered in the form (the rest keep the defaults of ``jasyl plan``)
PLAN_FIELDS: tuple[str, ...] = ("target_co2_t", "hours", "method", "weather", "export_credit", "allow_export",
                                "land_pv_km2", "land_wind_km2", "grid_import_max_mw", "grid_export_max_mw")
#: the trade-off options offered in the form (points as a comma-separated list of CO2 reductions, 0..1)
TRADEOFF_FIELDS: tuple[str, ...] = ("points", "hours", "method", "accounting", "weather", "land_pv_km2",
                                    "land_wind_km2", "grid_import_max_mw", "allow_export")
STAGE_WEIGHTS = {"inventory": 0.03, "profiles": 0.1, "optimise": 0.5, "macc": 0.05, "pathway": 0.3, "report": 0.02}
TRADEOFF_WEIGHTS = {"inventory": 0.05, "profiles": 0.15, "tradeoff": 0.8}
#: the most scenarios one sweep from the web may have (a bigger study: ``jasyl sweep`` on a cluster)
MAX_SWEEP_SCENARIOS = 60
#: the scenario file the sweep form starts with (one assumption at a time around the city's data, one week)
SWEEP_EXAMPLE = """name: {city}-week
description: one assumption at a time around the embedded data, first week of the year
base:
  city: {city}
  weather: synthetic
  method: exact
  hours: 168
  target_co2_t: 0
combine: one-at-a-time
axes:
  discount_rate: [0.05, 0.11]
  capex_multiplier.wind: [0.8, 1.2]
  grid_import_price_usd_per_mwh: [50, 90]
"""
CITY_SUFFIXES = (".yaml", ".yml")
WEATHER_SUFFIXES = (".epw", ".csv", ".json", ".nc", ".txt")
#: files of a plan job offered for download
DOWNLOADS = ("report.html", "summary.json", "capacities.csv", "energy.csv", "costs.csv", "emissions.csv",
             "dispatch.csv", "storage_soc.csv", "dispatch.parquet")
#: files of a trade-off job (made from its result) and of a sweep job (the sweep's folder)
TRADEOFF_DOWNLOADS = ("tradeoff.json", "tradeoff.csv")
SWEEP_DOWNLOADS = ("results.parquet", "results.csv", "weather_checks.parquet", "spec.json", "report.html")
#: columns of the sweep results table on the page (the axes' own columns come first)
SWEEP_COLUMNS = ("status", "total_annual_cost_usd", "co2_after_t", "cost_per_t_avoided_usd",
                 "levelised_cost_usd_per_mwh", "curtailment_mwh", "solve_s")


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
               status_code: int = 200, upload_errors: dict[str, str] | None = None, *,
               t_values: dict[str, Any] | None = None, t_errors: dict[str, str] | None = None,
               s_values: dict[str, Any] | None = None, s_errors: dict[str, str] | None = None) -> Response:
    """The workspace with its three forms; each form's values and errors are its own (``values``/``errors``
    the plan's, ``t_*`` the trade-off's, ``s_*`` the sweep's)."""
    tradeoff_defaults = TradeoffOptions().to_dict()
    tradeoff_defaults["points"] = ", ".join(f"{p:g}" for p in TradeoffOptions().points)
    return render(request, "pages/workspace.html", {
        "values": values, "errors": errors, "jobs": _city_jobs(request, city), "uploads": _uploads(request, user),
        "upload_errors": upload_errors or {}, "defaults": PlanOptions().to_dict(),
        "t_values": t_values or {}, "t_errors": t_errors or {}, "t_defaults": tradeoff_defaults,
        "s_values": s_values or {"scenario": SWEEP_EXAMPLE.format(city=city)}, "s_errors": s_errors or {},
        "max_scenarios": MAX_SWEEP_SCENARIOS}, status_code=status_code)


def job_title(kind: str, options: Any) -> str:
    """The title a job is listed under (its main options)."""
    if kind == "sweep":
        return f"{options.name}: {len(expand(options))} × {options.combine}"
    if kind == "tradeoff":
        points = ", ".join(f"{100 * p:g} %" for p in options.points)
        return f"CO₂ − {points}, {options.hours or 8760} h, {options.method}, {options.accounting}"
    return f"CO₂ ≤ {options.target_co2_t:,.0f} t, {options.hours or 8760} h, {options.method}"


def _error_text(exc: InputError) -> str:
    return exc.message + (f" ({exc.fix})" if exc.fix else "")


def _save_meta(jobs: Any, job_id: str, meta: dict[str, Any]) -> None:
    _meta_path(jobs, job_id).write_text(json.dumps(meta, ensure_ascii=False, default=str), encoding="utf-8")


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
    title = job_title("plan", options)
    (_meta_path(jobs, job_id)).write_text(json.dumps({"city": city, "owner": user.username, "title": title,
                                                      "options": options.to_dict()}), encoding="utf-8")
    audit(request, user, "job.plan", object_type="job", object_id=job_id, city=city, after=options.to_dict())
    return RedirectResponse(f"/{city}/workspace/jobs/{job_id}", status_code=303)


@router.post("/{city}/workspace/tradeoff")
async def submit_tradeoff(request: Request, city: str, user: Account = Depends(require("analyst"))) -> Response:
    """Check the form with the trade-off's own options schema (``jasyl tradeoff``) and queue the curve as a job."""
    check_city(request, city)
    form = await request.form()
    values = {k: str(form.get(k, "")).strip() for k in TRADEOFF_FIELDS}
    data: dict[str, Any] = {k: v for k, v in values.items() if v != "" and k != "allow_export"}
    data["allow_export"] = bool(form.get("allow_export"))
    if data.get("weather"):
        try:
            data["weather"] = str(request.app.state.uploads.open_path(user.id, "weather", str(data["weather"])))
        except InputError as exc:
            return _form_page(request, city, user, {}, {}, 400, t_values=values, t_errors={"weather": exc.message})
    data.update(city=city, language=request_language(request))
    try:
        options = TradeoffOptions.from_dict(data)
    except InputError as exc:
        field = exc.field if exc.field in TRADEOFF_FIELDS else "points"
        return _form_page(request, city, user, {}, {}, 400, t_values=values, t_errors={field: _error_text(exc)})
    jobs = _jobs(request)
    job_id = jobs.submit("tradeoff", options)
    title = job_title("tradeoff", options)
    _save_meta(jobs, job_id, {"city": city, "owner": user.username, "title": title, "kind": "tradeoff",
                              "options": options.to_dict()})
    audit(request, user, "job.tradeoff", object_type="job", object_id=job_id, city=city, after=options.to_dict())
    return RedirectResponse(f"/{city}/workspace/jobs/{job_id}", status_code=303)


def _paths_in(value: Any) -> list[str]:
    """Every absolute path in a validated scenario file (paths are absolute after validation)."""
    if isinstance(value, str):
        return [value] if value.startswith("/") or (len(value) > 2 and value[1] == ":") else []
    if isinstance(value, dict):
        return [p for v in value.values() for p in _paths_in(v)]
    if isinstance(value, list | tuple):
        return [p for v in value for p in _paths_in(v)]
    return []


def _cities_in(spec: SweepSpec) -> set[str]:
    found = {str(spec.base.get("city"))} if spec.base.get("city") else set()
    found.update(str(v) for v in spec.axes.get("city", []))
    found.update(str(sc["city"]) for sc in spec.scenarios if isinstance(sc, dict) and sc.get("city"))
    return found


def web_sweep_spec(text: str, city: str, user_root: Path) -> SweepSpec:
    """A scenario file typed or pasted into the web form, validated by the sweep's own schema.

    Files it names (``weather: {file: weather/NAME.epw}``, ``city: city/NAME.yaml``) are the user's uploads:
    relative paths start from the user's upload folder and nothing outside it is accepted; city names
    other than the page's city are refused (roles are per city); a sweep without a city runs this city."""
    label = "scenario file (form)"
    if len(text) > 200_000:
        raise InputError("the scenario file is too long", file=label, field="scenario", fix="keep it under 200 kB")
    data = dict(parse_yaml_mapping(text, label, expected="with 'base' and 'axes'",
                                   fix="see docs/sweep.md, or start from the example in the form"))
    base = data.get("base")
    if isinstance(base, dict) and "city" not in base:
        data["base"] = {"city": city, **base}
    spec = parse_sweep_spec(data, label, user_root)
    root = user_root.resolve()
    for path in _paths_in(spec.to_dict()):
        resolved = Path(path).resolve()
        if resolved != root and root not in resolved.parents:
            raise InputError("a file outside your upload folder", file=label, field="scenario",
                             fix="name your uploaded files relative to your folder, e.g. weather/NAME.epw")
    for name in _cities_in(spec):
        if not name.startswith("/") and name != city:
            raise InputError(f"the city '{name}' is not this workspace's city", file=label, field="scenario",
                             fix=f"use city: {city} (or upload a city file and give city/NAME.yaml)")
    n = len(expand(spec))
    if n == 0:
        raise InputError("the scenario file has no scenarios", file=label, field="scenario", fix="add an axis")
    if n > MAX_SWEEP_SCENARIOS:
        raise InputError(f"{n} scenarios: the web runs at most {MAX_SWEEP_SCENARIOS}",
                         file=label, field="scenario", fix="fewer axis values, or run jasyl sweep on a cluster")
    return spec


@router.post("/{city}/workspace/sweep")
async def submit_sweep(request: Request, city: str, user: Account = Depends(require("analyst"))) -> Response:
    """Check a scenario file (the schema of ``jasyl sweep``) and queue the sweep as a job."""
    check_city(request, city)
    form = await request.form()
    text = str(form.get("scenario", ""))
    values = {"scenario": text}
    user_root = request.app.state.uploads.user_dir(user.id, "weather").parent
    try:
        spec = await run_in_threadpool(web_sweep_spec, text, city, user_root)
    except InputError as exc:
        message = _error_text(exc).replace(str(user_root.resolve()), "~").replace(str(user_root), "~")
        where = f"{exc.field}: " if exc.field and exc.field != "scenario" else ""
        return _form_page(request, city, user, {}, {}, 400, s_values=values, s_errors={"scenario": where + message})
    jobs = _jobs(request)
    job_id = jobs.submit("sweep", spec)
    n = len(expand(spec))
    title = job_title("sweep", spec)
    _save_meta(jobs, job_id, {"city": city, "owner": user.username, "title": title, "kind": "sweep",
                              "options": {"scenario_file": text}})
    audit(request, user, "job.sweep", object_type="job", object_id=job_id, city=city,
          after={"name": spec.name, "scenarios": n, "combine": spec.combine,
                 "axes": sorted(spec.axes)})
    return RedirectResponse(f"/{city}/workspace/jobs/{job_id}", status_code=303)


def _job_or_404(request: Request, city: str, job_id: str) -> tuple[Any, Any, dict[str, Any]]:
    jobs = _jobs(request)
    meta = _meta(jobs, job_id) if job_id.replace("-", "").replace("_", "").isalnum() else None
    st = JobManager.read_status(jobs.root, job_id) if meta is not None else None
    if meta is None or st is None or meta.get("city") != city:
        raise HTTPException(status_code=404, detail="no such job")
    return jobs, st, meta


def _progress_ctx(jobs: Any, st: Any, lang: str) -> dict[str, Any]:
    if st.kind == "sweep":  # scenarios done of all (the status counts them)
        fraction = st.done / st.total if st.total else 0.0
        label = f"{st.done}/{st.total}" + (f" ({st.failed} ✗)" if st.failed else "") if st.total > 1 else ""
    else:
        weights = TRADEOFF_WEIGHTS if st.kind == "tradeoff" else STAGE_WEIGHTS
        fraction, stage = job_progress(JobManager.read_events(jobs.root, st.id), weights)
        key = f"cli.stage.{stage}"
        label = Labels(lang).t(key) if stage and Labels(lang).has(key) else ""
        if stage == "tradeoff":
            label = Labels(lang).t("tradeoff.title") if Labels(lang).has("tradeoff.title") else ""
    return {"state": st.state, "percent": 100 if st.state == "done" else int(100 * fraction), "stage": label,
            "error": st.error}


@router.get("/{city}/workspace/jobs/{job_id}")
def job_page(request: Request, city: str, job_id: str, user: Account = Depends(require("analyst"))) -> Response:
    check_city(request, city)
    jobs, st, meta = _job_or_404(request, city, job_id)
    lang = request_language(request)
    ctx: dict[str, Any] = {"job": {"id": job_id, "kind": st.kind, **meta}, "progress": _progress_ctx(jobs, st, lang),
                           "result": None, "kind": st.kind}
    if st.state == "done":
        if st.kind == "tradeoff":
            ctx.update(_tradeoff_ctx(request, city, job_id, jobs, lang))
        elif st.kind == "sweep":
            ctx.update(_sweep_ctx(city, job_id, jobs, lang))
        else:
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
    if isinstance(result.get("results"), str):  # a sweep: its folder holds results.parquet
        return Path(result["results"]).parent
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


def _curve(jobs: Any, job_id: str) -> dict[str, Any]:
    curve = (JobManager.read_result(jobs.root, job_id) or {}).get("result")
    return curve if isinstance(curve, dict) else {}


def _tradeoff_table(curve: dict[str, Any]) -> pd.DataFrame:
    """One row per point of the curve, capacities as columns (``cap_<tech>_<unit>``)."""
    rows = []
    for p in curve.get("points") or []:
        row = {k: v for k, v in p.items() if k not in ("capacities", "capacity_units")}
        units = p.get("capacity_units") or {}
        for tech, value in (p.get("capacities") or {}).items():
            row[f"cap_{tech}_{units.get(tech, 'MW')}"] = value
        rows.append(row)
    return pd.DataFrame(rows)


def _tradeoff_ctx(request: Request, city: str, job_id: str, jobs: Any, lang: str) -> dict[str, Any]:
    curve = _curve(jobs, job_id)
    chart = _job_chart(request, jobs, job_id, "tradeoff", lang)
    knee = curve.get("knee_reduction")
    return {"curve": curve, "points": curve.get("points") or [], "knee": knee,
            "figs": [figure(chart, f"/{city}/workspace/jobs/{job_id}/charts/tradeoff.csv?lang={lang}")],
            "files": list(TRADEOFF_DOWNLOADS), "labels": Labels(lang)}


def _sweep_rows(jobs: Any, job_id: str) -> pd.DataFrame:
    folder = _out_dir(jobs, job_id)
    if folder is None or not (folder / "results.parquet").is_file():
        raise HTTPException(status_code=404, detail="no sweep results")
    return pd.read_parquet(folder / "results.parquet")


def _sweep_ctx(city: str, job_id: str, jobs: Any, lang: str) -> dict[str, Any]:
    result = JobManager.read_result(jobs.root, job_id) or {}
    folder = _out_dir(jobs, job_id)
    rows = result.get("rows") or []
    spec = {}
    if folder is not None and (folder / "spec.json").is_file():
        with_spec = json.loads((folder / "spec.json").read_text(encoding="utf-8"))
        spec = with_spec if isinstance(with_spec, dict) else {}
    lab = Labels(lang)
    labels = {re.sub(r"[^0-9A-Za-z_]", "_", str(a)): setting_label(str(a), lab) for a in (spec.get("axes") or {})}
    labels.update({c: translate(f"workspace.col.{c}", lang) for c in ("name", *SWEEP_COLUMNS)})
    present = {k for r in rows for k in r}
    columns = [c for c in ("name", *labels) if c in present]
    files = [n for n in SWEEP_DOWNLOADS if folder is not None and ((folder / n).is_file() or n in ("results.csv",
                                                                                              "report.html"))]
    return {"sweep_rows": rows, "sweep_columns": columns, "col_labels": labels, "summary": result.get("summary") or {},
            "files": files, "labels": Labels(lang)}


def _job_chart(request: Request, jobs: Any, job_id: str, kind: str, lang: str) -> Any:
    def make() -> Any:
        if kind == "tradeoff":
            return overview_chart({"tradeoff": _curve(jobs, job_id)}, "tradeoff", lang)
        dispatch = _dispatch(jobs, job_id)
        if kind == "dispatch":
            return dispatch_chart(dispatch, lang=lang, tz="Asia/Almaty")
        return duration_chart(dispatch, lang=lang)

    return request.app.state.cache.get(("job-chart", job_id, kind, lang), make, 3600.0)


_CHARTS = {"plan": ("dispatch", "duration"), "tradeoff": ("tradeoff",)}


@router.get("/{city}/workspace/jobs/{job_id}/charts/{kind}.json")
def job_chart_spec(request: Request, city: str, job_id: str, kind: str,
                   user: Account = Depends(require("analyst"))) -> Response:
    check_city(request, city)
    jobs, st, _ = _job_or_404(request, city, job_id)
    if kind not in _CHARTS.get(st.kind, ()) or st.state != "done":
        raise HTTPException(status_code=404, detail="no such chart")
    return chart_response(_job_chart(request, jobs, job_id, kind, request_language(request)))


@router.get("/{city}/workspace/jobs/{job_id}/charts/{kind}.csv")
def job_chart_csv(request: Request, city: str, job_id: str, kind: str,
                  user: Account = Depends(require("analyst"))) -> Response:
    check_city(request, city)
    jobs, st, _ = _job_or_404(request, city, job_id)
    if kind not in _CHARTS.get(st.kind, ()) or st.state != "done":
        raise HTTPException(status_code=404, detail="no such chart")
    return csv_response(_job_chart(request, jobs, job_id, kind, request_language(request)), f"{job_id}-{kind}.csv")


@router.get("/{city}/workspace/jobs/{job_id}/files/{name}")
def job_file(request: Request, city: str, job_id: str, name: str,
             user: Account = Depends(require("analyst"))) -> Response:
    """A file of a finished job. Plan: the HTML report, summary.json, the CSV tables, dispatch.parquet;
    trade-off curve: tradeoff.json (as ``jasyl tradeoff --format json``), tradeoff.csv (one row per point);
    sweep: results.parquet/.csv, weather_checks.parquet, spec.json and the sweep report (report.html)."""
    check_city(request, city)
    jobs, st, _ = _job_or_404(request, city, job_id)
    if st.state != "done":
        raise HTTPException(status_code=404, detail="no such file")
    if st.kind == "tradeoff":
        return _tradeoff_file(jobs, job_id, name)
    if st.kind == "sweep":
        return _sweep_file(request, jobs, job_id, name)
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


def _tradeoff_file(jobs: Any, job_id: str, name: str) -> Response:
    if name not in TRADEOFF_DOWNLOADS:
        raise HTTPException(status_code=404, detail="no such file")
    curve = _curve(jobs, job_id)
    headers = {"Content-Disposition": f'attachment; filename="{job_id}-{name}"'}
    if name == "tradeoff.json":
        return Response(json.dumps(curve, ensure_ascii=False, indent=1), media_type="application/json",
                        headers=headers)
    return Response(_tradeoff_table(curve).to_csv(index=False), media_type="text/csv; charset=utf-8",
                    headers=headers)


def _sweep_file(request: Request, jobs: Any, job_id: str, name: str) -> Response:
    """A file of a finished sweep (the report is written on first download, in the reader's language)."""
    if name not in SWEEP_DOWNLOADS:
        raise HTTPException(status_code=404, detail="no such file")
    folder = _out_dir(jobs, job_id)
    if folder is None:
        raise HTTPException(status_code=404, detail="no such file")
    headers = {"Content-Disposition": f'attachment; filename="{job_id}-{name}"'}
    if name == "results.csv":
        return Response(_sweep_rows(jobs, job_id).to_csv(index=False), media_type="text/csv; charset=utf-8",
                        headers=headers)
    if name == "report.html":
        lang = request_language(request)
        target = folder / f"report.{lang}.html"
        if not target.is_file():
            try:
                write_sweep_report(folder, lang, out=target)
            except JasylError as exc:
                raise HTTPException(status_code=404, detail=str(exc)) from None
        return FileResponse(target, media_type="text/html", content_disposition_type="inline")
    path = folder / name
    if not path.is_file():
        raise HTTPException(status_code=404, detail="no such file")
    media = "application/json" if name.endswith(".json") else "application/vnd.apache.parquet"
    return FileResponse(path, media_type=media, filename=f"{job_id}-{name}")


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
        if st.state == "done" and st.kind == "plan":
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


#: for the JSON API (:mod:`jasyl.web.routers.api_jobs`): the same job helpers as the pages
job_or_404 = _job_or_404
list_city_jobs = _city_jobs
progress_of = _progress_ctx
save_job_meta = _save_meta
