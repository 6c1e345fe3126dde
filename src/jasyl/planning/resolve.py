"""Resolving scenarios into the planner's own inputs, and the hash of those inputs.

:class:`Resolver` turns a scenario's settings (:mod:`jasyl.planning.scenario`) into
:class:`jasyl.model.inputs.PlanInputs` (arrays and numbers the LP sees), the inputs of its weather
checks and its solve settings; :func:`inputs_hash` digests them. Cities, weather and profiles are cached
per process, so a sweep loads and profiles each city-weather pair once per process.
"""

from __future__ import annotations

import dataclasses
import difflib
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from jasyl.city import City
from jasyl.errors import InputError, SchemaError
from jasyl.model.city_inputs import InputOptions
from jasyl.model.inputs import PlanInputs
from jasyl.model.multiyear import concat_years
from jasyl.planning.city_inputs import CityData, inputs_from_city, profiles_for
from jasyl.planning.options import PlanOptions
from jasyl.planning.run import input_options
from jasyl.planning.scenario import (
    DOCS,
    OPTION_TYPES,
    PREFIX_SETTINGS,
    Scenario,
    canon,
    display_value,
    stress_spec,
    weather_label,
)
from jasyl.profiles import normals_for_city
from jasyl.technologies import Catalogue, load_catalogue
from jasyl.weather import DEFAULT_SEED, read_weather, synthetic_year
from jasyl.weather.stress import stress_year

__all__ = ["Resolver", "ResolvedScenario", "inputs_hash", "patch_catalogue", "price_overrides"]


# --------------------------------------------------------------------------------------- hashing
def _feed(h: Any, obj: Any) -> None:
    """Feed a canonical form of ``obj`` into hash ``h``; floats rounded to 40 bits of mantissa so the same
    computation on another CPU (other SIMD paths in numpy) gives the same digest."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        h.update(type(obj).__name__.encode())
        for f in dataclasses.fields(obj):
            if f.name in _DOCUMENTARY:
                continue
            h.update(f"|{f.name}=".encode())
            _feed(h, getattr(obj, f.name))
    elif isinstance(obj, pd.Index):
        _feed(h, np.asarray(obj.asi8 if isinstance(obj, pd.DatetimeIndex) else obj, dtype=float))
    elif isinstance(obj, np.ndarray | float | np.floating) or (isinstance(obj, int) and not isinstance(obj, bool)):
        a = np.atleast_1d(np.asarray(obj, dtype=float))
        a = np.where(a == 0.0, 0.0, a)  # -0.0 == 0.0
        m, e = np.frexp(np.nan_to_num(a, nan=0.123456789, posinf=1e308, neginf=-1e308))
        h.update(f"a{a.shape}".encode())
        h.update(np.round(m * 2.0**40).astype(np.int64).tobytes())
        h.update(e.astype(np.int64).tobytes())
    elif isinstance(obj, Mapping):
        h.update(b"{")
        for k in sorted(obj, key=str):
            h.update(f"{k}:".encode())
            _feed(h, obj[k])
        h.update(b"}")
    elif isinstance(obj, list | tuple):
        h.update(f"[{len(obj)}".encode())
        for v in obj:
            _feed(h, v)
    elif obj is None or isinstance(obj, bool | str):
        h.update(repr(obj).encode())
    else:
        h.update(repr(obj).encode())


#: PlanInputs fields that document but do not change the problem
_DOCUMENTARY = frozenset({"assumptions", "limit_labels", "city"})


def inputs_hash(*parts: Any) -> str:
    """SHA-256 (hex) of resolved inputs: PlanInputs, numbers, strings, lists and dicts of them."""
    h = hashlib.sha256(b"jasyl-inputs-v1")
    for p in parts:
        _feed(h, p)
    return h.hexdigest()


# --------------------------------------------------------------------------------------- resolution
@dataclass
class ResolvedScenario:
    """Everything one scenario solves: the design problem, the weather checks and the solve settings."""

    name: str
    inputs: PlanInputs  # design problem (several years joined when sized on several years)
    checks: list[tuple[str, PlanInputs]]  # (weather label, full-year inputs) to run the fixed design through
    method: str
    typical_days: int
    input_hash: str
    values: dict[str, Any] = field(default_factory=dict)  # resolved value of every setting (for the results row)
    design_years: list[str] = field(default_factory=list)


def patch_catalogue(cat: Catalogue, settings: Mapping[str, Any], file: str = "<scenario file>",
                    where: str = "") -> Catalogue:
    """The catalogue with the scenario's catalogue settings applied (names checked against it)."""
    out = replace(cat, generators=dict(cat.generators), storage=dict(cat.storage), converters=dict(cat.converters),
                  vehicles=dict(cat.vehicles), fuel_price_usd_per_mwh=dict(cat.fuel_price_usd_per_mwh))
    for key, value in settings.items():
        head, _, name = key.partition(".")
        at = f"{where}{key}"
        if key == "discount_rate":
            out.discount_rate = float(value)
        elif key in _PRICE_KEYS:
            pass  # prices and the grid factor are overrides of the planner inputs (price_overrides)
        elif head == "capex_multiplier":
            m = float(value)
            if name in out.generators:
                g = out.generators[name]
                out.generators[name] = replace(g, capex_usd_per_kw=g.capex_usd_per_kw * m)
            elif name in out.storage:
                s = out.storage[name]
                out.storage[name] = replace(s, capex_power_usd_per_kw=s.capex_power_usd_per_kw * m,
                                            capex_energy_usd_per_kwh=s.capex_energy_usd_per_kwh * m)
            elif name in out.converters:
                c = out.converters[name]
                out.converters[name] = replace(c, capex_usd_per_kw=c.capex_usd_per_kw * m)
            elif name.removeprefix("ev_") in out.vehicles or name == "ev":
                classes = list(out.vehicles) if name == "ev" else [name.removeprefix("ev_")]
                for vc in classes:
                    v = out.vehicles[vc]
                    out.vehicles[vc] = replace(v, ev_premium_usd=v.ev_premium_usd * m)
            else:
                known = sorted(list(out.generators) + list(out.storage) + list(out.converters) + ["ev"]
                               + [f"ev_{v}" for v in out.vehicles])
                close = difflib.get_close_matches(name, known, n=1)
                raise SchemaError(f"no technology '{name}' in the technology catalogue", file=file, field=at,
                                  fix=(f"did you mean '{close[0]}'? " if close else "") + f"one of {', '.join(known)}")
        elif head in ("fuel_price_usd_per_mwh", "fuel_price_multiplier"):
            if name not in out.fuel_price_usd_per_mwh:
                raise SchemaError(f"no fuel '{name}' in the technology catalogue", file=file, field=at,
                                  fix=f"one of {', '.join(sorted(out.fuel_price_usd_per_mwh))}")
    return out


