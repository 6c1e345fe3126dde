"""The synthetic year reproduces the monthly normals it is calibrated to, deterministically."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from jasyl.errors import SchemaError
from jasyl.weather import WEATHER_COLUMNS, konaev_normals, parse_normals, synthetic_year

KONAEV = SimpleNamespace(latitude=43.88, longitude=77.08, elevation_m=480.0)

# Tolerances the synthetic year guarantees (docs/weather-and-profiles.md)
GHI_TOL_REL = 0.01  # monthly GHI within 1 %
TEMP_TOL_K = 0.05  # monthly mean temperature within 0.05 K
WIND_TOL_REL = 0.01  # monthly mean wind within 1 %


def test_reproduces_konaev_normals() -> None:
    n = konaev_normals()
    w = synthetic_year(KONAEV, n)
    months = w.groupby(w.index.month)
    np.testing.assert_allclose(months["ghi_w_m2"].sum() / 1000.0, n.ghi_kwh_m2, rtol=GHI_TOL_REL)
    np.testing.assert_allclose(months["temp_air_c"].mean(), n.temp_c, atol=TEMP_TOL_K)
    np.testing.assert_allclose(months["wind_speed_m_s"].mean(), n.wind_m_s, rtol=WIND_TOL_REL)
    assert w.attrs["synthetic"] is True and "SYNTHETIC" in w.attrs["source"]
    assert w.attrs["wind_height_m"] == n.wind_height_m


@pytest.mark.parametrize("lat,lon", [(51.17, 71.43), (-33.9, 18.4), (5.0, -74.0)])
def test_other_sites_and_normals(lat: float, lon: float) -> None:
    data = {
        "temp_c": {"values": [-14, -13, -6, 6, 14, 19, 21, 19, 12, 4, -5, -11], "estimate": "test"},
        "ghi_kwh_m2": {"values": [40, 60, 100, 130, 160, 170, 170, 150, 110, 70, 45, 35], "estimate": "test"},
        "wind_m_s": {
            "values": [4.5, 4.6, 4.8, 5.0, 4.9, 4.4, 4.0, 4.0, 4.2, 4.6, 4.8, 4.7],
            "height_m": 10,
            "estimate": "test",
        },
    }
    if lat < 0:  # southern hemisphere: seasons shifted by six months
        for key in ("temp_c", "ghi_kwh_m2", "wind_m_s"):
            v = data[key]["values"]
            data[key]["values"] = v[6:] + v[:6]
    elif lat < 20:  # tropics: flat climate
        data["ghi_kwh_m2"]["values"] = [120] * 12
        data["temp_c"]["values"] = [20] * 12
    n = parse_normals(data, "test.yaml")
    w = synthetic_year(SimpleNamespace(latitude=lat, longitude=lon, elevation_m=300), n, seed=3)
    months = w.groupby(w.index.month)
    np.testing.assert_allclose(months["ghi_w_m2"].sum() / 1000.0, n.ghi_kwh_m2, rtol=GHI_TOL_REL)
    np.testing.assert_allclose(months["temp_air_c"].mean(), n.temp_c, atol=TEMP_TOL_K)
    np.testing.assert_allclose(months["wind_speed_m_s"].mean(), n.wind_m_s, rtol=WIND_TOL_REL)


def test_physical_plausibility_and_determinism() -> None:
    n = konaev_normals()
    a = synthetic_year(KONAEV, n, seed=11)
    b = synthetic_year(KONAEV, n, seed=11)
    c = synthetic_year(KONAEV, n, seed=12)
    pd.testing.assert_frame_equal(a, b)
    assert not np.allclose(a["temp_air_c"], c["temp_air_c"])
    assert len(a) == 8760 and str(a.index.tz) == "UTC"
    for col in WEATHER_COLUMNS:
        assert a[col].notna().all()
    assert (a["ghi_w_m2"] >= 0).all() and a["ghi_w_m2"].max() < 1100
    assert (a["dhi_w_m2"] <= a["ghi_w_m2"] + 1e-6).all()
    # closure GHI = DHI + DNI cos(zenith) is what Erbs guarantees; night is dark
    local_hour = (a.index + pd.Timedelta(hours=5)).hour
    assert a.loc[(local_hour >= 23) | (local_hour <= 3), "ghi_w_m2"].max() == 0
    # diffuse share of a dry continental site: between 25 % and 45 %
    assert 0.25 < a["dhi_w_m2"].sum() / a["ghi_w_m2"].sum() < 0.45
    # daily temperature cycle peaks in the afternoon (local 13-17 h)
    peak = a["temp_air_c"].groupby(local_hour).mean().idxmax()
    assert 13 <= peak <= 17
    # days differ: the synthetic year is not a repeated mean day
    daily = a["ghi_w_m2"].resample("D").sum()
    july = daily[daily.index.month == 7]
    assert july.std() / july.mean() > 0.05


def test_normals_above_clear_sky_rejected() -> None:
    from jasyl.errors import InputError

    data = {
        "temp_c": {"values": [0] * 12, "estimate": "x"},
        "ghi_kwh_m2": {"values": [300] * 12, "estimate": "x"},
        "wind_m_s": {"values": [5] * 12, "height_m": 10, "estimate": "x"},
    }
    with pytest.raises(InputError, match="clear-sky"):
        synthetic_year(KONAEV, parse_normals(data, "n.yaml"))


def test_normals_validation() -> None:
    good = {
        "temp_c": {"values": [0] * 12, "source": "x", "year": 2020},
        "ghi_kwh_m2": {"values": [100] * 12, "estimate": "x"},
        "wind_m_s": {"values": [5] * 12, "height_m": 10, "estimate": "x"},
    }
    parse_normals(good)
    bad = {**good, "temp_c": {"values": [0] * 11, "estimate": "x"}}
    with pytest.raises(SchemaError, match="12 monthly"):
        parse_normals(bad, "n.yaml")
    bad = {**good, "ghi_kwh_m2": {"values": [100] * 12}}
    with pytest.raises(SchemaError, match="source"):
        parse_normals(bad, "n.yaml")
    bad = {**good, "wind_m_s": {"values": [5] * 12, "estimate": "x"}}
    with pytest.raises(SchemaError) as info:
        parse_normals(bad, "n.yaml")
    assert info.value.field == "wind_m_s.height_m"
    bad = {**good, "temp_c": {"values": [280] * 12, "estimate": "kelvin by mistake"}}
    with pytest.raises(SchemaError, match="plausible"):
        parse_normals(bad, "n.yaml")


def test_linke_turbidity_fallback(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without pvlib's Linke turbidity file the documented constant is used and the year still
    reproduces its normals."""
    import pvlib

    from jasyl.weather import synthetic as synth

    def unavailable(*args: object, **kwargs: object) -> None:
        raise OSError("LinkeTurbidities.h5 not readable")

    monkeypatch.setattr(pvlib.clearsky, "lookup_linke_turbidity", unavailable)
    synth._synthetic_cached.cache_clear()
    try:
        n = konaev_normals()
        w = synthetic_year(KONAEV, n, seed=5)
    finally:
        synth._synthetic_cached.cache_clear()
    assert any("unavailable" in note and str(synth.FALLBACK_LINKE_TURBIDITY) in note for note in w.attrs["notes"])
    months = w.groupby(w.index.month)
    np.testing.assert_allclose(months["ghi_w_m2"].sum() / 1000.0, n.ghi_kwh_m2, rtol=GHI_TOL_REL)
