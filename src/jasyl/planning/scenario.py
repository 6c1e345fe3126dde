"""Scenario files for sweeps: schema, expansion into named scenarios, resolution and input hashes.

A scenario file (YAML, ``docs/sweep.md``) has a ``base`` (settings every scenario starts from) and
``axes`` (settings that vary), combined as a full ``grid``, as ``one-at-a-time`` ranges around the base
(for a tornado chart) or as an explicit ``list`` of scenarios. Base, axes and list entries share one
vocabulary of *settings* (:data:`SETTING_KINDS`): every field of the plan options, the weather, the
city, the technology catalogue and its numbers (discount rate, capital-cost multipliers per
technology, fuel and grid prices), the CO2 target or reduction, the solve method and horizon.

Each scenario is *resolved* into the planner's own inputs (:class:`jasyl.model.inputs.PlanInputs`,
arrays and numbers) before anything is solved; its ``input_hash`` is a digest of those resolved inputs
(every array and number the LP sees, plus the solve method and the weather checks). Two differently
named scenarios with the same hash mean that a setting did not reach the model: the sweep refuses to
start and names both. Bad files and values raise :class:`jasyl.errors.SchemaError` naming the file and
the field.
"""

from __future__ import annotations

import dataclasses
import difflib
import hashlib
import itertools
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal, get_type_hints

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from jasyl.errors import InputError, SchemaError, shorten
from jasyl.planning.options import PlanOptions
from jasyl.weather import DEFAULT_SEED
from jasyl.weather.stress import StressSpec
from jasyl.yamlfile import parse_yaml_mapping

__all__ = [
    "SweepSpec",
    "Scenario",
    "load_sweep_spec",
    "parse_sweep_spec",
    "normalize_setting",
    "expand",
    "setting_kind",
    "SETTING_KINDS",
    "OPTION_TYPES",
    "FIXED_SETTINGS",
    "PREFIX_SETTINGS",
    "COMBINE",
    "PlanOptions",
    "weather_label",
    "display_value",
    "axis_column",
    "canon",
    "stress_spec",
]

COMBINE = ("grid", "one-at-a-time", "list")
METHODS = ("exact", "typical-days")
DOCS = "see docs/sweep.md for the scenario file format"

#: fields of :class:`jasyl.planning.PlanOptions` that are not plan-option settings of a scenario: the
#: scenario's own ``city``, ``weather``, ``method`` and ``hours`` settings (richer: weather sources, several
#: design years) replace the first four; the report's language, measures and pathway do not apply
_NOT_OPTIONS = frozenset({"city", "weather", "method", "hours", "language", "measures", "pathway", "tradeoff"})

#: settings that are not plan-option fields: name -> what it is
FIXED_SETTINGS: dict[str, str] = {
    "city": "embedded city name or path of a city YAML (relative to the scenario file)",
    "weather": "weather source, or a list of sources to size one design on several years at once",
    "check_weather": "list of weather sources the fixed design is run through hour by hour",
    "catalogue": "path of a technology catalogue YAML (default: the embedded one)",
    "method": "exact | typical-days",
    "hours": "solve only the first N hours (24..8760) of each year; default the full year",
    "typical_days": "number of typical days for method typical-days (default 40)",
    "co2_reduction": "CO2 target as a reduction from today's CO2, 0..1 (1 = zero CO2); replaces target_co2_t",
    "discount_rate": "real discount rate of the catalogue, 0..0.5",
    "grid_import_price_usd_per_mwh": "grid import tariff, USD/MWh",
    "grid_export_price_usd_per_mwh": "price earned by exports, USD/MWh",
    "grid_emission_factor_t_per_mwh": "CO2 of grid imports, t/MWh",
}
#: settings with a suffix after a dot: prefix -> (what the suffix names, what the value is)
PREFIX_SETTINGS: dict[str, tuple[str, str]] = {
    "capex_multiplier": ("technology", "factor on the capital cost of the technology (1 = catalogue)"),
    "fuel_price_usd_per_mwh": ("fuel", "fuel price, USD/MWh"),
    "fuel_price_multiplier": ("fuel", "factor on the fuel price (1 = catalogue)"),
}


