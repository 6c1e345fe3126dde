"""Hourly supply profiles (capacity factors 0..1) from a Weather table: PV and wind."""

from __future__ import annotations

from jasyl.supply.solar import (
    ROOFTOP,
    TRACKING,
    UTILITY_FIXED,
    PVSystemSpec,
    optimal_tilt_deg,
    pv_capacity_factor,
)
from jasyl.supply.wind import DEFAULT_WIND_FARM, WindFarmSpec, wind_capacity_factor

__all__ = [
    "PVSystemSpec",
    "UTILITY_FIXED",
    "TRACKING",
    "ROOFTOP",
    "optimal_tilt_deg",
    "pv_capacity_factor",
    "WindFarmSpec",
    "DEFAULT_WIND_FARM",
    "wind_capacity_factor",
]
