"""The one place a city is loaded: the city with its final energy and inventory, its profiles, and the
planner's inputs made from them.

A use case loads a city once (:meth:`CityData.load`) and derives everything else from that object:
the profiles (:func:`profiles_for`), the planner inputs (:func:`inputs_from_city`) and, for the
pathway's planner engine, a factory of inputs per technology catalogue and CO2 cap
(:func:`inputs_factory`), so that milestone years reuse the same profiles.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TypeAlias

import numpy as np
import pandas as pd

from jasyl.city import City, load_city
from jasyl.inventory import Inventory, compute_inventory, emission_factors, final_energy
from jasyl.model.city_inputs import InputOptions, inputs_from_profiles, with_city_boiler_houses
from jasyl.model.grid import CleanContract
from jasyl.model.inputs import PlanInputs
from jasyl.pathway.planner_engine import InputsFactory
from jasyl.prices import city_prices
from jasyl.profiles import HourlyProfiles, build_profiles
from jasyl.technologies import Catalogue, load_catalogue

__all__ = ["CityData", "profiles_for", "inputs_from_city", "inputs_factory", "city_contract"]

#: a weather table, the path of a weather file, or None for the synthetic year
Weather: TypeAlias = pd.DataFrame | str | Path | None


@dataclass(frozen=True)
class CityData:
    """A loaded city with the figures every use case derives from it (computed once)."""

    city: City
    final_energy: pd.DataFrame
    inventory: Inventory

    @classmethod
    def load(cls, city: City | str | Path | None = None) -> CityData:
        """Load ``city`` (an embedded name, a file path, None for Konaev, or a City already loaded)."""
        obj = city if isinstance(city, City) else load_city(city)
        return cls(obj, final_energy(obj), compute_inventory(obj))


def profiles_for(data: CityData, weather: Weather = None) -> HourlyProfiles:
    """Hourly profiles of the city for ``weather`` (file path, table, or None: the synthetic year)."""
    return build_profiles(data.city, weather, energy=data.final_energy)


def _temperature(profiles: HourlyProfiles) -> np.ndarray:
    return np.asarray(profiles.temp_air_c, dtype=float)


def inputs_from_city(data: CityData, profiles: HourlyProfiles, options: InputOptions | None = None,
                     catalogue: Catalogue | None = None) -> PlanInputs:
    """Full-year planner inputs of the city: its profiles and final energy, the catalogue with the
    city's own boiler houses (:func:`jasyl.model.city_inputs.with_city_boiler_houses`)."""
    cat = catalogue or load_catalogue(options.catalogue_path if options else None)
    cat = with_city_boiler_houses(cat, data.city, data.final_energy)
    prices = city_prices(data.city, cat)
    grid = emission_factors(data.city).get("grid_electricity")
    return inputs_from_profiles(profiles.supply, profiles.demand, _temperature(profiles), data.final_energy,
                                catalogue=cat, options=options, city=str(data.city.name), prices=prices,
                                grid_factor_t_per_mwh=None if grid is None else float(grid["co2"]),
                                contract=city_contract(data.city),
                                existing_connection_mw=None if prices.existing_connection_mw is None
                                else prices.existing_connection_mw.value)


def city_contract(city: City) -> CleanContract | None:
    """The first clean-electricity contract of the city file (the ``ppa`` rule's default), or None."""
    for spec in city.local_supply.contracts:
        return CleanContract(
            spec.name, spec.source,
            firm_mw=float(spec.firm_mw.value) if spec.firm_mw is not None else float("inf"),
            annual_mwh=float(spec.annual_mwh.value) if spec.annual_mwh is not None else float("inf"),
            price_usd_per_mwh=float(spec.price_usd_per_mwh.value))
    return None


def inputs_factory(data: CityData, profiles: HourlyProfiles, options: InputOptions | None = None) -> InputsFactory:
    """``make(catalogue, cap_t) -> PlanInputs`` over one set of profiles (for the planner engine)."""
    base = options or InputOptions()

    def make(catalogue: Catalogue, cap_t: float) -> PlanInputs:
        opt = InputOptions(**{**base.__dict__, "target_co2_t": float(cap_t)})
        return inputs_from_city(data, profiles, opt, catalogue)

    return make
