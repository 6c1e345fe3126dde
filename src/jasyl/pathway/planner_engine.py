"""The ``planner`` pathway engine: the hourly planner solved at milestone years, interpolated between.

The engine never loads a city, profiles or weather: it gets a function that makes the planner's
inputs for a technology catalogue and a CO2 cap (:data:`InputsFactory`, made once per city and
weather by :mod:`jasyl.planning.pathway`).
"""

from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from jasyl.city import City
from jasyl.errors import InputError
from jasyl.measures import MeasureLibrary
from jasyl.model.api import solve_inputs
from jasyl.model.inputs import PlanInputs
from jasyl.pathway.costs import catalogue_for_year
from jasyl.pathway.milestones import planner_milestone_years, resolve_years, retire_year, trajectory
from jasyl.pathway.result import Pathway, PathwayYear, Vintage
from jasyl.progress import ProgressCallback, Reporter
from jasyl.technologies import Catalogue

__all__ = ["build_planner_pathway", "grow_inputs", "with_floor", "InputsFactory", "PlannerSolve"]

#: (technology catalogue, CO2 cap t per year) -> full-year planner inputs of the city at today's demand
InputsFactory = Callable[[Catalogue, float], PlanInputs]
PlannerSolve = Callable[[Any], Any]  # PlanInputs -> PlanResult


def grow_inputs(inp: Any, factor: float) -> Any:
    """Planner inputs with every demand (electricity, heat, vehicle fleet and its fuel) times ``factor``.

    Works on :class:`jasyl.model.inputs.PlanInputs` from outside the model package: demand arrays, the
    capacity of today's fuel-burning heat supply, each vehicle class's charging profile, fuel use, fuel
    cost, fuel CO2, electric-vehicle cost and number of vehicles, and the baseline (today's) CO2 and cost.
    """
    if factor == 1.0:
        return inp
    base = dict(inp.baseline)
    base["co2_by_sector_t"] = {k: v * factor for k, v in base.get("co2_by_sector_t", {}).items()}
    if "annual_cost_usd" in base:
        base["annual_cost_usd"] = base["annual_cost_usd"] * factor
    return replace(
        inp,
        demand={k: v * factor for k, v in inp.demand.items()},
        fossil=[replace(f, capacity_mw=f.capacity_mw * factor) for f in inp.fossil],
        vehicles=[
            replace(
                v,
                ev_profile=v.ev_profile * factor,
                fuel_cost=v.fuel_cost * factor,
                fuel_co2_t=v.fuel_co2_t * factor,
                ev_cost=v.ev_cost * factor,
                fuel_mwh=v.fuel_mwh * factor,
                vehicles=v.vehicles * factor,
            )
            for v in inp.vehicles
        ],
        baseline=base,
    )


def with_floor(inp: Any, floor: dict[str, float]) -> Any:
    """Planner inputs whose capacities are at least ``floor`` (technology -> MW, MWh or MW_th).

    Uses the planner's lower bounds (``Generator.existing_mw``, ``Converter.min_mw``,
    ``Storage.min_energy_mwh`` / ``min_power_mw``); the capital cost is still charged on the whole
    capacity, a constant for the sunk part. Electric-vehicle shares have no lower bound in the planner's
    inputs and are not floored.
    """
    if not any(v > 0 for v in floor.values()):
        return inp
    return replace(
        inp,
        generators=[replace(g, existing_mw=max(g.existing_mw, floor.get(g.name, 0.0))) for g in inp.generators],
        converters=[replace(c, min_mw=max(c.min_mw, floor.get(c.name, 0.0))) for c in inp.converters],
        storages=[
            replace(
                st,
                min_energy_mwh=max(st.min_energy_mwh, floor.get(f"{st.name}_energy", 0.0)),
                min_power_mw=max(st.min_power_mw, floor.get(f"{st.name}_power", 0.0))
                if st.power_cost > 0
                else st.min_power_mw,
            )
            for st in inp.storages
        ],
    )


@dataclass(frozen=True)
class _Design:
    """One solved (or today's) milestone design in pathway units."""

    capacities: dict[str, float]  # required units in service (MW, MWh, MW_th, vehicles)
    co2_t: float
    by_sector_t: dict[str, float]
    annual_cost_usd: float
    info: dict[str, Any] | None


