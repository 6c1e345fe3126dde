"""Where the content pages get their figures: the city overview (a cached use-case result, computed
by a background job), the monitoring status and histories (cached reads of the store), and the
job manager that runs long work on Dask. Nothing here computes a result itself.

Caches are per worker (:class:`jasyl.web.cache.TTLCache`, stale-while-revalidate), so a slow read
holds up at most the first request after a start; writes through the web invalidate them.
"""

from __future__ import annotations

import json
import logging
import math
import os
import threading
import time
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from starlette.requests import Request

from jasyl.errors import JasylError
from jasyl.fileio import write_text_atomic
from jasyl.monitoring.history import ParameterHistory, parameter_history, site_parameters
from jasyl.planning.city_inputs import CityData
from jasyl.planning.overview import OverviewOptions, load_overview, overview_key
from jasyl.report.outputs import write_plan_outputs
from jasyl.store.versions import monitoring_version
from jasyl.web.routers.api import monitoring_cached

__all__ = ["overview_file", "ENV_OVERVIEW_HOURS", "ENV_OVERVIEW_PATHWAY", "ENV_OVERVIEW_METHOD", "job_progress",
           "STAGE_WEIGHTS", "city_display_name", "overview_options", "get_overview", "overview_job_status",
           "ensure_overview", "monitoring_status", "site_history", "site_parameter_list", "jobs_of",
           "invalidate_monitoring", "STATUS_TTL_S", "OVERVIEW_TTL_S", "start_jobs", "city_monitoring",
           "city_centres", "monitoring_city_of", "city_site_codes"]

_log = logging.getLogger("jasyl.web")

STATUS_TTL_S = 300.0
HISTORY_TTL_S = 300.0
OVERVIEW_TTL_S = 600.0
#: environment: hours of the public overview's plan (empty: the full year, as ``jasyl plan``)
ENV_OVERVIEW_HOURS = "JASYL_OVERVIEW_HOURS"
#: environment: 0 to leave the year-by-year pathway out of the overview (quick starts, tests)
ENV_OVERVIEW_PATHWAY = "JASYL_OVERVIEW_PATHWAY"
#: environment: 0 to leave the cost-CO2 trade-off curve out of the overview
ENV_OVERVIEW_TRADEOFF = "JASYL_OVERVIEW_TRADEOFF"
#: environment: method of the overview's plan (exact | typical_days)
ENV_OVERVIEW_METHOD = "JASYL_OVERVIEW_METHOD"
_submit_lock = threading.Lock()
#: seconds before a failed overview job is submitted again (the pages show the failure meanwhile)
RETRY_FAILED_OVERVIEW_S = 600.0


def overview_options(city: str) -> OverviewOptions:
    """The options of the public overview of ``city`` (the defaults of ``jasyl plan`` unless the
    environment says otherwise: ``JASYL_OVERVIEW_HOURS``, ``JASYL_OVERVIEW_METHOD``)."""
    hours = os.environ.get(ENV_OVERVIEW_HOURS, "").strip()
    method = os.environ.get(ENV_OVERVIEW_METHOD, "").strip() or "exact"
    pathway = os.environ.get(ENV_OVERVIEW_PATHWAY, "1").strip().lower() not in ("0", "false", "no", "off")
    tradeoff = os.environ.get(ENV_OVERVIEW_TRADEOFF, "1").strip().lower() not in ("0", "false", "no", "off")
    return OverviewOptions.from_dict({"city": city, "hours": hours or None, "method": method, "pathway": pathway,
                                      "tradeoff": tradeoff})


def jobs_of(app: FastAPI) -> Any:
    """The app's job manager (``app.state.jobs``; None when this deployment runs no background jobs)."""
    return getattr(app.state, "jobs", None)


def start_jobs(app: FastAPI) -> None:
    """Start-up hook (after the app's own, which creates the worker's job manager): plan jobs write the
    same files as ``jasyl plan`` (report, summary, CSVs), then the default city's overview is submitted
    as a job when it does not exist yet (not with ``jasyl serve --no-plan``)."""
    jobs = jobs_of(app)
    if jobs is not None and hasattr(jobs, "writers"):
        jobs.writers.setdefault("plan", write_plan_outputs)
    if not app.state.settings.plan_at_start:
        return
    ensure_overview(app, app.state.settings.default_city)


def _city_data(app: FastAPI, city: str) -> CityData:
    return app.state.cache.get(("city-data", city), lambda: CityData.load(city), 0)  # type: ignore[no-any-return]


def city_display_name(request: Request, city: str, lang: str) -> str:
    """The city's name in ``lang`` (from its city file; the id when the file cannot be read)."""
    try:
        names = dict(_city_data(request.app, city).city.names or {})
    except JasylError:
        return city
    return str(names.get(lang) or names.get("en") or city)


