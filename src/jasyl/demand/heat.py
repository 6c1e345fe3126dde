"""Hourly heat demand: space heating in the heating season plus hot water.

* Heating season (by local day): it runs while the 5-day mean of the daily mean air temperature is
  below ``SEASON_THRESHOLD_C`` = +10 C. In Kazakhstan heating ends when the daily mean stays at or
  above +10 C (SN RK 4.04.02-2013); Konaev started on 6 October in 2025. Season = from the first
  autumn day (after 1 August) with the 5-day mean below +10 C to the last spring day (before
  1 August) with the 5-day mean below +10 C.
* Space heating in the season: degree-hours below the base temperature ``BASE_TEMPERATURE_C`` = 18 C
  of an effective temperature 0.6 x hourly + 0.4 x daily mean (building inertia); stoves and small
  boilers follow a morning/evening firing pattern, the district network follows the weather only.
  Outside the season space heating is zero.
* Hot water (and cooking for individual fuels): the ``hot_water`` day shape all year, 15 % higher in
  January and 15 % lower in July (cold-water temperature).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from jasyl.demand.shapes import hourly_weights

__all__ = [
    "BASE_TEMPERATURE_C",
    "SEASON_THRESHOLD_C",
    "heating_season_mask",
    "space_heat_weights",
    "hot_water_weights",
    "heating_degree_days",
]

BASE_TEMPERATURE_C = 18.0
SEASON_THRESHOLD_C = 10.0


def _day_key(local: pd.DatetimeIndex) -> np.ndarray:
    """Day of a 365-day year (0..364) of each local hour; 29 Feb joins 28 Feb, and the local hours
    that fall in the next calendar year wrap onto its first days (a typical year is cyclic)."""
    doy = local.dayofyear.to_numpy() - 1
    doy = doy - (local.is_leap_year & (local.month > 2)).astype(int)
    return np.minimum(doy, 364)


def _daily_mean(temp: pd.Series, local: pd.DatetimeIndex) -> tuple[pd.Series, np.ndarray]:
    key = _day_key(local)
    daily = pd.Series(temp.to_numpy(float)).groupby(key).mean()
    return daily, key


def heating_season_mask(temp_air_c: pd.Series, local: pd.DatetimeIndex) -> np.ndarray:
    """True for the hours inside the heating season (see module docstring)."""
    daily, key = _daily_mean(temp_air_c, local)
    values = daily.to_numpy()
    n = len(values)
    padded = np.concatenate([values[-2:], values, values[:2]])
    rolling = np.convolve(padded, np.ones(5) / 5.0, mode="valid")[:n]
    cold = rolling < SEASON_THRESHOLD_C
    days = daily.index.to_numpy()
    aug1 = 212  # 1 August in a 365-day year (0-based)
    in_season = np.zeros(n, dtype=bool)
    spring = cold & (days < aug1)
    autumn = cold & (days >= aug1)
    if spring.any():
        in_season |= days <= days[spring].max()
    if autumn.any():
        in_season |= days >= days[autumn].min()
    lookup = pd.Series(in_season, index=days)
    return np.asarray(lookup.reindex(key).to_numpy(), dtype=bool)


def heating_degree_days(temp_air_c: pd.Series, local: pd.DatetimeIndex, base_c: float = BASE_TEMPERATURE_C) -> float:
    """Sum over days of max(base - daily mean temperature, 0), K.d."""
    daily, _ = _daily_mean(temp_air_c, local)
    return float(np.clip(base_c - daily.to_numpy(), 0.0, None).sum())


def space_heat_weights(temp_air_c: pd.Series, local: pd.DatetimeIndex, stove: bool) -> np.ndarray:
    temp = temp_air_c.to_numpy(float)
    daily, key = _daily_mean(temp_air_c, local)
    t_day = daily.reindex(key).to_numpy()
    t_eff = 0.6 * temp + 0.4 * t_day
    w = np.clip(BASE_TEMPERATURE_C - t_eff, 0.0, None) * heating_season_mask(temp_air_c, local)
    if stove:
        w = w * hourly_weights("stove", local)
    return w


def hot_water_weights(local: pd.DatetimeIndex) -> np.ndarray:
    doy = local.dayofyear.to_numpy()
    seasonal = 1.0 + 0.15 * np.cos(2 * np.pi * (doy - 15) / 365.0)
    return hourly_weights("hot_water", local) * seasonal
