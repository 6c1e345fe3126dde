"""City profiles: the documented, validated input format for a city.

A city file is YAML (schema in ``docs/city-format.md``). Every number is a :class:`Figure`: a value with
its source and year, or marked as an estimate with its reasoning. A bare number is accepted in a user's
file and reported as *unsourced* in the outputs.

>>> city = load_city()          # the embedded default, Konaev
>>> city.name
'Konaev'
"""

from __future__ import annotations

import difflib
import re
import zoneinfo
from collections.abc import Iterable
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from jasyl.errors import InputError, SchemaError, shorten
from jasyl.provenance import Sourced, unsourced_paths
from jasyl.units import UNITS, dimension_of
from jasyl.vocabulary import CARRIER_ALIASES, CARRIERS, STATIONARY_SUBSECTORS, VEHICLE_CLASSES, normalise_carrier
from jasyl.vocabulary import FUELS as BURNT_FUELS
from jasyl.vocabulary import VEHICLE_FUELS as VOCAB_VEHICLE_FUELS
from jasyl.yamlfile import parse_yaml_mapping

__all__ = [
    "Figure",
    "City",
    "Location",
    "FuelUse",
    "VehicleFleet",
    "load_city",
    "parse_city",
    "embedded_cities",
    "FUELS",
    "STATIONARY_SUBSECTORS",
    "VEHICLE_CLASSES",
]

SCHEMA_VERSION = 1

#: fuels and carriers a city file may name (the factor catalogue has an entry for each): see jasyl.vocabulary
FUELS: tuple[str, ...] = CARRIERS
#: vehicle fuels as a city file may write them (``electricity`` is read as ``grid_electricity``)
VEHICLE_FUELS: tuple[str, ...] = (*VOCAB_VEHICLE_FUELS, *CARRIER_ALIASES)
WASTEWATER_PATHWAYS: tuple[str, ...] = (
    "centralised_aerobic_well_managed",
    "centralised_aerobic_overloaded",
    "anaerobic_lagoon",
    "septic_system",
    "latrine",
    "untreated_to_river",
)
NOTATION_KEYS = ("NO", "NE", "IE", "C")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class Figure(Sourced):
    """A number with its provenance (see :class:`jasyl.provenance.Sourced`) and, where needed, a unit."""

    unit: str | None = None

    @field_validator("unit")
    @classmethod
    def _known_unit(cls, unit: str | None) -> str | None:
        if unit is not None and unit not in UNITS and unit not in _RATE_UNITS:
            raise ValueError(f"unknown unit '{unit}'; accepted: {', '.join(list(UNITS) + list(_RATE_UNITS))}")
        return unit


#: units for per-distance consumption figures
_RATE_UNITS = {"l/100km": "volume", "m3/100km": "volume", "kWh/100km": "energy", "kg/100km": "mass"}


def _nonnegative(figure: Figure | None, what: str = "value") -> Figure | None:
    if figure is not None and figure.value < 0:
        raise ValueError(f"{what} must be >= 0, got {figure.value}")
    return figure


class Location(_Strict):
    latitude: float = Field(ge=-90, le=90)
    longitude: float = Field(ge=-180, le=180)
    elevation_m: float = Field(ge=-500, le=6000)
    timezone: str
    area_km2: Figure | None = None

    @field_validator("timezone")
    @classmethod
    def _tz(cls, value: str) -> str:
        try:
            if len(value) > 100:
                raise ValueError("too long")
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError) as exc:
            raise ValueError(f"unknown time zone '{shorten(value)}'; use an IANA name such as 'Asia/Almaty'") from exc
        return value


class FuelUse(_Strict):
    """Annual use of one fuel or carrier in one sub-sector."""

    fuel: str
    amount: Figure
    note: str | None = None

    @field_validator("fuel")
    @classmethod
    def _fuel(cls, value: str) -> str:
        return _check_choice(value, FUELS, "fuel")

    @field_validator("amount")
    @classmethod
    def _amount(cls, value: Figure) -> Figure:
        _nonnegative(value, "amount")
        if value.unit is None:
            raise ValueError("amount needs a unit (e.g. t, m3, l, MWh, Gcal, GJ)")
        if value.unit in _RATE_UNITS or dimension_of(value.unit) == "distance":
            raise ValueError(f"unit '{value.unit}' is not an amount of fuel; use t, m3, l, MWh, Gcal, GJ")
        return value

    @model_validator(mode="after")
    def _unit_fits_fuel(self) -> FuelUse:
        if self.fuel in ("grid_electricity", "district_heat") and dimension_of(self.amount.unit or "") != "energy":
            raise ValueError(f"{self.fuel} must be given in energy units (MWh, GWh, Gcal, GJ)")
        return self


