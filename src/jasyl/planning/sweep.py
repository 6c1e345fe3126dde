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
import io
import json
import logging
import math
import os
import platform
import resource
import secrets
import socket
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from jasyl.errors import InputError, SchemaError, SolveError
from jasyl.fileio import write_bytes_atomic, write_text_atomic
from jasyl.model.aggregate import fix_design
from jasyl.model.api import solve_inputs
from jasyl.model.build import build_model
from jasyl.model.inputs import PlanInputs
from jasyl.model.solve import solve_model
from jasyl.planning.scenario import (
    Resolver,
    ResolvedScenario,
    Scenario,
    SweepSpec,
    axis_column,
    display_value,
    expand,
    load_sweep_spec,
)

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

#: row ``status`` values; the last three count as failed
STATUSES = ("optimal", "infeasible", "out_of_memory", "error")
FAILED_STATUSES = frozenset({"infeasible", "out_of_memory", "error"})
#: statuses a rerun keeps (deterministic results); the others are retried
_FINAL = frozenset({"optimal", "infeasible"})
TOKEN_FILE = ".jasyl-sweep-token"


class DuplicateScenarioError(InputError):
    """Two differently named scenarios resolve to the same inputs (a setting did not reach the model)."""


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
    import dask

    cfg = dask.config.get("scheduler-address", None)
    return str(cfg) if cfg else None


def sweep_client(address: str | None = None, workers: int | None = None, *, timeout_s: float = 30.0) -> Any:
    """A Dask client: connected to ``address`` (or the environment's), else on a new LocalCluster of
    ``workers`` process workers with one thread each (default :func:`default_workers`).

    The caller closes it (``client.close()``; a LocalCluster made here closes with its client).
    """
    from distributed import Client, LocalCluster

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
                           silence_logs=logging.ERROR)
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
_RESOLVERS: dict[str, Resolver] = {}
_LOCK = threading.Lock()


def _resolver(file: str) -> Resolver:
    with _LOCK:
        if file not in _RESOLVERS:
            _RESOLVERS[file] = Resolver(file)
        return _RESOLVERS[file]


def _versions() -> dict[str, str]:
    out = {}
    for pkg in ("jasyl", "linopy", "highspy"):
        try:
            out[f"{pkg}_version"] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            out[f"{pkg}_version"] = ""
    return out


def _emit(topic: str | None, message: dict[str, Any]) -> None:
    if not topic:
        return
    try:
        from distributed import get_worker

        get_worker().log_event(topic, message)
    except (ValueError, ImportError, AttributeError):  # not on a worker (serial run)
        pass


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def check_design(design: PlanInputs, capacities: Mapping[str, float], check: PlanInputs) -> dict[str, Any]:
    """Run a fixed design hour by hour through another weather year.

    The existing fuel-burning plant keeps the design's capacities. Demand that the design cannot
    serve is first met where it can be by grid import and the existing fuel-burning plant (extra CO2
    beyond the target), and what even those cannot cover is unserved energy.
    """
    fossil_caps = {f.name: f.capacity_mw for f in design.fossil}
    fixed = fix_design(check, dict(capacities))
    fixed.fossil = [replace(f, capacity_mw=fossil_caps.get(f.name, f.capacity_mw)) for f in fixed.fossil]
    pm = build_model(fixed, relax=frozenset({"co2", "unserved"}))
    sol = solve_model(pm, highs_options={"solver": "simplex"})
    yf = fixed.year_fraction
    unserved_by_bus = {}
    hours_short = np.zeros(fixed.n_hours, dtype=bool)
    for key in pm.slacks:
        if key.startswith("unserved_"):
            v = np.asarray(sol.values[f"slack_{key}"], dtype=float)
            bus = key.removeprefix("unserved_")
            peak = float(np.max(fixed.demand.get(bus, np.zeros(1)), initial=1.0))
            v = np.where(v > 1e-6 * peak, v, 0.0)
            unserved_by_bus[bus] = float(v.sum()) / yf
            hours_short |= v > 0
    extra = float(np.ravel(sol.values.get("slack_co2", np.zeros(1)))[0]) / yf
    co2_scale = max(1.0, float(sum(check.baseline.get("co2_by_sector_t", {}).values())))
    extra = extra if extra > 1e-6 * co2_scale else 0.0
    penalty = 1.0e6 * (sum(unserved_by_bus.values()) + extra) * yf
    return {
        "unserved_mwh": sum(unserved_by_bus.values()),
        "unserved_hours": int(hours_short.sum()),
        "unserved_by_bus_mwh": unserved_by_bus,
        "extra_co2_t": extra,
        "co2_after_t": extra + fixed.co2_target_t / yf,
        "annual_cost_usd": (sol.objective - penalty) / yf,
    }


