"""Units of activity data, converted with pint.

Only the unit spellings in :data:`UNITS` are accepted in city files. A free-form pint parse would
accept surprises such as ``kt`` (pint reads it as *knot*), so every accepted spelling maps to an
explicit pint expression, and anything else is an :class:`~jasyl.errors.InputError` that lists the
accepted spellings.
"""

from __future__ import annotations

from functools import cache
from typing import Literal

import pint

__all__ = ["UNITS", "Dimension", "dimension_of", "convert", "registry"]

Dimension = Literal["mass", "volume", "energy", "distance", "count"]

#: accepted spelling -> (pint expression, dimension)
UNITS: dict[str, tuple[str, Dimension]] = {
    "kg": ("kilogram", "mass"),
    "t": ("tonne", "mass"),
    "kt": ("kilotonne", "mass"),
    "l": ("liter", "volume"),
    "L": ("liter", "volume"),
    "m3": ("meter ** 3", "volume"),
    "thousand_m3": ("1000 * meter ** 3", "volume"),
    "million_m3": ("1e6 * meter ** 3", "volume"),
    "kWh": ("kilowatt_hour", "energy"),
    "MWh": ("megawatt_hour", "energy"),
    "GWh": ("gigawatt_hour", "energy"),
    "GJ": ("gigajoule", "energy"),
    "TJ": ("terajoule", "energy"),
    "Gcal": ("1e9 * international_calorie", "energy"),
    "km": ("kilometer", "distance"),
}


@cache
def registry() -> pint.UnitRegistry:
    """The one pint registry of jasyl (activity units of city files and monitoring units alike)."""
    reg: pint.UnitRegistry = pint.UnitRegistry()
    reg.define("ppb = 1e-9 = parts_per_billion")
    reg.define("pH_unit = [] = pH")
    return reg


def dimension_of(unit: str) -> Dimension:
    """Dimension of an accepted unit spelling; ``KeyError`` if the spelling is not accepted."""
    return UNITS[unit][1]


def convert(value: float, unit: str, to: str) -> float:
    """Convert ``value`` from accepted spelling ``unit`` to accepted spelling ``to``.

    >>> round(convert(1.0, "Gcal", "MWh"), 3)
    1.163
    """
    reg = registry()
    source = reg.parse_expression(UNITS[unit][0])
    target = reg.parse_expression(UNITS[to][0])
    return float((value * source / target).to("dimensionless").magnitude)
