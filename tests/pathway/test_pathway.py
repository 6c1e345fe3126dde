"""Pathway: meets every milestone, capacity lasts its lifetime, investment adds up."""

from __future__ import annotations

import math

import pytest

from jasyl.abatement import Context, MaccResult
from jasyl.errors import InputError
from jasyl.pathway import Pathway, build_pathway, capex_in_year, parse_milestones, trajectory


def test_trajectory_linear_and_milestones() -> None:
    lin = trajectory(2026, 100.0, 2036, 0.0)
    assert lin[2026] == 100 and lin[2031] == pytest.approx(50) and lin[2036] == 0
    ms = trajectory(2026, 100.0, 2036, 0.0, {2028: 0.9, 2030: 0.5})
    assert ms[2028] == pytest.approx(90) and ms[2029] == pytest.approx(70) and ms[2030] == pytest.approx(50)
    assert ms[2033] == pytest.approx(25) and ms[2036] == 0


def test_parse_milestones() -> None:
    assert parse_milestones("2030:0.5, 2035:0") == {2030: 0.5, 2035: 0.0}
    assert parse_milestones("2030:40%") == {2030: 0.4}
    for bad in ("2030", "2030:x", "20x0:0.5", "2030:7"):
        with pytest.raises(InputError):
            parse_milestones(bad)


def test_linear_pathway_meets_every_year(konaev_pathway: Pathway) -> None:
    tol = 1e-5 * konaev_pathway.start_co2_t
    assert konaev_pathway.years[0].year == 2026 and konaev_pathway.years[-1].year == 2035
    for y in konaev_pathway.years:
        assert y.co2_t <= y.target_co2_t + tol, y.year
        assert y.meets_target
    assert konaev_pathway.years[-1].co2_t == pytest.approx(0.0, abs=tol)
    # emissions fall while demand grows: without measures they would rise
    assert konaev_pathway.years[-1].frozen_co2_t > konaev_pathway.years[0].frozen_co2_t


def test_user_milestones_are_met(konaev_ctx: Context, konaev_macc: MaccResult) -> None:
    marks = {2028: 0.6, 2030: 0.5, 2033: 0.2, 2035: 0.0}
    path = build_pathway(
        konaev_ctx.city,
        konaev_ctx.library,
        start_year=2026,
        target_year=2035,
        milestones=marks,
        ctx=konaev_ctx,
        macc=konaev_macc,
    )
    by_year = {y.year: y for y in path.years}
    for year, frac in marks.items():
        assert by_year[year].co2_t <= frac * path.start_co2_t + 1e-5 * path.start_co2_t, year
    # a steeper early milestone needs more investment by then than the straight line
    linear = build_pathway(
        konaev_ctx.city, konaev_ctx.library, start_year=2026, target_year=2035, ctx=konaev_ctx, macc=konaev_macc
    )
    early = sum(y.investment_usd for y in path.years if y.year <= 2028)
    early_linear = sum(y.investment_usd for y in linear.years if y.year <= 2028)
    assert early > early_linear


def test_capacity_lasts_its_lifetime_and_is_rebuilt(konaev_ctx: Context, konaev_macc: MaccResult) -> None:
    path = build_pathway(
        konaev_ctx.city,
        konaev_ctx.library,
        start_year=2026,
        target_year=2050,
        milestones={2035: 0.0},
        ctx=konaev_ctx,
        macc=konaev_macc,
    )
    lib = konaev_ctx.library
    retired_somewhere = False
    for y in path.years:
        for v in path.vintages:
            if v.year_built <= y.year < v.retire_year:
                alive = math.fsum(
                    w.units for w in path.vintages if w.measure == v.measure and w.year_built <= y.year < w.retire_year
                )
                assert y.capacities.get(v.measure, 0.0) >= alive * (1 - 1e-9), (y.year, v.measure)
        if y.retired:
            retired_somewhere = True
    for v in path.vintages:
        assert v.retire_year - v.year_built == max(1, round(lib.measure(v.measure).lifetime_years.value))
    assert retired_somewhere
    # year over year a measure's capacity only falls by what retires
    for prev, cur in zip(path.years, path.years[1:], strict=False):
        for mid, units in prev.capacities.items():
            assert cur.capacities.get(mid, 0.0) >= units - cur.retired.get(mid, 0.0) - 1e-6 * max(units, 1.0)
    # LED lamps (10 years) built in 2026 retire in 2036 and are rebuilt because the target still needs them
    by_year = {y.year: y for y in path.years}
    assert "led_lighting_homes" in by_year[2036].retired
    assert by_year[2036].built.get("led_lighting_homes", 0.0) > 0


