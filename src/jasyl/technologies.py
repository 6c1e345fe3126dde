"""Technology catalogue: load ``technologies.yaml`` and derive annualised costs.

The YAML keeps each number beside its source; this module turns it into typed records. Capital costs
are annualised with the annuity factor ``r / (1 - (1 + r) ** -n)`` (discount rate ``r``, lifetime ``n``
years); fixed O&M is added per year.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from jasyl.errors import SchemaError, shorten
from jasyl.finance import annuity
from jasyl.yamlfile import parse_yaml_mapping

__all__ = [
    "Catalogue",
    "GeneratorTech",
    "StorageTech",
    "ConverterTech",
    "VehicleTech",
    "annuity",
    "load_catalogue",
    "cop_staffell_ashp",
    "supply_temperature_c",
    "capacity_derating",
]

DEFAULT_PATH = "technologies.yaml"


def supply_temperature_c(temp_air_c: np.ndarray, curve: dict[str, Any]) -> np.ndarray:
    """District-heating supply temperature from the outdoor temperature (a linear heating curve).

    ``curve``: ``design_outdoor_c`` / ``supply_at_design_c`` (e.g. -20 C / 95 C, the 95/70 schedule of
    Soviet-era networks) and ``balance_outdoor_c`` / ``supply_at_balance_c`` (e.g. +10 C / 65 C, the
    minimum that still gives hot tap water); constant outside that range.
    """
    t_d, s_d = float(curve["design_outdoor_c"]), float(curve["supply_at_design_c"])
    t_b, s_b = float(curve["balance_outdoor_c"]), float(curve["supply_at_balance_c"])
    x = np.clip(np.asarray(temp_air_c, dtype=float), min(t_d, t_b), max(t_d, t_b))
    return s_d + (s_b - s_d) * (x - t_d) / (t_b - t_d)


def capacity_derating(temp_air_c: np.ndarray, spec: dict[str, Any]) -> np.ndarray:
    """Share of an air-source heat pump's rated heat output available at the hourly air temperature.

    Linear from 1 at ``full_at_c`` (+7 C, the rating point) to ``fraction_at_minus15_c`` at -15 C (NEEP
    cold-climate specification: at least 0.70), continued below and floored at ``min_fraction``.
    """
    t_full = float(spec.get("full_at_c", 7.0))
    f15 = float(spec.get("fraction_at_minus15_c", 0.7))
    floor = float(spec.get("min_fraction", 0.5))
    t = np.asarray(temp_air_c, dtype=float)
    share = 1.0 - (1.0 - f15) * (t_full - t) / (t_full + 15.0)
    return np.clip(share, floor, 1.0)


def cop_staffell_ashp(temp_air_c: np.ndarray, sink_temperature_c: float | np.ndarray,
                      min_cop: float = 1.0) -> np.ndarray:
    """COP of an air-source heat pump from the hourly air temperature.

    Quadratic regression of manufacturers' data by Staffell et al. (2012), "A review of domestic heat
    pumps", Energy Environ. Sci. 5, 9291 (also used by PyPSA-Eur):
    ``COP = 6.81 - 0.121 dT + 0.000630 dT^2`` with ``dT = T_sink - T_air`` (K), limited to
    ``dT >= 15 K`` (range of the data), held at its minimum beyond ``dT = 96 K`` and ``COP >= min_cop``.
    """
    dt = np.maximum(np.asarray(sink_temperature_c, dtype=float) - np.asarray(temp_air_c, dtype=float), 15.0)
    # the quadratic has its minimum at dT = 0.121 / (2 x 0.000630) = 96 K; beyond it the fit would rise
    # again, an artefact of extrapolation: hold the minimum (COP never improves with a larger lift)
    dt = np.minimum(dt, 0.121 / (2 * 0.000630))
    cop = 6.81 - 0.121 * dt + 0.000630 * dt**2
    return np.maximum(cop, min_cop)


@dataclass(frozen=True)
class GeneratorTech:
    name: str
    label: str
    profile: str
    capex_usd_per_kw: float
    fixed_om_usd_per_kw_year: float
    variable_om_usd_per_mwh: float
    lifetime_years: float
    land_mw_per_km2: float | None = None
    roof_mw_per_km2: float | None = None


@dataclass(frozen=True)
class StorageTech:
    name: str
    label: str
    bus: str
    capex_power_usd_per_kw: float
    capex_energy_usd_per_kwh: float
    fixed_om_fraction_of_capex: float
    lifetime_years: float
    charge_efficiency: float
    discharge_efficiency: float
    standing_loss_per_hour: float
    energy_to_power_hours: float | None = None


@dataclass(frozen=True)
class ConverterTech:
    name: str
    label: str
    bus: str
    capex_usd_per_kw: float
    fixed_om_usd_per_kw_year: float
    variable_om_usd_per_mwh: float
    lifetime_years: float
    efficiency: float | None = None
    cop_model: dict[str, Any] | None = None
    derating: dict[str, Any] | None = None

    def sink_temperature(self, temp_air_c: np.ndarray) -> np.ndarray:
        """Hourly sink (supply) temperature: a heating curve, or the fixed ``sink_temperature_c``."""
        m = self.cop_model or {}
        if "supply_curve" in m:
            return supply_temperature_c(temp_air_c, m["supply_curve"])
        return np.full(len(temp_air_c), float(m.get("sink_temperature_c", 50.0)))

    def efficiency_series(self, temp_air_c: np.ndarray) -> np.ndarray:
        """Hourly heat output per unit of electricity (COP or boiler efficiency)."""
        n = len(temp_air_c)
        if self.cop_model is not None:
            return cop_staffell_ashp(temp_air_c, self.sink_temperature(temp_air_c),
                                     float(self.cop_model.get("min_cop", 1.0)))
        return np.full(n, float(self.efficiency or 1.0))

    def availability_series(self, temp_air_c: np.ndarray) -> np.ndarray | None:
        """Hourly share of the rated capacity available (cold-weather derating); None: always 1."""
        return None if self.derating is None else capacity_derating(temp_air_c, self.derating)


@dataclass(frozen=True)
class VehicleTech:
    name: str
    ev_kwh_per_km: float
    ev_premium_usd: float
    lifetime_years: float
    om_difference_usd_per_year: float


@dataclass
class Catalogue:
    """All technology data the planner uses (USD 2024)."""

    discount_rate: float
    import_price_usd_per_mwh: float
    export_price_usd_per_mwh: float
    grid_emission_factor_t_per_mwh: float
    export_credit_factor_t_per_mwh: float
    generators: dict[str, GeneratorTech]
    storage: dict[str, StorageTech]
    converters: dict[str, ConverterTech]
    fuel_price_usd_per_mwh: dict[str, float]
    fuel_emission_factor_t_per_mwh: dict[str, float]
    heat_efficiency: dict[str, float]
    district_heat_fuel: str
    district_network_loss_fraction: float
    vehicles: dict[str, VehicleTech]
    source_path: str = ""
    #: efficiency (heat out / fuel in) of the city's own boiler houses, when its city file gives them;
    #: None -> ``heat_efficiency[district_heat_fuel]``
    district_boiler_efficiency: float | None = None
    #: operating reserve of an islanded city: share of the electricity load + the largest infeed (MW)
    reserve_share_of_load: float = 0.10
    reserve_largest_infeed_mw: float = 4.5
    raw: dict[str, Any] = field(default_factory=dict, repr=False)

    # ----------------------------------------------------------------- annualised costs
    def capital_cost_per_mw_year(self, capex_usd_per_kw: float, lifetime: float, fom_per_kw_year: float) -> float:
        """Annualised capital + fixed O&M, USD per MW and year."""
        return 1000.0 * (capex_usd_per_kw * annuity(self.discount_rate, lifetime) + fom_per_kw_year)

    def vehicle(self, vehicle_class: str) -> VehicleTech:
        return self.vehicles.get(vehicle_class, self.vehicles["default"])

    def vehicle_cost_per_year(self, vehicle_class: str) -> float:
        """Extra annual cost of one electric vehicle over its fuel counterpart (USD/yr, excl. energy)."""
        v = self.vehicle(vehicle_class)
        return v.ev_premium_usd * annuity(self.discount_rate, v.lifetime_years) + v.om_difference_usd_per_year

    def assumptions(self) -> list[dict[str, Any]]:
        """Flat list of the catalogue's assumptions for reports (name, value, unit, source)."""
        out: list[dict[str, Any]] = []

        def src(entry: dict[str, Any]) -> str:
            parts = []
            if "source" in entry:
                parts.append(str(entry["source"]))
            if "estimate" in entry:
                parts.append("estimate: " + str(entry["estimate"]))
            if "year" in entry:
                parts.append(f"year {entry['year']}")
            return "; ".join(parts)

        r = self.raw
        out.append({"name": "discount_rate", "value": self.discount_rate, "unit": "1/yr",
                    "source": src(r["discount_rate"])})
        for key, unit in (("import_price_usd_per_mwh", "USD/MWh"), ("export_price_usd_per_mwh", "USD/MWh"),
                          ("emission_factor_t_per_mwh", "tCO2/MWh"),
                          ("export_credit_factor_t_per_mwh", "tCO2/MWh")):
            e = r["grid"][key]
            out.append({"name": f"grid.{key}", "value": e["value"], "unit": unit, "source": src(e)})
        for group in ("generators", "storage", "heat_converters"):
            for name, e in r[group].items():
                for k, v in e.items():
                    if isinstance(v, int | float) and not isinstance(v, bool):
                        out.append({"name": f"{name}.{k}", "value": float(v), "unit": _unit(k),
                                    "source": src(e)})
        for name, e in r["fuels"].items():
            for k in ("price_usd_per_mwh", "emission_factor_t_per_mwh"):
                out.append({"name": f"fuel.{name}.{k}", "value": float(e[k]),
                            "unit": "USD/MWh" if k.startswith("price") else "tCO2/MWh", "source": src(e)})
        for name, e in r["vehicles"].items():
            for k in ("ev_kwh_per_km", "ev_premium_usd", "lifetime_years"):
                out.append({"name": f"vehicle.{name}.{k}", "value": float(e[k]), "unit": _unit(k),
                            "source": src(e)})
        return out


