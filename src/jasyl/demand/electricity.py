"""Hourly electricity demand of the existing uses (households, commercial, industry).

weight(h) = day shape (local hour, workday/Saturday/Sunday+holiday, :mod:`jasyl.demand.shapes`)
x seasonal lighting factor (1 + 0.2 (12 - day length)/6 for households, half that for commercial)
+ a cooling part (5 % of household and 12 % of commercial electricity, ESTIMATES) spread over the
cooling degree-hours above 24 C during occupied hours. Each column is scaled to its annual total.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from jasyl.demand.shapes import day_type, hourly_weights

__all__ = ["electricity_profiles", "COOLING_SHARE", "COOLING_BASE_C"]

COOLING_SHARE = {"residential": 0.05, "commercial": 0.12, "industry": 0.0}
COOLING_BASE_C = 24.0


def _day_length_h(local: pd.DatetimeIndex, latitude: float) -> np.ndarray:
    doy = local.dayofyear.to_numpy()
    decl = np.radians(23.44) * np.sin(2 * np.pi * (284 + doy) / 365.0)
    x = np.clip(-np.tan(np.radians(latitude)) * np.tan(decl), -1.0, 1.0)
    return 24.0 / np.pi * np.arccos(x)


def _scaled(weights: np.ndarray, total_mwh: float) -> np.ndarray:
    s = float(weights.sum())
    return weights * (total_mwh / s) if s > 0 else np.zeros_like(weights)


def electricity_profiles(
    totals_mwh: dict[str, float], temp_air_c: pd.Series, local: pd.DatetimeIndex, latitude: float
) -> pd.DataFrame:
    """Columns ``elec_<use>_mw`` for use in residential/commercial/industry, summing to the totals."""
    kinds = day_type(local)
    daylen = _day_length_h(local, latitude)
    temp = temp_air_c.to_numpy(float)
    cdh = np.clip(temp - COOLING_BASE_C, 0.0, None)
    hours = local.hour.to_numpy()
    out = {}
    for use, season_amp in (("residential", 0.2), ("commercial", 0.1), ("industry", 0.0)):
        base = hourly_weights(use, local, kinds) * (1.0 + season_amp * (12.0 - daylen) / 6.0)
        total = float(totals_mwh.get(use, 0.0))
        share = COOLING_SHARE[use]
        occupied = (hours >= 8) & (hours <= 22) if use != "residential" else (hours >= 10) | (hours <= 1)
        cool_w = cdh * np.where(occupied, 1.0, 0.4)
        if cool_w.sum() <= 0:
            share = 0.0
        series = _scaled(base, total * (1.0 - share)) + _scaled(cool_w, total * share)
        out[f"elec_{use}_mw"] = series
    return pd.DataFrame(out, index=temp_air_c.index)
