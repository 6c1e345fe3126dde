"""One design for several weather years: the years side by side in one LP, capacities shared.

:func:`concat_years` joins the :class:`~jasyl.model.inputs.PlanInputs` of the same city built on
different weather years (same technologies, same options) into one problem whose horizon is all of
them, one after the other. Every capacity is one variable for the whole horizon, so the design must
serve every hour of every year; hourly dispatch, heat demand, COPs and capacity factors are each
year's own. Costs stay per year: capital costs and vehicle costs are taken once per year of the
horizon (``year_fraction`` becomes the number of years), so the objective is the number of years
times (annualised capital + the years' average operating cost), and results are reported per
average year.

Two simplifications, both stated in the results' method text:

* the CO2 target holds for the years together (their total within ``n`` times the annual target),
  not for each year apart; for a zero target, the usual case, this is the same thing;
* storage is cyclic over the whole horizon, so the last hour of the last year hands its state of
  charge to the first hour of the first year (the years in between are joined as consecutive years).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from jasyl.model.inputs import PlanInputs

__all__ = ["concat_years"]


def _same(names_a: list[str], names_b: list[str], what: str) -> None:
    if names_a != names_b:
        raise ValueError(f"the years differ in their {what}: {names_a} vs {names_b}")


def _ones_if_none(values: np.ndarray | None, n: int) -> np.ndarray:
    return np.ones(n) if values is None else np.asarray(values, dtype=float)


def concat_years(years: list[PlanInputs]) -> PlanInputs:
    """The problem of designing once for all ``years`` (see the module documentation)."""
    if not years:
        raise ValueError("no years to join")
    if len(years) == 1:
        return years[0]
    first = years[0]
    for other in years[1:]:
        _same([g.name for g in first.generators], [g.name for g in other.generators], "generators")
        _same([s.name for s in first.storages], [s.name for s in other.storages], "storages")
        _same([c.name for c in first.converters], [c.name for c in other.converters], "converters")
        _same([f.name for f in first.fossil], [f.name for f in other.fossil], "fossil supplies")
        _same([v.name for v in first.vehicles], [v.name for v in other.vehicles], "vehicle classes")
        _same(sorted(first.demand), sorted(other.demand), "demand buses")
        _same([k.name for k in first.contracts], [k.name for k in other.contracts], "contracts")
    n = len(years)
    span = pd.Timedelta(hours=first.n_hours)
    parts = []
    for k, y in enumerate(years):
        idx = pd.DatetimeIndex(y.index)
        parts.append(idx - idx[0] + first.index[0] + k * span)
    index = pd.DatetimeIndex(np.concatenate([p.asi8 for p in parts])).tz_localize("UTC") \
        if first.index.tz is not None else pd.DatetimeIndex(np.concatenate([p.asi8 for p in parts]))

    def cat(arrays: list[np.ndarray]) -> np.ndarray:
        return np.concatenate([np.asarray(a, dtype=float) for a in arrays])

    generators = [replace(g, cf=cat([y.generators[i].cf for y in years]),
                          capital_cost=sum(y.generators[i].capital_cost for y in years))
                  for i, g in enumerate(first.generators)]
    storages = [replace(s, power_cost=sum(y.storages[i].power_cost for y in years),
                        energy_cost=sum(y.storages[i].energy_cost for y in years))
                for i, s in enumerate(first.storages)]
    converters = [replace(c, efficiency=cat([y.converters[i].efficiency for y in years]),
                          availability=None if c.availability is None
                          else cat([_ones_if_none(y.converters[i].availability, y.n_hours) for y in years]),
                          capital_cost=sum(y.converters[i].capital_cost for y in years))
                  for i, c in enumerate(first.converters)]
    # annual_mwh is per year; the horizon's year_fraction (the number of years) scales it in the LP
    contracts = [replace(k, annual_mwh=sum(y.contracts[i].annual_mwh for y in years) / n,
                         shape=None if all(y.contracts[i].shape is None for y in years)
                         else cat([_ones_if_none(y.contracts[i].shape, y.n_hours) for y in years]))
                 for i, k in enumerate(first.contracts)]
    connection = None if first.connection is None else replace(
        first.connection,
        existing_mw=min(y.connection.existing_mw for y in years if y.connection is not None),
        reinforcement_cost=sum(y.connection.reinforcement_cost for y in years if y.connection is not None))
    fossil = [replace(f, capacity_mw=max(y.fossil[i].capacity_mw for y in years)) for i, f in enumerate(first.fossil)]
    vehicles = [replace(v, ev_profile=cat([y.vehicles[i].ev_profile for y in years]),
                        fuel_cost=sum(y.vehicles[i].fuel_cost for y in years),
                        fuel_co2_t=sum(y.vehicles[i].fuel_co2_t for y in years),
                        fuel_mwh=sum(y.vehicles[i].fuel_mwh for y in years),
                        ev_cost=sum(y.vehicles[i].ev_cost for y in years))
                for i, v in enumerate(first.vehicles)]
    # baseline (per year): the average of the years
    co2: dict[str, float] = {}
    for y in years:
        for k, v in y.baseline.get("co2_by_sector_t", {}).items():
            co2[k] = co2.get(k, 0.0) + float(v) / n
    baseline = dict(first.baseline)
    baseline["co2_by_sector_t"] = co2
    baseline["annual_cost_usd"] = sum(float(y.baseline.get("annual_cost_usd", 0.0)) for y in years) / n
    return replace(
        first,
        index=index,
        demand={bus: cat([y.demand[bus] for y in years]) for bus in first.demand},
        generators=generators,
        storages=storages,
        converters=converters,
        fossil=fossil,
        vehicles=vehicles,
        contracts=contracts,
        connection=connection,
        co2_target_t=sum(y.co2_target_t for y in years),
        year_fraction=sum(y.year_fraction for y in years),
        baseline=baseline,
    )
