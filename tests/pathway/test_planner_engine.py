"""Pathway on the hourly planner (engine "planner"): milestones, interpolation, vintages, JSON, CLI.

The planner is solved on the first week of the year (``planner_hours=168``) to keep the tests fast.
"""

from __future__ import annotations

import json
import math
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

from jasyl.cli import main
from jasyl.errors import InputError
from jasyl.measures import load_measures
from jasyl.pathway import (
    Pathway,
    build_planner_pathway,
    catalogue_for_year,
    check_engine,
    grow_inputs,
    planner_milestone_years,
)
from jasyl.planning import CityData, PathwayOptions, inputs_factory, plan_inputs, profiles_for, run_pathway
from jasyl.technologies import load_catalogue

HOURS = 168


@pytest.fixture(scope="module")
def planner_path() -> Pathway:
    return run_pathway(PathwayOptions(engine="planner", start_year=2026, hours=HOURS), use_cache=False)


@pytest.fixture(scope="module")
def konaev_data() -> tuple[CityData, Any]:
    data = CityData.load(None)
    return data, profiles_for(data)


def _engine(konaev_data: tuple[CityData, Any], **options: Any) -> Pathway:
    """The planner engine on the embedded Konaev with the synthetic weather year."""
    data, profiles = konaev_data
    return build_planner_pathway(data.city, inputs_factory(data, profiles), load_measures(), load_catalogue(),
                                 **options)


def _milestones(path: Pathway) -> dict[int, Any]:
    return {y.year: y for y in path.years if y.milestone}


def test_milestone_years() -> None:
    assert planner_milestone_years(2026, 2035) == [2026, 2031, 2035]
    assert planner_milestone_years(2026, 2036) == [2026, 2031, 2036]
    assert planner_milestone_years(2026, 2035, {2030: 0.5, 2035: 0.0}) == [2026, 2030, 2035]


def test_engine_name_checked() -> None:
    assert check_engine("planner") == "planner"
    with pytest.raises(InputError) as info:
        check_engine("hourly")
    assert info.value.field == "engine"  # the option's field; the command line shows it as --engine


def test_planner_pathway_meets_every_milestone(planner_path: Pathway) -> None:
    tol = 1e-4 * planner_path.start_co2_t
    marks = _milestones(planner_path)
    assert sorted(marks) == [2026, 2031, 2035]
    for year, y in marks.items():
        assert y.co2_t <= y.target_co2_t + tol, year
        if year != 2026:  # solved: the reported CO2 is the optimiser's own
            assert y.planner is not None and y.planner["hours"] == HOURS
            assert y.co2_t == pytest.approx(y.planner["co2_after_t"])
    for y in planner_path.years:
        assert y.co2_t <= y.target_co2_t + tol and y.meets_target, y.year
    assert planner_path.years[-1].co2_t == pytest.approx(0.0, abs=tol)
    # zero CO2 needs new supply: wind or PV and storage in the target year
    last = planner_path.years[-1].capacities
    assert last.get("wind", 0.0) + last.get("pv_fixed", 0.0) > 10.0


def test_interpolated_years_lie_between_milestones(planner_path: Pathway) -> None:
    marks = _milestones(planner_path)
    keys = sorted(set().union(*(set(y.required_capacities or {}) for y in planner_path.years)))
    for y in planner_path.years:
        if y.milestone:
            continue
        lo = marks[max(m for m in marks if m < y.year)]
        hi = marks[min(m for m in marks if m > y.year)]
        assert min(lo.co2_t, hi.co2_t) - 1e-6 <= y.co2_t <= max(lo.co2_t, hi.co2_t) + 1e-6
        w = (y.year - lo.year) / (hi.year - lo.year)
        for k in keys:
            a = (lo.required_capacities or {}).get(k, 0.0)
            b = (hi.required_capacities or {}).get(k, 0.0)
            v = (y.required_capacities or {}).get(k, 0.0)
            assert min(a, b) - 1e-6 <= v <= max(a, b) + 1e-6, (y.year, k)
            assert v == pytest.approx((1 - w) * a + w * b, abs=1e-6)


def test_capacity_never_disappears_before_end_of_life(planner_path: Pathway) -> None:
    for year in planner_path.years:
        alive: dict[str, float] = {}
        for v in planner_path.vintages:
            if v.year_built <= year.year < v.retire_year:
                alive[v.measure] = alive.get(v.measure, 0.0) + v.units
        for k, units in alive.items():
            assert year.capacities.get(k, 0.0) >= units - 1e-6 * max(1.0, units), (year.year, k)
        for k, req in (year.required_capacities or {}).items():
            assert year.capacities.get(k, 0.0) >= req - 1e-6 * max(1.0, req), (year.year, k)
        if year.milestone and year.year > planner_path.start_year:
            # the optimiser kept what earlier vintages still provide (lower bounds; EV shares are not bounded)
            for k, units in alive.items():
                if not k.startswith("ev_"):
                    req = (year.required_capacities or {}).get(k, 0.0)
                    assert req >= units - 1e-4 * max(1.0, units), (year.year, k)


