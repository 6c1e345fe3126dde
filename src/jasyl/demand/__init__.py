"""Hourly demand profiles scaled to the city's annual final energy (``jasyl.inventory.final_energy``).

Columns (MW = MWh in that hour):

* ``elec_residential_mw``, ``elec_commercial_mw``, ``elec_industry_mw``: grid electricity of the
  residential, commercial/institutional (+ agriculture) and manufacturing/construction rows;
* ``heat_district_mw`` (= ``heat_district_space_mw`` + ``heat_district_water_mw``): district heat
  delivered (``district_heat`` rows, already heat: efficiency 1);
* ``heat_individual_mw`` (= space + water/cooking parts): useful heat of residential and commercial
  fuels burnt in buildings = fuel energy x :data:`HEAT_EFFICIENCY`;
* ``heat_industry_mw``: useful heat of manufacturing/construction and agriculture fuels
  (efficiency x fuel), 70 % process heat on the industry shape, 30 % space heating;
* ``transport_ev_mw`` (= cars + bus + trucks parts): see :mod:`jasyl.demand.transport`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from jasyl.demand.electricity import electricity_profiles
from jasyl.demand.heat import (
    heating_degree_days,
    heating_season_mask,
    hot_water_weights,
    space_heat_weights,
)
from jasyl.demand.shapes import hourly_weights, local_index
from jasyl.demand.transport import ev_annual_mwh, ev_weights

__all__ = [
    "build_demand",
    "annual_targets",
    "HEAT_EFFICIENCY",
    "SPACE_HEAT_SHARE",
    "DISTRICT_HOT_WATER_SHARE",
    "INDUSTRY_SPACE_HEAT_SHARE",
    "ELECTRIC_CARRIERS",
]

ELECTRIC_CARRIERS = ("grid_electricity",)  # the one name of bought electricity (jasyl.vocabulary)
#: Useful heat per unit of final fuel energy (ESTIMATES: typical seasonal efficiencies of household
#: coal stoves 0.60, wood stoves 0.55, gas boilers/water heaters 0.85, LPG 0.80, oil/diesel boilers
#: 0.80, industrial boilers on gas 0.85 and coal 0.75).
HEAT_EFFICIENCY: dict[str, float] = {
    "coal": 0.60,
    "firewood": 0.55,
    "natural_gas": 0.85,
    "lpg": 0.80,
    "fuel_oil": 0.80,
    "diesel": 0.80,
    "gasoline": 0.80,
    "cng": 0.85,
}
INDUSTRY_HEAT_EFFICIENCY: dict[str, float] = {"coal": 0.75, "natural_gas": 0.85, "firewood": 0.65}
#: Share of each building fuel used for space heating (rest: hot water and cooking) - ESTIMATES:
#: coal and wood heat houses; piped gas in Konaev flats is mostly cooking and water heaters (city file
#: note); bottled LPG is cooking.
SPACE_HEAT_SHARE: dict[str, float] = {
    "coal": 0.90,
    "firewood": 0.90,
    "natural_gas": 0.30,
    "lpg": 0.0,
    "fuel_oil": 0.90,
    "diesel": 0.90,
}
#: Share of district heat going to hot water (ESTIMATE: 25 % residential, 10 % commercial).
DISTRICT_HOT_WATER_SHARE = {"residential": 0.25, "commercial": 0.10}
INDUSTRY_SPACE_HEAT_SHARE = 0.30

_BUILDING = {"residential": "residential", "commercial_institutional": "commercial"}
_INDUSTRY = {"manufacturing_construction", "agriculture_forestry_fishing", "energy_industries"}


def _use_of(subsector: str) -> str:
    if subsector == "residential":
        return "residential"
    if subsector in _INDUSTRY and subsector != "agriculture_forestry_fishing":
        return "industry"
    return "commercial"


def annual_targets(final_energy: pd.DataFrame) -> dict[str, Any]:
    """Annual MWh each demand group must sum to, with the conversions applied (documented above)."""
    elec = {"residential": 0.0, "commercial": 0.0, "industry": 0.0}
    district = {"residential": 0.0, "commercial": 0.0}
    indiv_space = 0.0
    indiv_water = 0.0
    industry_heat = 0.0
    stationary = final_energy[final_energy["sector"] == "stationary_energy"]
    for row in stationary.itertuples(index=False):
        carrier = str(row.carrier)
        mwh = float(row.energy_mwh)
        sub = str(row.subsector)
        if carrier in ELECTRIC_CARRIERS:
            elec[_use_of(sub)] += mwh
        elif carrier == "district_heat":
            district["residential" if sub == "residential" else "commercial"] += mwh
        elif sub in _BUILDING:
            useful = mwh * HEAT_EFFICIENCY.get(carrier, 0.8)
            share = SPACE_HEAT_SHARE.get(carrier, 0.9)
            indiv_space += useful * share
            indiv_water += useful * (1.0 - share)
        else:
            industry_heat += mwh * INDUSTRY_HEAT_EFFICIENCY.get(carrier, HEAT_EFFICIENCY.get(carrier, 0.8))
    transport = final_energy[final_energy["sector"] == "transport"]
    ev = ev_annual_mwh(transport)
    return {
        "elec": elec,
        "district": district,
        "individual_space": indiv_space,
        "individual_water": indiv_water,
        "industry_heat": industry_heat,
        "ev": ev,
    }


def _scaled(weights: np.ndarray, total: float) -> np.ndarray:
    s = float(weights.sum())
    return weights * (total / s) if s > 0 else np.zeros_like(weights, dtype=float)


def build_demand(final_energy: pd.DataFrame, weather: pd.DataFrame, timezone: str) -> pd.DataFrame:
    """Hourly demand (MW) for the city's ``final_energy`` under ``weather`` (UTC index)."""
    index = pd.DatetimeIndex(weather.index)
    local = local_index(index, timezone)
    temp = weather["temp_air_c"]
    latitude = float(weather.attrs.get("latitude") or 45.0)
    t = annual_targets(final_energy)
    df = electricity_profiles(t["elec"], temp, local, latitude)
    space_network = space_heat_weights(temp, local, stove=False)
    space_stove = space_heat_weights(temp, local, stove=True)
    water = hot_water_weights(local)
    notes: list[str] = []
    if space_network.sum() <= 0:
        # no hour below the base temperature in a heating season (a warm climate): the city still
        # reports space-heating fuel, so spread it over the coldest hours instead of dropping it
        cold = np.clip(np.quantile(temp.to_numpy(), 0.25) - temp.to_numpy(), 0.0, None) + 1e-9
        space_network = cold
        space_stove = cold * hourly_weights("stove", local)
        notes.append("no heating season in this weather: space heat spread over the coldest quarter of hours")
    d_space = sum(v * (1.0 - DISTRICT_HOT_WATER_SHARE[k]) for k, v in t["district"].items())
    d_water = sum(v * DISTRICT_HOT_WATER_SHARE[k] for k, v in t["district"].items())
    df["heat_district_space_mw"] = _scaled(space_network, d_space)
    df["heat_district_water_mw"] = _scaled(water, d_water)
    df["heat_district_mw"] = df["heat_district_space_mw"] + df["heat_district_water_mw"]
    df["heat_individual_space_mw"] = _scaled(space_stove, t["individual_space"])
    df["heat_individual_water_mw"] = _scaled(water, t["individual_water"])
    df["heat_individual_mw"] = df["heat_individual_space_mw"] + df["heat_individual_water_mw"]
    process = hourly_weights("industry", local)
    df["heat_industry_mw"] = _scaled(process, t["industry_heat"] * (1.0 - INDUSTRY_SPACE_HEAT_SHARE)) + _scaled(
        space_network, t["industry_heat"] * INDUSTRY_SPACE_HEAT_SHARE
    )
    for group in ("cars", "bus", "trucks"):
        df[f"transport_ev_{group}_mw"] = _scaled(ev_weights(group, temp, local), t["ev"][group])
    df["transport_ev_mw"] = df[[f"transport_ev_{g}_mw" for g in ("cars", "bus", "trucks")]].sum(axis=1)
    df["heating_season"] = heating_season_mask(temp, local).astype(int)
    df.index.name = "time_utc"
    df.attrs = {"targets_mwh": t, "heating_degree_days": heating_degree_days(temp, local), "notes": notes}
    return df
