"""The measures library: what a city can do, what it costs, what it saves (schema and loader).

The embedded library is ``jasyl/data/measures.yaml``; a user may bring their own file
(``jasyl macc --measures PATH``). Every measure has a capital cost per unit, fixed O&M per unit and
year, a lifetime, a maximum uptake and one or more *effects* on the city's annual energy balance
(see :mod:`jasyl.macc` for how effects are applied). Money is USD 2024 (real).

Supply and heat-pump measures may name an entry of the planner's technology catalogue
(``catalogue: {ref: generators.pv_fixed, kw_per_unit: 1000}``); when the catalogue loads, its capital
cost, fixed O&M and lifetime replace the values in the measures file so that the MACC, the pathway and
the hourly planner use the same numbers.

>>> lib = load_measures()
>>> lib.measure("pv_utility").unit
'MW'
"""

from __future__ import annotations

import difflib
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from jasyl.errors import SchemaError, shorten
from jasyl.finance import annuity
from jasyl.provenance import Sourced, unsourced_paths
from jasyl.technologies import Catalogue, load_catalogue
from jasyl.vocabulary import CARRIERS, EFFECT_KINDS, MEASURE_CATEGORIES, MEASURE_SUBSECTORS
from jasyl.yamlfile import parse_yaml_mapping

__all__ = [
    "Num",
    "Effect",
    "Measure",
    "MeasureLibrary",
    "load_measures",
    "parse_measures",
    "annuity",
    "EFFECT_KINDS",
    "CATEGORIES",
]

SCHEMA_VERSION = 1
CATEGORIES = MEASURE_CATEGORIES
#: carriers a measure may address (those of jasyl.inventory.final_energy)
SUBSECTORS = MEASURE_SUBSECTORS


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class Num(Sourced):
    """A number with its provenance (``source`` + ``year``, or ``estimate``); a bare number is accepted."""


def _check_choice(value: str, options: tuple[str, ...], what: str) -> str:
    if value in options:
        return value
    close = difflib.get_close_matches(value, options, n=1)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    raise ValueError(f"unknown {what} '{value}'{hint} Expected one of: {', '.join(options)}")


