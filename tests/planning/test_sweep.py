"""Sweeps on Dask: a real scheduler and two workers on 127.0.0.1, the default LocalCluster, the same results."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from jasyl.errors import InputError, SchemaError
from jasyl.planning import PlanOptions
from jasyl.planning.jobs import JobManager
from jasyl.planning.scenario import parse_sweep_spec
from jasyl.planning.sweep import SweepProgress, run_on_dask, run_sweep
from jasyl.report import write_plan_outputs

HOURS = 48

SPEC = {
    "name": "test-sweep",
    "base": {"hours": HOURS},
    "combine": "list",
    "scenarios": [
        {"name": "base", "check_weather": ["stress"]},
        {"name": "pv x2", "capex_multiplier.pv_fixed": 2.0},
        {"name": "boxed in", "land_pv_km2": 0.1, "land_wind_km2": 0.1, "rooftop_km2": 0.0, "grid_import_max_mw": 0.0},
    ],
}


def _dask_cli() -> str:
    exe = Path(sys.executable).parent / "dask"
    if not exe.exists():
        pytest.skip("the 'dask' command is not installed beside this Python")
    return str(exe)


@pytest.fixture
def dask_cluster(tmp_path: Path) -> Iterator[str]:
    """A real `dask scheduler` and two `dask worker` processes (one thread each) on 127.0.0.1."""
    dask = _dask_cli()
    sfile = tmp_path / "scheduler.json"
    log = (tmp_path / "dask.log").open("w")
    root = str(Path(__file__).resolve().parents[2])
    env = {**os.environ, "DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES": "0",  # a killed worker fails its task
           "PYTHONPATH": os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH", "")) if p)}
    procs = [subprocess.Popen([dask, "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                               "--scheduler-file", str(sfile)], stdout=log, stderr=subprocess.STDOUT, env=env)]
    try:
        deadline = time.monotonic() + 60
        while not sfile.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        address = json.loads(sfile.read_text())["address"]
        assert address.startswith("tcp://127.0.0.1:")
        procs.append(subprocess.Popen([dask, "worker", address, "--nworkers", "2", "--nthreads", "1",
                                       "--host", "127.0.0.1", "--no-dashboard", "--memory-limit", "3GiB"],
                                      stdout=log, stderr=subprocess.STDOUT, env=env))
        yield address
    finally:
        for p in reversed(procs):
            p.terminate()
        for p in reversed(procs):
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
        log.close()


def _numbers(frame: pd.DataFrame) -> pd.DataFrame:
    cols = [c for c in frame.columns if c.startswith(("cap_", "cost_usd_")) or c in (
        "total_annual_cost_usd", "cost_per_t_avoided_usd", "co2_after_t", "check_unserved_mwh_max",
        "check_extra_co2_t_max")]
    return frame.set_index("name")[sorted(cols)].sort_index()


def test_scheduler_and_local_cluster_give_the_same_results(dask_cluster: str, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from distributed import Client

    spec = parse_sweep_spec(SPEC, "<test>", tmp_path)
    with Client(dask_cluster, timeout=60) as c:
        c.wait_for_workers(2, timeout=90)
    seen: list[SweepProgress] = []
    monkeypatch.setenv("DASK_SCHEDULER_ADDRESS", dask_cluster)
    remote = run_sweep(spec, out=tmp_path / "remote", progress=lambda p: seen.append(
        SweepProgress(**p.__dict__)))
    assert remote.attrs["sweep"]["address"] == dask_cluster
    assert set(remote["worker"].dropna()) <= {w for w in remote["worker"].dropna() if w.startswith("tcp://127.0.0.1")}
    assert max(p.running for p in seen) >= 1 and seen[-1].stage == "done" and seen[-1].done == 3
    monkeypatch.delenv("DASK_SCHEDULER_ADDRESS")
    local = run_sweep(spec, out=tmp_path / "local", workers=2)
    assert local.attrs["sweep"]["address"] != dask_cluster and local.attrs["sweep"]["workers"] == 2

    # identical results from both clusters
    assert list(remote["name"]) == list(local["name"]) == ["base", "pv x2", "boxed in"]
    assert list(remote["status"]) == list(local["status"]) == ["optimal", "optimal", "infeasible"]
    assert list(remote["input_hash"]) == list(local["input_hash"])
    pd.testing.assert_frame_equal(_numbers(remote), _numbers(local), rtol=1e-9, atol=1e-6)

    # an axis reaches the model: doubling the PV capital cost lowers PV capacity
    by = remote.set_index("name")
    assert by.loc["pv x2", "cap_pv_fixed"] < 0.8 * by.loc["base", "cap_pv_fixed"]
    # the infeasible scenario is a result with the planner's explanation
    msg = by.loc["boxed in", "message"]
    assert "cannot be met" in msg or "blocked by these limits" in msg
    assert np.isnan(by.loc["boxed in", "total_annual_cost_usd"])
    # weather check of the base design through the stress year
    checks = pd.read_parquet(tmp_path / "remote" / "weather_checks.parquet")
    assert list(checks["name"]) == ["base"] and list(checks["check_weather"]) == ["stress"]
    assert (checks["extra_co2_t"] >= 0).all() and (checks["unserved_mwh"] >= 0).all()
    # files: results, hourly per solved scenario
    on_disk = pd.read_parquet(tmp_path / "remote" / "results.parquet")
    assert list(on_disk["name"]) == list(remote["name"])
    for rel in remote["hourly_file"].dropna():
        hourly = pd.read_parquet(tmp_path / "remote" / rel)
        assert len(hourly) == HOURS and "electricity:demand" in hourly.columns

    # a rerun skips everything (no cluster is even started)
    again = run_sweep(spec, out=tmp_path / "local", workers=2)
    assert again.attrs["sweep"]["solved"] == 0 and again.attrs["sweep"]["skipped"] == 3
    pd.testing.assert_frame_equal(_numbers(again), _numbers(local))

    # the job API of the web platform on the same cluster: never blocks, reports progress, small results
    with Client(dask_cluster, timeout=60) as c, JobManager(client=c, root=tmp_path / "jobs",
                                                            writers={"plan": write_plan_outputs}) as jobs:
        t0 = time.perf_counter()
        plan_job = jobs.submit("plan", PlanOptions(hours=HOURS, pathway=False))
        sweep_job = jobs.submit("sweep", {"name": "one", "base": {"hours": HOURS}, "combine": "list",
                                          "scenarios": [{"name": "only", "capex_multiplier.pv_fixed": 2.0}]})
        assert jobs.status(plan_job).state in ("queued", "running")
        assert time.perf_counter() - t0 < 2.0
        with pytest.raises(SchemaError):
            jobs.submit("sweep", {"base": {"discount_rate": 2}})
        with pytest.raises(InputError) as bad:
            jobs.submit("plan", {"hours": 5})
        assert bad.value.field == "hours"
        sp, ss = jobs.wait(plan_job, 300), jobs.wait(sweep_job, 300)
        assert sp.state == "done" and ss.state == "done", (sp.error, ss.error)
        stages = [e.stage for e in jobs.events(plan_job)]
        assert stages[0] == "queued" and "optimise" in stages and stages[-1] == "done"
        plan_result = jobs.result(plan_job)
        assert plan_result is not None
        assert plan_result["result"]["total_annual_cost_usd"] == pytest.approx(
            by.loc["base", "total_annual_cost_usd"], rel=1e-6)  # a scenario is a plan: same inputs, same answer
        report_dir = Path(plan_result["outputs"][0])
        assert (report_dir / "report.html").is_file() and (report_dir / "summary.json").is_file()
        sweep_result = jobs.result(sweep_job)
        assert sweep_result is not None and sweep_result["failed"] == 0
        assert sweep_result["rows"][0]["cap_pv_fixed"] == pytest.approx(by.loc["pv x2", "cap_pv_fixed"], rel=1e-6,
                                                                         abs=1e-6)  # an interior point: ~0 MW
        on_disk = JobManager.read_status(tmp_path / "jobs", plan_job)
        assert on_disk is not None and on_disk.state == "done"
        assert [e.seq for e in JobManager.read_events(tmp_path / "jobs", plan_job)] == list(range(len(stages)))
        assert jobs.cancel(plan_job) is False

    # a worker killed while solving (as the nanny does on its memory limit) is recorded as out of memory
    rows: list[dict] = []
    with Client(dask_cluster, timeout=60) as c:
        run_on_dask(c, [{"scenario": {"name": "hog"}, "hash": "f" * 64}], "jasyl-test-kill", rows.append,
                    lambda **kw: None, fn=_die)
    assert [(r["name"], r["status"]) for r in rows] == [("hog", "out_of_memory")], rows
    assert "KilledWorker" in rows[0]["message"]


def _die(task: dict) -> dict:
    """A task whose worker process dies (runs on the worker, which imports this module by name)."""
    os._exit(1)


def test_duckdb_query_from_the_docs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    duckdb = pytest.importorskip("duckdb")
    frame = pd.DataFrame({"name": ["a", "b"], "status": ["optimal", "infeasible"], "discount_rate": [0.05, 0.08],
                          "cost_per_t_avoided_usd": [250.0, np.nan], "cap_wind": [300.0, np.nan]})
    frame.to_parquet(tmp_path / "results.parquet")
    monkeypatch.chdir(tmp_path)
    docs = Path(__file__).resolve().parents[2] / "docs" / "sweep.md"
    text = docs.read_text(encoding="utf-8")
    query = text.split("```sql", 1)[1].split("```", 1)[0].replace("out/sweep-konaev-tornado/", "")
    rows = duckdb.sql(query).fetchall()
    assert rows and rows[0][0] == "a"
