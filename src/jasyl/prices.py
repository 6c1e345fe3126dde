"""City-specific energy prices for the planner: city file -> country data -> technology catalogue.

Every price the planner uses for a city (grid tariff, export price, fuel prices on the financial and the
economic basis, the grid-connection reinforcement cost) is looked up in this order:

1. the city file's ``prices:`` section (figures with sources, see docs/city-format.md);
2. the city's country in ``data/factors/prices.yaml`` (sourced national figures);
3. the technology catalogue (``technologies.yaml``, Kazakh defaults) - the documented **fallback**, marked
   as such in the plan's assumptions so that a reader sees which figures are not the city's own.

The *economic* basis prices fuels at export-parity or unsubsidised prices (``economic_fuels_usd_per_mwh``);
a fuel without an economic price keeps its financial price (stated in the assumptions).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from jasyl.yamlfile import parse_yaml_mapping

__all__ = ["CityPrices", "PriceFigure", "city_prices", "country_prices", "PRICE_BASES"]

PRICE_BASES = ("financial", "economic")


@dataclass(frozen=True)
class PriceFigure:
    value: float
    source: str  # the reference, with "city file", "country data (KZ)" or "catalogue fallback" first
    origin: str  # "city", "country" or "fallback"


@dataclass
class CityPrices:
    """The prices of one city on both bases, each with where it came from."""

    grid_import_usd_per_mwh: PriceFigure
    grid_export_usd_per_mwh: PriceFigure
    export_credit_factor_t_per_mwh: PriceFigure
    fuels_usd_per_mwh: dict[str, PriceFigure]
    economic_fuels_usd_per_mwh: dict[str, PriceFigure]
    reinforcement_capex_usd_per_kw: PriceFigure
    reinforcement_lifetime_years: float
    reinforcement_fixed_om_fraction: float
    existing_connection_mw: PriceFigure | None  # None -> estimate from the peak demand
    connection_per_peak: float = 1.0
    notes: list[str] = field(default_factory=list)

    def fuel(self, carrier: str, basis: str = "financial") -> float:
        table = self.economic_fuels_usd_per_mwh if basis == "economic" else self.fuels_usd_per_mwh
        if carrier in table:
            return table[carrier].value
        return self.fuels_usd_per_mwh[carrier].value

    def assumptions(self) -> list[dict[str, Any]]:
        """Rows for the plan's assumptions table (name, value, unit, source)."""
        rows: list[dict[str, Any]] = []

        def add(name: str, fig: PriceFigure | None, unit: str) -> None:
            if fig is not None:
                rows.append({"name": name, "value": fig.value, "unit": unit, "source": fig.source})

        add("price.grid_import_usd_per_mwh", self.grid_import_usd_per_mwh, "USD/MWh")
        add("price.grid_export_usd_per_mwh", self.grid_export_usd_per_mwh, "USD/MWh")
        add("grid.export_credit_factor_t_per_mwh", self.export_credit_factor_t_per_mwh, "tCO2/MWh")
        for k, f in sorted(self.fuels_usd_per_mwh.items()):
            add(f"price.financial.{k}_usd_per_mwh", f, "USD/MWh")
        for k, f in sorted(self.economic_fuels_usd_per_mwh.items()):
            add(f"price.economic.{k}_usd_per_mwh", f, "USD/MWh")
        add("grid.reinforcement_capex_usd_per_kw", self.reinforcement_capex_usd_per_kw, "USD/kW")
        add("grid.existing_connection_mw", self.existing_connection_mw, "MW")
        return rows


def _text(entry: dict[str, Any]) -> str:
    parts = []
    if entry.get("source"):
        parts.append(str(entry["source"]))
    if entry.get("estimate"):
        parts.append("estimate: " + str(entry["estimate"]))
    if entry.get("year"):
        parts.append(f"year {entry['year']}")
    return "; ".join(parts)


def _figure(entry: Any, origin: str, label: str) -> PriceFigure:
    if isinstance(entry, dict):
        value = float(entry["value"])
        text = _text(entry)
    else:
        value, text = float(entry), "unsourced"
    return PriceFigure(value, f"{label}: {text}" if text else label, origin)


@cache
def _country_table() -> dict[str, Any]:
    file = "jasyl/data/factors/prices.yaml"
    text = resources.files("jasyl.data").joinpath("factors/prices.yaml").read_text(encoding="utf-8")
    return parse_yaml_mapping(text, file, expected="of country codes", fix="see jasyl/data/factors/prices.yaml")


def country_prices(country: str) -> dict[str, Any]:
    """The price entry of a country (ISO alpha-2) in the bundled data, or {} when there is none."""
    entry = _country_table().get(str(country).upper(), {})
    return dict(entry) if isinstance(entry, dict) else {}


