"""Wind capacity factors with windpowerlib (turbine power curves from its bundled library).

The Weather wind speed at ``attrs['wind_height_m']`` is extrapolated to hub height with the
logarithmic wind profile (roughness length 0.03 m, open steppe/farmland).
Air density from the barometric formula with the hourly air temperature
(windpowerlib 'barometric', temperature lapse from 2 m) and the station pressure (weather
``pressure_pa`` or the standard atmosphere at the site elevation); the power curve is corrected for
density (IEC 61400-12, windpowerlib ``density_correction``). Farm losses (wakes, availability,
electrical; 10 % by default) reduce the turbine output. Output: AC capacity factor 0..1.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from jasyl.errors import InputError

__all__ = ["WindFarmSpec", "DEFAULT_WIND_FARM", "wind_capacity_factor"]


@dataclass(frozen=True)
class WindFarmSpec:
    turbine_type: str = "V126/3450"
    hub_height_m: float = 117.0
    roughness_length_m: float = 0.03
    farm_losses: float = 0.10


#: Vestas V126-3.45 MW (windpowerlib/OEDB library) at 117 m: a current 3-4 MW class onshore turbine.
DEFAULT_WIND_FARM = WindFarmSpec()


def wind_capacity_factor(weather: pd.DataFrame, spec: WindFarmSpec = DEFAULT_WIND_FARM) -> pd.Series:
    """Hourly capacity factor (0..1) of ``spec`` under ``weather``."""
    from windpowerlib import ModelChain, WindTurbine  # noqa: PLC0415 - windpowerlib is heavy; loaded on first use

    index = pd.DatetimeIndex(weather.index)
    height = float(weather.attrs.get("wind_height_m") or 10.0)
    elev = float(weather.attrs.get("elevation_m") or 0.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            turbine = WindTurbine(turbine_type=spec.turbine_type, hub_height=spec.hub_height_m)
        except Exception:  # noqa: BLE001 - windpowerlib raises bare errors for bad input
            turbine = None
    if turbine is None or getattr(turbine, "power_curve", None) is None:
        raise InputError(
            f"turbine type '{spec.turbine_type}' has no power curve in windpowerlib's turbine library",
            field="turbine_type",
            fix="use a name from windpowerlib.get_turbine_types(), e.g. V126/3450 or E-126/4200",
        )
    if "pressure_pa" in weather:
        pressure = weather["pressure_pa"].to_numpy(float)
    else:
        pressure = np.full(len(index), 101325.0 * (1.0 - 2.25577e-5 * elev) ** 5.25588)
    speed = weather["wind_speed_m_s"].to_numpy(float)
    data = pd.DataFrame(
        {
            ("wind_speed", height): speed,
            ("temperature", 2): weather["temp_air_c"].to_numpy(float) + 273.15,
            ("pressure", 0): pressure,
            ("roughness_length", 0): spec.roughness_length_m,
        },
        index=index,
    )
    data.columns = pd.MultiIndex.from_tuples(data.columns, names=["variable_name", "height"])
    mc = ModelChain(
        turbine,
        wind_speed_model="logarithmic",
        density_model="barometric",
        temperature_model="linear_gradient",
        power_output_model="power_curve",
        density_correction=True,
    ).run_model(data)
    power = np.asarray(mc.power_output, dtype=float)
    cf = np.clip(np.nan_to_num(power / float(turbine.nominal_power), nan=0.0), 0.0, 1.0) * (1.0 - spec.farm_losses)
    return pd.Series(cf, index=index, name="wind_cf")
