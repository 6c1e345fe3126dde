"""Year-by-year pathway to the city's CO2 target.

Method (annual energy balance, the same as :mod:`jasyl.macc`):

* **Trajectory.** The allowed energy emissions fall from the start year's level to the target
  (the city's ``target.co2_target_t``, default 0) in the target year: linearly, or through user
  milestones ``{year: fraction of the start-year emissions}``, linear between milestones.
* **Demand growth.** Every use grows by ``demand_growth_per_year`` (measures file) from the city's
  inventory year; measure sizes tied to the energy they address grow with it.
* **What to build.** Each year, after retiring the units that reached the end of their lifetime, the
  model (1) keeps every unit still alive, (2) rolls out the measures that save money (negative cost in
  the MACC) at ``1 / rollout_years`` of their maximum a year, and (3) if the emissions are still above
  the trajectory, takes the MACC merit-order steps one after the other, the last one only as far as
  needed (bisection). Units built in a year form a vintage that stays until ``year + lifetime`` and is
  rebuilt then if it is still needed, so capacity never disappears before the end of its life.
* **Costs.** Capital costs fall from their reference-year value to the ``capex_2030`` value of the
  measures file (linear to 2030, flat after). Investment of a year = new units x that year's capital cost.

The hourly planner can check chosen milestone years (``planner_years`` with a ``planner_check`` made by
:func:`jasyl.planning.pathway.planner_check_for`): it is run with that year's CO2 cap and its capacities
and cost are reported beside the annual-balance pathway.

That is the ``balance`` engine. The ``planner`` engine (:mod:`jasyl.pathway.planner_engine`, the default
of ``jasyl pathway``) solves the hourly planner at milestone years; see docs/macc-and-pathway.md.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

from jasyl.abatement.balance import Balance, Context, apply_measure, build_context, evaluate
from jasyl.abatement.macc import MaccResult, compute_macc
from jasyl.city import City
from jasyl.finance import annuity
from jasyl.measures import Measure, MeasureLibrary
from jasyl.pathway.costs import capex_in_year
from jasyl.pathway.milestones import resolve_years, retire_year, trajectory
from jasyl.pathway.result import Pathway, PathwayYear, Vintage

__all__ = ["build_pathway", "PlannerCheck"]

#: (year, CO2 cap t) -> what the hourly planner made of that year (reported beside the pathway year)
PlannerCheck = Callable[[int, float], dict[str, Any]]


def build_pathway(
    city: City,
    library: MeasureLibrary | None = None,
    *,
    start_year: int | None = None,
    target_year: int | None = None,
    milestones: dict[int, float] | None = None,
    growth_per_year: float | None = None,
    macc: MaccResult | None = None,
    ctx: Context | None = None,
    planner_years: list[int] | None = None,
    planner_check: PlannerCheck | None = None,
    existing: Mapping[str, float] | None = None,
) -> Pathway:
    """Build the year-by-year pathway of the ``balance`` engine (see the module docstring).

    ``ctx`` (the city's balance context, :func:`jasyl.abatement.balance.build_context`) is made from
    ``city`` and ``library`` when not given; ``macc`` likewise. ``existing`` (measure id -> units) is what
    is already in service at the start (a re-plan from the actual state): it stays for its lifetime and
    costs nothing more.
    """
    if ctx is None:
        if library is None:
            raise ValueError("build_pathway needs the measures library or a balance context")
        ctx = build_context(city, library)
    lib = ctx.library
    macc = macc or compute_macc(ctx=ctx)
    start, target_y, milestones, growth = resolve_years(
        city, start_year, target_year, milestones, growth_per_year, lib.pathway.demand_growth_per_year.value
    )
    ref_year, curve_year = lib.pathway.cost_reference_year, lib.pathway.cost_curve_year
    rollout = max(lib.pathway.rollout_years.value, 1.0)

    # merit-order steps: (measure, share of max) in the order the MACC took them
    steps: list[tuple[Measure, float]] = [(lib.measure(mid), share) for mid, share in macc.steps()]
    # what the MACC left untaken (it avoided nothing on the inventory-year balance) stays available at the
    # end of the merit order: with demand growth it may be needed (more PV and wind for more electricity)
    for item in macc.not_effective:
        mid = item["id"]
        if mid in ctx.max_units and item.get("units_left", 0.0) > 0:
            steps.append((lib.measure(mid), item["units_left"] / ctx.max_units[mid]))
    no_regret: dict[str, float] = {}
    for r in macc.rows:
        if r.cost_usd_per_t < 0:
            no_regret[r.id] = no_regret.get(r.id, 0.0) + r.share_of_max
    measures_in_order: list[Measure] = []
    for m, _ in steps:
        if m not in measures_in_order:
            measures_in_order.append(m)

    def growth_factor(year: int) -> float:
        return (1.0 + growth) ** (year - city.inventory_year)

    def max_units(m: Measure, year: int) -> float:
        base = ctx.max_units[m.id]
        return base if m.uptake.max_units is not None else base * growth_factor(year)

    def state_for(year: int, units: dict[str, float]) -> Balance:
        balance = ctx.base.scaled(growth_factor(year))
        left = dict(units)
        for m, share in steps:
            mu = max_units(m, year)
            step_units = share * mu
            take = min(left.get(m.id, 0.0), step_units)
            left[m.id] = left.get(m.id, 0.0) - take
            if take > 0 and mu > 0:
                # a step fills up to its share of the maximum; units beyond the maximum have no effect
                balance = apply_measure(ctx, balance, m, take / mu, mu)
        return balance

    def emissions(year: int, units: dict[str, float]) -> float:
        return evaluate(ctx, state_for(year, units)).emissions_t

    frozen_start = evaluate(ctx, ctx.base.scaled(growth_factor(start))).emissions_t
    allowed = trajectory(start, frozen_start, target_y, city.target.co2_target_t, milestones)
    tol = 1e-6 * max(frozen_start, 1.0)

    have = {m.id: float((existing or {}).get(m.id, 0.0)) for m in measures_in_order}
    vintages: list[Vintage] = [
        Vintage(m.id, start - 1, have[m.id], retire_year(start - 1, m.lifetime_years.value), 0.0)
        for m in measures_in_order if have[m.id] > 0
    ]
    years: list[PathwayYear] = []
    for year in range(start, target_y + 1):
        alive_before = {m.id: 0.0 for m in measures_in_order}
        retired: dict[str, float] = {}
        for v in vintages:
            if v.year_built < year < v.retire_year:
                alive_before[v.measure] += v.units
            elif v.retire_year == year:
                retired[v.measure] = retired.get(v.measure, 0.0) + v.units
        units = dict(alive_before)
        # no-regret measures: roll out at 1/rollout_years of their maximum a year
        for m in measures_in_order:
            if m.id in no_regret:
                mu = max_units(m, year) * no_regret[m.id]
                wanted = min(mu, mu * (year - start + 1) / rollout)
                units[m.id] = max(units[m.id], wanted)
        target = allowed[year]
        # walk the merit order; a step that avoids nothing now (electrification before the electricity is
        # clean) is skipped and tried again in the next pass, after the supply steps behind it
        for _pass in range(4):
            if emissions(year, units) <= target + tol:
                break
            changed = False
            for idx, (m, share) in enumerate(steps):
                mu = max_units(m, year)
                filled_before = sum(s for mm, s in steps[:idx] if mm.id == m.id) * mu
                step_top = filled_before + share * mu
                if units[m.id] >= step_top - 1e-12:
                    continue
                trial = dict(units)
                trial[m.id] = step_top
                now, after = emissions(year, units), emissions(year, trial)
                if after >= now - tol:
                    continue  # avoids nothing in this year's balance (yet): do not build it
                changed = True
                if after > target + tol:
                    units = trial
                    continue
                lo, hi = units[m.id], step_top
                for _ in range(40):
                    mid = 0.5 * (lo + hi)
                    trial[m.id] = mid
                    if emissions(year, trial) > target + tol:
                        lo = mid
                    else:
                        hi = mid
                units[m.id] = hi
                break
            if not changed:
                break
        built: dict[str, float] = {}
        invest: dict[str, float] = {}
        for m in measures_in_order:
            new = units[m.id] - alive_before[m.id]
            if new > 1e-9:
                price = capex_in_year(m, year, ref_year, curve_year)
                vintages.append(Vintage(m.id, year, new, retire_year(year, m.lifetime_years.value), price))
                built[m.id] = new
                invest[m.id] = new * price
        outcome = evaluate(ctx, state_for(year, units))
        alive = [v for v in vintages if v.year_built <= year < v.retire_year]
        capital = math.fsum(
            v.units
            * (
                v.capex_usd_per_unit * annuity(ctx.discount_rate, lib.measure(v.measure).lifetime_years.value)
                + lib.measure(v.measure).fixed_om_usd_per_unit_year.value
            )
            for v in alive
        )
        check = None
        if planner_check is not None and year in (planner_years or []):
            check = planner_check(year, target)
        years.append(
            PathwayYear(
                year=year,
                target_co2_t=target,
                co2_t=outcome.emissions_t,
                frozen_co2_t=evaluate(ctx, ctx.base.scaled(growth_factor(year))).emissions_t,
                investment_usd=math.fsum(invest.values()),
                annual_cost_usd=capital + outcome.energy_cost_usd,
                capacities={k: v for k, v in units.items() if v > 1e-9},
                built=built,
                retired=retired,
                investment_by_measure_usd=invest,
                by_sector_t=outcome.by_sector_t,
                meets_target=outcome.emissions_t <= target + tol * 10,
                planner=check,
            )
        )
    notes = [
        "Emissions are energy-related CO2e (stationary energy and transport, GPC scopes 1 and 2); waste "
        "emissions are reported but no measure in the library reduces them.",
        "Annual energy balance with matching limits for PV and wind; the hourly planner checks milestone "
        "years only when asked (--planner-years).",
    ]
    if not all(y.meets_target for y in years):
        short = [y.year for y in years if not y.meets_target]
        notes.append(
            f"The measures library cannot meet the trajectory in {', '.join(map(str, short))}: "
            "every measure is at its maximum uptake. Add measures or raise their maximum uptake."
        )
    return Pathway(
        city=city.name,
        start_year=start,
        target_year=target_y,
        milestones=milestones,
        start_co2_t=frozen_start,
        waste_tco2e=ctx.waste_t,
        years=years,
        vintages=vintages,
        units={m.id: m.unit for m in lib.measures},
        names={m.id: m.label("en") for m in lib.measures},
        growth_per_year=growth,
        method="annual energy balance with MACC merit order, vintages and capital-cost decline",
        notes=notes,
        city_names=dict(city.names),
    )
