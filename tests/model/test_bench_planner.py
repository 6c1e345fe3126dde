"""The planner benchmark's JSON carries every key issue 16 names (a cheap run: 48 hours, in-process workers).

The benchmark proper runs each side in its own process; here ``_run`` calls the same worker function in
this process so that the check stays a few seconds long. The figures themselves are not judged here.
"""

from __future__ import annotations

import functools
import importlib.util
import json
from pathlib import Path
from typing import Any

import pytest

BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_planner.py"


def _load() -> Any:
    spec = importlib.util.spec_from_file_location("bench_planner", BENCH)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.mark.slow
def test_bench_planner_json_has_the_issue_keys(monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    bench = _load()
    if not bench.SECOND_SITE_EPW.is_file():
        pytest.skip(f"second-site weather file {bench.SECOND_SITE_EPW} not beside the clone")
    calls: list[tuple[str, str]] = []

    def in_process(which: str, case: str, site: str, hours: int | None) -> dict[str, Any]:
        calls.append((which, site))
        out = bench._worker(which, case, site, hours)
        return {**out, "load_before": 0.0}

    monkeypatch.setattr(bench, "_run", in_process)
    monkeypatch.setattr(bench, "_inputs", functools.cache(bench._inputs))  # the same inputs for every worker
    assert bench.main(["--json", "--quick", "--hours", "48", "--no-pypsa-second-site"]) == 0
    data = json.loads(capsys.readouterr().out)
    old = {"jasyl_seconds", "pypsa_seconds", "ratio", "jasyl_peak_mb", "pypsa_peak_mb", "memory_ratio",
           "objective_rel_diff", "typical_days_seconds", "typical_days_ratio", "typical_days_objective_rel_diff"}
    new = {"pypsa_tuned_seconds", "tuned_ratio", "hipo_seconds", "cpu_model", "cpu_count", "sites"}
    assert old | new <= set(data), sorted((old | new) - set(data))
    assert data["hours"] == 48
    assert set(data["sites"]) == {"konaev", "urumqi"}
    for site, entry in data["sites"].items():
        assert {"typical_days_seconds", "typical_days_objective_rel_diff"} <= set(entry), site
        assert entry["typical_days_objective_rel_diff"] < 1e-3, site
    assert data["objective_rel_diff"] < 1e-6
    assert data["pypsa_tuned_objective_rel_diff"] < 1e-6
    assert data["cpu_count"] >= 1 and data["cpu_model"]
    # the second site is solved exactly too, and the tuned peer is a separate solve
    assert ("pypsa_tuned", "konaev") in calls and ("jasyl", "urumqi") in calls
    assert ("pypsa", "urumqi") not in calls  # --no-pypsa-second-site
