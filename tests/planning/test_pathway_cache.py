"""The planner-engine pathway is cached under a key of every input: reused when nothing changed,
recomputed when an option or an input file changes, never used with --no-cache."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import jasyl.planning.pathway as use_case
from jasyl.pathway import Pathway, build_pathway
from jasyl.planning import CityData, PathwayOptions, run_pathway
from jasyl.planning.cache import cache_key, load_entry, save_entry


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch, konaev_ctx: Any) -> list[int]:
    """The planner engine replaced by the (fast) balance engine, counting its runs."""
    calls: list[int] = []

    def fake_engine(city: Any, make_inputs: Any, library: Any, catalogue: Any, **kw: Any) -> Pathway:
        calls.append(1)
        return build_pathway(city, library, ctx=konaev_ctx, start_year=kw["start_year"])

    monkeypatch.setattr(use_case, "build_planner_pathway", fake_engine)
    monkeypatch.setattr(use_case, "profiles_for", lambda data, weather=None: None)
    monkeypatch.delenv("JASYL_NO_CACHE", raising=False)
    return calls


def test_second_run_reuses_the_first(counted: list[int]) -> None:
    data = CityData.load(None)
    first = run_pathway(PathwayOptions(start_year=2026), data=data)
    second = run_pathway(PathwayOptions(start_year=2026), data=data)
    assert counted == [1]
    assert second.to_dict() == first.to_dict()
    run_pathway(PathwayOptions(start_year=2027), data=data)  # another option: computed again
    run_pathway(PathwayOptions(start_year=2026), data=data, use_cache=False)  # --no-cache
    assert counted == [1, 1, 1]


def test_key_follows_file_content(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("JASYL_NO_CACHE", raising=False)
    f = tmp_path / "weather.csv"
    f.write_text("a", encoding="utf-8")
    k1 = cache_key("h", files=[f])
    f.write_text("b", encoding="utf-8")
    assert cache_key("h", files=[f]) != k1
    save_entry("test", k1, {"x": 1})
    assert load_entry("test", k1) == {"x": 1}
    monkeypatch.setenv("JASYL_NO_CACHE", "1")
    assert load_entry("test", k1) is None