class Effect(_Strict):
    """One change a measure makes to the annual energy balance (see the header of measures.yaml)."""

    kind: str
    subsector: str | None = None
    carriers: list[str] = []
    vehicle_classes: list[str] = []
    change_at_full: Num | None = None
    mwh_per_unit: Num | None = None
    fraction_at_full: Num = Num(value=1.0, estimate="the whole addressed use at full uptake")
    to: str | None = None
    to_efficiency: Num | None = None
    from_efficiency: dict[str, float] = {}
    from_efficiency_note: str | None = None
    kwh_per_km: Num | None = None
    share_at_full: Num | None = None
    technology: Literal["pv", "wind"] | None = None
    mwh_per_unit_year: Num | None = None
    premium_usd_per_mwh: Num | None = None

    @field_validator("kind")
    @classmethod
    def _kind(cls, value: str) -> str:
        return _check_choice(value, EFFECT_KINDS, "effect kind")

    @field_validator("subsector")
    @classmethod
    def _subsector(cls, value: str | None) -> str | None:
        return None if value is None else _check_choice(value, SUBSECTORS, "subsector")

    @field_validator("carriers")
    @classmethod
    def _carriers(cls, value: list[str]) -> list[str]:
        return [_check_choice(v, CARRIERS, "carrier") for v in value]

    @field_validator("to")
    @classmethod
    def _to(cls, value: str | None) -> str | None:
        return None if value is None else _check_choice(value, CARRIERS, "carrier")

    @field_validator("from_efficiency")
    @classmethod
    def _from_eff(cls, value: dict[str, float]) -> dict[str, float]:
        for carrier, eff in value.items():
            _check_choice(carrier, CARRIERS, "carrier")
            if not 0 < eff <= 10:
                raise ValueError(f"from_efficiency of {carrier} must be > 0 (a fraction or COP), got {eff}")
        return value

    @model_validator(mode="after")
    def _complete(self) -> Effect:
        need: dict[str, tuple[str, ...]] = {
            "scale": ("subsector", "change_at_full"),
            "absolute": ("subsector", "mwh_per_unit"),
            "switch": ("subsector", "to"),
            "district_heat_electric": ("share_at_full", "to_efficiency"),
            "district_heat_losses": ("change_at_full",),
            "generation": ("technology", "mwh_per_unit_year"),
            "storage": ("mwh_per_unit",),
            "green_power": ("share_at_full", "premium_usd_per_mwh"),
        }
        for name in need[self.kind]:
            if getattr(self, name) is None:
                raise ValueError(f"an effect of kind '{self.kind}' needs '{name}'")
        if self.kind == "switch":
            if self.kwh_per_km is None and self.to_efficiency is None:
                raise ValueError("a switch needs 'to_efficiency' (heat, cooking) or 'kwh_per_km' (vehicles)")
            if self.kwh_per_km is not None and self.subsector != "on_road":
                raise ValueError("'kwh_per_km' applies to subsector on_road only")
            if self.to_efficiency is not None and not self.carriers:
                raise ValueError("a switch needs 'carriers' (the carriers it replaces)")
            if self.to_efficiency is not None:
                missing = [c for c in self.carriers if c not in self.from_efficiency]
                if missing:
                    raise ValueError(f"from_efficiency needs a value for {', '.join(missing)}")
            if self.to_efficiency is not None and self.to_efficiency.value <= 0:
                raise ValueError("to_efficiency must be > 0")
            if self.to != "grid_electricity" and self.kwh_per_km is not None:
                raise ValueError("vehicles switch to grid_electricity")
        if self.kind == "scale" and self.change_at_full is not None and self.change_at_full.value < -1:
            raise ValueError("change_at_full below -1 would make energy negative")
        if not 0 <= self.fraction_at_full.value <= 1:
            raise ValueError("fraction_at_full must be between 0 and 1")
        if self.share_at_full is not None and not 0 <= self.share_at_full.value <= 1:
            raise ValueError("share_at_full must be between 0 and 1")
        return self


class Uptake(_Strict):
    """Maximum uptake: an explicit number of units, or units derived from the energy addressed."""

    max_units: Num | None = None
    addressed_mwh_per_unit: Num | None = None
    addressed_fraction: Num | None = None
    vehicles: bool = False

    @model_validator(mode="before")
    @classmethod
    def _empty(cls, data: Any) -> Any:
        return {} if data is None else data

    @model_validator(mode="after")
    def _one(self) -> Uptake:
        given = [self.max_units is not None, self.addressed_mwh_per_unit is not None, self.vehicles]
        if sum(given) != 1:
            raise ValueError("give exactly one of max_units, addressed_mwh_per_unit or vehicles: true")
        if self.max_units is not None and self.max_units.value <= 0:
            raise ValueError("max_units must be > 0")
        if self.addressed_mwh_per_unit is not None and self.addressed_mwh_per_unit.value <= 0:
            raise ValueError("addressed_mwh_per_unit must be > 0")
        return self


class CatalogueRef(_Strict):
    ref: str
    kw_per_unit: float = 1.0
    hours: float | None = None

    @field_validator("ref")
    @classmethod
    def _ref(cls, value: str) -> str:
        if value.count(".") != 1:
            raise ValueError("expected '<section>.<name>', e.g. generators.pv_fixed or vehicles.bus")
        return value