class VehicleFleet(_Strict):
    """A class of road vehicles using one fuel: counts, distance and consumption, or fuel use."""

    vehicle_class: str
    fuel: str
    vehicles: Figure
    public_transport: bool = False
    annual_km_per_vehicle: Figure | None = None
    consumption: Figure | None = None
    fuel_use: Figure | None = None
    note: str | None = None

    @field_validator("vehicle_class")
    @classmethod
    def _class(cls, value: str) -> str:
        return _check_choice(value, VEHICLE_CLASSES, "vehicle class")

    @field_validator("fuel")
    @classmethod
    def _fuel(cls, value: str) -> str:
        return normalise_carrier(_check_choice(value, VEHICLE_FUELS, "vehicle fuel"))

    @field_validator("vehicles", "annual_km_per_vehicle", "consumption", "fuel_use")
    @classmethod
    def _positive(cls, value: Figure | None) -> Figure | None:
        return _nonnegative(value)

    @model_validator(mode="after")
    def _complete(self) -> VehicleFleet:
        if self.fuel_use is None and (self.annual_km_per_vehicle is None or self.consumption is None):
            raise ValueError("give either fuel_use (with a unit) or both annual_km_per_vehicle and consumption")
        if self.consumption is not None and self.consumption.unit not in _RATE_UNITS:
            raise ValueError(f"consumption needs a unit per distance: one of {', '.join(_RATE_UNITS)}")
        if self.fuel_use is not None and self.fuel_use.unit is None:
            raise ValueError("fuel_use needs a unit (l, t, m3, MWh)")
        return self


class SolidWaste(_Strict):
    """Municipal solid waste landfilled (IPCC 2006 Vol. 5 Ch. 3, methane commitment method)."""

    landfilled_t: Figure
    treated_outside_city: bool = False
    doc_fraction: Figure = Figure(value=0.15, estimate="IPCC 2006 Vol. 5 Table 2.4-2.5 mixed MSW, estimate")
    docf: Figure = Figure(value=0.5, source="IPCC 2006 Vol. 5 Ch. 3 default", year=2006)
    mcf: Figure = Figure(value=0.6, source="IPCC 2006 Vol. 5 Table 3.1, uncategorised site", year=2006)
    methane_fraction: Figure = Figure(value=0.5, source="IPCC 2006 Vol. 5 Ch. 3 default F", year=2006)
    recovered_fraction: Figure = Figure(value=0.0, estimate="no landfill gas recovery known")
    oxidation_factor: Figure = Figure(value=0.0, source="IPCC 2006 Vol. 5 Table 3.2, unmanaged", year=2006)

    @field_validator("*")
    @classmethod
    def _nonneg(cls, value: Any) -> Any:
        if isinstance(value, Figure):
            _nonnegative(value)
        return value

    @model_validator(mode="after")
    def _fractions(self) -> SolidWaste:
        for name in ("doc_fraction", "docf", "mcf", "methane_fraction", "recovered_fraction", "oxidation_factor"):
            if getattr(self, name).value > 1:
                raise ValueError(f"{name} is a fraction and must be between 0 and 1")
        return self


class WastewaterShare(_Strict):
    pathway: str
    share: float = Field(ge=0, le=1)

    @field_validator("pathway")
    @classmethod
    def _pathway(cls, value: str) -> str:
        return _check_choice(value, WASTEWATER_PATHWAYS, "wastewater pathway")


class Wastewater(_Strict):
    """Domestic wastewater (IPCC 2006 Vol. 5 Ch. 6)."""

    pathways: list[WastewaterShare]
    treated_outside_city: bool = False
    bod_g_per_person_day: Figure = Figure(
        value=40, source="IPCC 2006 Vol. 5 Table 6.4 (Asia, Middle East, Latin America)", year=2006
    )
    protein_kg_per_person_year: Figure = Figure(
        value=34.7, estimate="FAO food balance, Kazakhstan protein supply about 95 g/person/day"
    )

    @model_validator(mode="after")
    def _shares(self) -> Wastewater:
        total = sum(p.share for p in self.pathways)
        if abs(total - 1.0) > 1e-6:
            raise ValueError(f"pathway shares must add up to 1, they add up to {total:g}")
        return self


class Waste(_Strict):
    solid_waste: SolidWaste | None = None
    wastewater: Wastewater | None = None


class BoilerHouse(_Strict):
    """A heat-only boiler house in the city supplying the district-heating network."""

    name: str
    fuel: str
    fuel_use: Figure
    heat_output: Figure | None = None
    capacity_mw_th: Figure | None = None

    @field_validator("fuel")
    @classmethod
    def _fuel(cls, value: str) -> str:
        return _check_choice(value, BURNT_FUELS, "fuel")

    @field_validator("fuel_use", "heat_output", "capacity_mw_th")
    @classmethod
    def _nonneg(cls, value: Figure | None) -> Figure | None:
        return _nonnegative(value)