def _unit(key: str) -> str:
    """Unit of a catalogue key from its name (``capex_usd_per_kw`` -> ``USD/kW``)."""
    words = {"usd": "USD", "kw": "kW", "kwh": "kWh", "mw": "MW", "mwh": "MWh", "km": "km", "km2": "km2",
             "year": "yr", "hour": "h", "t": "t"}
    if key.endswith("_years"):
        return "years"
    if key.endswith("efficiency") or key == "efficiency":
        return "1"
    if "fraction" in key:
        return "1/yr"
    if key.endswith("loss_per_hour"):
        return "1/h"
    parts = key.split("_")
    if "per" in parts:
        i = parts.index("per")
        num = [words[w] for w in parts[:i] if w in words]
        den = [words.get(w, w) for w in parts[i + 1:]]
        return (num[-1] if num else "1") + "/" + "/".join(den)
    return words.get(parts[-1], "")


def _value(entry: Any, where: str, file: str) -> float:
    if isinstance(entry, dict):
        entry = entry.get("value")
    if isinstance(entry, bool) or not isinstance(entry, int | float) or not math.isfinite(entry):
        raise SchemaError(f"expected a number, found {shorten(repr(entry))}", file=file, field=where,
                          fix="write a number (or {value: number, source: ...})")
    value = float(entry)
    last = where.rsplit(".", 1)[-1]
    if (last == "lifetime_years" or "efficiency" in last) and value <= 0:
        raise SchemaError(f"{value:g} must be > 0", file=file, field=where, fix="a positive number")
    if (last.endswith(("_fraction", "_fraction_of_capex")) or last == "standing_loss_per_hour") and not 0 <= value <= 1:
        raise SchemaError(f"{value:g} is not a fraction in 0..1", file=file, field=where, fix="a number from 0 to 1")
    return value