def test_investment_is_build_times_that_years_capital_cost(planner_path: Pathway) -> None:
    by_year = {y.year: y for y in planner_path.years}
    for v in planner_path.vintages:
        y = by_year[v.year_built]
        assert y.built[v.measure] == pytest.approx(v.units)
        assert y.investment_by_measure_usd.get(v.measure, 0.0) == pytest.approx(v.units * v.capex_usd_per_unit)
    assert planner_path.total_investment_usd == pytest.approx(
        math.fsum(v.units * v.capex_usd_per_unit for v in planner_path.vintages)
    )
    # the first year is today's system: nothing new is built
    assert planner_path.years[0].investment_usd == 0.0 and planner_path.years[0].capacities == {}


def test_json_contract(planner_path: Pathway) -> None:
    data = json.loads(json.dumps(planner_path.to_dict()))
    assert data["engine"] == "planner"
    assert data["total_investment_usd"] == pytest.approx(sum(y["investment_usd"] for y in data["years"]))
    for y in data["years"]:
        for key in (
            "year",
            "co2_t",
            "investment_usd",
            "capacities",
            "target_co2_t",
            "meets_target",
            "built",
            "retired",
            "engine",
        ):
            assert key in y, key
        assert y["engine"] == "planner"
    assert set(data["capacity_units"]) >= {"wind", "pv_fixed", "battery_energy", "ev_passenger_car"}
    assert data["capacity_units"]["ev_passenger_car"] == "vehicles"


def test_cost_decline_and_demand_growth() -> None:
    lib = load_measures()
    cat = load_catalogue()
    c2025 = catalogue_for_year(cat, 2025, lib)
    c2030 = catalogue_for_year(cat, 2030, lib)
    c2040 = catalogue_for_year(cat, 2040, lib)
    assert c2025.generators["wind"].capex_usd_per_kw == pytest.approx(cat.generators["wind"].capex_usd_per_kw)
    assert c2030.generators["wind"].capex_usd_per_kw == pytest.approx(1100.0)  # measures library, 2030
    assert c2040.generators["pv_fixed"].capex_usd_per_kw == pytest.approx(500.0)  # flat after 2030
    assert c2030.vehicles["passenger_car"].ev_premium_usd == pytest.approx(0.0)  # price parity about 2030
    inp = plan_inputs(None, None, 0.0).subset(0, HOURS)
    grown = grow_inputs(inp, 1.5)
    for bus, d in inp.demand.items():
        assert float(np.sum(grown.demand[bus])) == pytest.approx(1.5 * float(np.sum(d)))
    for a, b in zip(inp.vehicles, grown.vehicles, strict=True):
        assert b.fuel_co2_t == pytest.approx(1.5 * a.fuel_co2_t) and b.vehicles == pytest.approx(1.5 * a.vehicles)
    assert sum(grown.baseline["co2_by_sector_t"].values()) == pytest.approx(
        1.5 * sum(inp.baseline["co2_by_sector_t"].values())
    )


def _fake_solve(capacity: float) -> Any:
    """A stand-in optimiser: the same capacity of every technology, CO2 exactly at the cap."""

    def solve(inp: Any) -> Any:
        caps = {g.name: capacity for g in inp.generators}
        caps.update({f"{s.name}_energy": capacity for s in inp.storages})
        caps.update({f"{s.name}_power": capacity for s in inp.storages})
        caps.update({c.name: capacity for c in inp.converters})
        caps.update({f"ev_{v.name}": 0.5 for v in inp.vehicles})
        co2 = inp.co2_target_t / inp.year_fraction
        return SimpleNamespace(
            capacities=caps,
            capacity_units={},
            co2_after_t=co2,
            co2_after_by_sector_t={"x": co2},
            total_annual_cost_usd=1.0,
            hours=inp.n_hours,
            method="fake",
            energy_mwh={},
        )

    return solve