class LocalGeneration(_Strict):
    name: str
    technology: Literal["pv", "wind", "hydro", "other"]
    capacity_mw: Figure
    annual_generation_mwh: Figure | None = None


class CleanContractSpec(_Strict):
    """A clean-electricity contract the city can sign (the ``ppa`` accounting rule)."""

    name: str = Field(min_length=1, pattern=r"^[a-z0-9_]+$")
    source: str = Field(min_length=1)  # what delivers it, e.g. "Kapchagay HPP (hydro, 364 MW)"
    firm_mw: Figure | None = None
    annual_mwh: Figure | None = None
    price_usd_per_mwh: Figure


class LocalSupply(_Strict):
    boiler_houses: list[BoilerHouse] = []
    generation: list[LocalGeneration] = []
    contracts: list[CleanContractSpec] = []


class GridConnectionSpec(_Strict):
    existing_mw: Figure | None = None
    reinforcement_capex_usd_per_kw: Figure | None = None


class PricesSpec(_Strict):
    """City-specific prices (USD 2024; fuels per MWh at net calorific value): override the country's."""

    grid_import_usd_per_mwh: Figure | None = None
    grid_export_usd_per_mwh: Figure | None = None
    export_credit_factor_t_per_mwh: Figure | None = None
    fuels_usd_per_mwh: dict[str, Figure] = {}
    economic_fuels_usd_per_mwh: dict[str, Figure] = {}
    grid_connection: GridConnectionSpec | None = None


class Target(_Strict):
    target_year: int = Field(ge=2020, le=2100)
    co2_target_t: float = Field(default=0.0, ge=0)
    note: str | None = None


class StationaryEnergy(_Strict):
    residential: list[FuelUse] = []
    commercial_institutional: list[FuelUse] = []
    manufacturing_construction: list[FuelUse] = []
    agriculture_forestry_fishing: list[FuelUse] = []


class Transport(_Strict):
    on_road: list[VehicleFleet] = []


class Factors(_Strict):
    """City-specific overrides of the factor catalogue."""

    grid_electricity_tco2_per_mwh: Figure | None = None
    district_heat_tco2_per_mwh: Figure | None = None


class City(_Strict):
    """A city profile (see ``docs/city-format.md``)."""

    schema_version: int = SCHEMA_VERSION
    name: str = Field(min_length=1)
    names: dict[str, str] = {}
    country: str = Field(min_length=2, max_length=2)
    inventory_year: int = Field(ge=1990, le=2100)
    location: Location
    population: Figure
    households: Figure | None = None
    dwelling_floor_area_m2: Figure | None = None
    stationary_energy: StationaryEnergy = StationaryEnergy()
    transport: Transport = Transport()
    waste: Waste = Waste()
    local_supply: LocalSupply = LocalSupply()
    target: Target
    factors: Factors = Factors()
    prices: PricesSpec | None = None
    notation_keys: dict[str, str] = {}
    weather_normals: str | None = None
    source_file: str | None = Field(default=None, exclude=True)

    @field_validator("population")
    @classmethod
    def _population(cls, value: Figure) -> Figure:
        if value.value <= 0:
            raise ValueError(f"population must be > 0, got {value.value}")
        return value

    @field_validator("households", "dwelling_floor_area_m2")
    @classmethod
    def _nonneg(cls, value: Figure | None) -> Figure | None:
        return _nonnegative(value)

    @field_validator("notation_keys", mode="before")
    @classmethod
    def _yaml_no(cls, value: Any) -> Any:
        # YAML 1.1 reads a bare NO as false (the "Norway problem"); accept it as the notation key NO
        if isinstance(value, dict):
            return {str(k): ("NO" if v is False else v) for k, v in value.items()}
        return value

    @field_validator("notation_keys")
    @classmethod
    def _notation(cls, value: dict[str, str]) -> dict[str, str]:
        for ref, key in value.items():
            if key not in NOTATION_KEYS:
                raise ValueError(f"notation key for {ref} must be one of {', '.join(NOTATION_KEYS)}, got '{key}'")
            if not re.fullmatch(r"(I|II|III)(\.\d+){1,2}", ref):
                raise ValueError(f"'{ref}' is not a GPC reference number such as I.5.1 or II.2")
        return value

    @field_validator("schema_version")
    @classmethod
    def _version(cls, value: int) -> int:
        if value != SCHEMA_VERSION:
            raise ValueError(f"schema_version {value} is not supported; this jasyl reads version {SCHEMA_VERSION}")
        return value

    @property
    def slug(self) -> str:
        """File-system friendly name (``konaev``)."""
        return re.sub(r"[^a-z0-9]+", "-", self.name.lower()).strip("-") or "city"

    def display_name(self, lang: str = "en") -> str:
        return self.names.get(lang, self.name)

    def unsourced_figures(self) -> list[str]:
        """Dotted paths of numbers that carry neither a source nor an estimate note."""
        return unsourced_paths(self)