def overview_file(app: FastAPI, city: str) -> Path:
    """Where this deployment keeps the overview of ``city`` for the current inputs and program
    (``JASYL_WEB_DATA/overview/<city>-<key>.json``; the key changes with the city file and jasyl)."""
    options = overview_options(city)
    key = overview_key(options, _city_data(app, city))
    return Path(app.state.settings.data_dir) / "overview" / f"{city}-{key[:24]}.json"


def _read(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _load(app: FastAPI, city: str) -> dict[str, Any] | None:
    """The overview from this deployment's folder, else from the planning cache (``jasyl`` run on this
    machine), else from a finished overview job; what is found is kept in the folder."""
    try:
        path = overview_file(app, city)
    except JasylError:
        _log.exception("the city %s cannot be read", city)
        return None
    found = _read(path)
    if found is not None:
        return found
    found = load_overview(overview_options(city), _city_data(app, city))
    if found is None:
        registry: dict[str, str] = app.state.__dict__.get("_overview_jobs", {})
        job_id = registry.get(city)
        jobs = getattr(app.state, "jobs", None)
        if job_id is not None and jobs is not None:
            try:
                result = jobs.result(job_id)
            except (KeyError, JasylError):
                result = None
            candidate = (result or {}).get("result")
            found = candidate if isinstance(candidate, dict) and "inventory" in candidate else None
    if found is not None:
        try:
            write_text_atomic(path, json.dumps(found, ensure_ascii=False))
        except OSError:
            _log.exception("cannot keep the overview in %s", path)
    return found


def ensure_overview(app: FastAPI, city: str) -> str | None:
    """Submit the overview job of ``city`` unless its result exists or a job is already on its way.

    Returns the job id (None when the overview exists)."""
    if _load(app, city) is not None:
        return None
    try:
        _city_data(app, city)
    except JasylError:
        return None  # a city served without a readable city file has no overview (the page says so)
    registry: dict[str, str] = app.state.__dict__.setdefault("_overview_jobs", {})
    jobs = jobs_of(app)
    if jobs is None:
        return None  # no job manager here: the overview comes from `jasyl serve` with jobs, or the cache
    with _submit_lock:
        job_id = registry.get(city)
        if job_id is not None:
            try:
                state = jobs.status(job_id).state
            except (KeyError, JasylError):
                state = "failed"
            if state in ("queued", "running", "done"):
                return job_id
            failed_at: dict[str, float] = app.state.__dict__.setdefault("_overview_failed_at", {})
            now = time.monotonic()
            if now - failed_at.setdefault(job_id, now) < RETRY_FAILED_OVERVIEW_S:
                return job_id  # a failed overview is retried after a pause, not on every page view
        try:
            job_id = jobs.submit("overview", overview_options(city).to_dict())
        except JasylError:  # e.g. a job manager that does not know this kind: the page says "not yet"
            logging.getLogger("jasyl.web").exception("could not submit the overview job of %s", city)
            return None
        registry[city] = job_id
        return job_id


def get_overview(request: Request, city: str) -> dict[str, Any] | None:
    """The cached overview of ``city`` (None while it is being computed: the job is then started)."""
    app = request.app
    cache = app.state.cache

    def compute() -> dict[str, Any] | None:
        return _load(app, city)

    value = cache.get(("overview", city), compute, OVERVIEW_TTL_S)
    if value is None:
        cache.invalidate("overview")  # look again on the next request: the job may have finished
        ensure_overview(app, city)
    return value  # type: ignore[no-any-return]


#: share of an overview job's work in each stage (a full-year plan: the pathway's solves weigh most)
STAGE_WEIGHTS: dict[str, float] = {"inventory": 0.02, "profiles": 0.06, "optimise": 0.25, "macc": 0.03,
                                   "pathway": 0.35, "tradeoff": 0.27, "explainer": 0.02}


def job_progress(events: list[Any], weights: dict[str, float] = STAGE_WEIGHTS) -> tuple[float, str | None]:
    """Overall fraction done (0..1) and the current stage of a job from its events."""
    done: set[str] = set()
    current, fraction = None, 0.0
    for e in events:
        stage = getattr(e, "stage", None)
        if stage not in weights:
            continue
        status = (getattr(e, "data", None) or {}).get("status")
        if status == "done":
            done.add(stage)
            current, fraction = None, 0.0
        else:
            current, fraction = stage, float(getattr(e, "fraction", 0.0) or 0.0)
    total = sum(weights[s] for s in done) + (weights[current] * min(max(fraction, 0.0), 1.0) if current else 0.0)
    return min(total / sum(weights.values()), 1.0), current


def overview_job_status(request: Request, city: str) -> dict[str, Any] | None:
    """Progress of the overview job of ``city``: ``state``, ``fraction`` (over all stages), ``stage``
    (the use-case stage now running) and ``error``; None when there is no job."""
    registry: dict[str, str] = request.app.state.__dict__.get("_overview_jobs", {})
    job_id = registry.get(city)
    if job_id is None:
        return None
    jobs = jobs_of(request.app)
    if jobs is None:
        return None
    try:
        st = jobs.status(job_id)
        fraction, stage = job_progress(jobs.events(job_id))
    except (KeyError, JasylError):
        return None
    return {"id": job_id, "state": st.state, "fraction": 1.0 if st.state == "done" else fraction, "stage": stage,
            "error": st.error}


def monitoring_status(request: Request) -> dict[str, Any]:
    """The monitoring status of every site and source: the worker's cached copy shared with
    ``/api/v1/monitoring/status`` (recomputed in the background when the store's fingerprint moves)."""
    return monitoring_cached(request.app)


def city_centres(app: FastAPI) -> dict[str, tuple[float, float]]:
    """Location of every served city that has a readable city file (``location.latitude/longitude``)."""
    out: dict[str, tuple[float, float]] = {}
    for name in app.state.settings.cities:
        try:
            loc = _city_data(app, name).city.location
        except (JasylError, AttributeError):
            continue
        lat, lon = getattr(loc, "latitude", None), getattr(loc, "longitude", None)
        if lat is not None and lon is not None:
            out[name] = (float(lat), float(lon))
    return out


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance (haversine, mean Earth radius 6371 km)."""
    p1, p2 = math.radians(a[0]), math.radians(b[0])
    dp, dl = p2 - p1, math.radians(b[1] - a[1])
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(min(1.0, h)))


def monitoring_city_of(item: dict[str, Any], centres: dict[str, tuple[float, float]], default_city: str) -> str:
    """The served city a monitoring site or pollution source belongs to: the nearest served city with a
    location (its city file); a site or source without coordinates belongs to the deployment's default
    city (the store holds one monitoring network per deployment unless sites are located)."""
    lat, lon = item.get("latitude"), item.get("longitude")
    if lat is None or lon is None or not centres:
        return default_city
    return min(centres, key=lambda c: _km((float(lat), float(lon)), centres[c]))


def city_monitoring(request: Request, city: str) -> dict[str, Any]:
    """The monitoring status restricted to ``city``'s sites and sources (see :func:`monitoring_city_of`);
    a city with none gets empty lists (its pages say that it has no monitoring in this store)."""
    st = monitoring_status(request)
    app = request.app
    memo: dict[Any, tuple[dict[str, Any], dict[str, Any]]] = app.state.__dict__.setdefault("_city_monitoring", {})
    key = (city, id(st))
    found = memo.get(key)
    if found is not None and found[0] is st:
        return found[1]
    centres = app.state.cache.get(("city-centres",), lambda: city_centres(app), 3600.0)
    default = app.state.settings.default_city
    sites = [s for s in st.get("sites", []) if monitoring_city_of(s, centres, default) == city]
    sources = [s for s in st.get("sources", []) if monitoring_city_of(s, centres, default) == city]
    out = {**st, "sites": sites, "sources": sources,
           "demo_data_present": any(s.get("demo") for s in (*sites, *sources))}
    if len(memo) > 64:
        memo.clear()
    memo[key] = (st, out)
    return out


def city_site_codes(request: Request, city: str) -> list[str]:
    """Codes of ``city``'s monitoring sites (alerts are listed and acted on per city)."""
    return [str(s["code"]) for s in city_monitoring(request, city)["sites"]]


def site_history(request: Request, site_id: int, parameter: str) -> ParameterHistory:
    engine = request.app.state.engine
    return request.app.state.cache.get(  # type: ignore[no-any-return]
        ("monitoring", "history", site_id, parameter), lambda: parameter_history(engine, site_id, parameter),
        HISTORY_TTL_S, version=lambda: monitoring_version(engine))


def site_parameter_list(request: Request, site_id: int) -> list[str]:
    engine = request.app.state.engine
    return request.app.state.cache.get(  # type: ignore[no-any-return]
        ("monitoring", "params", site_id), lambda: site_parameters(engine, site_id), HISTORY_TTL_S,
        version=lambda: monitoring_version(engine))


def invalidate_monitoring(request: Request) -> None:
    """After a write (source edited, alert acknowledged, measurements uploaded)."""
    request.app.state.cache.invalidate("monitoring")
    request.app.state.cache.invalidate("monitoring-status")
