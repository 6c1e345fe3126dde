"""Options of the use cases: frozen dataclasses with Literal-typed fields, one schema for CLI, web and Dask.

Each use case takes one options object (:class:`PlanOptions`, :class:`PathwayOptions`,
:class:`MaccOptions`). They are

* **checked on construction**: a value of the wrong type, a word outside its ``Literal``, a number out
  of range or a missing file raises :class:`~jasyl.errors.InputError` naming the *field*
  (``hours``, ``target_co2_t``); front ends map fields to their own words (``--hours``, a form input);
* **serialisable**: :meth:`Options.to_dict` gives plain JSON values and :meth:`Options.from_dict`
  rebuilds the object from such a dict (or a web form's strings), rejecting unknown keys;
* **hashable into a stable input hash** (:meth:`Options.input_hash`), the key of caches and sweeps.

Adding an option is one line in the dataclass (name, type, default); ``Literal`` fields are checked
automatically. A range check goes into the class's ``check`` method.

>>> PlanOptions.from_dict({"hours": "336", "method": "typical_days"}).hours
336
>>> try:
...     PlanOptions(hours=5)
... except InputError as exc:
...     print(exc.field)
hours
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Literal, Self, Union, get_args, get_origin, get_type_hints

from jasyl.errors import InputError, shorten
from jasyl.i18n import translate
from jasyl.model.city_inputs import InputOptions
from jasyl.pathway.milestones import parse_milestones
from jasyl.vocabulary import Accounting, Language, PathwayEngine, PlanMethod, PriceBasis, WeatherFormat

__all__ = ["Options", "PlanOptions", "PathwayOptions", "MaccOptions", "TradeoffOptions", "ProfilesOptions",
           "SCHEMA_VERSION"]

#: version of the options' dict form (part of every input hash)
SCHEMA_VERSION = 1

_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off", ""}


def _what(f: dataclasses.Field[Any]) -> str:
    return str(f.metadata.get("what", f.name.replace("_", " ")))


def _fail(f: dataclasses.Field[Any], message: str, fix: str | None = None) -> InputError:
    return InputError(message, field=f.name, fix=fix)


def _optional(hint: Any) -> tuple[bool, Any]:
    """(allows None, the hint without None)."""
    if get_origin(hint) in (Union, types.UnionType):
        args = [a for a in get_args(hint) if a is not type(None)]
        if len(args) != len(get_args(hint)):
            return True, args[0] if len(args) == 1 else Union[tuple(args)]  # noqa: UP007 - runtime union
    return False, hint


def _check(f: dataclasses.Field[Any], hint: Any, value: Any) -> None:
    """Raise an :class:`InputError` naming the field unless ``value`` fits ``hint`` exactly."""
    nullable, inner = _optional(hint)
    if value is None:
        if not nullable:
            raise _fail(f, f"a value is required for {_what(f)}")
        return
    origin = get_origin(inner)
    if origin is Literal:
        choices = get_args(inner)
        if value not in choices:
            raise _fail(f, f"unknown {_what(f)} '{value}'", f"use one of {', '.join(map(str, choices))}")
    elif inner is bool:
        if not isinstance(value, bool):
            raise _fail(f, f"expected true or false, got {shorten(repr(value), 80)}")
    elif inner is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise _fail(f, f"expected a whole number, got {shorten(repr(value), 80)}")
    elif inner is float:
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise _fail(f, f"expected a finite number, got {shorten(repr(value), 80)}")
    elif inner is str:
        if not isinstance(value, str):
            raise _fail(f, f"expected text, got {shorten(repr(value), 80)}")
    elif origin is tuple:
        item = get_args(inner)[0]
        if not isinstance(value, tuple) or not all(isinstance(v, item) and not isinstance(v, bool) for v in value):
            raise _fail(f, f"expected a list of {item.__name__}, got {shorten(repr(value), 80)}")
    else:  # pragma: no cover - a field type this module does not know yet
        raise TypeError(f"unsupported option type {hint!r} of {f.name}")


def _coerce(f: dataclasses.Field[Any], hint: Any, value: Any) -> Any:
    """A JSON or form value turned into the field's type (strings of numbers and booleans accepted)."""
    nullable, inner = _optional(hint)
    if value is None or (nullable and value == ""):
        return None
    try:
        if inner is bool and isinstance(value, str):
            low = value.strip().lower()
            if low in _TRUE | _FALSE:
                return low in _TRUE
        elif inner is int and isinstance(value, str | float) and not isinstance(value, bool):
            number = float(value)
            return int(number) if number.is_integer() else value
        elif inner is float and isinstance(value, str | int) and not isinstance(value, bool):
            return float(value)
        elif get_origin(inner) is tuple:
            item = get_args(inner)[0]
            items = [p.strip() for p in value.split(",") if p.strip()] if isinstance(value, str) else list(value)
            return tuple(item(v) if isinstance(v, str) and item is not str else v for v in items)
    except (TypeError, ValueError):
        raise _fail(f, f"cannot read {shorten(repr(value), 80)} as {_what(f)}") from None
    return value