def _check_choice(value: str, choices: Iterable[str], what: str) -> str:
    options = tuple(choices)
    if value in options:
        return value
    close = difflib.get_close_matches(value, options, n=1)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    raise ValueError(f"unknown {what} '{value}'{hint} Expected one of: {', '.join(options)}")


# --------------------------------------------------------------------------------------------- loading


def embedded_cities() -> list[str]:
    """Names of the cities shipped with jasyl."""
    root = resources.files("jasyl") / "data" / "cities"
    return sorted(e.name.removesuffix(".yaml") for e in root.iterdir() if e.name.endswith(".yaml"))


def _resolve(name_or_path: str | Path | None) -> tuple[str, str]:
    """Return (label for messages, YAML text)."""
    if name_or_path is None:
        name_or_path = "konaev"
    text_name = str(name_or_path)
    if text_name.lower() in embedded_cities() and not Path(text_name).exists():
        resource = resources.files("jasyl") / "data" / "cities" / f"{text_name.lower()}.yaml"
        return f"<embedded>/{text_name.lower()}.yaml", resource.read_text(encoding="utf-8")
    path = Path(text_name)
    if not path.exists():
        raise InputError(
            "file not found",
            file=path,
            field="city",
            fix=f"give the path of a city YAML file or one of the embedded cities: {', '.join(embedded_cities())}",
        )
    if path.is_dir():
        raise InputError("is a directory, not a city file", file=path, field="city", fix="give a .yaml file")
    try:
        return str(path), path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InputError("is not a UTF-8 text file", file=path, fix="save the city file as UTF-8 YAML") from exc
    except OSError as exc:
        raise InputError(f"cannot be read: {exc.strerror}", file=path) from exc


def _format_loc(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _validation_error(exc: ValidationError, label: str, fields: Iterable[str] = ()) -> SchemaError:
    problems = []
    for err in exc.errors():
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
        field = _format_loc(loc)
        kind = err["type"]
        msg = err["msg"].removeprefix("Value error, ")
        if kind == "missing":
            msg = "required field is missing"
        elif kind == "extra_forbidden":
            parent_fields = _allowed_fields(loc[:-1])
            close = difflib.get_close_matches(str(loc[-1]), parent_fields, n=1)
            msg = "unknown field" + (f"; did you mean '{close[0]}'?" if close else "")
            if parent_fields and not close:
                msg += f" Allowed here: {', '.join(parent_fields)}"
        elif kind in ("float_parsing", "float_type", "int_parsing", "int_type"):
            msg = f"expected a number, got {shorten(repr(err.get('input')))}"
        problems.append((field, msg))
    first_field, first_msg = problems[0]
    message = shorten(first_msg, 1200)  # a validator may quote a value of any length
    if len(problems) > 1:
        rest = "; ".join(f"{f}: {shorten(m, 300)}" for f, m in problems[1:6])
        more = f" (+{len(problems) - 6} more)" if len(problems) > 6 else ""
        message += f". Also: {rest}{more}"
    return SchemaError(message, file=label, field=first_field, fix="see docs/city-format.md for the city file format")


def _allowed_fields(loc: tuple[int | str, ...]) -> list[str]:
    model: Any = City
    for part in loc:
        if isinstance(part, int):
            continue
        field = getattr(model, "model_fields", {}).get(part)
        if field is None:
            return []
        annotation = field.annotation
        model = _model_in(annotation)
        if model is None:
            return []
    return list(getattr(model, "model_fields", {}))


def _model_in(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def parse_city(text: str, label: str = "<city>") -> City:
    """Parse and validate city YAML text; errors name ``label`` (the file) and the field."""
    data = parse_yaml_mapping(
        text,
        label,
        expected="of fields (name, country, location, population, ...)",
        fix="see docs/city-format.md",
    )
    try:
        city = City.model_validate(data)
    except ValidationError as exc:
        raise _validation_error(exc, label) from None
    return city.model_copy(update={"source_file": label})


def load_city(name_or_path: str | Path | None = None) -> City:
    """Load a city by embedded name (``konaev``) or path to its YAML file; ``None`` -> Konaev."""
    if isinstance(name_or_path, City):
        return name_or_path
    label, text = _resolve(name_or_path)
    return parse_city(text, label)