def _tech_data(catalogue: Any, inp: Any) -> tuple[dict[str, str], dict[str, float], dict[str, float], dict[str, str]]:
    """Units, capital cost per unit (USD), lifetime (years) and labels of every planner decision."""
    units: dict[str, str] = {}
    capex: dict[str, float] = {}
    life: dict[str, float] = {}
    label: dict[str, str] = {}
    for g in inp.generators:
        t = catalogue.generators[g.name]
        units[g.name], capex[g.name], life[g.name], label[g.name] = (
            "MW",
            1000 * t.capex_usd_per_kw,
            t.lifetime_years,
            t.label,
        )
    for s in inp.storages:
        t = catalogue.storage[s.name]
        for part, unit, cost in (
            ("energy", "MWh", t.capex_energy_usd_per_kwh),
            ("power", "MW", t.capex_power_usd_per_kw),
        ):
            key = f"{s.name}_{part}"
            units[key], capex[key], life[key], label[key] = unit, 1000 * cost, t.lifetime_years, f"{t.label} ({part})"
    for c in inp.converters:
        t = catalogue.converters[c.name]
        units[c.name], capex[c.name], life[c.name], label[c.name] = (
            "MW_th",
            1000 * t.capex_usd_per_kw,
            t.lifetime_years,
            t.label,
        )
    for v in inp.vehicles:
        t = catalogue.vehicle(v.name)
        key = f"ev_{v.name}"
        units[key], capex[key], life[key] = "vehicles", t.ev_premium_usd, t.lifetime_years
        label[key] = f"electric vehicles: {v.name.replace('_', ' ')} (price premium)"
    return units, capex, life, label


def _design_from_result(result: Any, inp: Any, seconds: float) -> _Design:
    caps: dict[str, float] = {}
    fleet = {f"ev_{v.name}": v.vehicles for v in inp.vehicles}
    fossil = {f.name for f in inp.fossil}
    for k, v in result.capacities.items():
        if k in fossil:
            continue  # today's fuel-burning plants: kept, no investment
        caps[k] = float(v) * fleet[k] if k in fleet else float(v)
    info = {
        "co2_after_t": float(result.co2_after_t),
        "total_annual_cost_usd": float(result.total_annual_cost_usd),
        "hours": int(result.hours),
        "method": str(result.method),
        "seconds": seconds,
        "energy_mwh": {k: float(v) for k, v in result.energy_mwh.items()},
        "plan_capacities": {k: float(v) for k, v in result.capacities.items()},
        "plan_capacity_units": dict(result.capacity_units),
    }
    return _Design(
        capacities=caps,
        co2_t=float(result.co2_after_t),
        by_sector_t={k: float(v) for k, v in result.co2_after_by_sector_t.items()},
        annual_cost_usd=float(result.total_annual_cost_usd),
        info=info,
    )


