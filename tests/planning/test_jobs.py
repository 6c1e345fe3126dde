"""The job API's use cases run in-process too (what a Dask worker runs): small, JSON-ready results."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jasyl.errors import InputError
from jasyl.planning.jobs import JOB_KINDS, USE_CASES, run_use_case


def test_every_job_kind_has_a_use_case_or_is_the_sweep() -> None:
    assert set(JOB_KINDS) <= set(USE_CASES) | {"sweep"}


def test_tradeoff_job_returns_its_curve(tmp_path: Path) -> None:
    out = run_use_case("tradeoff", {"hours": 48, "points": [0.5, 1.0]}, str(tmp_path), "test")
    json.dumps(out)  # JSON-ready
    points = out["result"]["points"]
    assert [p["reduction"] for p in points] == [0.5, 1.0]
    assert points[0]["total_annual_cost_usd"] <= points[1]["total_annual_cost_usd"]
    assert out["options"]["points"] == [0.5, 1.0]


def test_bad_options_name_the_field(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        run_use_case("tradeoff", {"hours": 48, "points": [1.5]}, str(tmp_path), "test")
    assert info.value.field == "points"
