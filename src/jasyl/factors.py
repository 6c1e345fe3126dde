"""The emission-factor catalogue: fuel properties, GWP sets and grid/heat factors as data with sources.

The numbers live in ``jasyl/data/factors/*.yaml``; this module only reads them and converts
activity amounts (t, m3, l, MWh, Gcal ...) to energy on a net-calorific-value basis.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import yaml

from jasyl.errors import InputError
from jasyl.units import convert, dimension_of
from jasyl.vocabulary import SECONDARY_CARRIERS as VOCAB_SECONDARY

__all__ = [
    "FuelFactors",
    "fuels",
    "gwp",
    "gwp_sets",
    "country_factors",
    "amount_to_mwh",
    "GWP_DEFAULT",
]

GWP_DEFAULT = "AR5"
SECONDARY_CARRIERS = tuple(sorted(VOCAB_SECONDARY))  # given in energy units only (jasyl.vocabulary)


def _read(name: str) -> Any:
    text = (resources.files("jasyl") / "data" / "factors" / name).read_text(encoding="utf-8")
    return yaml.safe_load(text)


@dataclass(frozen=True)
class FuelFactors:
    """Properties of one fuel (IPCC 2006 defaults unless the data file says otherwise)."""

    name: str
    label: str
    kind: str
    ncv_mj_per_kg: float
    co2_kg_per_tj: float
    ch4_kg_per_tj: dict[str, float] = field(default_factory=dict)
    n2o_kg_per_tj: dict[str, float] = field(default_factory=dict)
    ncv_mj_per_m3: float | None = None
    density_kg_per_l: float | None = None
    biogenic: bool = False

    def non_co2(self, use: str) -> tuple[float, float]:
        """(CH4, N2O) in kg/TJ for a use (``residential``, ``on_road`` ...)."""
        if use not in self.ch4_kg_per_tj:
            raise InputError(
                f"no CH4/N2O factor for {self.name} used in {use}",
                field="fuel",
                fix=f"{self.name} is catalogued for: {', '.join(self.ch4_kg_per_tj)}",
            )
        return self.ch4_kg_per_tj[use], self.n2o_kg_per_tj[use]


@cache
def fuels() -> dict[str, FuelFactors]:
    """All combustible fuels of the catalogue, by name."""
    data = _read("fuels.yaml")["fuels"]
    out: dict[str, FuelFactors] = {}
    for name, spec in data.items():
        out[name] = FuelFactors(
            name=name,
            label=spec["label"],
            kind=spec["kind"],
            ncv_mj_per_kg=float(spec["ncv_mj_per_kg"]),
            co2_kg_per_tj=float(spec["co2_kg_per_tj"]),
            ch4_kg_per_tj={k: float(v) for k, v in spec["ch4_kg_per_tj"].items()},
            n2o_kg_per_tj={k: float(v) for k, v in spec["n2o_kg_per_tj"].items()},
            ncv_mj_per_m3=float(spec["ncv_mj_per_m3"]) if "ncv_mj_per_m3" in spec else None,
            density_kg_per_l=float(spec["density_kg_per_l"]) if "density_kg_per_l" in spec else None,
            biogenic=bool(spec.get("biogenic", False)),
        )
    return out


@cache
def gwp_sets() -> dict[str, dict[str, Any]]:
    """GWP100 sets by name (``AR5``, ``AR6``), each with ``co2``, ``ch4``, ``n2o``, ``source``."""
    return dict(_read("gwp.yaml")["sets"])


def gwp(name: str = GWP_DEFAULT) -> dict[str, float]:
    """GWP100 values of one set: ``{"co2": 1, "ch4": 28, "n2o": 265}`` for AR5."""
    sets = gwp_sets()
    if name not in sets:
        raise InputError(f"unknown GWP set '{name}'", field="gwp_set", fix=f"use one of {', '.join(sets)}")
    spec = sets[name]
    return {"co2": float(spec["co2"]), "ch4": float(spec["ch4"]), "n2o": float(spec["n2o"])}


@cache
def _grid() -> dict[str, Any]:
    return dict(_read("grid.yaml"))


def country_factors(country: str) -> dict[str, Any]:
    """Catalogued grid-electricity and district-heat factors of a country (ISO 3166 alpha-2)."""
    return dict(_grid().get(country.upper(), {}))


def amount_to_mwh(fuel: str, value: float, unit: str, *, where: str = "amount") -> float:
    """Energy content (net calorific value) in MWh of an amount of ``fuel`` given in ``unit``.

    Mass uses the fuel's NCV; volume uses its volumetric NCV (gases) or density x NCV (liquids);
    energy units are converted directly.
    """
    dim = dimension_of(unit)
    if dim == "energy":
        return convert(value, unit, "MWh")
    if fuel in SECONDARY_CARRIERS:
        raise InputError(
            f"{fuel} must be given in energy units, got '{unit}'", field=where, fix="use MWh, GWh, Gcal or GJ"
        )
    spec = fuels()[fuel]
    if dim == "mass":
        kg = convert(value, unit, "kg")
        return kg * spec.ncv_mj_per_kg / 3600.0
    if dim == "volume":
        m3 = convert(value, unit, "m3")
        if spec.ncv_mj_per_m3 is not None:
            return m3 * spec.ncv_mj_per_m3 / 3600.0
        if spec.density_kg_per_l is not None:
            return m3 * 1000.0 * spec.density_kg_per_l * spec.ncv_mj_per_kg / 3600.0
        raise InputError(
            f"{fuel} cannot be given by volume ('{unit}')", field=where, fix="give it in t or in energy units (MWh, GJ)"
        )
    raise InputError(f"unit '{unit}' is not an amount of {fuel}", field=where, fix="use t, m3, l, MWh, Gcal or GJ")