def build_planner_pathway(
    city: City,
    make_inputs: InputsFactory,
    library: MeasureLibrary,
    catalogue: Catalogue,
    *,
    start_year: int | None = None,
    target_year: int | None = None,
    milestones: dict[int, float] | None = None,
    growth_per_year: float | None = None,
    method: str = "typical_days",
    hours: int | None = None,
    solve: PlannerSolve | None = None,
    progress: ProgressCallback | None = None,
    existing: Mapping[str, float] | None = None,
) -> Pathway:
    """Pathway built on the hourly planner (``engine="planner"``).

    ``make_inputs(catalogue, cap_t)`` gives the city's full-year planner inputs at today's demand for a
    catalogue and CO2 cap (the profiles are made once by the caller); ``catalogue`` is the base
    technology catalogue, ``library`` the measures library (demand growth and cost decline).

    * **Milestones.** The start year (today's system: nothing new, emissions as today with demand
      growth), every 5 years after it (or the years of ``milestones``) and the target year. Each
      milestone after the start is solved with the hourly planner (:func:`jasyl.model.api.solve_inputs`,
      ``method``, first ``hours`` hours or the full year) under that year's CO2 cap of the trajectory,
      with that year's demand (growth from the inventory year, :func:`grow_inputs`) and capital costs
      (:func:`catalogue_for_year`, from the measures library's 2030 costs).
    * **Years between milestones.** Required capacities and CO2 are interpolated linearly between the
      two milestone designs (see docs/macc-and-pathway.md for why the interpolated design is feasible).
    * **Vintages.** Capacity built in a year = required capacity - units still in service from earlier
      vintages (never negative); a vintage lives for its technology's lifetime (planner catalogue) and is
      rebuilt when it retires if still needed. Investment = units built x that year's capital cost.
      Electric vehicles count as vehicles (electrified share x fleet) at the EV price premium.
    * **Existing capacity.** ``existing`` (technology -> MW, MWh or MW_th) is what is in service at the
      start (a re-plan from the actual state): a vintage built the year before the start, kept for its
      lifetime as a lower bound of every milestone design and never charged again.
    """
    start, target_y, milestones, growth = resolve_years(
        city, start_year, target_year, milestones, growth_per_year, library.pathway.demand_growth_per_year.value
    )
    if hours is not None and not 24 <= hours <= 8760:
        raise InputError(f"planner hours {hours} out of range", field="hours", fix="give 24 to 8760 hours (e.g. 168)")
    base_cat = catalogue
    reporter = Reporter(progress, "pathway")

    def growth_factor(year: int) -> float:
        return float((1.0 + growth) ** (year - city.inventory_year))

    def inputs_for(year: int, cap_t: float) -> tuple[Any, Any]:
        cat = catalogue_for_year(base_cat, year, library)
        inp = grow_inputs(make_inputs(cat, cap_t), growth_factor(year))
        if hours is not None:
            inp = inp.subset(0, min(hours, inp.n_hours))
        return inp, cat

    def say(text: str, fraction: float | None = None) -> None:
        reporter.update(text, fraction)

    inp0, cat0 = inputs_for(start, 0.0)
    start_co2 = math.fsum(inp0.baseline.get("co2_by_sector_t", {}).values())
    start_cost = float(inp0.baseline.get("annual_cost_usd", 0.0))
    allowed = trajectory(start, start_co2, target_y, city.target.co2_target_t, milestones)
    tol = 1e-4 * max(start_co2, 1.0)
    units, _, life, labels = _tech_data(cat0, inp0)

    have = {k: float(v) for k, v in (existing or {}).items() if k in units and not k.startswith("ev_") and v > 0}
    designs: dict[int, _Design] = {
        start: _Design(
            {k: have.get(k, 0.0) for k in units}, start_co2, dict(inp0.baseline.get("co2_by_sector_t", {})),
            start_cost, None
        )
    }
    run = solve or (lambda inp: solve_inputs(inp, method=method))
    marks = planner_milestone_years(start, target_y, milestones)
    vintages: list[Vintage] = [Vintage(k, start - 1, v, retire_year(start - 1, life[k]), 0.0) for k, v in have.items()]
    years: list[PathwayYear] = []

    def process(year: int) -> None:
        """Interpolate, retire, build and account for one year (its milestones are solved)."""
        lo = max(m for m in marks if m <= year)
        hi = min(m for m in marks if m >= year)
        w = 0.0 if hi == lo else (year - lo) / (hi - lo)
        a, b = designs[lo], designs[hi]

        def mix(x: float, y: float) -> float:
            return (1.0 - w) * x + w * y  # noqa: B023 - evaluated within this iteration

        required = {k: mix(a.capacities.get(k, 0.0), b.capacities.get(k, 0.0)) for k in units}
        sectors = sorted(set(a.by_sector_t) | set(b.by_sector_t))
        _, capex_y, _, _ = _tech_data(catalogue_for_year(base_cat, year, library), inp0)
        alive_before = {k: 0.0 for k in units}
        retired: dict[str, float] = {}
        for v in vintages:
            if v.year_built < year < v.retire_year:
                alive_before[v.measure] += v.units
            elif v.retire_year == year:
                retired[v.measure] = retired.get(v.measure, 0.0) + v.units
        built: dict[str, float] = {}
        invest: dict[str, float] = {}
        in_service: dict[str, float] = {}
        for k in units:
            new = required[k] - alive_before[k]
            scale = max(1.0, abs(required[k]))
            if new > 1e-7 * scale:
                vintages.append(Vintage(k, year, new, retire_year(year, life[k]), capex_y[k]))
                built[k] = new
                if capex_y[k] * new > 0:
                    invest[k] = capex_y[k] * new
            service = alive_before[k] + built.get(k, 0.0)
            if service > 1e-9:
                in_service[k] = service
        co2 = mix(a.co2_t, b.co2_t)
        is_mark = year in designs
        info = None
        if is_mark and designs[year].info is not None:
            info = dict(designs[year].info or {})
            info["milestone"] = True
        years.append(
            PathwayYear(
                year=year,
                target_co2_t=allowed[year],
                co2_t=co2,
                frozen_co2_t=start_co2 * growth_factor(year) / growth_factor(start),
                investment_usd=math.fsum(invest.values()),
                annual_cost_usd=mix(a.annual_cost_usd, b.annual_cost_usd),
                capacities=in_service,
                built=built,
                retired=retired,
                investment_by_measure_usd=invest,
                by_sector_t={s: mix(a.by_sector_t.get(s, 0.0), b.by_sector_t.get(s, 0.0)) for s in sectors},
                meets_target=co2 <= allowed[year] + tol,
                planner=info,
                engine="planner",
                milestone=is_mark,
                required_capacities={k: v for k, v in required.items() if v > 1e-9},
            )
        )

    process(start)
    for done, year in enumerate(marks[1:]):
        # units of earlier vintages that still stand in this milestone year are sunk: the design keeps them
        floor: dict[str, float] = {}
        for v in vintages:
            if v.retire_year > year:
                floor[v.measure] = floor.get(v.measure, 0.0) + v.units
        say(f"pathway: hourly planner for {year} (CO2 cap {allowed[year]:,.0f} t) ...", done / (len(marks) - 1))
        inp, _cat = inputs_for(year, allowed[year])
        inp = with_floor(inp, floor)
        t0 = _dt.datetime.now()
        result = run(inp)
        seconds = (_dt.datetime.now() - t0).total_seconds()
        designs[year] = _design_from_result(result, inp, seconds)
        say(f"pathway: {year} solved in {seconds:.0f} s", (done + 1) / (len(marks) - 1))
        for y in range(years[-1].year + 1, year + 1):
            process(y)

    horizon = "the full year" if hours is None else f"the first {hours} hours of the year"
    notes = [
        "Energy-related CO2 of electricity, heat and road transport as the hourly planner counts it "
        "(catalogue emission factors); waste is not covered.",
        f"Milestone years {', '.join(str(m) for m in marks[1:])} solved with the hourly planner "
        f"(method {method}, {horizon}); the start year is today's system; years between milestones are "
        "linear interpolations of the milestone designs.",
        "Demand grows from the inventory year (electricity, heat and vehicle fleet alike); capital costs "
        "follow the measures library's 2030 costs where it gives one (PV, wind, batteries, EV premiums). "
        "Efficiency measures (insulation, LED, modal shift) are not in the planner: use --engine balance for those.",
        "Units of earlier vintages still standing at a milestone are lower bounds of its design (sunk); "
        "capacity in service never falls below what earlier vintages still provide.",
    ]
    if not all(y.meets_target for y in years):
        short = [y.year for y in years if not y.meets_target]
        notes.append(f"The planner's designs miss the trajectory in {', '.join(map(str, short))}.")
    return Pathway(
        city=city.name,
        start_year=start,
        target_year=target_y,
        milestones=milestones,
        start_co2_t=start_co2,
        waste_tco2e=0.0,
        years=years,
        vintages=vintages,
        units=units,
        names=labels,
        growth_per_year=growth,
        method=f"hourly planner ({method}) at milestone years {', '.join(map(str, marks))}, linear "
        "interpolation between them, vintages by technology lifetime and capital-cost decline",
        notes=notes,
        city_names=dict(city.names),
        engine="planner",
    )