def _city_section(city: Any) -> dict[str, Any]:
    prices = getattr(city, "prices", None)
    if prices is None:
        return {}
    if hasattr(prices, "model_dump"):
        dumped: dict[str, Any] = prices.model_dump(exclude_none=True)
        return dumped
    return dict(prices)


def city_prices(city: Any, catalogue: Any) -> CityPrices:
    """Prices of ``city`` (any object with ``country`` and optionally ``prices``) with their origin."""
    country = str(getattr(city, "country", "") or "").upper()
    own = _city_section(city)
    nat = country_prices(country)
    raw = getattr(catalogue, "raw", {}) or {}
    notes: list[str] = []

    def pick(key: str, fallback: Any, what: str) -> PriceFigure:
        if key in own:
            return _figure(own[key], "city", "city file")
        if key in nat:
            return _figure(nat[key], "country", f"country data ({country})")
        notes.append(f"{what}: no figure for the city or its country '{country}'; catalogue fallback used")
        return _figure(fallback, "fallback", "catalogue fallback (Kazakh default)")

    grid = raw.get("grid", {})
    imp = pick("grid_import_usd_per_mwh", grid.get("import_price_usd_per_mwh", catalogue.import_price_usd_per_mwh),
               "grid tariff")
    exp = pick("grid_export_usd_per_mwh", grid.get("export_price_usd_per_mwh", catalogue.export_price_usd_per_mwh),
               "export price")
    credit = pick("export_credit_factor_t_per_mwh",
                  grid.get("export_credit_factor_t_per_mwh", catalogue.export_credit_factor_t_per_mwh),
                  "export credit factor")
    fuels: dict[str, PriceFigure] = {}
    cat_fuels = raw.get("fuels", {})
    own_f = own.get("fuels_usd_per_mwh", {}) or {}
    nat_f = nat.get("fuels_usd_per_mwh", {}) or {}
    for carrier, price in catalogue.fuel_price_usd_per_mwh.items():
        if carrier in own_f:
            fuels[carrier] = _figure(own_f[carrier], "city", "city file")
        elif carrier in nat_f:
            fuels[carrier] = _figure(nat_f[carrier], "country", f"country data ({country})")
        else:
            entry = cat_fuels.get(carrier, price)
            if isinstance(entry, dict):
                entry = {**entry, "value": entry.get("price_usd_per_mwh", price)}
            fuels[carrier] = _figure(entry, "fallback", "catalogue fallback (Kazakh default)")
    eco: dict[str, PriceFigure] = {}
    own_e = own.get("economic_fuels_usd_per_mwh", {}) or {}
    nat_e = nat.get("economic_fuels_usd_per_mwh", {}) or {}
    for carrier in fuels:
        if carrier in own_e:
            eco[carrier] = _figure(own_e[carrier], "city", "city file")
        elif carrier in nat_e:
            eco[carrier] = _figure(nat_e[carrier], "country", f"country data ({country})")
        elif "KZ" != country and carrier in country_prices("KZ").get("economic_fuels_usd_per_mwh", {}):
            eco[carrier] = _figure(country_prices("KZ")["economic_fuels_usd_per_mwh"][carrier], "fallback",
                                   "fallback: Kazakh export-parity price")
        else:
            eco[carrier] = PriceFigure(fuels[carrier].value, "no economic price found: financial price used",
                                       fuels[carrier].origin)
    conn_nat = nat.get("grid_connection", {}) or country_prices("KZ").get("grid_connection", {})
    conn_own = own.get("grid_connection", {}) or {}
    capex_entry = conn_own.get("reinforcement_capex_usd_per_kw", conn_nat.get("reinforcement_capex_usd_per_kw", 200.0))
    origin = "city" if "reinforcement_capex_usd_per_kw" in conn_own else ("country" if nat.get("grid_connection")
                                                                          else "fallback")
    capex = _figure(capex_entry, origin, {"city": "city file", "country": f"country data ({country})",
                                          "fallback": "fallback: Kazakh figure"}[origin])
    existing = None
    if "existing_mw" in conn_own:
        existing = _figure(conn_own["existing_mw"], "city", "city file")

    def num(entry: Any, default: float) -> float:
        v = entry.get("value", default) if isinstance(entry, dict) else entry
        return float(v) if v is not None and math.isfinite(float(v)) else default

    return CityPrices(
        grid_import_usd_per_mwh=imp, grid_export_usd_per_mwh=exp, export_credit_factor_t_per_mwh=credit,
        fuels_usd_per_mwh=fuels, economic_fuels_usd_per_mwh=eco, reinforcement_capex_usd_per_kw=capex,
        reinforcement_lifetime_years=num(conn_nat.get("lifetime_years", 40.0), 40.0),
        reinforcement_fixed_om_fraction=num(conn_nat.get("fixed_om_fraction_of_capex", 0.02), 0.02),
        existing_connection_mw=existing,
        connection_per_peak=num(conn_nat.get("existing_mw_per_peak_demand", 1.0), 1.0),
        notes=notes,
    )
