"""Scenario sweeps on Dask distributed: the same code on a laptop and on a cluster.

:func:`run_sweep` expands a scenario file (:mod:`jasyl.planning.scenario`), resolves every scenario's
inputs and their hash *before* anything is solved (two differently named scenarios with the same hash
stop the sweep, naming both), skips scenarios whose hash already has a result in the output directory
(unless ``force``), and runs the rest as Dask tasks. Each task gets a small dict, rebuilds the model on
its worker (checking that it resolves to the same hash there), solves it with one HiGHS thread, runs the
fixed design through the weather checks, writes its hourly Parquet file and returns one small row.

The client: an existing cluster when an address is given (``address=``, ``DASK_SCHEDULER_ADDRESS`` or
Dask's ``scheduler-address`` config, as set by dask-jobqueue or the Dask Kubernetes operator), else a
``LocalCluster`` of process workers with one thread each. Nothing here is a scheduler of its own.

Output directory (every file written atomically)::

    DIR/results.parquet          one row per scenario of the current spec
    DIR/weather_checks.parquet   one row per (scenario, check weather)
    DIR/hourly/<hash16>.parquet  hourly dispatch and storage levels of each solved scenario
    DIR/rows/<hash>.json         the row of each finished scenario (what reruns skip on)
    DIR/spec.json                the resolved scenario file of the last run
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import platform
import secrets
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from jasyl.errors import InputError
from jasyl.fileio import write_bytes_atomic, write_text_atomic
from jasyl.planning.resolve import Resolver
from jasyl.planning.scenario import Scenario, SweepSpec, expand, load_sweep_spec
from jasyl.planning.sweep_tables import (
    DuplicateScenarioError,
    Resolved,
    json_ready,
    load_row,
    resolve_all,
    write_tables,
)
from jasyl.planning.sweep_task import FAILED_STATUSES, FINAL_STATUSES, STATUSES, TOKEN_FILE, run_scenario

__all__ = [
    "run_sweep",
    "run_scenario",
    "sweep_client",
    "SweepProgress",
    "SweepSummary",
    "DuplicateScenarioError",
    "STATUSES",
    "FAILED_STATUSES",
    "default_workers",
]

log = logging.getLogger(__name__)

@dataclass
class SweepProgress:
    """Progress of a sweep, given to the ``progress`` callback after every change."""

    total: int
    done: int = 0  # finished (including failed)
    failed: int = 0
    running: int = 0
    skipped: int = 0  # already had a result (resumed)
    stage: str = "resolve"  # resolve | run | done
    last: str = ""  # name of the scenario that changed last
    elapsed_s: float = 0.0

    @property
    def remaining_s(self) -> float | None:
        todo = self.total - self.skipped
        finished = self.done - self.skipped
        if finished <= 0 or todo <= 0:
            return None
        return self.elapsed_s / finished * (todo - finished)


@dataclass
class SweepSummary:
    """What :func:`run_sweep` did (also in ``results.attrs['sweep']``)."""

    name: str
    out_dir: str
    scenarios: int
    solved: int
    skipped: int
    failed: int
    seconds: float
    workers: int
    address: str
    statuses: dict[str, int] = field(default_factory=dict)


# ------------------------------------------------------------------------------------------------ client
def default_workers(memory_per_worker_gib: float = 1.5) -> int:
    """Workers for a LocalCluster: one per core, at most one per ``memory_per_worker_gib`` of RAM."""
    cores = os.cpu_count() or 1
    try:
        ram_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    except (ValueError, OSError, AttributeError):
        ram_gib = 8.0
    return max(1, min(cores, int((ram_gib - 1.0) // memory_per_worker_gib)))


def scheduler_address(address: str | None = None) -> str | None:
    """The address to connect to: ``address``, else DASK_SCHEDULER_ADDRESS / Dask's config, else None."""
    if address:
        return address
    env = os.environ.get("DASK_SCHEDULER_ADDRESS")
    if env:
        return env
    import dask  # noqa: PLC0415 - Dask only when a sweep runs

    cfg = dask.config.get("scheduler-address", None)
    return str(cfg) if cfg else None


def sweep_client(address: str | None = None, workers: int | None = None, *, timeout_s: float = 30.0) -> Any:
    """A Dask client: connected to ``address`` (or the environment's), else on a new LocalCluster of
    ``workers`` process workers with one thread each (default :func:`default_workers`).

    The caller closes it (``client.close()``; a LocalCluster made here closes with its client).
    """
    from distributed import Client, LocalCluster  # noqa: PLC0415 - Dask only when a sweep runs

    addr = scheduler_address(address)
    if addr:
        try:
            return Client(addr, timeout=timeout_s, set_as_default=False)
        except (OSError, TimeoutError) as exc:
            raise InputError(f"cannot reach the Dask scheduler at {addr} ({exc.__class__.__name__})",
                             field="scheduler", fix="start it (dask scheduler) or check the address") from None
    logging.getLogger("distributed").setLevel(logging.ERROR)  # nanny/scheduler chatter of our own cluster
    n = int(workers) if workers else default_workers()
    if n < 1:
        raise InputError(f"workers must be >= 1, got {n}", field="workers")
    cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None,
                           # no dashboard; the scheduler's small HTTP server on a free port (not 8787)
                           scheduler_kwargs={"dashboard_address": "127.0.0.1:0"}, silence_logs=logging.ERROR)
    client = Client(cluster, set_as_default=False)
    client._jasyl_owned_cluster = cluster  # type: ignore[attr-defined]
    return client