class Measure(_Strict):
    """One measure of the library."""

    id: Annotated[str, Field(pattern=r"^[a-z0-9_]+$")]
    category: str
    name: dict[str, str]
    unit: str
    capex_usd_per_unit: Num
    capex_2030_usd_per_unit: Num | None = None
    fixed_om_usd_per_unit_year: Num
    lifetime_years: Num
    uptake: Uptake
    effects: list[Effect] = Field(min_length=1)
    catalogue: CatalogueRef | None = None
    tranches: int = Field(default=1, ge=1, le=10)
    cost_source: str = "measures file"

    @model_validator(mode="after")
    def _tranches(self) -> Measure:
        if self.tranches > 1 and any(e.kind not in ("generation", "storage") for e in self.effects):
            raise ValueError("tranches > 1 is allowed only for measures whose effects are generation or storage")
        return self

    @field_validator("category")
    @classmethod
    def _category(cls, value: str) -> str:
        return _check_choice(value, CATEGORIES, "category")

    @field_validator("name")
    @classmethod
    def _name(cls, value: dict[str, str]) -> dict[str, str]:
        if "en" not in value:
            raise ValueError("give at least an English name: {en: ...}")
        return value

    @field_validator("capex_usd_per_unit", "capex_2030_usd_per_unit")
    @classmethod
    def _capex(cls, value: Num | None) -> Num | None:
        if value is not None and value.value < 0:
            raise ValueError(f"capital cost must be >= 0, got {value.value}")
        return value

    @field_validator("lifetime_years")
    @classmethod
    def _life(cls, value: Num) -> Num:
        if not 1 <= value.value <= 100:
            raise ValueError(f"lifetime must be between 1 and 100 years, got {value.value:g}")
        return value

    def label(self, lang: str = "en") -> str:
        return self.name.get(lang) or self.name["en"]


class PathwaySettings(_Strict):
    demand_growth_per_year: Num = Num(value=0.015, estimate="default")
    rollout_years: Num = Num(value=5, estimate="default")
    cost_reference_year: int = 2025
    cost_curve_year: int = 2030


class DistrictHeating(_Strict):
    boiler_efficiency: Num = Num(value=0.9, estimate="gas boilers")
    network_loss_fraction: Num = Num(value=0.12, estimate="default")


class Matching(_Strict):
    pv_direct_share_max: Num = Num(value=0.30, estimate="default")
    wind_direct_share_max: Num = Num(value=0.55, estimate="default")
    combined_direct_share_max: Num = Num(value=0.75, estimate="default")
    storage_cycles_per_year: Num = Num(value=300, estimate="default")
    storage_round_trip_efficiency: Num = Num(value=0.88, estimate="default")


class MeasureLibrary(_Strict):
    """The whole measures file."""

    schema_version: int = SCHEMA_VERSION
    currency: Literal["USD"] = "USD"
    currency_year: int = 2024
    discount_rate: Num
    prices: dict[str, Num]
    district_heating: DistrictHeating = DistrictHeating()
    electricity_matching: Matching = Matching()
    pathway: PathwaySettings = PathwaySettings()
    measures: list[Measure] = Field(min_length=1)
    source_file: str | None = Field(default=None, exclude=True)
    prices_source: str = "measures file"

    @field_validator("schema_version")
    @classmethod
    def _version(cls, value: int) -> int:
        if value != SCHEMA_VERSION:
            raise ValueError(f"schema_version {value} is not supported; this jasyl reads version {SCHEMA_VERSION}")
        return value

    @field_validator("discount_rate")
    @classmethod
    def _rate(cls, value: Num) -> Num:
        if not 0 <= value.value < 0.5:
            raise ValueError(f"discount rate must be a fraction between 0 and 0.5, got {value.value}")
        return value

    @field_validator("prices")
    @classmethod
    def _prices(cls, value: dict[str, Num]) -> dict[str, Num]:
        for key in value:
            _check_choice(key, (*CARRIERS, "export_electricity"), "price key")
        if "grid_electricity" not in value:
            raise ValueError("prices needs 'grid_electricity' (USD per MWh)")
        return value

    @model_validator(mode="after")
    def _unique(self) -> MeasureLibrary:
        seen: set[str] = set()
        for i, m in enumerate(self.measures):
            if m.id in seen:
                raise ValueError(f"measures[{i}]: measure id '{shorten(m.id)}' appears twice")
            seen.add(m.id)
        return self

    def measure(self, measure_id: str) -> Measure:
        for m in self.measures:
            if m.id == measure_id:
                return m
        raise KeyError(measure_id)

    def unsourced(self) -> list[str]:
        """Dotted paths of numbers without a source or estimate."""
        return unsourced_paths(self)