@dataclass(frozen=True)
class Options:
    """Base of the use-case options (see the module docstring)."""

    #: dict key naming the use case in :meth:`to_dict` (``{"use_case": "plan", ...}``)
    use_case: ClassVar[str] = ""

    def __post_init__(self) -> None:
        hints = get_type_hints(type(self))
        for f in dataclasses.fields(self):
            _check(f, hints[f.name], getattr(self, f.name))
        self.check()

    def check(self) -> None:
        """Range and consistency checks of the subclass (raise :class:`InputError` naming the field)."""

    def field_info(self, name: str) -> dataclasses.Field[Any]:
        return next(f for f in dataclasses.fields(self) if f.name == name)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON values (tuples as lists)."""
        out: dict[str, Any] = {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            out[f.name] = list(value) if isinstance(value, tuple) else value
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Self:
        """The options from :meth:`to_dict` output, JSON or a web form; unknown keys are an error."""
        if not isinstance(data, dict):
            raise InputError(f"expected a mapping of {cls.__name__} fields, got {type(data).__name__}")
        fields = {f.name: f for f in dataclasses.fields(cls)}
        unknown = sorted(set(data) - set(fields))
        if unknown:
            raise InputError(f"unknown option '{unknown[0]}'", field=unknown[0],
                             fix=f"use {', '.join(sorted(fields))}")
        hints = get_type_hints(cls)
        values = {k: _coerce(fields[k], hints[k], v) for k, v in data.items()}
        return cls(**values)

    def replace(self, **changes: Any) -> Self:
        """A copy with ``changes`` (checked like a new object)."""
        return dataclasses.replace(self, **changes)

    def input_hash(self) -> str:
        """SHA-256 of the canonical JSON of the options (use case, schema version and every field)."""
        payload = {"use_case": self.use_case, "schema": SCHEMA_VERSION, **self.to_dict()}
        text = json.dumps(payload, sort_keys=True, ensure_ascii=True, separators=(",", ":"))
        return hashlib.sha256(text.encode("ascii")).hexdigest()


def _check_file(opts: Options, name: str, what: str, fix: str) -> None:
    value = getattr(opts, name)
    if value is not None and not Path(value).is_file():
        problem = f"the {what} does not exist (file not found)"
        if Path(value).is_dir():
            problem = "is a directory, not a file"
        raise InputError(problem, file=value, field=name, fix=fix)


_WEATHER_FIX = "give the path of an EPW, PVGIS, ERA5 or CSV weather file"


@dataclass(frozen=True)
class PlanOptions(Options):
    """Options of :func:`jasyl.planning.run_plan` (``jasyl plan``)."""

    use_case: ClassVar[str] = "plan"

    #: embedded city name (``konaev``) or path of a city YAML file; None: the embedded Konaev
    city: str | None = None
    #: weather file (EPW, PVGIS, TMY3, ERA5, CSV); None: the synthetic year of the city's normals
    weather: str | None = None
    #: CO2 cap of the planned system, t per year (0: zero carbon)
    target_co2_t: float = 0.0
    method: PlanMethod = field(default="exact", metadata={"what": "method"})
    #: solve only the first N hours (24..8760); None: the full year
    hours: int | None = None
    language: Language = field(default="en", metadata={"what": "language"})
    #: measures file of the MACC section; None: the embedded library
    measures: str | None = None
    #: add the year-by-year pathway (the default of ``jasyl pathway`` for the same city and weather)
    pathway: bool = True
    export_credit: bool = False
    allow_export: bool = True
    land_pv_km2: float | None = None
    land_wind_km2: float | None = None
    rooftop_km2: float | None = None
    grid_import_max_mw: float | None = None
    grid_export_max_mw: float | None = None
    #: restrict the new technologies to these catalogue names
    technologies: tuple[str, ...] | None = None
    #: emissions accounting rule: hourly (location-based), annual-net, ppa (docs/accounting-and-tradeoff.md)
    accounting: Accounting = field(default="hourly", metadata={"what": "accounting rule"})
    #: optimise with today's prices (financial) or fuel at export parity (economic); both are reported
    price_basis: PriceBasis = field(default="financial", metadata={"what": "price basis"})
    #: no grid connection: no import or export, batteries hold an operating reserve
    islanded: bool = False
    #: existing grid connection, MW (None: the city file's, else today's peak electricity demand)
    grid_connection_mw: float | None = None
    #: ppa: the clean contract's firm MW, MWh a year, price (USD/MWh) and source (None: the city file's)
    contract_mw: float | None = None
    contract_mwh: float | None = None
    contract_price_usd_per_mwh: float | None = None
    contract_source: str | None = None
    #: the plan report's trade-off section (the curve on typical days for a full year; cached)
    tradeoff: bool = True

    def check(self) -> None:
        lang = self.language
        if self.target_co2_t < 0:
            raise InputError(translate("plan.cli.error.target", lang), field="target_co2_t",
                             fix=translate("plan.cli.error.target_fix", lang))
        if self.hours is not None and not 24 <= self.hours <= 8760:
            raise InputError(translate("plan.cli.error.hours", lang, max=8760), field="hours",
                             fix=translate("plan.cli.error.hours_fix", lang))
        for name in ("land_pv_km2", "land_wind_km2", "rooftop_km2", "grid_import_max_mw", "grid_export_max_mw",
                     "grid_connection_mw", "contract_mw", "contract_mwh", "contract_price_usd_per_mwh"):
            value = getattr(self, name)
            if value is not None and value < 0:
                raise InputError(f"{name} must be zero or more, got {value}", field=name)
        _check_file(self, "weather", "weather file", _WEATHER_FIX)
        _check_file(self, "measures", "measures file", "give the path of a measures YAML file")

    def pathway_options(self) -> PathwayOptions:
        """The options of ``jasyl pathway`` whose default pathway the plan report shows: the same city,
        weather, measures and horizon, the planner engine with its default method (typical days)."""
        return PathwayOptions(city=self.city, weather=self.weather, measures=self.measures, hours=self.hours,
                              language=self.language)


@dataclass(frozen=True)
class TradeoffOptions(PlanOptions):
    """Options of :func:`jasyl.planning.run_tradeoff` (``jasyl tradeoff``): a plan's options plus the points."""

    use_case: ClassVar[str] = "tradeoff"

    #: shares of today's CO2 to remove, one least-cost plan each
    points: tuple[float, ...] = (0.5, 0.8, 0.9, 0.95, 0.99, 1.0)
    #: points solved at once (threads, each on its own copy of the HiGHS model)
    workers: int = 1

    def check(self) -> None:
        super().check()
        if not self.points or any(not 0.0 <= p <= 1.0 for p in self.points):
            raise InputError(translate("plan.tradeoff.error.points", self.language), field="points",
                             fix=translate("plan.tradeoff.error.points_fix", self.language))
        if not 1 <= self.workers <= 64:
            raise InputError(f"workers must be 1 to 64, got {self.workers}", field="workers", fix="give e.g. 1 or 2")


