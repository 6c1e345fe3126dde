"""Facts for "what the plan means for you": the plan and inventory of a city in figures a resident or a
pupil can hold on to (a tonne of CO2, where the city's come from, what a heat pump or a wind farm does,
what a household can do).

Every number is derived here from the city file, its inventory, the plan result and the physical
constants; the page only puts them into sentences of its language (:mod:`jasyl.report` catalogues).
Nothing is fixed text: another city or another plan gives other figures, and a figure that the
inputs cannot support is left out (``None``) rather than invented.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from jasyl.factors import fuels

__all__ = ["ExplainerFacts", "TonneFacts", "SourceShare", "BuildFact", "HouseholdAction", "explain_plan",
           "tonne_of_co2", "CO2_MOLAR_MASS_G_MOL", "MOLAR_VOLUME_L_15C"]

#: g/mol (IUPAC CIAAW 2021 atomic weights: C 12.011 + 2 x O 15.999)
CO2_MOLAR_MASS_G_MOL = 44.009
#: ideal-gas molar volume at 15 degC and 101.325 kPa, L/mol (R T / p)
MOLAR_VOLUME_L_15C = 8.314462618 * 288.15 / 101.325
#: ids of the sources behind the facts (the report names them in the reader's language)
SOURCES_INVENTORY: tuple[str, ...] = ("inventory", "ipcc2006", "co2_gas", "fuels")
#: indoor temperature of the degree-day rule (the usual design indoor temperature of dwellings), degC
INDOOR_C = 20.0
#: a month is a heating month when its mean temperature is below this, degC (common heating limit)
HEATING_MONTH_BELOW_C = 12.0


@dataclass(frozen=True)
class TonneFacts:
    """What one tonne of CO2 is, in the city's own terms."""

    volume_m3: float
    cube_side_m: float
    #: grid electricity that emits one tonne today (kWh), from the city's grid factor
    grid_kwh: float | None
    #: months of an average household's electricity use that emit one tonne today
    household_electricity_months: float | None
    #: litres of petrol (gasoline) burnt in vehicles that emit one tonne (IPCC factor, catalogue density)
    petrol_litres: float | None
    #: kg of coal burnt in homes that emit one tonne (city's coal, IPCC factor)
    coal_kg: float | None


@dataclass(frozen=True)
class SourceShare:
    sector: str
    subsector: str
    carrier: str
    tco2e: float
    share: float


@dataclass(frozen=True)
class BuildFact:
    """One kind of thing the plan builds, with what it does."""

    technology: str
    capacity: float
    unit: str
    existing: float
    annual_mwh: float | None = None
    #: share of the city's electricity use (wind, solar) it covers over the year
    share_of_electricity: float | None = None
    #: full-load hours per year (annual energy / capacity)
    full_load_hours: float | None = None
    #: heat pumps: heat delivered per unit of electricity, over the year and in the coldest-load hour
    cop_annual: float | None = None
    cop_peak: float | None = None


@dataclass(frozen=True)
class HouseholdAction:
    """Something a household can do, with the CO2 it saves per year and the figures it rests on."""

    id: str
    saving_t_per_year: float
    basis: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class ExplainerFacts:
    city: str
    city_names: dict[str, str]
    inventory_year: int
    population: float
    households: float | None
    total_tco2e: float
    per_person_t: float
    by_sector: list[SourceShare]
    top_sources: list[SourceShare]
    tonne: TonneFacts
    co2_today_t: float | None = None
    co2_plan_t: float | None = None
    cut_per_person_t: float | None = None
    extra_cost_usd_per_person: float | None = None
    cost_per_t_usd: float | None = None
    builds: list[BuildFact] = field(default_factory=list)
    actions: list[HouseholdAction] = field(default_factory=list)
    #: ids: inventory, ipcc2006, co2_gas, fuels, plan
    sources: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return _clean(asdict(self))


def _clean(x: Any) -> Any:
    if isinstance(x, dict):
        return {k: _clean(v) for k, v in x.items()}
    if isinstance(x, list):
        return [_clean(v) for v in x]
    if isinstance(x, float) and not math.isfinite(x):
        return None
    return x


def tonne_of_co2() -> tuple[float, float]:
    """(volume m3, side of the cube m) of one tonne of CO2 as a gas at 15 degC and 1 atm."""
    volume = 1e6 / CO2_MOLAR_MASS_G_MOL * MOLAR_VOLUME_L_15C / 1000.0
    return volume, volume ** (1.0 / 3.0)


def _value(x: Any) -> float | None:
    v = getattr(x, "value", x)
    try:
        out = float(v)
    except (TypeError, ValueError):
        return None
    return out if math.isfinite(out) else None


