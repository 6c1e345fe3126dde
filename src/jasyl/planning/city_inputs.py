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
from jasyl.inventory import Inventory, compute_inventory, final_energy
from jasyl.model.city_inputs import InputOptions, inputs_from_profiles, with_city_boiler_houses
from jasyl.model.inputs import PlanInputs
from jasyl.pathway.planner_engine import InputsFactory
from jasyl.profiles import HourlyProfiles, build_profiles
from jasyl.technologies import Catalogue, load_catalogue

__all__ = ["CityData", "profiles_for", "inputs_from_city", "inputs_factory"]

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
    return inputs_from_profiles(profiles.supply, profiles.demand, _temperature(profiles), data.final_energy,
                                catalogue=cat, options=options, city=str(data.city.name))


def inputs_factory(data: CityData, profiles: HourlyProfiles, options: InputOptions | None = None) -> InputsFactory:
    """``make(catalogue, cap_t) -> PlanInputs`` over one set of profiles (for the planner engine)."""
    base = options or InputOptions()

    def make(catalogue: Catalogue, cap_t: float) -> PlanInputs:
        opt = InputOptions(**{**base.__dict__, "target_co2_t": float(cap_t)})
        return inputs_from_city(data, profiles, opt, catalogue)

    return make