_PRICE_KEYS = frozenset({"grid_import_price_usd_per_mwh", "grid_export_price_usd_per_mwh",
                         "grid_emission_factor_t_per_mwh"})


def price_overrides(settings: Mapping[str, Any]) -> dict[str, Any]:
    """The scenario's fuel and grid prices and grid factor as planner-input overrides: they win over the
    city file, its country's data and the catalogue (a catalogue patch alone would not reach a city whose
    file states its own prices)."""
    out: dict[str, Any] = {"fuel_price_usd_per_mwh": {}, "fuel_price_multiplier": {}}
    for key, value in settings.items():
        head, _, name = key.partition(".")
        if key in _PRICE_KEYS:
            out[key] = float(value)
        elif head in ("fuel_price_usd_per_mwh", "fuel_price_multiplier"):
            out[head][name] = float(value)
    return out


_CATALOGUE_KEYS = frozenset({"discount_rate", "grid_import_price_usd_per_mwh", "grid_export_price_usd_per_mwh",
                             "grid_emission_factor_t_per_mwh"})


def _is_catalogue_key(key: str) -> bool:
    return key in _CATALOGUE_KEYS or key.partition(".")[0] in PREFIX_SETTINGS


class Resolver:
    """Resolves scenarios into :class:`ResolvedScenario` with caches for cities, weather and profiles.

    One resolver per process (the sweep coordinator and each Dask worker have their own); caches are
    keyed by the canonical settings, so the same city and weather are loaded and profiled once.
    """

    def __init__(self, file: str = "<scenario file>") -> None:
        self.file = file
        self._profiles: dict[str, Any] = {}

    # ------------------------------------------------------------------ cached pieces
    @staticmethod
    @lru_cache(maxsize=8)
    def _city(ref: str) -> CityData:
        return CityData.load(None if ref == "" else ref)

    @staticmethod
    @lru_cache(maxsize=8)
    def _catalogue(path: str) -> Catalogue:
        return load_catalogue(path or None)

    def weather_table(self, city: City, src: Mapping[str, Any]) -> pd.DataFrame:
        """The Weather table of a source for ``city``."""
        loc = city.location
        if src["kind"] == "synthetic":
            return synthetic_year(loc, normals_for_city(city), seed=int(src["seed"]))
        if src["kind"] == "file":
            return read_weather(src["path"], src.get("format"), year=src.get("year"),
                                fallback_location=(loc.latitude, loc.longitude, loc.elevation_m))
        return stress_year(self.weather_table(city, src["of"]), stress_spec(src))

    def profiles(self, city_ref: str, src: Mapping[str, Any]) -> Any:
        key = city_ref + "|" + canon(dict(src))
        if key not in self._profiles:
            data = self._city(city_ref)
            if len(self._profiles) > 16:
                self._profiles.pop(next(iter(self._profiles)))
            self._profiles[key] = profiles_for(data, self.weather_table(data.city, src))
        return self._profiles[key]

    def year_inputs(self, city_ref: str, src: Mapping[str, Any], cat: Catalogue,
                    options: InputOptions) -> PlanInputs:
        return inputs_from_city(self._city(city_ref), self.profiles(city_ref, src), options, cat)

    # ------------------------------------------------------------------ one scenario
    def resolve(self, scenario: Scenario | Mapping[str, Any]) -> ResolvedScenario:
        if isinstance(scenario, Mapping):
            scenario = Scenario(scenario["name"], dict(scenario["settings"]), dict(scenario.get("varied", {})),
                                str(scenario.get("axis", "")))
        s = scenario.settings
        where = ""
        city_ref = str(s.get("city") or "")
        cat = patch_catalogue(self._catalogue(str(s.get("catalogue") or "")),
                              {k: v for k, v in s.items() if _is_catalogue_key(k)}, self.file, where)
        opt_values: dict[str, Any] = {k: (tuple(v) if isinstance(v, list) else v)
                                      for k, v in s.items() if k in OPTION_TYPES}
        extra = [{"name": f"scenario.{k}", "value": display_value(k, v), "unit": "", "source": "scenario file"}
                 for k, v in s.items() if _is_catalogue_key(k)]
        try:
            plan_options = PlanOptions(**opt_values)
            options = replace(input_options(plan_options), extra_assumptions=extra, **price_overrides(s))
        except InputError as exc:
            raise SchemaError(exc.message, file=self.file, field=exc.field or "", fix=exc.fix or DOCS) from None
        weather = s.get("weather") or {"kind": "synthetic", "seed": DEFAULT_SEED}
        years = weather if isinstance(weather, list) else [weather]
        hours = s.get("hours")

        def horizon(inp: PlanInputs) -> PlanInputs:
            if hours is None or int(hours) >= inp.n_hours:
                return inp
            return inp.subset(0, int(hours))

        if "co2_reduction" in s:
            # today's CO2 of the horizon solved (a window's own baseline, per year), as jasyl tradeoff does
            probe = horizon(self.year_inputs(city_ref, years[0], cat, replace(options, target_co2_t=0.0)))
            today = float(sum(probe.baseline.get("co2_by_sector_t", {}).values()))
            options = replace(options, target_co2_t=max(0.0, (1.0 - float(s["co2_reduction"])) * today))

        design = [horizon(self.year_inputs(city_ref, y, cat, options)) for y in years]
        inputs = concat_years(design)
        checks = [(weather_label(c), horizon(self.year_inputs(city_ref, c, cat, options)))
                  for c in s.get("check_weather") or []]
        method = str(s.get("method") or "exact")
        td = int(s.get("typical_days") or 40)
        values = {k: v for k, v in s.items()}
        values["target_co2_t"] = options.target_co2_t
        values.setdefault("discount_rate", cat.discount_rate)
        digest = inputs_hash(inputs, [c for _l, c in checks], method, td if method == "typical-days" else 0)
        return ResolvedScenario(scenario.name, inputs, checks, method, td, digest, values,
                                [weather_label(y) for y in years])
