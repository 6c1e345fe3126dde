"""Background jobs for the web platform: plans, trade-off curves and sweeps on the Dask client.

:class:`JobManager` accepts a use case and its options, returns a job id at once and runs the job
without blocking the caller: a plan or trade-off curve is one Dask task (on a LocalCluster by default,
on an existing cluster when an address is given), a sweep is coordinated from a background thread of
this process and its scenarios are Dask tasks. Progress comes back as events (from the worker through
Dask's event log); status, events and the small result are also written under ``root/<job_id>/``
(atomically), so another process (a second uvicorn worker) can read them with
:meth:`JobManager.read_status`, :meth:`JobManager.read_events` and :meth:`JobManager.read_result`.

Results that are not small (reports, hourly tables, the sweep's Parquet files) are written by the job
into its directory; on a remote cluster ``root`` must be on a filesystem the workers share.
"""

from __future__ import annotations

import builtins
import contextlib
import json
import logging
import secrets
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from jasyl.errors import InputError, JasylError
from jasyl.fileio import write_text_atomic
from jasyl.planning.options import Options, PlanOptions, TradeoffOptions
from jasyl.planning.overview import OverviewOptions, run_overview
from jasyl.planning.run import run_plan
from jasyl.planning.scenario import SweepSpec, load_sweep_spec, parse_sweep_spec
from jasyl.planning.sweep import SweepProgress, close_client, run_sweep, sweep_client
from jasyl.planning.tradeoff import run_tradeoff
from jasyl.progress import ProgressCallback, ProgressEvent

__all__ = ["JobManager", "JobStatus", "JobEvent", "JobKind", "JobState", "JOB_KINDS", "USE_CASES", "Writer",
           "run_use_case", "options_for"]

log = logging.getLogger(__name__)

JobKind = Literal["plan", "tradeoff", "sweep", "overview"]
JobState = Literal["queued", "running", "done", "failed", "cancelled"]
JOB_KINDS: tuple[str, ...] = ("plan", "tradeoff", "sweep", "overview")
_TERMINAL = frozenset({"done", "failed", "cancelled"})

#: what a writer gets: the use case's outcome and the job's directory; it returns JSON-ready data
Writer = Callable[[Any, Path], Any]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass
class JobEvent:
    """One progress event of a job (``seq`` counts from 0)."""

    seq: int
    time_utc: str
    stage: str
    fraction: float
    message: str
    data: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class JobStatus:
    """Where a job stands (JSON-ready with :meth:`to_dict`)."""

    id: str
    kind: str
    state: str = "queued"
    fraction: float = 0.0
    message: str = ""
    total: int = 1
    done: int = 0
    running: int = 0
    failed: int = 0
    submitted_utc: str = ""
    started_utc: str | None = None
    finished_utc: str | None = None
    error: str | None = None
    out_dir: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def finished(self) -> bool:
        return self.state in _TERMINAL


@dataclass
class _Job:
    status: JobStatus
    options: Any
    dir: Path
    events: list[JobEvent] = field(default_factory=list)
    result: dict[str, Any] | None = None
    cancel: threading.Event = field(default_factory=threading.Event)
    future: Any = None
    lock: threading.Lock = field(default_factory=threading.Lock)