def _factor_t_per_mwh(rows: pd.DataFrame, subsector: str | None, carrier: str) -> float | None:
    part = rows[rows["carrier"] == carrier]
    if subsector:
        part = part[part["subsector"] == subsector]
    mwh = float(part["activity_mwh"].sum()) if "activity_mwh" in part else 0.0
    t = float(part["tco2e"].sum())
    return t / mwh if mwh > 0 and t > 0 else None


def _fuel_mwh_per_kg(name: str) -> float | None:
    f = fuels().get(name)
    return None if f is None else f.ncv_mj_per_kg / 3600.0


def _cop(dispatch: pd.DataFrame, tech: str) -> tuple[float | None, float | None]:
    heat_cols = [c for c in dispatch.columns if str(c).endswith(":" + tech) and str(c).startswith("heat")]
    el_cols = [c for c in dispatch.columns if str(c) == f"electricity:{tech}"]
    if not heat_cols or not el_cols:
        return None, None
    heat = dispatch[heat_cols].clip(lower=0).sum(axis=1).to_numpy(dtype=float)
    el = -dispatch[el_cols].clip(upper=0).sum(axis=1).to_numpy(dtype=float)
    if el.sum() <= 1e-6:
        return None, None
    annual = float(heat.sum() / el.sum())
    busy = np.flatnonzero(el > 0.05 * el.max())
    peak = None
    if busy.size:
        # the hour of the highest heat output: the coldest hours, where the COP is lowest
        i = int(busy[np.argmax(heat[busy])])
        peak = float(heat[i] / el[i]) if el[i] > 0 else None
    return annual, peak


def explain_plan(city: Any, inventory: Any, result: Any | None = None, normals: Any | None = None) -> ExplainerFacts:
    """The explainer's figures for a city, its inventory and (if there is one) its plan result.

    ``normals``: the city's monthly climate normals (for the saving of a lower indoor temperature).
    """
    rows = inventory.rows
    population = float(inventory.population)
    households = _value(getattr(city, "households", None))
    total = float(inventory.total_tco2e)
    by_sector = []
    for sector, t in sorted(inventory.by_sector().items(), key=lambda kv: -kv[1]):
        if t > 0:
            by_sector.append(SourceShare(sector=str(sector), subsector="", carrier="", tco2e=float(t),
                                         share=float(t) / total if total > 0 else 0.0))
    grouped = rows.groupby(["sector", "subsector", "carrier"], sort=False)["tco2e"].sum().sort_values(ascending=False)
    top = [SourceShare(sector=str(s), subsector=str(ss), carrier=str(c), tco2e=float(t),
                       share=float(t) / total if total > 0 else 0.0)
           for (s, ss, c), t in grouped.head(4).items() if t > 0]

    grid_t_per_mwh = _factor_t_per_mwh(rows, "residential", "grid_electricity") or _factor_t_per_mwh(
        rows, None, "grid_electricity")
    res_el = rows[(rows["subsector"] == "residential") & (rows["carrier"] == "grid_electricity")]
    hh_mwh = float(res_el["activity_mwh"].sum()) / households if households and not res_el.empty else None
    petrol_t_per_mwh = _factor_t_per_mwh(rows, "on_road", "gasoline")
    petrol = fuels().get("gasoline")
    petrol_l = None
    if petrol_t_per_mwh and petrol is not None and petrol.density_kg_per_l:
        mwh_per_l = petrol.ncv_mj_per_kg * petrol.density_kg_per_l / 3600.0
        petrol_l = 1.0 / (petrol_t_per_mwh * mwh_per_l)
    coal_t_per_mwh = _factor_t_per_mwh(rows, "residential", "coal")
    coal_mwh_per_kg = _fuel_mwh_per_kg("coal")
    coal_kg = 1.0 / (coal_t_per_mwh * coal_mwh_per_kg) if coal_t_per_mwh and coal_mwh_per_kg else None
    volume, side = tonne_of_co2()
    tonne = TonneFacts(
        volume_m3=volume, cube_side_m=side,
        grid_kwh=1000.0 / grid_t_per_mwh if grid_t_per_mwh else None,
        household_electricity_months=(12.0 / (hh_mwh * grid_t_per_mwh)) if hh_mwh and grid_t_per_mwh else None,
        petrol_litres=petrol_l, coal_kg=coal_kg)

    actions: list[HouseholdAction] = []
    if hh_mwh and grid_t_per_mwh:
        actions.append(HouseholdAction("save_electricity", 0.10 * hh_mwh * grid_t_per_mwh,
                                       {"household_mwh": hh_mwh, "share": 0.10, "grid_t_per_mwh": grid_t_per_mwh}))
    res_heat = rows[(rows["subsector"] == "residential") & (rows["carrier"] != "grid_electricity")]
    if households and not res_heat.empty and float(res_heat["tco2e"].sum()) > 0:
        heat_t = float(res_heat["tco2e"].sum()) / households
        # one degree C less indoors saves about 1/(T_in - T_out_mean) of the heating energy (degree-day rule)
        hdd_share = _degree_share(normals) if normals is not None else None
        if hdd_share:
            actions.append(HouseholdAction("lower_temperature", heat_t * hdd_share,
                                           {"household_heat_t": heat_t, "share": hdd_share,
                                            "indoor_c": INDOOR_C}))
    if petrol_t_per_mwh and petrol_l:
        # a car kept home one day a week: a seventh of an average car's petrol
        car = rows[(rows["subsector"] == "on_road") & (rows["vehicle_class"].astype(str) == "passenger_car")]
        cars = _passenger_cars(city)
        if cars and not car.empty:
            per_car_t = float(car["tco2e"].sum()) / cars
            actions.append(HouseholdAction("car_free_day", per_car_t / 7.0, {"car_t_per_year": per_car_t}))

    facts = ExplainerFacts(
        city=str(getattr(city, "name", inventory.city)),
        city_names=dict(getattr(city, "names", {}) or {}),
        inventory_year=int(inventory.year), population=population, households=households,
        total_tco2e=total, per_person_t=total / population if population else float("nan"),
        by_sector=by_sector, top_sources=top, tonne=tonne, actions=actions,
        sources=list(SOURCES_INVENTORY))
    if result is None:
        return facts
    return _with_plan(facts, result, population)


