"""PV capacity factors: cross-check against pvlib's ModelChain, Konaev against published yields."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from jasyl.supply import ROOFTOP, TRACKING, UTILITY_FIXED, PVSystemSpec, optimal_tilt_deg, pv_capacity_factor
from jasyl.weather import konaev_normals, read_weather, synthetic_year

KONAEV_LAT, KONAEV_LON = 43.88, 77.08


@pytest.fixture(scope="module")
def konaev_weather() -> pd.DataFrame:
    from types import SimpleNamespace

    return synthetic_year(
        SimpleNamespace(latitude=KONAEV_LAT, longitude=KONAEV_LON, elevation_m=500.0), konaev_normals()
    )


def _tmy3_as_jasyl_csv(tmp_path: Path) -> tuple[Path, pd.DataFrame, dict]:
    """pvlib's bundled Greensboro TMY3 rewritten in jasyl's CSV format (hour-start, UTC offset)."""
    import pvlib

    src = Path(os.path.dirname(pvlib.__file__)) / "data" / "723170TYA.CSV"
    data, meta = pvlib.iotools.read_tmy3(str(src), coerce_year=2025, map_variables=True)
    start = pd.DatetimeIndex(data.index) - pd.Timedelta(hours=1)  # hour ending -> hour start, UTC-5
    lines = [
        "# pvlib sample TMY3 723170 (Greensboro NC) converted by the jasyl tests",
        f"# latitude: {meta['latitude']}",
        f"# longitude: {meta['longitude']}",
        f"# elevation_m: {meta['altitude']}",
        "# wind_height_m: 10",
        "time,ghi_w_m2,dni_w_m2,dhi_w_m2,temp_air_c,wind_speed_m_s",
    ]
    for t, r in zip(start, data.itertuples(), strict=True):
        lines.append(f"{t.isoformat()},{r.ghi},{r.dni},{r.dhi},{r.temp_air},{r.wind_speed}")
    path = tmp_path / "greensboro.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path, data, meta


def test_crosscheck_with_pvlib_modelchain(tmp_path: Path) -> None:
    import pvlib
    from pvlib.modelchain import ModelChain
    from pvlib.pvsystem import PVSystem

    path, data, meta = _tmy3_as_jasyl_csv(tmp_path)
    weather = read_weather(path)
    spec = UTILITY_FIXED
    ours = pv_capacity_factor(weather, spec)

    # the same system through pvlib's ModelChain, on the original TMY3 with mid-hour time stamps
    tilt = optimal_tilt_deg(meta["latitude"])
    location = pvlib.location.Location(meta["latitude"], meta["longitude"], altitude=meta["altitude"])
    system = PVSystem(
        surface_tilt=tilt,
        surface_azimuth=180,
        albedo=spec.albedo,
        module_parameters={"pdc0": 1.0, "gamma_pdc": spec.gamma_pdc_per_k},
        inverter_parameters={"pdc0": 1.0 / spec.dc_ac_ratio, "eta_inv_nom": spec.inverter_efficiency},
        temperature_model_parameters={"u_c": spec.u_c, "u_v": 0.0},
        losses_parameters={
            "soiling": 100 * spec.system_loss,
            "shading": 0,
            "snow": 0,
            "mismatch": 0,
            "wiring": 0,
            "connections": 0,
            "lid": 0,
            "nameplate_rating": 0,
            "age": 0,
            "availability": 0,
        },
    )
    mc = ModelChain(
        system,
        location,
        transposition_model="perez",
        aoi_model="physical",
        spectral_model="no_loss",
        temperature_model="pvsyst",
        losses_model="pvwatts",
    )
    mid = data[["ghi", "dni", "dhi", "temp_air", "wind_speed"]].copy()
    mid.index = pd.DatetimeIndex(mid.index) - pd.Timedelta(minutes=30)
    mc.run_model(mid)
    reference = float(np.clip(mc.results.ac.fillna(0.0), 0, None).sum())
    yield_ours = float(ours.sum())
    # jasyl adds a 0.95 diffuse incidence-angle factor that ModelChain's 'physical' model does not
    # apply to diffuse light; all else is the same chain, so the yields agree within 3 %
    assert yield_ours == pytest.approx(reference, rel=0.03)
    assert yield_ours < reference  # the diffuse IAM can only lower the yield
    # hourly shapes agree (no clock shift in the CSV path)
    ref_ac = mc.results.ac.fillna(0.0).clip(lower=0)
    start_utc = (pd.DatetimeIndex(ref_ac.index) - pd.Timedelta(minutes=30)).tz_convert("UTC")
    wrapped = start_utc.where(start_utc.year == 2025, start_utc - pd.DateOffset(years=1))
    ref_by_utc = pd.Series(ref_ac.to_numpy(), index=wrapped).sort_index()
    assert (ref_by_utc.index == ours.index).all()
    assert np.corrcoef(ours.to_numpy(), ref_by_utc.to_numpy())[0, 1] > 0.995


def test_konaev_yields_in_line_with_published(konaev_weather: pd.DataFrame) -> None:
    fixed = pv_capacity_factor(konaev_weather, UTILITY_FIXED).sum()
    tracking = pv_capacity_factor(konaev_weather, TRACKING).sum()
    rooftop = pv_capacity_factor(konaev_weather, ROOFTOP).sum()
    # published fixed-tilt yields in Kazakhstan 1,400-1,480 kWh/kWp (Burnoye 1,460, Gulshat 1,475,
    # Almaty 1 MW 1,400); jasyl's stated losses put Konaev at the low end: accept 1,300-1,600
    assert 1300 <= fixed <= 1600
    # single-axis tracking gains 5-20 % at mid latitudes; rooftop loses to tilt, heat and losses
    assert 1.05 * fixed <= tracking <= 1.20 * fixed
    assert rooftop < fixed


def test_capacity_factor_bounds_and_night(konaev_weather: pd.DataFrame) -> None:
    cf = pv_capacity_factor(konaev_weather, UTILITY_FIXED)
    assert cf.between(0.0, 1.0).all()
    assert cf.max() <= 1.0 / 1.0 and cf.max() > 0.6
    night = konaev_weather["ghi_w_m2"] == 0
    assert (cf[night] == 0).all()


def test_optimal_tilt_is_near_the_best(konaev_weather: pd.DataFrame) -> None:
    best = optimal_tilt_deg(KONAEV_LAT)
    assert 30 < best < 36
    y_best = pv_capacity_factor(konaev_weather, PVSystemSpec("x", tilt_deg=best)).sum()
    for tilt in (best - 12, best + 12):
        assert pv_capacity_factor(konaev_weather, PVSystemSpec("x", tilt_deg=tilt)).sum() < y_best


def test_losses_and_heat_lower_the_yield(konaev_weather: pd.DataFrame) -> None:
    base = pv_capacity_factor(konaev_weather, PVSystemSpec("a")).sum()
    lossy = pv_capacity_factor(konaev_weather, PVSystemSpec("b", system_loss=0.24)).sum()
    hot = konaev_weather.copy()
    hot["temp_air_c"] = hot["temp_air_c"] + 10
    hotter = pv_capacity_factor(hot, PVSystemSpec("a")).sum()
    assert lossy == pytest.approx(base * 0.76 / 0.88, rel=0.02)
    assert hotter < base * 0.98
