"""The public overview: one short plan (with its pathway) gives every figure the public pages show,
cached by the hash of its inputs."""

from __future__ import annotations

import math
import os

import pytest

from jasyl.errors import InputError
from jasyl.planning.overview import OverviewOptions, load_overview, run_overview


@pytest.fixture(scope="module")
def overview() -> dict:
    out = run_overview(OverviewOptions(city="konaev", hours=24, pathway=True))
    out["_cache_home"] = os.environ["XDG_CACHE_HOME"]  # where the planning cache was written
    return out


def test_overview_holds_what_the_pages_show(overview: dict) -> None:
    assert {"inventory", "plan", "pathway", "explainer", "city", "computed_utc"} <= set(overview)
    inv = overview["inventory"]
    assert math.fsum(r["tco2e"] for r in inv["sectors"]) == pytest.approx(inv["total_tco2e"])
    assert overview["plan"]["hours"] == 24
    assert overview["plan"]["co2_after_t"] <= overview["plan"]["co2_before_t"]
    years = overview["pathway"]["years"]
    assert years and years[0]["year"] == overview["pathway"]["start_year"]
    assert overview["explainer"]["total_tco2e"] == pytest.approx(inv["total_tco2e"])
    assert overview["city"]["names"]["kk"] == "Қонаев"
    curve = overview["tradeoff"]
    assert [p["reduction"] for p in curve["points"]] == [0.5, 0.8, 0.9, 0.95, 0.99, 1.0]
    costs = [p["total_annual_cost_usd"] for p in curve["points"]]
    assert costs == sorted(costs)  # a deeper cut never costs less
    assert curve["method"] == "exact"  # 24 hours: no typical days


def test_the_cache_is_keyed_by_the_inputs(overview: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", overview["_cache_home"])
    cached = load_overview(OverviewOptions(city="konaev", hours=24, pathway=True))
    assert cached == {k: v for k, v in overview.items() if k != "_cache_home"}
    assert load_overview(OverviewOptions(city="konaev", hours=25, pathway=True)) is None


def test_options_are_checked_like_the_plan() -> None:
    with pytest.raises(InputError) as err:
        OverviewOptions.from_dict({"city": "konaev", "hours": "5"})
    assert err.value.field == "hours"
    with pytest.raises(InputError):
        OverviewOptions.from_dict({"method": "guess"})