class JobManager:
    """Submit use cases to Dask and follow them without blocking (thread-safe; one per process).

    ``address``: a Dask scheduler (``tcp://host:8786``); ``None`` -> ``DASK_SCHEDULER_ADDRESS`` if set,
    else a LocalCluster of ``workers`` process workers started on the first submit. ``client``: an
    existing Dask client to use instead (not closed by :meth:`close`). ``root``: job directories.
    ``writers``: per kind, a function ``(outcome, job_dir) -> JSON-ready`` run on the worker after the
    use case, e.g. ``{"plan": jasyl.report.write_plan_outputs}`` for the report, ``summary.json`` and CSVs
    (the planning layer does not render; the front end passes the report layer's writer).
    ``max_parallel_jobs``: jobs coordinated at once (the cluster still runs one solve per worker).
    """

    def __init__(self, *, address: str | None = None, workers: int | None = None, root: str | Path | None = None,
                 client: Any = None, writers: Mapping[str, Writer] | None = None, max_parallel_jobs: int = 4) -> None:
        self.writers: dict[str, Writer] = dict(writers or {})
        self.address = address
        self.workers = workers
        self.root = Path(root) if root is not None else Path("out") / "jobs"
        self._client = client
        self._own_client = client is None
        self._client_lock = threading.Lock()
        self._jobs: dict[str, _Job] = {}
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(max_workers=max(1, max_parallel_jobs), thread_name_prefix="jasyl-job")
        self._closed = False

    # ------------------------------------------------------------------ public API
    def submit(self, kind: str, options: Any, *, job_id: str | None = None) -> str:
        """Queue a job and return its id at once. ``kind``: plan | tradeoff | sweep.

        For ``sweep`` the options are a :class:`SweepSpec`, the path of a scenario YAML or its mapping;
        they are validated here, so a bad file raises :class:`InputError` before anything is queued.
        """
        if self._closed:
            raise RuntimeError("the job manager is closed")
        if kind not in JOB_KINDS:
            raise InputError(f"unknown job kind '{kind}'", field="kind", fix=f"one of {', '.join(JOB_KINDS)}")
        options = self._sweep_spec(options) if kind == "sweep" else options_for(kind, options)
        jid = job_id or f"{kind}-{datetime.now(UTC).strftime('%Y%m%dT%H%M%S')}-{secrets.token_hex(4)}"
        if not jid.replace("-", "").replace("_", "").isalnum():
            raise InputError("a job id may hold letters, digits, '-' and '_' only", field="job_id")
        with self._lock:
            if jid in self._jobs:
                raise InputError(f"job '{jid}' exists already", field="job_id")
            jdir = self.root / jid
            job = _Job(JobStatus(id=jid, kind=kind, submitted_utc=_now(), out_dir=str(jdir)), options, jdir)
            self._jobs[jid] = job
        jdir.mkdir(parents=True, exist_ok=True)
        self._save_status(job)
        self._event(job, "queued", 0.0, "queued")
        job.future = self._pool.submit(self._run, job)
        return jid

    def status(self, job_id: str) -> JobStatus:
        job = self._job(job_id)
        with job.lock:
            return JobStatus(**asdict(job.status))

    def events(self, job_id: str, since: int = 0) -> builtins.list[JobEvent]:
        job = self._job(job_id)
        with job.lock:
            return [e for e in job.events if e.seq >= since]

    def result(self, job_id: str) -> dict[str, Any] | None:
        job = self._job(job_id)
        with job.lock:
            return None if job.result is None else json.loads(json.dumps(job.result))

    def cancel(self, job_id: str) -> bool:
        """Ask a job to stop: a queued job never starts, a sweep stops submitting and cancels waiting
        scenarios; a solve already running finishes on its worker and its result is dropped."""
        job = self._job(job_id)
        with job.lock:
            if job.status.state in _TERMINAL:
                return False
            job.cancel.set()
        return True

    def list(self) -> builtins.list[JobStatus]:
        with self._lock:
            jobs = list(self._jobs.values())
        return sorted((self.status(j.status.id) for j in jobs), key=lambda s: s.submitted_utc, reverse=True)

    def wait(self, job_id: str, timeout_s: float | None = None) -> JobStatus:
        """Block until the job has finished (for scripts and tests; the web polls :meth:`status`)."""
        deadline = None if timeout_s is None else time.monotonic() + timeout_s
        while True:
            st = self.status(job_id)
            if st.finished or (deadline is not None and time.monotonic() > deadline):
                return st
            time.sleep(0.1)

    def close(self) -> None:
        """Cancel what is still running and stop a LocalCluster this manager started."""
        self._closed = True
        with self._lock:
            for job in self._jobs.values():
                job.cancel.set()
        self._pool.shutdown(wait=True, cancel_futures=True)
        if self._own_client and self._client is not None:
            close_client(self._client)
            self._client = None

    def __enter__(self) -> JobManager:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ reading from disk (any process)
    @staticmethod
    def read_status(root: str | Path, job_id: str) -> JobStatus | None:
        try:
            data = json.loads((Path(root) / job_id / "status.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return JobStatus(**data)

    @staticmethod
    def read_events(root: str | Path, job_id: str, since: int = 0) -> builtins.list[JobEvent]:
        out = []
        try:
            lines = (Path(root) / job_id / "events.jsonl").read_text(encoding="utf-8").splitlines()
        except OSError:
            return []
        for line in lines:
            with contextlib.suppress(ValueError, TypeError):
                e = JobEvent(**json.loads(line))
                if e.seq >= since:
                    out.append(e)
        return out

    @staticmethod
    def read_result(root: str | Path, job_id: str) -> dict[str, Any] | None:
        try:
            return json.loads((Path(root) / job_id / "result.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    # ------------------------------------------------------------------ internals
    def _job(self, job_id: str) -> _Job:
        with self._lock:
            job = self._jobs.get(job_id)
        if job is None:
            raise KeyError(job_id)
        return job

    def client(self) -> Any:
        """The Dask client (created on first use)."""
        with self._client_lock:
            if self._client is None:
                self._client = sweep_client(self.address, self.workers)
            return self._client

    @staticmethod
    def _sweep_spec(options: Any) -> SweepSpec:
        if isinstance(options, SweepSpec):
            return options
        if isinstance(options, str | Path):
            return load_sweep_spec(options)
        if isinstance(options, Mapping):
            return parse_sweep_spec(options, "<submitted scenarios>", Path.cwd())
        raise InputError("a sweep job takes a scenario file, its path or its mapping", field="options")

    def _save_status(self, job: _Job) -> None:
        with job.lock:
            data = json.dumps(job.status.to_dict(), ensure_ascii=False, indent=1)
        with contextlib.suppress(OSError):
            write_text_atomic(job.dir / "status.json", data)

    def _event(self, job: _Job, stage: str, fraction: float, message: str, **data: Any) -> None:
        with job.lock:
            ev = JobEvent(len(job.events), _now(), stage, float(fraction), message, data)
            job.events.append(ev)
            job.status.fraction = max(job.status.fraction, float(fraction)) if stage != "queued" else 0.0
            job.status.message = message
        with contextlib.suppress(OSError), (job.dir / "events.jsonl").open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(ev.to_dict(), ensure_ascii=False) + "\n")
        self._save_status(job)

    def _set(self, job: _Job, **kw: Any) -> None:
        with job.lock:
            for k, v in kw.items():
                setattr(job.status, k, v)
        self._save_status(job)

    def _run(self, job: _Job) -> None:
        if job.cancel.is_set():
            self._set(job, state="cancelled", finished_utc=_now())
            return
        self._set(job, state="running", started_utc=_now())
        self._event(job, "start", 0.0, "started")
        try:
            if job.status.kind == "sweep":
                result = self._run_sweep(job)
            else:
                result = self._run_task(job)
        except JasylError as exc:
            self._finish(job, "failed", error=str(exc))
        except Exception as exc:  # noqa: BLE001 - reported in the job's status, logged with traceback
            name = type(exc).__name__
            msg = "out of memory: the worker was killed (KilledWorker)" if name == "KilledWorker" else f"{name}: {exc}"
            log.exception("job %s failed", job.status.id)
            self._finish(job, "failed", error=msg)
        else:
            if job.cancel.is_set():
                self._finish(job, "cancelled")
                return
            with job.lock:
                job.result = result
            with contextlib.suppress(OSError, TypeError, ValueError):
                write_text_atomic(job.dir / "result.json", json.dumps(result, ensure_ascii=False, indent=1,
                                                                      default=str))
            self._finish(job, "done")

    def _finish(self, job: _Job, state: str, error: str | None = None) -> None:
        self._set(job, state=state, finished_utc=_now(), error=error, running=0)
        self._event(job, state, 1.0 if state == "done" else job.status.fraction, error or state)

    def _run_task(self, job: _Job) -> dict[str, Any]:
        client = self.client()
        topic = f"jasyl-job-{job.status.id}"

        def on_event(event: Any) -> None:
            _ts, msg = event
            self._event(job, str(msg.get("stage", "")), float(msg.get("fraction", 0.0)), str(msg.get("message", "")),
                        **{k: v for k, v in msg.items() if k not in ("stage", "fraction", "message")})

        with contextlib.suppress(Exception):
            client.subscribe_topic(topic, on_event)
        try:
            fut = client.submit(run_use_case, job.status.kind, job.options, str(job.dir.resolve()), topic,
                                self.writers.get(job.status.kind), key=f"jasyl-job-{job.status.id}", pure=False)
            self._set(job, running=1)
            while not fut.done():
                if job.cancel.is_set():
                    fut.cancel()
                    return {}
                time.sleep(0.2)
            result: dict[str, Any] = fut.result()
            self._set(job, done=1, running=0)
            return result
        finally:
            with contextlib.suppress(Exception):
                client.unsubscribe_topic(topic)

    def _run_sweep(self, job: _Job) -> dict[str, Any]:
        spec: SweepSpec = job.options
        last = [0.0]

        def progress(p: SweepProgress) -> None:
            self._set(job, total=p.total, done=p.done, running=p.running, failed=p.failed)
            now = time.monotonic()
            if now - last[0] > 0.5 or p.stage == "done":
                last[0] = now
                frac = p.done / p.total if p.total else 1.0
                self._event(job, p.stage, frac, f"{p.done}/{p.total} done, {p.running} running, {p.failed} failed",
                            done=p.done, total=p.total, running=p.running, failed=p.failed, skipped=p.skipped,
                            remaining_s=p.remaining_s, last=p.last)

        out = job.dir / "sweep"
        frame = run_sweep(spec, client=self.client(), out=out, progress=progress, should_stop=job.cancel.is_set)
        summary = dict(frame.attrs.get("sweep", {}))
        keep = [c for c in frame.columns if not c.startswith(("cost_usd_", "co2_after_t_"))]
        rows = json.loads(frame[keep].to_json(orient="records"))
        return {"results": str(out / "results.parquet"), "weather_checks": str(out / "weather_checks.parquet"),
                "summary": summary, "failed": int(summary.get("failed", 0)), "rows": rows}


# ---------------------------------------------------------------------------------------- worker side
#: use cases a job can run on a worker: kind -> (options class, use case). ``sweep`` is coordinated from
#: the submitting process instead (its scenarios are the Dask tasks).
#: the overview (web-pages) returns its JSON-ready dict itself, kept as the job's "result"
USE_CASES: dict[str, tuple[type[Options], Callable[..., Any]]] = {"plan": (PlanOptions, run_plan),
                                                                  "tradeoff": (TradeoffOptions, run_tradeoff),
                                                                  "overview": (OverviewOptions, run_overview)}

def _emitter(topic: str) -> ProgressCallback:
    """A progress callback that sends events to the job's topic (no-op outside a Dask worker)."""
    try:
        from distributed import get_worker  # noqa: PLC0415 - Dask is imported only when a job runs

        worker: Any = get_worker()
    except (ValueError, ImportError):
        worker = None

    def emit(event: ProgressEvent) -> None:
        if worker is not None:
            fraction = event.fraction if event.fraction is not None else (1.0 if event.status == "done" else 0.0)
            worker.log_event(topic, {"stage": event.stage, "fraction": float(fraction),
                                     "message": event.message or f"{event.stage} {event.status}",
                                     "status": event.status})

    return emit


def options_for(kind: str, options: Any) -> Options:
    """The use case's options from an options object or a dict (checked: InputError names the field)."""
    if kind not in USE_CASES:
        raise InputError(f"the use case '{kind}' is not available in this version of jasyl", field="kind",
                         fix=f"one of {', '.join(JOB_KINDS)}" if kind in JOB_KINDS else None)
    cls, _run = USE_CASES[kind]
    if isinstance(options, cls):
        return options
    if isinstance(options, Mapping):
        return cls.from_dict(dict(options))
    raise InputError(f"a {kind} job takes {cls.__name__} or a mapping of its fields", field="options")


def run_use_case(kind: str, options: Any, out_dir: str, topic: str, writer: Writer | None = None) -> dict[str, Any]:
    """Run one use case on a Dask worker; return a small JSON-ready result. With a ``writer`` (for a plan:
    :func:`jasyl.report.write_plan_outputs`) the outcome's files are written into ``out_dir`` too."""
    opts = options_for(kind, options)
    _cls, use_case = USE_CASES[kind]
    outcome = use_case(opts, _emitter(topic))
    result: dict[str, Any] = {"options": opts.to_dict()}
    plan_result = getattr(outcome, "result", None)
    if isinstance(outcome, Mapping):
        result["result"] = dict(outcome)
    elif plan_result is not None and hasattr(plan_result, "to_dict"):
        result["result"] = plan_result.to_dict()
    curve = getattr(outcome, "curve", None)  # a trade-off curve: small, returned whole
    if curve is not None and hasattr(curve, "to_dict"):
        result["result"] = _json_safe(curve.to_dict())
    if writer is not None:
        written = writer(outcome, Path(out_dir))
        result["outputs"] = _json_safe(written)
    return result


def _json_safe(value: Any) -> Any:
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, tuple | list):
        return [_json_safe(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _json_safe(v) for k, v in value.items()}
    return value
