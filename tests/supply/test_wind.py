"""Wind capacity factors with windpowerlib: shear, density, turbine library, Konaev CF."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from jasyl.errors import InputError
from jasyl.supply import DEFAULT_WIND_FARM, WindFarmSpec, wind_capacity_factor
from jasyl.weather import konaev_normals, synthetic_year, typical_index


def _constant(speed: float, height: float = 117.0, temp: float = 15.0, elevation: float = 0.0) -> pd.DataFrame:
    idx = typical_index()[:240]
    w = pd.DataFrame({"wind_speed_m_s": speed, "temp_air_c": temp}, index=idx)
    w.attrs = {"wind_height_m": height, "elevation_m": elevation, "latitude": 43.9, "longitude": 77.1}
    return w


def test_konaev_wind_capacity_factor_in_published_range() -> None:
    loc = SimpleNamespace(latitude=43.88, longitude=77.08, elevation_m=500.0)
    cf = wind_capacity_factor(synthetic_year(loc, konaev_normals()))
    assert cf.between(0, 1).all()
    # Shelek/Shengeldy corridor: 35-43 % (Samruk-Energo 60 MW: 226 GWh/yr; CITIC 5 MW: 39 %)
    assert 0.33 <= cf.mean() <= 0.43


def test_power_curve_limits() -> None:
    assert wind_capacity_factor(_constant(0.0)).max() == 0.0
    rated = wind_capacity_factor(_constant(14.0))
    # at rated wind the farm delivers nameplate minus the 10 % farm losses
    assert rated.mean() == pytest.approx(1.0 - DEFAULT_WIND_FARM.farm_losses, abs=0.01)
    assert wind_capacity_factor(_constant(40.0)).max() == 0.0  # above cut-out


def test_shear_and_density() -> None:
    at_hub = wind_capacity_factor(_constant(6.0, height=117.0)).mean()
    from_10m = wind_capacity_factor(_constant(6.0, height=10.0)).mean()
    assert from_10m > 1.2 * at_hub  # 6 m/s at 10 m is ~8.5 m/s at 117 m (log law, z0 = 0.03 m)
    cold = wind_capacity_factor(_constant(7.0, temp=-20.0)).mean()
    hot = wind_capacity_factor(_constant(7.0, temp=35.0)).mean()
    high = wind_capacity_factor(_constant(7.0, elevation=1500.0)).mean()
    sea = wind_capacity_factor(_constant(7.0, elevation=0.0)).mean()
    assert cold > hot * 1.05
    assert high < sea


def test_turbine_library_and_unknown_turbine() -> None:
    other = wind_capacity_factor(_constant(8.0), WindFarmSpec(turbine_type="E-126/4200", hub_height_m=135.0))
    assert 0.2 < other.mean() < 0.9
    with pytest.raises(InputError, match="turbine library"):
        wind_capacity_factor(_constant(8.0), WindFarmSpec(turbine_type="XYZ/1"))


def test_monotonic_in_speed() -> None:
    cfs = [wind_capacity_factor(_constant(v)).mean() for v in (3.5, 5.0, 7.0, 9.0, 11.0)]
    assert np.all(np.diff(cfs) > 0)