def test_vintages_retire_after_lifetime_and_are_rebuilt(konaev_data: tuple[CityData, Any]) -> None:
    path = _engine(konaev_data, start_year=2026, target_year=2060, growth_per_year=0.0, hours=HOURS,
                   solve=_fake_solve(100.0))
    by_year = {y.year: y for y in path.years}
    cat = load_catalogue()
    life = round(cat.storage["battery"].lifetime_years)  # 15 years
    first = [v for v in path.vintages if v.measure == "battery_energy"]
    assert first[0].year_built == 2027 and first[0].retire_year == 2027 + life
    # a constant requirement: what retires is rebuilt in the same year, the fleet stays at 100 MWh
    retire = first[0].retire_year
    assert by_year[retire].retired["battery_energy"] == pytest.approx(first[0].units)
    assert by_year[retire].built["battery_energy"] == pytest.approx(first[0].units)
    for y in path.years[6:]:
        assert y.capacities["battery_energy"] == pytest.approx(100.0)
    # every vintage lives exactly its catalogue lifetime: wind (27 years) built 2027-2031 comes back in 2054
    lifetimes = {"wind": cat.generators["wind"].lifetime_years, "pv_fixed": cat.generators["pv_fixed"].lifetime_years}
    for v in path.vintages:
        if v.measure in lifetimes:
            assert v.retire_year == v.year_built + round(lifetimes[v.measure])
    assert [v.year_built for v in path.vintages if v.measure == "wind"] == [*range(2027, 2032), *range(2054, 2059)]
    # a requirement that falls later does not retire units early; the surviving units are passed to the
    # next milestone's optimiser as a lower bound (sunk capacity)
    seen: dict[float, float] = {}

    def falling(inp: Any) -> Any:
        wind = next(g for g in inp.generators if g.name == "wind")
        seen[inp.co2_target_t] = wind.existing_mw
        return _fake_solve(100.0 if inp.co2_target_t > 0 else 40.0)(inp)

    path2 = _engine(
        konaev_data,
        start_year=2026,
        target_year=2036,
        growth_per_year=0.0,
        hours=HOURS,
        solve=falling,
    )
    assert path2.years[-1].required_capacities is not None
    assert path2.years[-1].required_capacities["wind"] == pytest.approx(40.0)
    assert path2.years[-1].capacities["wind"] == pytest.approx(100.0)
    assert sorted(seen.values()) == [pytest.approx(0.0), pytest.approx(100.0)]  # 2031: nothing yet; 2036: 100 MW


def test_cli_planner_engine_json(tmp_path: Any, capsys: pytest.CaptureFixture[str]) -> None:
    args = [
        "pathway",
        "--engine",
        "planner",
        "--planner-hours",
        str(HOURS),
        "--start",
        "2026",
        "--milestones",
        "2030:0.6,2035:0",
        "--format",
        "json",
        "--out",
        str(tmp_path / "p"),
    ]
    assert main(args) == 0
    captured = capsys.readouterr()
    data = json.loads(captured.out)
    out = tmp_path / "p"
    assert json.loads((out / "pathway.json").read_text(encoding="utf-8")) == data
    assert {p.name for p in out.iterdir()} == {"pathway.json", "pathway.csv", "pathway.svg", "pathway.png"}
    assert "capacity:wind [MW]" in (out / "pathway.csv").read_text(encoding="utf-8").splitlines()[0]
    assert data["engine"] == "planner"
    marks = [y["year"] for y in data["years"] if y["milestone"]]
    assert marks == [2026, 2030, 2035]
    y2030 = next(y for y in data["years"] if y["year"] == 2030)
    assert y2030["co2_t"] <= 0.6 * data["start_co2_t"] * (1 + 1e-4)


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--engine", "hourly"], "unknown pathway engine 'hourly'"),
        (["--engine", "planner", "--planner-method", "fast"], "--planner-method"),
        (["--engine", "planner", "--planner-hours", "5"], "--planner-hours"),
        (["--engine", "planner", "--planner-years", "2030"], "--planner-years"),
        (["--engine", "planner", "--weather", "no/such/file.epw"], "weather file does not exist"),
        (["--engine", "balance", "--weather", "no/such/file.epw"], "planner engine only"),
    ],
)
def test_cli_bad_engine_options_exit_2(
    args: list[str], words: str, tmp_path: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "o"
    assert main(["pathway", *args, "--out", str(out), "--format", "json"]) == 2
    captured = capsys.readouterr()
    assert words in captured.err and "Traceback" not in captured.err and captured.out == ""
    assert not out.exists()


def test_report_section_names_its_engine(planner_path: Pathway) -> None:
    from jasyl.i18n import translate
    from jasyl.report.pathway import pathway_section

    section = pathway_section(planner_path, "ru")
    built = " ".join(row["built"] for row in section["rows"])
    assert "Ветровая электростанция" in built  # the planner's technology names, translated
    assert section["data"]["engine"] == "planner"
    assert any("2031, 2035" in t for t in section["texts"])
    assert translate("pathway.path.engine_hint", "ru") not in section["texts"]
    # the balance engine says so and points to the planner engine
    from jasyl.abatement import build_context
    from jasyl.city import load_city
    from jasyl.pathway import build_pathway as build

    ctx = build_context(load_city(), load_measures())
    balance = build(ctx.city, ctx.library, start_year=2026, ctx=ctx)
    texts = pathway_section(balance, "kk", ctx.library)["texts"]
    assert translate("pathway.path.engine_hint", "kk") in texts


def test_weather_reaches_the_planner(konaev_data: tuple[CityData, Any]) -> None:
    """A year without wind: the planner engine builds no wind and still meets the trajectory."""
    data, profiles = konaev_data
    calm = profiles.weather.copy()
    calm["wind_speed_m_s"] = 0.0
    path = _engine((data, profiles_for(data, calm)), start_year=2026, target_year=2031, hours=HOURS)
    assert path.years[-1].capacities.get("wind", 0.0) == pytest.approx(0.0, abs=1e-6)
    assert path.years[-1].capacities.get("pv_fixed", 0.0) + path.years[-1].capacities.get("pv_tracking", 0.0) > 1
    assert all(y.meets_target for y in path.years)