def input_options(options: PlanOptions) -> InputOptions:
    """The planner-input options of a plan's (or trade-off's) user options.

    Raises InputError for a contract given under another rule than ppa (it would silently not apply).
    """
    if options.accounting != "ppa":
        for name in ("contract_mw", "contract_mwh", "contract_price_usd_per_mwh", "contract_source"):
            if getattr(options, name) is not None:
                raise InputError(f"a clean-electricity contract only counts under the ppa accounting rule "
                                 f"(accounting is {options.accounting})", field=name,
                                 fix="set accounting to ppa, or leave the contract out")
    return InputOptions(
        target_co2_t=options.target_co2_t,
        export_credit=options.export_credit,
        allow_export=options.allow_export and not options.islanded,
        land_pv_km2=options.land_pv_km2,
        land_wind_km2=options.land_wind_km2,
        rooftop_km2=options.rooftop_km2,
        grid_import_max_mw=0.0 if options.islanded else options.grid_import_max_mw,
        grid_export_max_mw=options.grid_export_max_mw,
        technologies=options.technologies,
        accounting=options.accounting,
        price_basis=options.price_basis,
        islanded=options.islanded,
        grid_connection_mw=options.grid_connection_mw,
        contract_mw=options.contract_mw,
        contract_mwh=options.contract_mwh,
        contract_price_usd_per_mwh=options.contract_price_usd_per_mwh,
        contract_source=options.contract_source,
    )