def _cop_model(m: dict[str, Any], where: str, file: str) -> dict[str, Any]:
    """A COP model: kind staffell_ashp with numbers for the sink temperature and the lowest COP."""
    if m.get("kind", "staffell_ashp") != "staffell_ashp":
        raise SchemaError(f"unknown COP model '{shorten(m.get('kind'))}'", file=file, field=f"{where}.kind",
                          fix="kind: staffell_ashp")
    out = dict(m)
    for key in ("sink_temperature_c", "min_cop"):
        if key in m:
            out[key] = _value(m[key], f"{where}.{key}", file)
    return out


def _section(d: Any, key: str, where: str, file: str) -> dict[str, Any]:
    """A mapping entry (a section of the catalogue or one technology)."""
    value = _require(d, key, where, file)
    if not isinstance(value, dict):
        raise SchemaError(f"expected a mapping, found {shorten(repr(value))}", file=file,
                          field=f"{where}.{key}" if where else key, fix="see the embedded technologies.yaml")
    return value


def _require(d: dict[str, Any], key: str, where: str, file: str) -> Any:
    if not isinstance(d, dict) or key not in d:
        raise SchemaError("missing entry", file=file, field=f"{where}.{key}" if where else key,
                          fix=f"add '{key}' (see the embedded technologies.yaml)")
    return d[key]