# ------------------------------------------------------------------------------------------- loading


def _format_loc(loc: tuple[int | str, ...], data: Any) -> str:
    out = ""
    node = data
    for part in loc:
        if isinstance(part, int):
            # name list items by their id when they have one (measures[3] -> measures[pv_utility])
            label = str(part)
            if isinstance(node, list) and 0 <= part < len(node) and isinstance(node[part], dict):
                label = str(node[part].get("id", part))
                node = node[part]
            else:
                node = None
            out += f"[{label}]"
        else:
            out += f".{part}" if out else str(part)
            node = node.get(part) if isinstance(node, dict) else None
    return out


def _schema_error(exc: ValidationError, label: str, data: Any) -> SchemaError:
    problems = []
    for err in exc.errors():
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and (p.startswith("function-") or p == "float")))
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "missing":
            msg = "required field is missing"
        elif err["type"] == "extra_forbidden":
            msg = "unknown field"
        elif err["type"] == "model_type":
            msg = f"expected a mapping of fields here, got {shorten(repr(err.get('input')))}"
        elif err["type"] in ("float_parsing", "float_type"):
            msg = f"expected a number, got {shorten(repr(err.get('input')))}"
        problems.append((_format_loc(loc, data), msg))
    field, message = problems[0]
    if not field and message.startswith("measures["):  # a check of the whole library names the entry
        field, _, message = message.partition(": ")
    message = shorten(message, 1200)
    if len(problems) > 1:
        message += ". Also: " + "; ".join(f"{f}: {shorten(m, 300)}" for f, m in problems[1:5])
    return SchemaError(
        message, file=label, field=field or None, fix="see docs/macc-and-pathway.md for the measures file format"
    )


def _catalogue() -> Catalogue | None:
    """The planner's technology catalogue, or None when it cannot be read."""
    try:
        return load_catalogue()
    except Exception:  # noqa: BLE001 - the catalogue is optional here; the measures file has its own values
        return None