def _with_plan(facts: ExplainerFacts, result: Any, population: float) -> ExplainerFacts:
    before, after = float(result.co2_before_t), float(result.co2_after_t)
    cost = float(result.total_annual_cost_usd) - float(result.baseline_annual_cost_usd)
    builds: list[BuildFact] = []
    supply_el = _electricity_supply(result.dispatch)
    energy = result.energy_mwh or {}
    units = result.capacity_units or {}
    existing = result.existing_capacities or {}
    for tech, cap in sorted(result.capacities.items(), key=lambda kv: -(kv[1] or 0)):
        if cap is None or not math.isfinite(cap) or cap <= 1e-3:
            continue
        unit = units.get(tech, "MW")
        if unit not in ("MW", "MW_th", "MWh"):
            continue
        if cap - float(existing.get(tech, 0.0)) <= 1e-3:
            continue  # only what gets built
        mwh = energy.get(tech)
        mwh = float(mwh) if mwh is not None and math.isfinite(float(mwh)) else None
        share = supply_el.get(tech) if tech in ("wind", "pv_fixed", "pv_tracking", "pv_rooftop") else None
        flh = mwh / cap if mwh and unit in ("MW", "MW_th") else None
        cop_a, cop_p = _cop(result.dispatch, tech) if tech.startswith("heat_pump") else (None, None)
        builds.append(BuildFact(technology=tech, capacity=float(cap), unit=unit,
                                existing=float(existing.get(tech, 0.0)), annual_mwh=mwh,
                                share_of_electricity=share, full_load_hours=flh, cop_annual=cop_a, cop_peak=cop_p))
    return ExplainerFacts(
        **{**facts.__dict__,
           "co2_today_t": before, "co2_plan_t": after,
           "cut_per_person_t": (before - after) / population if population else None,
           "extra_cost_usd_per_person": cost / population if population else None,
           "cost_per_t_usd": _value(result.cost_per_t_avoided_usd),
           "builds": builds,
           "sources": [*facts.sources, "plan"]})


def _electricity_supply(dispatch: pd.DataFrame) -> dict[str, float]:
    """Each technology's share of all electricity supplied over the horizon (curtailment excluded)."""
    cols = [c for c in dispatch.columns if str(c).startswith("electricity:")
            and str(c).split(":", 1)[1] not in ("demand", "curtailment")]
    if not cols:
        return {}
    pos = dispatch[cols].clip(lower=0).sum()
    total = float(pos.sum())
    return {str(c).split(":", 1)[1]: float(v) / total for c, v in pos.items()} if total > 0 else {}


def _degree_share(normals: Any) -> float | None:
    """Share of space-heating energy saved per degree C lower indoors: 1 / (20 degC - mean outdoor
    temperature of the heating months), the degree-day rule, from the city's climate normals."""
    temps = [float(t) for t in getattr(normals, "temp_c", ()) or ()]
    cold = [t for t in temps if t < HEATING_MONTH_BELOW_C]
    if not cold:
        return None
    gap = INDOOR_C - sum(cold) / len(cold)
    return 1.0 / gap if gap > 1.0 else None


def _passenger_cars(city: Any) -> float | None:
    transport = getattr(city, "transport", None)
    total = 0.0
    for fleet in getattr(transport, "on_road", []) or []:
        if getattr(fleet, "vehicle_class", "") == "passenger_car":
            total += _value(getattr(fleet, "vehicles", None)) or 0.0
    return total or None