def test_investment_is_units_times_that_years_cost(konaev_pathway: Pathway, konaev_ctx: Context) -> None:
    lib = konaev_ctx.library
    total = 0.0
    for y in konaev_pathway.years:
        expected = math.fsum(units * capex_in_year(lib.measure(mid), y.year) for mid, units in y.built.items())
        assert y.investment_usd == pytest.approx(expected, rel=1e-9)
        total += y.investment_usd
    assert konaev_pathway.total_investment_usd == pytest.approx(total, rel=1e-12)
    assert konaev_pathway.to_dict()["total_investment_usd"] == pytest.approx(total, rel=1e-12)


def test_cost_decline() -> None:
    from jasyl.measures import load_measures

    pv = load_measures(use_catalogue=False).measure("pv_utility")
    assert capex_in_year(pv, 2025) == pv.capex_usd_per_unit.value
    assert pv.capex_2030_usd_per_unit is not None
    assert capex_in_year(pv, 2030) == pv.capex_2030_usd_per_unit.value
    assert capex_in_year(pv, 2040) == pv.capex_2030_usd_per_unit.value
    assert capex_in_year(pv, 2027) == pytest.approx(0.6 * 650000 + 0.4 * 500000)


def test_json_contract(konaev_pathway: Pathway) -> None:
    data = konaev_pathway.to_dict()
    assert {"years", "total_investment_usd", "start_year", "target_year", "milestones"} <= set(data)
    for y in data["years"]:
        assert {"year", "co2_t", "investment_usd", "capacities"} <= set(y)


def test_bad_years(konaev_ctx: Context, konaev_macc: MaccResult) -> None:
    with pytest.raises(InputError, match="not after the start year"):
        build_pathway(
            konaev_ctx.city, konaev_ctx.library, start_year=2035, target_year=2030, ctx=konaev_ctx, macc=konaev_macc
        )
    with pytest.raises(InputError, match="outside"):
        build_pathway(
            konaev_ctx.city,
            konaev_ctx.library,
            start_year=2026,
            target_year=2035,
            milestones={2040: 0.1},
            ctx=konaev_ctx,
            macc=konaev_macc,
        )


def test_planner_check_runs_only_for_the_chosen_years(konaev_ctx: Context, konaev_macc: MaccResult) -> None:
    calls: list[tuple[int, float]] = []

    def fake_planner(year: int, target: float) -> dict[str, float]:
        calls.append((year, target))
        return {"co2_after_t": target}

    path = build_pathway(
        konaev_ctx.city,
        konaev_ctx.library,
        start_year=2026,
        target_year=2035,
        ctx=konaev_ctx,
        macc=konaev_macc,
        planner_years=[2030, 2035],
        planner_check=fake_planner,
    )
    by_year = {y.year: y for y in path.years}
    assert [c[0] for c in calls] == [2030, 2035]
    assert calls[0][1] == pytest.approx(by_year[2030].target_co2_t)
    assert by_year[2030].to_dict()["planner"] == {"co2_after_t": by_year[2030].target_co2_t}
    assert "planner" not in by_year[2031].to_dict()


def test_default_start_falls_back_to_the_inventory_year_when_the_target_year_has_passed(
    konaev_ctx: Context, konaev_macc: MaccResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    import datetime as real_dt

    import jasyl.pathway.milestones as module

    class _Date(real_dt.date):
        @classmethod
        def today(cls) -> _Date:
            return cls(2040, 1, 1)

    monkeypatch.setattr(module._dt, "date", _Date)
    path = build_pathway(konaev_ctx.city, konaev_ctx.library, ctx=konaev_ctx, macc=konaev_macc)
    assert path.start_year == konaev_ctx.city.inventory_year and path.target_year == 2035
