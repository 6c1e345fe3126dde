"""The words of jasyl's domain, each a ``Literal`` type with its tuple (declaration order, for messages)
and frozenset (membership), defined once (the ``Literal`` + ``frozenset(get_args(...))`` pattern of linopy).

Energy carriers
    ``grid_electricity`` is the one name of electricity bought from the grid (GPC scope 2) in city
    files, the inventory, final energy and the measures library. City files may write a vehicle
    fleet's fuel as ``electricity``; :func:`normalise_carrier` turns that spelling into
    ``grid_electricity`` when the file is read, so no other module ever sees it.
Planner buses
    ``electricity`` is the planner's electricity *bus* (and the emissions sector of the planned
    system); it is not a carrier name.

>>> "grid_electricity" in CARRIER_SET, normalise_carrier("electricity")
(True, 'grid_electricity')
"""

from __future__ import annotations

from typing import Literal, get_args

__all__ = [
    "Carrier",
    "CARRIERS",
    "CARRIER_SET",
    "FUELS",
    "SECONDARY_CARRIERS",
    "CARRIER_ALIASES",
    "normalise_carrier",
    "VehicleFuel",
    "VEHICLE_FUELS",
    "Sector",
    "SECTORS",
    "StationarySubsector",
    "STATIONARY_SUBSECTORS",
    "MeasureSubsector",
    "MEASURE_SUBSECTORS",
    "VehicleClass",
    "VEHICLE_CLASSES",
    "VEHICLE_CLASS_SET",
    "Bus",
    "BUSES",
    "Language",
    "LANGUAGES",
    "LANGUAGE_SET",
    "DEFAULT_LANGUAGE",
    "PlanMethod",
    "Accounting",
    "ACCOUNTINGS",
    "ACCOUNTING_SET",
    "PriceBasis",
    "PRICE_BASES",
    "PLAN_METHODS",
    "PLAN_METHOD_SET",
    "PathwayEngine",
    "PATHWAY_ENGINES",
    "PATHWAY_ENGINE_SET",
    "OutputFormat",
    "OUTPUT_FORMATS",
    "MeasureCategory",
    "MEASURE_CATEGORIES",
    "EffectKind",
    "EFFECT_KINDS",
]

#: energy carriers of a city's final energy (the factor catalogue has an entry for each)
Carrier = Literal[
    "coal",
    "lignite",
    "anthracite",
    "natural_gas",
    "cng",
    "lpg",
    "fuel_oil",
    "diesel",
    "gasoline",
    "firewood",
    "grid_electricity",
    "district_heat",
]
CARRIERS: tuple[Carrier, ...] = get_args(Carrier)
CARRIER_SET: frozenset[str] = frozenset(CARRIERS)
#: carriers that are fuels burnt in the city (everything but bought electricity and district heat)
FUELS: tuple[Carrier, ...] = tuple(c for c in CARRIERS if c not in ("grid_electricity", "district_heat"))
#: carriers produced elsewhere and bought as energy (given in energy units only)
SECONDARY_CARRIERS: frozenset[str] = frozenset({"grid_electricity", "district_heat"})
#: spellings accepted in city files for a carrier
CARRIER_ALIASES: dict[str, Carrier] = {"electricity": "grid_electricity"}

#: fuels of a vehicle fleet (``electricity`` in a city file is read as ``grid_electricity``)
VehicleFuel = Literal["gasoline", "diesel", "lpg", "cng", "grid_electricity"]
VEHICLE_FUELS: tuple[VehicleFuel, ...] = get_args(VehicleFuel)

#: GPC BASIC sectors
Sector = Literal["stationary_energy", "transport", "waste"]
SECTORS: tuple[Sector, ...] = get_args(Sector)

#: stationary-energy sub-sectors a city file may name
StationarySubsector = Literal[
    "residential", "commercial_institutional", "manufacturing_construction", "agriculture_forestry_fishing"
]
STATIONARY_SUBSECTORS: tuple[StationarySubsector, ...] = get_args(StationarySubsector)
#: sub-sectors a measure may address (the stationary ones and road transport)
MeasureSubsector = Literal[
    "residential", "commercial_institutional", "manufacturing_construction", "agriculture_forestry_fishing", "on_road"
]
MEASURE_SUBSECTORS: tuple[MeasureSubsector, ...] = get_args(MeasureSubsector)

VehicleClass = Literal["passenger_car", "taxi", "motorcycle", "bus", "minibus", "light_truck", "heavy_truck"]
VEHICLE_CLASSES: tuple[VehicleClass, ...] = get_args(VehicleClass)
VEHICLE_CLASS_SET: frozenset[str] = frozenset(VEHICLE_CLASSES)

#: buses of the hourly planner
Bus = Literal["electricity", "heat_district", "heat_individual", "heat_industry"]
BUSES: tuple[Bus, ...] = get_args(Bus)

Language = Literal["en", "ru", "kk"]
LANGUAGES: tuple[Language, ...] = get_args(Language)
LANGUAGE_SET: frozenset[str] = frozenset(LANGUAGES)
DEFAULT_LANGUAGE: Language = "en"

#: weather file formats read by jasyl.weather.read_weather
WeatherFormat = Literal["epw", "tmy3", "pvgis-csv", "pvgis-json", "era5", "csv"]
WEATHER_FORMATS: tuple[WeatherFormat, ...] = get_args(WeatherFormat)
WEATHER_FORMAT_SET: frozenset[str] = frozenset(WEATHER_FORMATS)

#: how the planner solves a year: the full hourly LP, or typical days checked hour by hour
PlanMethod = Literal["exact", "typical_days"]
PLAN_METHODS: tuple[PlanMethod, ...] = get_args(PlanMethod)
PLAN_METHOD_SET: frozenset[str] = frozenset(PLAN_METHODS)

#: emissions accounting rules of the planner (jasyl.model.grid; docs/accounting-and-tradeoff.md)
Accounting = Literal["hourly", "annual-net", "ppa"]
ACCOUNTINGS: tuple[Accounting, ...] = get_args(Accounting)
ACCOUNTING_SET: frozenset[str] = frozenset(ACCOUNTINGS)

#: cost bases: today's prices, or fuel at export-parity (economic) prices (jasyl.prices)
PriceBasis = Literal["financial", "economic"]
PRICE_BASES: tuple[PriceBasis, ...] = get_args(PriceBasis)

#: pathway engines: the hourly planner at milestone years, or the measures' annual energy balance
PathwayEngine = Literal["planner", "balance"]
PATHWAY_ENGINES: tuple[PathwayEngine, ...] = get_args(PathwayEngine)
PATHWAY_ENGINE_SET: frozenset[str] = frozenset(PATHWAY_ENGINES)

#: what a command prints on stdout
OutputFormat = Literal["table", "json", "csv"]
OUTPUT_FORMATS: tuple[OutputFormat, ...] = get_args(OutputFormat)

MeasureCategory = Literal["buildings", "heat", "transport", "industry", "supply", "other"]
MEASURE_CATEGORIES: tuple[MeasureCategory, ...] = get_args(MeasureCategory)

EffectKind = Literal[
    "scale",
    "absolute",
    "switch",
    "district_heat_electric",
    "district_heat_losses",
    "generation",
    "storage",
    "green_power",
]
EFFECT_KINDS: tuple[EffectKind, ...] = get_args(EffectKind)


def normalise_carrier(name: str) -> str:
    """The one spelling of a carrier (``electricity`` -> ``grid_electricity``); others unchanged."""
    return CARRIER_ALIASES.get(name, name)