def _check_sourced(entry: Any, where: str, file: str) -> None:
    if not isinstance(entry, dict):
        raise SchemaError(f"expected a mapping, found {shorten(repr(entry))}", file=file, field=where,
                          fix="see the embedded technologies.yaml")
    if "source" not in entry and "estimate" not in entry:
        raise SchemaError("number without a source", file=file, field=where,
                          fix="add 'source:' (and 'year:') or 'estimate:' with the reasoning")


def load_catalogue(path: str | Path | None = None) -> Catalogue:
    """Load the technology catalogue (default: the embedded ``jasyl/data/technologies.yaml``)."""
    if path is None:
        text = resources.files("jasyl.data").joinpath(DEFAULT_PATH).read_text(encoding="utf-8")
        file = f"jasyl/data/{DEFAULT_PATH}"
    else:
        p = Path(path)
        if not p.is_file():
            raise SchemaError("file not found", file=p, fix="give the path of a technology catalogue YAML")
        try:
            text = p.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError as exc:
            raise SchemaError(f"is not UTF-8 text (byte {exc.start})", file=p, field="encoding",
                              fix="save the catalogue as UTF-8 YAML") from None
        file = str(p)
    raw = parse_yaml_mapping(
        text, file, expected="of catalogue sections (grid, generators, ...)", fix="see jasyl/data/technologies.yaml"
    )

    def num(d: dict[str, Any], key: str, where: str) -> float:
        return _value(_require(d, key, where, file), f"{where}.{key}" if where else key, file)

    grid = _section(raw, "grid", "", file)
    gens: dict[str, GeneratorTech] = {}
    for name, e in _section(raw, "generators", "", file).items():
        w = f"generators.{name}"
        _check_sourced(e, w, file)
        gens[name] = GeneratorTech(
            name=name, label=str(e.get("label", name)), profile=str(_require(e, "profile", w, file)),
            capex_usd_per_kw=num(e, "capex_usd_per_kw", w),
            fixed_om_usd_per_kw_year=num(e, "fixed_om_usd_per_kw_year", w),
            variable_om_usd_per_mwh=num(e, "variable_om_usd_per_mwh", w),
            lifetime_years=num(e, "lifetime_years", w),
            land_mw_per_km2=num(e, "land_mw_per_km2", w) if "land_mw_per_km2" in e else None,
            roof_mw_per_km2=num(e, "roof_mw_per_km2", w) if "roof_mw_per_km2" in e else None,
        )
    stores: dict[str, StorageTech] = {}
    for name, e in _section(raw, "storage", "", file).items():
        w = f"storage.{name}"
        _check_sourced(e, w, file)
        stores[name] = StorageTech(
            name=name, label=str(e.get("label", name)), bus=str(_require(e, "bus", w, file)),
            capex_power_usd_per_kw=num(e, "capex_power_usd_per_kw", w),
            capex_energy_usd_per_kwh=num(e, "capex_energy_usd_per_kwh", w),
            fixed_om_fraction_of_capex=num(e, "fixed_om_fraction_of_capex", w),
            lifetime_years=num(e, "lifetime_years", w),
            charge_efficiency=num(e, "charge_efficiency", w),
            discharge_efficiency=num(e, "discharge_efficiency", w),
            standing_loss_per_hour=num(e, "standing_loss_per_hour", w),
            energy_to_power_hours=num(e, "energy_to_power_hours", w) if "energy_to_power_hours" in e else None,
        )
    convs: dict[str, ConverterTech] = {}
    for name, e in _section(raw, "heat_converters", "", file).items():
        w = f"heat_converters.{name}"
        _check_sourced(e, w, file)
        if "cop_model" not in e and "efficiency" not in e:
            raise SchemaError("needs 'efficiency' or 'cop_model'", file=file, field=w)
        convs[name] = ConverterTech(
            name=name, label=str(e.get("label", name)), bus=str(_require(e, "bus", w, file)),
            capex_usd_per_kw=num(e, "capex_usd_per_kw", w),
            fixed_om_usd_per_kw_year=num(e, "fixed_om_usd_per_kw_year", w),
            variable_om_usd_per_mwh=num(e, "variable_om_usd_per_mwh", w),
            lifetime_years=num(e, "lifetime_years", w),
            efficiency=num(e, "efficiency", w) if "efficiency" in e else None,
            cop_model=(_cop_model(_section(e, "cop_model", w, file), f"{w}.cop_model", file)
                       if "cop_model" in e else None),
            derating=dict(_section(e, "derating", w, file)) if "derating" in e else None,
        )
    fuels = _section(raw, "fuels", "", file)
    price = {k: num(v, "price_usd_per_mwh", f"fuels.{k}") for k, v in fuels.items()}
    ef = {k: num(v, "emission_factor_t_per_mwh", f"fuels.{k}") for k, v in fuels.items()}
    for k, v in fuels.items():
        _check_sourced(v, f"fuels.{k}", file)
    eh = _section(raw, "existing_heat", "", file)
    eff = {k: _value(v, f"existing_heat.efficiency.{k}", file)
           for k, v in _section(eh, "efficiency", "existing_heat", file).items()}
    vehicles: dict[str, VehicleTech] = {}
    for name, e in _section(raw, "vehicles", "", file).items():
        w = f"vehicles.{name}"
        _check_sourced(e, w, file)
        vehicles[name] = VehicleTech(
            name=name, ev_kwh_per_km=num(e, "ev_kwh_per_km", w), ev_premium_usd=num(e, "ev_premium_usd", w),
            lifetime_years=num(e, "lifetime_years", w),
            om_difference_usd_per_year=num(e, "om_difference_usd_per_year", w),
        )
    if "default" not in vehicles:
        raise SchemaError("missing entry", file=file, field="vehicles.default",
                          fix="add a 'default' vehicle class used for classes not listed")
    cat = Catalogue(
        discount_rate=num(raw, "discount_rate", ""),
        import_price_usd_per_mwh=num(grid, "import_price_usd_per_mwh", "grid"),
        export_price_usd_per_mwh=num(grid, "export_price_usd_per_mwh", "grid"),
        grid_emission_factor_t_per_mwh=num(grid, "emission_factor_t_per_mwh", "grid"),
        export_credit_factor_t_per_mwh=num(grid, "export_credit_factor_t_per_mwh", "grid"),
        generators=gens, storage=stores, converters=convs,
        fuel_price_usd_per_mwh=price, fuel_emission_factor_t_per_mwh=ef,
        heat_efficiency=eff, district_heat_fuel=str(_require(eh, "district_heat_fuel", "existing_heat", file)),
        district_network_loss_fraction=_value(
            _require(eh, "district_network_loss_fraction", "existing_heat", file),
            "existing_heat.district_network_loss_fraction", file),
        vehicles=vehicles, source_path=file, raw=raw,
    )
    if "operating_reserve" in raw:
        res = raw["operating_reserve"]
        cat.reserve_share_of_load = num(res, "share_of_load", "operating_reserve")
        cat.reserve_largest_infeed_mw = num(res, "largest_infeed_mw", "operating_reserve")
    if not 0 <= cat.discount_rate < 1:
        raise SchemaError(f"discount rate {cat.discount_rate} out of range", file=file, field="discount_rate",
                          fix="a fraction such as 0.08")
    return cat