def close_client(client: Any) -> None:
    cluster = getattr(client, "_jasyl_owned_cluster", None)
    with contextlib.suppress(Exception):
        client.close()
    if cluster is not None:
        with contextlib.suppress(Exception):
            cluster.close()


# ------------------------------------------------------------------------------------------------ worker side
def run_sweep(
    spec: SweepSpec | str | Path,
    client: Any = None,
    *,
    out: str | Path | None = None,
    force: bool = False,
    address: str | None = None,
    workers: int | None = None,
    method: str | None = None,
    serial: bool = False,
    progress: Callable[[SweepProgress], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> pd.DataFrame:
    """Run a sweep and return its results table (one row per scenario; also ``DIR/results.parquet``).

    ``spec``: a :class:`SweepSpec` or the path of a scenario YAML. ``client``: a Dask client to use
    (not closed here); without one, :func:`sweep_client` makes one from ``address``/``workers`` and
    closes it at the end. ``serial=True`` runs every scenario in this process, one after another (no
    Dask; used by the benchmark as the reference). ``method`` overrides the base method. ``out``:
    output directory (default ``out/sweep-<name>``). ``force`` reruns scenarios that already have a
    result. ``progress`` receives a :class:`SweepProgress` after every change; ``should_stop`` is polled
    and cancels the scenarios not yet finished when it returns True.

    Raises :class:`jasyl.errors.InputError` (bad file or values, duplicate hashes) before anything runs.
    The table's ``attrs['sweep']`` holds a :class:`SweepSummary` as a dict.
    """
    t_start = time.perf_counter()
    sp = spec if isinstance(spec, SweepSpec) else load_sweep_spec(spec)
    if method is not None:
        sp = sp.with_base(method=method)
    out_dir = Path(out) if out is not None else Path("out") / f"sweep-{_slug(sp.name)}"
    scenarios = expand(sp)
    state = SweepProgress(total=len(scenarios))

    def tell(**kw: Any) -> None:
        for k, v in kw.items():
            setattr(state, k, v)
        state.elapsed_s = time.perf_counter() - t_start
        if progress is not None:
            progress(state)

    resolver = Resolver(sp.file)
    tell(stage="resolve")
    resolved = resolve_all(sp, scenarios, resolver, progress=lambda i: tell(last=scenarios[i - 1].name))
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "rows").mkdir(exist_ok=True)
    token = secrets.token_hex(16)
    write_text_atomic(out_dir / TOKEN_FILE, token)
    write_text_atomic(out_dir / "spec.json", json.dumps(sp.to_dict(), indent=2, ensure_ascii=False, default=str))
    rows: dict[str, dict[str, Any]] = {}
    todo: list[tuple[Scenario, Resolved]] = []
    for s, rs in zip(scenarios, resolved, strict=True):
        old = None if force else load_row(out_dir / "rows" / f"{rs.input_hash}.json")
        hourly_ok = old is not None and (old.get("status") != "optimal" or
                                         (out_dir / str(old.get("hourly_file", ""))).is_file())
        if old is not None and old.get("status") in FINAL_STATUSES and hourly_ok:
            rows[rs.input_hash] = old
        else:
            todo.append((s, rs))
    skipped = len(scenarios) - len(todo)
    tell(stage="run", skipped=skipped, done=skipped,
         failed=sum(1 for r in rows.values() if r.get("status") in FAILED_STATUSES))
    topic = f"jasyl-sweep-{token[:12]}"

    def finish(row: dict[str, Any]) -> None:
        data = row.pop("_hourly_bytes", None)
        if data is not None and row.get("hourly_file"):
            write_bytes_atomic(out_dir / row["hourly_file"], data)
        clean = json_ready(row)
        if clean.get("input_hash"):
            write_text_atomic(out_dir / "rows" / f"{clean['input_hash']}.json",
                              json.dumps(clean, indent=1, ensure_ascii=False))
            rows[clean["input_hash"]] = clean
        tell(done=state.done + 1, failed=state.failed + (row.get("status") in FAILED_STATUSES),
             running=max(0, state.running - 1), last=str(row.get("name", "")))

    def task(s: Scenario, rs: Resolved) -> dict[str, Any]:
        return {"scenario": s.to_task(), "file": sp.file, "hash": rs.input_hash, "out_dir": str(out_dir.resolve()),
                "token": token, "topic": topic}

    n_workers = 1
    address_used = "serial"
    if todo and serial:
        for s, rs in todo:
            if should_stop is not None and should_stop():
                break
            tell(running=1, last=s.name)
            finish(run_scenario(task(s, rs)))
    elif todo:
        own = client is None
        cl = client if client is not None else sweep_client(address, workers)
        try:
            n_workers, address_used = run_on_dask(cl, [task(s, rs) for s, rs in todo], topic, finish, tell,
                                                  should_stop)
        finally:
            if own:
                close_client(cl)
    frame = write_tables(out_dir, sp, scenarios, resolved, rows)
    statuses = {k: int(v) for k, v in frame["status"].value_counts().items()}
    failed = int(frame["status"].isin(list(FAILED_STATUSES)).sum()) + int((frame["status"] == "missing").sum())
    summary = SweepSummary(name=sp.name, out_dir=str(out_dir), scenarios=len(scenarios), solved=len(todo),
                           skipped=skipped, failed=failed, seconds=time.perf_counter() - t_start,
                           workers=n_workers, address=address_used, statuses=statuses)
    frame.attrs["sweep"] = summary.__dict__
    tell(stage="done", running=0)
    return frame


def dask_task(task: Mapping[str, Any]) -> dict[str, Any]:
    """:func:`run_scenario` on a Dask worker: progress events go to the sweep's topic."""
    from distributed import get_worker  # noqa: PLC0415 - runs on a worker

    try:
        worker = get_worker()
    except ValueError:
        return run_scenario(task)
    topic = str(task.get("topic", ""))

    def emit(message: dict[str, Any]) -> None:
        if topic:
            worker.log_event(topic, message)

    return run_scenario(task, emit=emit, worker=str(worker.address))


def run_on_dask(client: Any, tasks: list[dict[str, Any]], topic: str, finish: Callable[[dict[str, Any]], None],
                tell: Callable[..., None], should_stop: Callable[[], bool] | None = None,
                fn: Callable[[Mapping[str, Any]], dict[str, Any]] | None = None) -> tuple[int, str]:
    """Submit ``tasks`` (one per scenario) and hand each finished row to ``finish``; a worker killed
    while running a task (``KilledWorker``) gives an ``out_of_memory`` row. ``fn`` replaces
    :func:`dask_task` (tests). Returns (workers, scheduler address)."""
    from distributed import as_completed  # noqa: PLC0415 - Dask only when a sweep runs
    from distributed.scheduler import KilledWorker  # noqa: PLC0415

    info = client.scheduler_info()
    wk = info.get("workers", {})
    n_workers = max(1, len(wk))
    use_resources = bool(wk) and all("solver" in (w.get("resources") or {}) for w in wk.values())
    running: set[str] = set()
    lock = threading.Lock()

    def on_event(event: Any) -> None:
        _ts, msg = event
        with lock:
            if msg.get("event") == "start":
                running.add(str(msg.get("name")))
            else:
                running.discard(str(msg.get("name")))
            n = len(running)
        tell(running=n)

    with contextlib.suppress(Exception):
        client.subscribe_topic(topic, on_event)
    kwargs: dict[str, Any] = {"pure": False, "retries": 0}
    if use_resources:
        kwargs["resources"] = {"solver": 1}
    futures = {}
    for t in tasks:
        key = f"jasyl-scenario-{t['hash'][:16]}-{topic[-12:]}"
        futures[client.submit(fn or dask_task, t, key=key, **kwargs)] = t
    pending = as_completed(list(futures), loop=client.loop)
    try:
        for fut in pending:
            t = futures[fut]
            try:
                row = fut.result()
            except KilledWorker:
                row = _failure_row(t, "out_of_memory",
                                   "out of memory: the worker running this scenario was killed (Dask KilledWorker); "
                                   "give workers more memory, use fewer workers per machine, or method typical-days")
            except Exception as exc:  # noqa: BLE001 - e.g. a worker lost for another reason
                row = _failure_row(t, "error", f"{type(exc).__name__}: {exc}")
            with lock:
                running.discard(t["scenario"]["name"])
            finish(row)
            if should_stop is not None and should_stop():
                for f in futures:
                    if not f.done():
                        f.cancel()
                break
    finally:
        with contextlib.suppress(Exception):
            client.unsubscribe_topic(topic)
    return n_workers, str(getattr(client.scheduler, "address", "") or "")


def _failure_row(task: Mapping[str, Any], status: str, message: str) -> dict[str, Any]:
    return {"name": task["scenario"]["name"], "input_hash": task["hash"], "status": status, "message": message,
            "finished_utc": datetime.now(UTC).isoformat(timespec="seconds"), "checks": []}


def _slug(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "-" for c in name).strip("-") or "sweep"


def machine_note() -> str:
    """One line describing this machine (for benchmark output)."""
    return f"{platform.node()} {os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}"