def _row_from_result(res: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "method": res.method,
        "objective_usd": res.total_annual_cost_usd * 1.0,
        "total_annual_cost_usd": res.total_annual_cost_usd,
        "baseline_annual_cost_usd": res.baseline_annual_cost_usd,
        "cost_per_t_avoided_usd": res.cost_per_t_avoided_usd,
        "levelised_cost_usd_per_mwh": res.levelised_cost_usd_per_mwh,
        "co2_before_t": res.co2_before_t,
        "co2_after_t": res.co2_after_t,
        "curtailment_mwh": res.curtailment_mwh,
    }
    for tech, v in sorted(res.capacities.items()):
        row[f"cap_{tech}"] = float(v)
    for tech, v in sorted(res.costs_usd.items()):
        row[f"cost_usd_{tech}"] = float(v)
    for sector, v in sorted(res.co2_after_by_sector_t.items()):
        row[f"co2_after_t_{sector}"] = float(v)
    return row


def _hourly_bytes(res: Any) -> bytes:
    frame = pd.concat([res.dispatch, res.storage_soc.add_prefix("soc:")], axis=1)
    frame.index.name = "time_utc"
    buf = io.BytesIO()
    frame.to_parquet(buf, compression="zstd")
    return buf.getvalue()


def run_scenario(task: Mapping[str, Any]) -> dict[str, Any]:
    """Solve one scenario (runs on a Dask worker or in-process); returns its small result row.

    ``task``: ``scenario`` (Scenario.to_task()), ``file`` (scenario file label), ``hash`` (expected
    input hash), ``out_dir``, ``token`` (proves the worker sees ``out_dir``), ``topic`` (progress events).
    Never raises for a scenario's own failure: infeasible and failed scenarios are rows too.
    """
    sc = task["scenario"]
    topic = task.get("topic")
    started = datetime.now(UTC)
    t0 = time.perf_counter()
    _emit(topic, {"event": "start", "name": sc["name"], "hash": task.get("hash", "")})
    row: dict[str, Any] = {"name": sc["name"], "input_hash": task.get("hash", ""), "status": "error", "message": "",
                           "worker": _worker_address(), "hostname": socket.gethostname(), "pid": os.getpid(),
                           "started_utc": started.isoformat(timespec="seconds"), **_versions()}
    checks: list[dict[str, Any]] = []
    try:
        rs = _resolver(str(task.get("file", ""))).resolve(sc)
        if task.get("hash") and rs.input_hash != task["hash"]:
            raise RuntimeError(
                f"the scenario resolves to other inputs on this worker (hash {rs.input_hash[:16]} instead of "
                f"{str(task['hash'])[:16]}): the worker's jasyl, data files or weather files differ from the "
                "client's")
        row["design_years"] = "+".join(rs.design_years)
        row["hours"] = rs.inputs.n_hours
        try:
            with _quiet_stdout():
                res = solve_inputs(rs.inputs, method=rs.method.replace("-", "_"), typical_days=rs.typical_days)
        except SolveError as exc:
            row.update(status="infeasible", message=str(exc))
        else:
            row.update(status="optimal", **_row_from_result(res))
            row["solve_seconds"] = float(res.solve_seconds)
            design_caps = dict(res.capacities)
            for label, check in rs.checks:
                with _quiet_stdout():
                    c = check_design(rs.inputs, design_caps, check)
                checks.append({"check_weather": label, **c})
            if checks:
                row["check_unserved_mwh_max"] = max(c["unserved_mwh"] for c in checks)
                row["check_extra_co2_t_max"] = max(c["extra_co2_t"] for c in checks)
            data = _hourly_bytes(res)
            rel = f"hourly/{rs.input_hash[:16]}.parquet"
            row["hourly_file"] = rel
            out_dir = task.get("out_dir")
            if out_dir and _sees(out_dir, task.get("token", "")):
                write_bytes_atomic(Path(out_dir) / rel, data)
            else:
                row["_hourly_bytes"] = data
    except MemoryError:
        row.update(status="out_of_memory", message="out of memory while building or solving this scenario")
    except Exception as exc:  # noqa: BLE001 - a failed scenario is a result row, the sweep goes on
        row.update(status="error", message=f"{type(exc).__name__}: {exc}")
        log.exception("scenario %s failed", sc["name"])
    row["checks"] = checks
    row["seconds"] = time.perf_counter() - t0
    row["finished_utc"] = datetime.now(UTC).isoformat(timespec="seconds")
    row["peak_rss_mb"] = _peak_rss_mb()
    _emit(topic, {"event": "end", "name": sc["name"], "status": row["status"]})
    return row