def _apply_catalogue(lib: MeasureLibrary, label: str, *, override_prices: bool = True) -> MeasureLibrary:
    cat = _catalogue()
    if cat is None:
        return lib
    src = f"planner catalogue ({getattr(cat, 'source_path', 'technologies.yaml')})"
    measures = []
    for m in lib.measures:
        if m.catalogue is None:
            measures.append(m)
            continue
        section, name = m.catalogue.ref.split(".")
        k = m.catalogue.kw_per_unit
        update: dict[str, Any] = {}
        try:
            if section == "generators":
                g = cat.generators[name]
                update = {
                    "capex": g.capex_usd_per_kw * k,
                    "om": (g.fixed_om_usd_per_kw_year) * k,
                    "life": g.lifetime_years,
                }
            elif section == "heat_converters":
                c = cat.converters[name]
                update = {
                    "capex": c.capex_usd_per_kw * k,
                    "om": c.fixed_om_usd_per_kw_year * k,
                    "life": c.lifetime_years,
                }
            elif section == "storage":
                s = cat.storage[name]
                hours = m.catalogue.hours or 4.0
                capex = (s.capex_energy_usd_per_kwh + s.capex_power_usd_per_kw / hours) * k
                update = {"capex": capex, "om": capex * s.fixed_om_fraction_of_capex, "life": s.lifetime_years}
            elif section == "vehicles":
                v = cat.vehicles.get(name) or cat.vehicles["default"]
                update = {"capex": v.ev_premium_usd, "om": v.om_difference_usd_per_year, "life": v.lifetime_years}
            else:
                raise KeyError(section)
        except KeyError:
            raise SchemaError(
                f"catalogue entry '{m.catalogue.ref}' does not exist in the planner's technology catalogue",
                file=label,
                field=f"measures[{m.id}].catalogue.ref",
                fix="use generators.<name>, heat_converters.<name>, storage.<name> or vehicles.<class>",
            ) from None
        note = f"{src}: {m.catalogue.ref}"
        changes: dict[str, Any] = {
            "capex_usd_per_unit": Num(value=update["capex"], source=note, year=2025),
            "fixed_om_usd_per_unit_year": Num(value=update["om"], source=note, year=2025),
            "lifetime_years": Num(value=update["life"], source=note, year=2025),
            "cost_source": note,
        }
        measures.append(m.model_copy(update=changes))
    catalogue_prices = {
        "grid_electricity": Num(value=cat.import_price_usd_per_mwh, source=f"{src}: grid.import_price_usd_per_mwh"),
        "export_electricity": Num(value=cat.export_price_usd_per_mwh, source=f"{src}: grid.export_price_usd_per_mwh"),
    }
    for fuel, price in cat.fuel_price_usd_per_mwh.items():
        if fuel in CARRIERS:
            catalogue_prices[fuel] = Num(value=price, source=f"{src}: fuels.{fuel}.price_usd_per_mwh")
    if override_prices:
        prices = {**lib.prices, **catalogue_prices}
        rate = Num(value=cat.discount_rate, source=f"{src}: discount_rate")
        prices_source = src
    else:
        # a user's own file keeps its prices and discount rate; the catalogue only fills missing prices
        prices = {**catalogue_prices, **lib.prices}
        rate = lib.discount_rate
        prices_source = f"{label} (missing prices from the {src})"
    return lib.model_copy(
        update={
            "measures": measures,
            "prices": prices,
            "discount_rate": rate,
            "prices_source": prices_source,
        }
    )


def parse_measures(
    text: str, label: str = "<measures>", *, use_catalogue: bool = True, override_prices: bool = False
) -> MeasureLibrary:
    """Parse and validate measures YAML; errors name ``label``, the measure and the field."""
    data = parse_yaml_mapping(
        text,
        label,
        expected="with discount_rate, prices and measures",
        fix="see docs/macc-and-pathway.md (or copy the embedded jasyl/data/measures.yaml)",
    )
    try:
        lib = MeasureLibrary.model_validate(data)
    except ValidationError as exc:
        raise _schema_error(exc, label, data) from None
    lib = lib.model_copy(update={"source_file": label})
    return _apply_catalogue(lib, label, override_prices=override_prices) if use_catalogue else lib


def load_measures(path: str | Path | None = None, *, use_catalogue: bool = True) -> MeasureLibrary:
    """Load the measures library (default: the embedded ``jasyl/data/measures.yaml``)."""
    if path is None:
        text = (resources.files("jasyl") / "data" / "measures.yaml").read_text(encoding="utf-8")
        return parse_measures(text, "<embedded>/measures.yaml", use_catalogue=use_catalogue, override_prices=True)
    p = Path(path)
    if not p.exists():
        raise SchemaError("file not found", file=p, field="measures", fix="give the path of a measures YAML file")
    if p.is_dir():
        raise SchemaError("is a directory, not a measures file", file=p, field="measures", fix="give a .yaml file")
    try:
        text = p.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise SchemaError("is not a UTF-8 text file", file=p, fix="save the measures file as UTF-8 YAML") from None
    except OSError as exc:
        raise SchemaError(f"cannot be read: {exc.strerror}", file=p) from None
    return parse_measures(text, str(p), use_catalogue=use_catalogue)