@dataclass(frozen=True)
class PathwayOptions(Options):
    """Options of :func:`jasyl.planning.run_pathway` (``jasyl pathway``)."""

    use_case: ClassVar[str] = "pathway"

    city: str | None = None
    #: weather file of the planner engine; None: the synthetic year
    weather: str | None = None
    measures: str | None = None
    #: first year (None: this year or the inventory year, the later)
    start_year: int | None = None
    #: target year (None: the city's)
    target_year: int | None = None
    #: ``YEAR:FRACTION`` pairs of the start-year emissions, e.g. ``2030:0.5,2035:0`` (None: linear)
    milestones: str | None = None
    #: demand growth a year (None: the measures library's)
    growth: float | None = None
    engine: PathwayEngine = field(default="planner", metadata={"what": "pathway engine"})
    #: how the planner engine solves a milestone year
    method: PlanMethod = field(default="typical_days", metadata={"what": "planner method"})
    #: hours of the year the planner solves (24..8760); None: all of them
    hours: int | None = None
    #: balance engine only: also run the hourly planner for these years (a side check)
    planner_years: tuple[int, ...] = ()
    language: Language = field(default="en", metadata={"what": "language"})

    def check(self) -> None:
        if self.hours is not None and not 24 <= self.hours <= 8760:
            raise InputError(f"planner hours {self.hours} out of range", field="hours",
                             fix="give 24 to 8760 (e.g. 168)")
        if self.milestones:
            parse_milestones(self.milestones)
        if self.weather is not None and self.engine != "planner":
            raise InputError("the weather file is used by the planner engine only", field="weather",
                             fix="use the planner engine")
        _check_file(self, "weather", "weather file", _WEATHER_FIX)
        _check_file(self, "measures", "measures file", "give the path of a measures YAML file")
        if self.planner_years and self.engine == "planner":
            raise InputError(
                "planner years are the hourly side check of the balance engine", field="planner_years",
                fix="with the planner engine every milestone year is solved by the planner; give milestones, "
                "or use the balance engine with planner years")

    def milestone_fractions(self) -> dict[int, float]:
        """``milestones`` parsed: year -> fraction of the start-year emissions."""
        return parse_milestones(self.milestones)


@dataclass(frozen=True)
class MaccOptions(Options):
    """Options of :func:`jasyl.planning.run_macc` (``jasyl macc``)."""

    use_case: ClassVar[str] = "macc"

    city: str | None = None
    measures: str | None = None
    language: Language = field(default="en", metadata={"what": "language"})

    def check(self) -> None:
        _check_file(self, "measures", "measures file", "give the path of a measures YAML file")


@dataclass(frozen=True)
class ProfilesOptions(Options):
    """Options of :func:`jasyl.planning.run_profiles` (``jasyl profiles``)."""

    use_case: ClassVar[str] = "profiles"

    city: str | None = None
    #: weather file; None: the synthetic year of the city's normals
    weather: str | None = None
    #: format of the weather file (None: recognised from the file)
    weather_format: WeatherFormat | None = field(default=None, metadata={"what": "weather format"})
    #: latitude/longitude of the ERA5 grid point or of a CSV without them (None: the city's)
    latitude: float | None = None
    longitude: float | None = None
    #: wind measurement height of a jasyl CSV, m
    wind_height_m: float | None = None
    #: interpolate gaps of up to N hours (0: gaps are errors)
    fill_gaps_hours: int = 0
    #: UTC year to use from a multi-year file
    year: int | None = None
    #: random seed of the synthetic year (None: the default seed)
    seed: int | None = None

    def check(self) -> None:
        if self.fill_gaps_hours < 0:
            raise InputError(f"must be >= 0, got {self.fill_gaps_hours}", field="fill_gaps_hours",
                             fix="give the longest gap to fill in hours, e.g. 3")
        if self.latitude is not None and not -90 <= self.latitude <= 90:
            raise InputError(f"latitude must lie in -90..90, got {self.latitude}", field="latitude")
        if self.longitude is not None and not -180 <= self.longitude <= 360:
            raise InputError(f"longitude must lie in -180..360, got {self.longitude}", field="longitude")
        if self.wind_height_m is not None and not 0 < self.wind_height_m <= 300:
            raise InputError(f"wind height must lie in 0..300 m, got {self.wind_height_m}", field="wind_height_m")
        _check_file(self, "weather", "weather file", _WEATHER_FIX)


# keep typing's names referenced for get_type_hints on the dataclasses above
_ = (typing, Language, PathwayEngine, PlanMethod, WeatherFormat)
