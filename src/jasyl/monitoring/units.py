"""Unit normalisation with pint: every value is converted to its parameter's canonical unit.

Gas mixing ratios (ppm, ppb) become mass concentrations with the ideal-gas law at a stated
temperature and pressure: c = x * p * M / (R * T). Defaults are the US EPA reference conditions
(25 degC, 1013.25 hPa) that OpenAQ and AirNow use; Kazakh and Russian MPC are defined at 20 degC
(a 1.7 % difference); pass other conditions on ingest to change it. ``mg/L as N`` (or ``as P``) is
converted to mg/L of the ion with the factor in ``parameters.yaml``.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import numpy as np
import pint

from jasyl.monitoring.standards import ParamDef, parameter_def
from jasyl.units import registry

__all__ = ["ureg", "normalise_unit_text", "Conditions", "convert", "UnitProblem"]

_AS_ELEMENT = re.compile(r"^(?P<unit>.+?)\s*(?:as|как|в пересчёте на)\s+(?P<el>[A-Za-z]{1,2})\s*$", re.IGNORECASE)
_EXPONENT = re.compile(r"(?<=[A-Za-z])([23])(?![\d.])")


def ureg() -> pint.UnitRegistry:
    """The one pint registry of jasyl (:func:`jasyl.units.registry`)."""
    return registry()


class UnitProblem(ValueError):
    """The unit cannot be used for the parameter; the message says why."""


@dataclass(frozen=True)
class Conditions:
    """Temperature and pressure for converting gas mixing ratios."""

    temperature_c: float = 25.0
    pressure_hpa: float = 1013.25


def normalise_unit_text(unit: str) -> str:
    """Spelling variants to pint syntax: ``µg/m³`` -> ``ug/m^3``, ``mg/dm3`` -> ``mg/dm^3``."""
    text = str(unit).strip().replace("µ", "u").replace("μ", "u").replace("³", "^3").replace("²", "^2")
    text = text.replace("°C", "degC").replace("ºC", "degC")
    return _EXPONENT.sub(r"^\1", text)


def convert(values: np.ndarray, unit: str, parameter: str, cond: Conditions = Conditions()) -> np.ndarray:
    """Convert ``values`` in ``unit`` to the canonical unit of ``parameter``; raise UnitProblem."""
    pdef = parameter_def(parameter)
    text = normalise_unit_text(unit)
    if not text:
        raise UnitProblem("no unit given")
    factor = 1.0
    match = _AS_ELEMENT.match(text)
    if match:
        element = match.group("el")
        factors = pdef.as_element or {}
        if element not in factors:
            raise UnitProblem(f"unit '{unit}': '{parameter}' cannot be expressed as {element}")
        factor = factors[element]
        text = match.group("unit")
    return _convert(values, text, pdef, cond) * factor


def _convert(values: np.ndarray, text: str, pdef: ParamDef, cond: Conditions) -> np.ndarray:
    """Every conversion jasyl makes is affine (y = a x + b; b only for temperature scales): pint is asked
    once per unit, parameter and conditions, the values are then converted with numpy."""
    a, b = _affine(text, pdef, cond)
    return np.asarray(values, dtype=float) * a + b


@functools.lru_cache(maxsize=1024)
def _affine(text: str, pdef: ParamDef, cond: Conditions) -> tuple[float, float]:
    probe = np.array([0.0, 1.0])
    y = _convert_with_pint(probe, text, pdef, cond)
    return float(y[1] - y[0]), float(y[0])


def _convert_with_pint(values: np.ndarray, text: str, pdef: ParamDef, cond: Conditions) -> np.ndarray:
    reg = ureg()
    if pdef.unit == "pH":
        if text.lower() not in ("ph", "", "-", "1"):
            raise UnitProblem(f"unit '{text}' is not a pH unit")
        return values.astype(float)
    try:
        quantity = reg.Quantity(values.astype(float), text)
        target = reg.Unit(normalise_unit_text(pdef.unit))
    except (pint.errors.UndefinedUnitError, pint.errors.DefinitionSyntaxError, AttributeError,
            AssertionError, TypeError, ValueError) as exc:
        raise UnitProblem(f"unknown unit '{text}'") from exc
    if quantity.dimensionality == target.dimensionality:
        return np.asarray(quantity.to(target).magnitude, dtype=float)
    mass_conc = reg.Quantity(1.0, "kg/m^3").dimensionality
    if quantity.dimensionless and target.dimensionality == mass_conc:
        if pdef.molar_mass_g_mol is None:
            raise UnitProblem(f"unit '{text}' is a mixing ratio, but {pdef.name} is not a gas")
        moles_per_volume = reg.Quantity(cond.pressure_hpa, "hPa") / (
            reg.Quantity(1.0, "molar_gas_constant") * reg.Quantity(cond.temperature_c, "degC").to("K"))
        mass = reg.Quantity(pdef.molar_mass_g_mol, "g/mol")
        per_unit = (reg.Quantity(1.0, text).to("dimensionless") * moles_per_volume * mass).to(target).magnitude
        return np.asarray(values, dtype=float) * float(per_unit)
    raise UnitProblem(f"unit '{text}' cannot be converted to {pdef.unit} for {pdef.name}")