def _option_types() -> dict[str, Any]:
    hints = get_type_hints(PlanOptions)
    return {f.name: hints[f.name] for f in dataclasses.fields(PlanOptions) if f.name not in _NOT_OPTIONS}


OPTION_TYPES: dict[str, Any] = _option_types()
#: every setting name a scenario file may use (prefix settings as ``prefix.<name>``)
SETTING_KINDS: tuple[str, ...] = tuple(sorted(set(OPTION_TYPES) | set(FIXED_SETTINGS))) + tuple(
    f"{p}.<{what}>" for p, (what, _d) in PREFIX_SETTINGS.items())


def setting_kind(key: str) -> str:
    """``option`` | ``fixed`` | ``prefix``; raises KeyError for unknown settings."""
    if key in OPTION_TYPES:
        return "option"
    if key in FIXED_SETTINGS:
        return "fixed"
    head, _, tail = key.partition(".")
    if head in PREFIX_SETTINGS and tail:
        return "prefix"
    raise KeyError(key)


def axis_column(key: str) -> str:
    """Column name of a setting in results tables (dots become underscores: ``capex_multiplier_wind``)."""
    return re.sub(r"[^0-9A-Za-z_]", "_", key)


# --------------------------------------------------------------------------------------- weather sources
class _Synthetic(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: Literal["synthetic"] = "synthetic"
    seed: int = DEFAULT_SEED


class _File(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: Literal["file"] = "file"
    path: str
    year: int | None = None
    format: str | None = None


class _Stress(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: Literal["stress"] = "stress"
    of: Any = "synthetic"
    episode_hours: tuple[int, ...] = StressSpec.episode_hours
    calm_wind_factor: float = StressSpec.calm_wind_factor
    cold_anomaly_k: float = StressSpec.cold_anomaly_k
    irradiance_factor: float = StressSpec.irradiance_factor
    ramp_hours: int = StressSpec.ramp_hours
    min_gap_days: int = StressSpec.min_gap_days


def _is_file(p: Path, file: str, where: str) -> bool:
    """Whether ``p`` is a file; a name the file system refuses (too long, a NUL in it) is a user error."""
    try:
        return p.is_file()
    except (OSError, ValueError) as exc:
        raise SchemaError(f"not a usable file name ({shorten(exc, 80)})", file=file, field=where,
                          fix="give the path of an existing file") from None


def _weather_source(value: Any, base_dir: Path, where: str, file: str) -> dict[str, Any]:
    """A weather source in its canonical dict form (paths absolute)."""
    if isinstance(value, str):
        if value == "synthetic":
            return _Synthetic().model_dump()
        if value == "stress":
            return _weather_source({"kind": "stress"}, base_dir, where, file)
        value = {"kind": "file", "path": value}
    if not isinstance(value, Mapping):
        raise SchemaError(f"expected a weather source, got {shorten(repr(value), 80)}",
                              file=file, field=where,
                          fix="'synthetic', 'stress', a file path, {synthetic: SEED}, {file: PATH, year: Y} "
                              "or {stress: {...}}")
    data = dict(value)
    if "kind" not in data:  # shorthands {synthetic: 7}, {file: path, year: 2019}, {stress: {...}}
        if "synthetic" in data and len(data) == 1:
            data = {"kind": "synthetic", "seed": data["synthetic"]}
        elif "file" in data:
            data = {"kind": "file", "path": data.pop("file"), **data}
        elif "stress" in data and len(data) == 1:
            inner = data["stress"] if isinstance(data["stress"], Mapping) else {}
            data = {"kind": "stress", **inner}
    models: dict[str, type[BaseModel]] = {"synthetic": _Synthetic, "file": _File, "stress": _Stress}
    model = models.get(str(data.get("kind")), _Synthetic)
    if str(data.get("kind")) not in ("synthetic", "file", "stress"):
        raise SchemaError(f"unknown weather kind {shorten(repr(data.get('kind')), 80)}", file=file,
                          field=f"{where}.kind",
                          fix="synthetic, file or stress")
    try:
        out = model.model_validate(data).model_dump()
    except ValidationError as exc:
        raise _validation_error(exc, file, prefix=where) from None
    if out["kind"] == "file":
        p = Path(out["path"]).expanduser()
        p = p if p.is_absolute() else (base_dir / p)
        if not _is_file(p, file, where):
            raise SchemaError("the weather file does not exist", file=file, field=where,
                              fix=f"check the path ({shorten(p, 200)})")
        out["path"] = str(p.resolve())
    if out["kind"] == "stress":
        out["of"] = _weather_source(out["of"], base_dir, f"{where}.of", file)
        if out["of"]["kind"] == "stress":
            raise SchemaError("a stress year of a stress year", file=file, field=f"{where}.of",
                              fix="derive the stress year from 'synthetic' or a weather file")
        try:
            stress_spec(out)
        except InputError as exc:
            raise SchemaError(exc.message, file=file, field=f"{where}.{(exc.field or '').removeprefix('stress.')}",
                              fix=exc.fix) from None
        out["episode_hours"] = list(out["episode_hours"])
    return out


def stress_spec(src: Mapping[str, Any]) -> StressSpec:
    return StressSpec(episode_hours=tuple(int(h) for h in src["episode_hours"]),
                      calm_wind_factor=float(src["calm_wind_factor"]), cold_anomaly_k=float(src["cold_anomaly_k"]),
                      irradiance_factor=float(src["irradiance_factor"]), ramp_hours=int(src["ramp_hours"]),
                      min_gap_days=int(src["min_gap_days"])).check()


def weather_label(src: Mapping[str, Any] | list[Any]) -> str:
    """Short stable label of a weather source (``synthetic``, ``synthetic-seed7``, ``stress``, ``era5-2019``)."""
    if isinstance(src, list):
        return "+".join(weather_label(s) for s in src)
    kind = src["kind"]
    if kind == "synthetic":
        return "synthetic" if int(src["seed"]) == DEFAULT_SEED else f"synthetic-seed{int(src['seed'])}"
    if kind == "file":
        stem = Path(str(src["path"])).stem
        return f"{stem}-{src['year']}" if src.get("year") is not None else stem
    defaults = _Stress().model_dump()
    tweaked = any(src[k] != (list(defaults[k]) if isinstance(defaults[k], tuple) else defaults[k])
                  for k in ("episode_hours", "calm_wind_factor", "cold_anomaly_k", "irradiance_factor", "ramp_hours",
                            "min_gap_days"))
    of = weather_label(src["of"])
    label = "stress" if of == "synthetic" else f"stress({of})"
    if tweaked:
        digest = hashlib.sha256(repr(sorted((k, str(v)) for k, v in src.items() if k != "of")).encode()).hexdigest()
        label += f"-{digest[:6]}"
    return label


# --------------------------------------------------------------------------------------- settings
def _validation_error(exc: ValidationError, file: str, prefix: str = "") -> SchemaError:
    problems = []
    for err in exc.errors():
        loc = ".".join(str(p) if not isinstance(p, int) else f"[{p}]" for p in err["loc"]).replace(".[", "[")
        where = f"{prefix}.{loc}" if prefix and loc else (prefix or loc)
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            msg = "unknown field"
        elif err["type"] == "missing":
            msg = "required field is missing"
        problems.append((where, msg))
    where, msg = problems[0]
    msg = shorten(msg, 1200)
    if len(problems) > 1:
        msg += ". Also: " + "; ".join(f"{w}: {shorten(m, 300)}" for w, m in problems[1:5])
    return SchemaError(msg, file=file, field=where, fix=DOCS)


def _number(value: Any, where: str, file: str, lo: float = -math.inf, hi: float = math.inf,
            lo_open: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(float(value)):
        raise SchemaError(f"expected a number, got {shorten(repr(value), 80)}",
                              file=file, field=where, fix=DOCS)
    v = float(value)
    if v < lo or v > hi or (lo_open and v == lo):
        bound = f"{'>' if lo_open else '>='} {lo:g}" + (f" and <= {hi:g}" if math.isfinite(hi) else "")
        raise SchemaError(f"{v:g} is out of range", file=file, field=where, fix=f"expected a number {bound}")
    return v


def check_setting_key(key: str, *, file: str, where: str) -> str:
    """The kind of setting ``key`` (see :func:`setting_kind`); unknown names raise a SchemaError with a hint."""
    try:
        return setting_kind(key)
    except KeyError:
        known = sorted(set(OPTION_TYPES) | set(FIXED_SETTINGS) | {f"{p}.x" for p in PREFIX_SETTINGS})
        close = difflib.get_close_matches(key, known, n=1)
        hint = f"did you mean '{close[0]}'? " if close else ""
        raise SchemaError(f"unknown setting '{key}'", file=file, field=where,
                          fix=f"{hint}settings: {', '.join(SETTING_KINDS)}") from None


def normalize_setting(key: str, value: Any, *, base_dir: Path, file: str, where: str) -> Any:
    """Validate one setting and return its canonical, JSON-ready value (paths absolute)."""
    kind = check_setting_key(key, file=file, where=where)
    if kind == "option":  # the plan options check their own fields, as for `jasyl plan` and the web
        try:
            out = getattr(PlanOptions.from_dict({key: value}), key)
        except InputError as exc:
            raise SchemaError(exc.message, file=file, field=where, fix=exc.fix) from None
        return list(out) if isinstance(out, tuple) else out
    if kind == "prefix":
        head = key.partition(".")[0]
        if head.endswith("multiplier"):
            return _number(value, where, file, 0.0, 100.0)
        return _number(value, where, file, 0.0, 10_000.0)
    if key == "city":
        if not isinstance(value, str) or not value:
            raise SchemaError(f"expected a city name or path, got {shorten(repr(value), 80)}",
                              file=file, field=where, fix=DOCS)
        p = Path(value).expanduser()
        if p.suffix.lower() in (".yaml", ".yml") or "/" in value:
            p = p if p.is_absolute() else base_dir / p
            if not _is_file(p, file, where):
                raise SchemaError("the city file does not exist", file=file, field=where,
                                  fix=f"check the path ({shorten(p, 200)})")
            return str(p.resolve())
        return value
    if key == "catalogue":
        if value is None:
            return None
        p = Path(str(value)).expanduser()
        p = p if p.is_absolute() else base_dir / p
        if not _is_file(p, file, where):
            raise SchemaError("the catalogue file does not exist", file=file, field=where,
                              fix=f"check the path ({shorten(p, 200)})")
        return str(p.resolve())
    if key == "weather":
        if isinstance(value, list):
            if not value:
                raise SchemaError("an empty list of design years", file=file, field=where, fix="give at least one")
            return [_weather_source(v, base_dir, f"{where}[{i}]", file) for i, v in enumerate(value)]
        return _weather_source(value, base_dir, where, file)
    if key == "check_weather":
        values = value if isinstance(value, list) else [value]
        return [_weather_source(v, base_dir, f"{where}[{i}]", file) for i, v in enumerate(values)]
    if key == "method":
        if value not in METHODS and value != "typical_days":
            raise SchemaError(f"unknown method {shorten(repr(value), 80)}",
                              file=file, field=where, fix="exact or typical-days")
        return "typical-days" if value == "typical_days" else value
    if key == "hours":
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise SchemaError(f"expected a whole number of hours, got {shorten(repr(value), 80)}",
                              file=file, field=where,
                              fix="24..8760, e.g. 336 for two weeks")
        return int(_number(value, where, file, 24, 8760))
    if key == "typical_days":
        return int(_number(value, where, file, 4, 200))
    if key == "co2_reduction":
        return _number(value, where, file, 0.0, 1.0)
    if key == "discount_rate":
        return _number(value, where, file, 0.0, 0.5, lo_open=True)
    return _number(value, where, file, 0.0, 10_000.0)


def display_value(key: str, value: Any) -> str:
    """How a setting's value appears in scenario names and tables."""
    if key in ("weather", "check_weather"):
        return weather_label(value)
    if isinstance(value, list):
        return "+".join(str(v) for v in value)
    if isinstance(value, float):
        return f"{value:g}"
    if value is None:
        return "none"
    if isinstance(value, str) and ("/" in value or value.endswith((".yaml", ".yml"))):
        return Path(value).stem
    return str(value)


# --------------------------------------------------------------------------------------- the file
class _File_(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(default="sweep", min_length=1, max_length=80)
    description: str = ""
    base: dict[str, Any] = Field(default_factory=dict)
    combine: Literal["grid", "one-at-a-time", "list"] = "grid"
    axes: dict[str, list[Any]] = Field(default_factory=dict)
    scenarios: list[dict[str, Any]] = Field(default_factory=list)


@dataclass(frozen=True)
class SweepSpec:
    """A validated scenario file: canonical base settings, axes and combination rule."""

    name: str
    base: dict[str, Any]
    combine: str
    axes: dict[str, list[Any]]
    scenarios: list[dict[str, Any]]
    file: str = "<scenario file>"
    base_dir: str = "."
    description: str = ""

    def with_base(self, **settings: Any) -> SweepSpec:
        """A copy with base settings replaced (validated); used for CLI overrides (``--method`` ...)."""
        base = dict(self.base)
        for key, value in settings.items():
            base[key] = normalize_setting(key, value, base_dir=Path(self.base_dir), file=self.file,
                                          where=f"base.{key}")
        return replace(self, base=base)

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "description": self.description, "base": self.base, "combine": self.combine,
                "axes": self.axes, "scenarios": self.scenarios}


def parse_sweep_spec(data: Any, file: str = "<scenario file>", base_dir: str | Path = ".") -> SweepSpec:
    """Validate a scenario mapping (already parsed from YAML) into a :class:`SweepSpec`."""
    if not isinstance(data, Mapping):
        raise SchemaError("expected a YAML mapping with 'base' and 'axes'", file=file, fix=DOCS)
    try:
        raw = _File_.model_validate(dict(data))
    except ValidationError as exc:
        raise _validation_error(exc, file) from None
    bd = Path(base_dir)
    base = {k: normalize_setting(k, v, base_dir=bd, file=file, where=f"base.{k}") for k, v in raw.base.items()}
    if "co2_reduction" in base and "target_co2_t" in base:
        raise SchemaError("both target_co2_t and co2_reduction are set", file=file, field="base.co2_reduction",
                          fix="keep one of them")
    axes: dict[str, list[Any]] = {}
    for key, values in raw.axes.items():
        check_setting_key(key, file=file, where=f"axes.{key}")
        if not values:
            raise SchemaError("an axis without values", file=file, field=f"axes.{key}", fix="list at least one value")
        normalized = [normalize_setting(key, v, base_dir=bd, file=file, where=f"axes.{key}[{i}]")
                      for i, v in enumerate(values)]
        seen: dict[str, int] = {}
        for i, v in enumerate(normalized):
            label = canon(v)
            if label in seen:
                raise SchemaError(f"value {display_value(key, v)} is listed twice", file=file,
                                  field=f"axes.{key}[{i}]", fix="list each value once")
            seen[label] = i
        axes[key] = normalized
    if "co2_reduction" in axes and ("target_co2_t" in axes or "target_co2_t" in base):
        raise SchemaError("co2_reduction and target_co2_t both set", file=file, field="axes.co2_reduction",
                          fix="vary one of them and leave the other out of base")
    scenarios: list[dict[str, Any]] = []
    if raw.combine == "list":
        if not raw.scenarios:
            raise SchemaError("combine: list needs a 'scenarios' list", file=file, field="scenarios", fix=DOCS)
        if raw.axes:
            raise SchemaError("combine: list takes 'scenarios', not 'axes'", file=file, field="axes",
                              fix="move the settings into the scenarios list, or use combine: grid")
        for i, entry in enumerate(raw.scenarios):
            item: dict[str, Any] = {}
            for k, v in entry.items():
                if k == "name":
                    if not isinstance(v, str) or not v.strip():
                        raise SchemaError("a scenario name must be a non-empty text", file=file,
                                          field=f"scenarios[{i}].name", fix=DOCS)
                    item["name"] = v.strip()
                else:
                    item[k] = normalize_setting(k, v, base_dir=bd, file=file, where=f"scenarios[{i}].{k}")
            scenarios.append(item)
    elif raw.scenarios:
        raise SchemaError(f"'scenarios' is only read with combine: list (this file has combine: {raw.combine})",
                          file=file, field="scenarios", fix="use combine: list, or remove 'scenarios'")
    return SweepSpec(name=raw.name, base=base, combine=raw.combine, axes=axes, scenarios=scenarios, file=file,
                     base_dir=str(bd), description=raw.description)


def load_sweep_spec(path: str | Path) -> SweepSpec:
    """Read and validate a scenario YAML file."""
    p = Path(path)
    if not p.is_file():
        raise InputError("the scenario file does not exist", file=p, fix="give the path of a scenario YAML")
    try:
        text = p.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise SchemaError(f"the file is not UTF-8 text (byte {exc.start + 1})", file=p, field="encoding",
                          fix="save it as UTF-8 text") from None
    except OSError as exc:
        raise SchemaError(f"cannot read the file ({exc.__class__.__name__})", file=p,
                          fix="save it as UTF-8 text") from None
    data = parse_yaml_mapping(text, str(p), expected="with 'base' and 'axes'", fix=DOCS)
    return parse_sweep_spec(data, str(p), p.resolve().parent)


# --------------------------------------------------------------------------------------- expansion
@dataclass(frozen=True)
class Scenario:
    """One scenario: a stable name, its full settings and the settings it varies."""

    name: str
    settings: dict[str, Any]
    varied: dict[str, Any]
    axis: str = ""  # one-at-a-time: the axis this scenario moves ("" for the base)

    def to_task(self) -> dict[str, Any]:
        return {"name": self.name, "settings": self.settings, "varied": self.varied, "axis": self.axis}


def canon(value: Any) -> str:
    return repr(value) if not isinstance(value, dict | list) else repr(_sorted(value))


def _sorted(value: Any) -> Any:
    if isinstance(value, dict):
        return sorted((k, _sorted(v)) for k, v in value.items())
    if isinstance(value, list):
        return [_sorted(v) for v in value]
    return value


def _name(varied: Mapping[str, Any]) -> str:
    if not varied:
        return "base"
    return ",".join(f"{k}={display_value(k, v)}" for k, v in varied.items())


def expand(spec: SweepSpec) -> list[Scenario]:
    """The scenarios of a spec, in a stable order with stable names."""
    out: list[Scenario] = []
    if spec.combine == "list":
        for entry in spec.scenarios:
            varied = {k: v for k, v in entry.items() if k != "name"}
            out.append(Scenario(entry.get("name") or _name(varied), {**spec.base, **varied}, varied))
    elif spec.combine == "grid":
        keys = list(spec.axes)
        for combo in itertools.product(*(spec.axes[k] for k in keys)):
            varied = dict(zip(keys, combo, strict=True))
            out.append(Scenario(_name(varied), {**spec.base, **varied}, varied))
    else:  # one-at-a-time
        out.append(Scenario("base", dict(spec.base), {}))
        for key, values in spec.axes.items():
            for v in values:
                if key in spec.base and canon(spec.base[key]) == canon(v):
                    continue  # that is the base scenario
                out.append(Scenario(_name({key: v}), {**spec.base, key: v}, {key: v}, axis=key))
    names: dict[str, int] = {}
    for i, s in enumerate(out):
        if s.name in names:
            raise SchemaError(f"two scenarios are named '{s.name}'", file=spec.file,
                              field=f"scenarios[{i}].name", fix="give every scenario its own name")
        names[s.name] = i
    return out