@contextlib.contextmanager
def _quiet_stdout() -> Any:
    """Native solver banners go to stderr (stdout may carry JSON)."""
    try:
        fd = 1
        saved = os.dup(fd)
    except OSError:
        yield
        return
    try:
        os.dup2(2, fd)
        yield
    finally:
        os.dup2(saved, fd)
        os.close(saved)


def _worker_address() -> str:
    try:
        from distributed import get_worker

        return str(get_worker().address)
    except (ValueError, ImportError, AttributeError):
        return "local"


def _sees(out_dir: str, token: str) -> bool:
    try:
        return bool(token) and (Path(out_dir) / TOKEN_FILE).read_text(encoding="utf-8").strip() == token
    except OSError:
        return False


# ------------------------------------------------------------------------------------------------ coordinator
def _settings_row(s: Scenario, columns: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in columns:
        v = s.settings.get(key)
        col = axis_column(key)
        if isinstance(v, bool) or (isinstance(v, int | float) and not isinstance(v, bool)):
            out[col] = float(v) if not isinstance(v, bool) else v
        elif v is None:
            out[col] = None
        else:
            out[col] = display_value(key, v)
    return out


def _load_row(path: Path) -> dict[str, Any] | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _json_ready(row: Mapping[str, Any]) -> dict[str, Any]:
    def clean(v: Any) -> Any:
        if isinstance(v, float) and not math.isfinite(v):
            return None
        if isinstance(v, np.generic):
            return clean(v.item())
        if isinstance(v, dict):
            return {k: clean(x) for k, x in v.items()}
        if isinstance(v, list):
            return [clean(x) for x in v]
        return v

    return {k: clean(v) for k, v in row.items() if not k.startswith("_")}


def resolve_all(spec: SweepSpec, scenarios: list[Scenario], resolver: Resolver,
                progress: Callable[[int], None] | None = None) -> list[ResolvedScenario]:
    """Resolve every scenario; refuse pairs with the same hash and axes whose values change nothing."""
    resolved: list[ResolvedScenario] = []
    by_hash: dict[str, str] = {}
    for i, s in enumerate(scenarios):
        try:
            rs = resolver.resolve(s)
        except SchemaError as exc:
            raise SchemaError(f"scenario '{s.name}': {exc.message}", file=spec.file,
                              field=_origin(spec, i, s, exc.field or ""), fix=exc.fix) from None
        if rs.input_hash in by_hash:
            other = by_hash[rs.input_hash]
            raise DuplicateScenarioError(
                f"scenarios '{other}' and '{s.name}' resolve to the same model inputs (hash "
                f"{rs.input_hash[:16]}): a setting that differs between them does not reach the model",
                file=spec.file, field=_differing(scenarios, other, s) or "axes",
                fix="remove one of them or change the setting so that it has an effect")
        by_hash[rs.input_hash] = s.name
        resolved.append(rs)
        if progress is not None:
            progress(i + 1)
    if spec.combine == "grid":  # single-valued axes are not caught by pairs: compare with the base
        single = [k for k, v in spec.axes.items() if len(v) == 1 and k in scenarios[0].varied]
        if single:
            for key in single:
                without = {k: v for k, v in scenarios[0].settings.items() if k != key}
                if key in spec.base:
                    without[key] = spec.base[key]
                    if repr(spec.base[key]) == repr(spec.axes[key][0]):
                        continue
                probe = resolver.resolve(Scenario("probe", without, {}))
                if probe.input_hash == resolved[0].input_hash:
                    raise DuplicateScenarioError(
                        f"axis '{key}' = {display_value(key, spec.axes[key][0])} does not change the model inputs "
                        f"of '{scenarios[0].name}'", file=spec.file, field=f"axes.{key}",
                        fix="remove the axis or give it a value that has an effect")
    return resolved


def _origin(spec: SweepSpec, index: int, scenario: Scenario, key: str) -> str:
    """Where a setting of a scenario comes from in the file: ``scenarios[i].key``, ``axes.key`` or ``base.key``."""
    if not key:
        return ""
    if key in scenario.varied:
        return f"scenarios[{index}].{key}" if spec.combine == "list" else f"axes.{key}"
    return f"base.{key}"


def _differing(scenarios: list[Scenario], a: str, b: Scenario) -> str:
    sa = next(s for s in scenarios if s.name == a)
    keys = [k for k in sorted(set(sa.settings) | set(b.settings)) if repr(sa.settings.get(k)) != repr(b.settings.get(k))]
    return ", ".join(f"axes.{k}" if k not in ("name",) else k for k in keys)


def _write_tables(out: Path, spec: SweepSpec, scenarios: list[Scenario], resolved: list[ResolvedScenario],
                  rows: dict[str, dict[str, Any]]) -> pd.DataFrame:
    columns = list(dict.fromkeys(k for s in scenarios for k in s.varied))
    records = []
    check_records = []
    for s, rs in zip(scenarios, resolved, strict=True):
        row = dict(rows.get(rs.input_hash) or {"status": "missing", "message": "not run"})
        row["name"] = s.name
        row["input_hash"] = rs.input_hash
        base = {"sweep": spec.name, "name": s.name, "input_hash": rs.input_hash, "axis": s.axis,
                **_settings_row(s, columns), "target_co2_t": float(rs.values.get("target_co2_t", 0.0)),
                "discount_rate": float(rs.values.get("discount_rate", float("nan")))}
        checks = row.pop("checks", []) or []
        for c in checks:
            flat = {k: v for k, v in c.items() if k != "unserved_by_bus_mwh"}
            for bus, v in (c.get("unserved_by_bus_mwh") or {}).items():
                flat[f"unserved_mwh_{bus}"] = v
            check_records.append({"sweep": spec.name, "name": s.name, "input_hash": rs.input_hash, **flat})
        records.append({**base, **{k: v for k, v in row.items() if k not in base}})
    frame = pd.DataFrame.from_records(records)
    lead = ["sweep", "name", "input_hash", "axis", *[axis_column(c) for c in columns], "status", "message"]
    cap_cols = sorted(c for c in frame.columns if c.startswith("cap_"))
    if cap_cols:
        ok = frame["status"] == "optimal"
        frame.loc[ok, cap_cols] = frame.loc[ok, cap_cols].fillna(0.0)
    rest = [c for c in frame.columns if c not in lead and c not in cap_cols]
    frame = frame[[c for c in lead if c in frame.columns] + rest + cap_cols]
    _write_parquet(out / "results.parquet", frame)
    checks_frame = pd.DataFrame.from_records(check_records) if check_records else pd.DataFrame(
        columns=["sweep", "name", "input_hash", "check_weather", "unserved_mwh", "unserved_hours", "extra_co2_t",
                 "co2_after_t", "annual_cost_usd"])
    _write_parquet(out / "weather_checks.parquet", checks_frame)
    return frame


def _write_parquet(path: Path, frame: pd.DataFrame) -> None:
    buf = io.BytesIO()
    frame.to_parquet(buf, index=False)
    write_bytes_atomic(path, buf.getvalue())


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
    todo: list[tuple[Scenario, ResolvedScenario]] = []
    for s, rs in zip(scenarios, resolved, strict=True):
        old = None if force else _load_row(out_dir / "rows" / f"{rs.input_hash}.json")
        hourly_ok = old is not None and (old.get("status") != "optimal" or
                                         (out_dir / str(old.get("hourly_file", ""))).is_file())
        if old is not None and old.get("status") in _FINAL and hourly_ok:
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
        clean = _json_ready(row)
        if clean.get("input_hash"):
            write_text_atomic(out_dir / "rows" / f"{clean['input_hash']}.json",
                              json.dumps(clean, indent=1, ensure_ascii=False))
            rows[clean["input_hash"]] = clean
        tell(done=state.done + 1, failed=state.failed + (row.get("status") in FAILED_STATUSES),
             running=max(0, state.running - 1), last=str(row.get("name", "")))

    def task(s: Scenario, rs: ResolvedScenario) -> dict[str, Any]:
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
            n_workers, address_used = _run_on_dask(cl, [task(s, rs) for s, rs in todo], topic, finish, tell, state,
                                                   should_stop)
        finally:
            if own:
                close_client(cl)
    frame = _write_tables(out_dir, sp, scenarios, resolved, rows)
    statuses = {k: int(v) for k, v in frame["status"].value_counts().items()}
    failed = int(frame["status"].isin(list(FAILED_STATUSES)).sum()) + int((frame["status"] == "missing").sum())
    summary = SweepSummary(name=sp.name, out_dir=str(out_dir), scenarios=len(scenarios), solved=len(todo),
                           skipped=skipped, failed=failed, seconds=time.perf_counter() - t_start,
                           workers=n_workers, address=address_used, statuses=statuses)
    frame.attrs["sweep"] = summary.__dict__
    tell(stage="done", running=0)
    return frame


def _run_on_dask(client: Any, tasks: list[dict[str, Any]], topic: str, finish: Callable[[dict[str, Any]], None],
                 tell: Callable[..., None], state: SweepProgress,
                 should_stop: Callable[[], bool] | None) -> tuple[int, str]:
    from distributed import as_completed
    from distributed.scheduler import KilledWorker

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
        futures[client.submit(run_scenario, t, key=key, **kwargs)] = t
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
