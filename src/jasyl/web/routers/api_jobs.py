"""JSON API of the analyst workspace (``/api/v1/{city}/jobs``, role analyst+, bearer token or session):
start a plan, a trade-off curve or a sweep with the same options schemas as the CLI and the workspace
forms, follow a job (state, progress, events) and read its small result and the URLs of its files.

A job runs on Dask (:mod:`jasyl.planning.jobs`), never in the request; the files (report, tables,
Parquet) are the workspace's (``/{city}/workspace/jobs/{id}/files/...``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal

from fastapi import APIRouter, Body, Depends, HTTPException, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from jasyl.errors import InputError
from jasyl.planning.jobs import JobManager
from jasyl.planning.options import PlanOptions, TradeoffOptions
from jasyl.store.users import Account
from jasyl.web.access import require
from jasyl.web.audit import audit
from jasyl.web.i18n import request_language
from jasyl.web.routers.city_pages import check_city
from jasyl.web.routers.workspace import (
    DOWNLOADS,
    SWEEP_DOWNLOADS,
    TRADEOFF_DOWNLOADS,
    job_or_404,
    job_title,
    list_city_jobs,
    progress_of,
    save_job_meta,
    web_sweep_spec,
)

__all__ = ["router", "JobRequest"]

router = APIRouter(prefix="/api/v1/{city}/jobs", tags=["jobs"])

#: options an API caller may not set: the city is the URL's, files come from the caller's uploads only
_REFUSED = ("city", "measures", "language")


class JobRequest(BaseModel):
    """What to run: ``kind`` and its options (as ``jasyl plan`` / ``jasyl tradeoff`` take them; ``weather`` is
    the stored name of one of your uploaded weather files), or for a sweep the scenario file (YAML text or
    the mapping)."""

    model_config = ConfigDict(extra="forbid")
    kind: Literal["plan", "tradeoff", "sweep"]
    options: dict[str, Any] = Field(default_factory=dict)
    scenario: str | dict[str, Any] | None = None


def _error(exc: InputError, status: int = 422) -> JSONResponse:
    return JSONResponse({"detail": {"message": exc.message, "field": exc.field, "fix": exc.fix}}, status_code=status)


@router.get("")
def jobs_list(request: Request, city: str, user: Account = Depends(require("analyst"))) -> list[dict[str, Any]]:
    """This city's workspace jobs (newest first): id, kind, state, owner, title, submitted time (UTC)."""
    check_city(request, city)
    return list_city_jobs(request, city)


@router.post("", status_code=200)
async def jobs_submit(request: Request, city: str, body: JobRequest = Body(...),
                      user: Account = Depends(require("analyst"))) -> JSONResponse:
    """Queue a plan, trade-off curve or sweep (audited); 200 with the job's id and URLs, 422 naming the
    field when the options are refused."""
    check_city(request, city)
    jobs = getattr(request.app.state, "jobs", None)
    if jobs is None:
        raise HTTPException(status_code=503, detail="this server runs no background jobs")
    try:
        if body.kind == "sweep":
            text = body.scenario if isinstance(body.scenario, str) else json.dumps(body.scenario or {})
            user_root = request.app.state.uploads.user_dir(user.id, "weather").parent
            options: Any = await run_in_threadpool(web_sweep_spec, text, city, user_root)
        else:
            data = dict(body.options)
            for key in _REFUSED:
                if key in data and not (key == "city" and data[key] == city):
                    raise InputError(f"'{key}' cannot be set through the API", field=key,
                                     fix="the city is the URL's; files are your uploads (weather)")
            if data.get("weather"):
                data["weather"] = str(request.app.state.uploads.open_path(user.id, "weather", str(data["weather"])))
            data.update(city=city, language=request_language(request))
            if body.kind == "plan":
                data.setdefault("pathway", False)
            cls = PlanOptions if body.kind == "plan" else TradeoffOptions
            options = cls.from_dict(data)
    except InputError as exc:
        return _error(exc)
    job_id = jobs.submit(body.kind, options)
    title = job_title(body.kind, options)
    recorded = options.to_dict() if body.kind != "sweep" else {"name": options.name}
    save_job_meta(jobs, job_id, {"city": city, "owner": user.username, "title": title, "kind": body.kind,
                                 "options": recorded, "via": "api"})
    audit(request, user, f"job.{body.kind}", object_type="job", object_id=job_id, city=city, after=recorded)
    return JSONResponse({"id": job_id, "kind": body.kind, "title": title, "status_url": f"/api/v1/{city}/jobs/{job_id}",
                         "page_url": f"/{city}/workspace/jobs/{job_id}"}, status_code=200)


@router.get("/{job_id}")
def job_status(request: Request, city: str, job_id: str, events_since: int = Query(0, ge=0),
               user: Account = Depends(require("analyst"))) -> dict[str, Any]:
    """A job's state, progress (0-100) and current stage, its events from ``events_since``, and when done
    its small result (key figures, curve points or sweep rows) and the URLs of its files."""
    check_city(request, city)
    jobs, st, meta = job_or_404(request, city, job_id)
    out: dict[str, Any] = {"id": job_id, "kind": st.kind, "title": meta.get("title", job_id),
                           "owner": meta.get("owner", ""), "status": st.to_dict(),
                           "progress": progress_of(jobs, st, request_language(request)),
                           "events": [e.to_dict() for e in JobManager.read_events(jobs.root, job_id, events_since)],
                           "result": None, "files": []}
    out["status"].pop("out_dir", None)  # a server path
    if st.state == "done":
        result = JobManager.read_result(jobs.root, job_id) or {}
        out["result"] = result.get("result") if st.kind != "sweep" else {
            "summary": result.get("summary"), "rows": result.get("rows")}
        names = {"plan": DOWNLOADS, "tradeoff": TRADEOFF_DOWNLOADS, "sweep": SWEEP_DOWNLOADS}.get(st.kind, ())
        out["files"] = [f"/{city}/workspace/jobs/{job_id}/files/{n}" for n in names
                        if st.kind != "plan" or _plan_has(result, n)]
    return out


def _plan_has(result: dict[str, Any], name: str) -> bool:
    outputs = result.get("outputs")
    if not isinstance(outputs, list) or not outputs:
        return False
    folder = Path(str(outputs[0]))
    return (folder / name).is_file() or (name == "dispatch.parquet" and (folder / "dispatch.csv").is_file())
