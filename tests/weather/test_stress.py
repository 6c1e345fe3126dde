"""The stress year: long winter calms that come with cold, labelled, deterministic, for any weather year."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from jasyl.city import load_city
from jasyl.errors import InputError
from jasyl.profiles import normals_for_city
from jasyl.supply import wind_capacity_factor
from jasyl.weather import synthetic_year
from jasyl.weather.stress import DEFAULT_STRESS, StressSpec, calm_spells, longest_spell_below, stress_year


@pytest.fixture(scope="module")
def konaev_year() -> pd.DataFrame:
    city = load_city(None)
    return synthetic_year(city.location, normals_for_city(city))


def test_stress_year_has_long_cold_calms_in_winter(konaev_year: pd.DataFrame) -> None:
    before = konaev_year.copy()
    s = stress_year(konaev_year)
    pd.testing.assert_frame_equal(konaev_year, before)  # the input is not changed
    assert s.attrs["source"].startswith("STRESS year") and "estimate" in s.attrs["source"]
    episodes = s.attrs["stress"]["episodes"]
    assert sorted(e["hours"] for e in episodes) == [72, 120, 168]
    mask = np.zeros(len(s), dtype=bool)
    for e in episodes:
        start, end = pd.Timestamp(e["start_utc"]), pd.Timestamp(e["end_utc"])
        assert (end - start) == pd.Timedelta(hours=e["hours"])
        inside = (s.index >= start) & (s.index < end)
        assert set(s.index[inside].month) <= {12, 1, 2}
        mask |= inside
    ratio = s["wind_speed_m_s"].to_numpy()[mask] / konaev_year["wind_speed_m_s"].to_numpy()[mask]
    assert np.allclose(ratio, DEFAULT_STRESS.calm_wind_factor)
    dt = s["temp_air_c"].to_numpy()[mask] - konaev_year["temp_air_c"].to_numpy()[mask]
    assert np.allclose(dt, -DEFAULT_STRESS.cold_anomaly_k)
    # outside the episodes and their ramps nothing changes
    far = ~np.convolve(mask, np.ones(2 * DEFAULT_STRESS.ramp_hours + 1), mode="same").astype(bool)
    assert np.array_equal(s["wind_speed_m_s"].to_numpy()[far], konaev_year["wind_speed_m_s"].to_numpy()[far])
    # the calms sit on cold days: colder than the average winter day before the extra cold was added
    winter = konaev_year.index.month.isin([12, 1, 2])
    assert konaev_year["temp_air_c"].to_numpy()[mask].mean() < konaev_year["temp_air_c"][winter].mean() - 2.0
    # the wind farm's longest calm grows from about two days to several
    cf0 = wind_capacity_factor(konaev_year).to_numpy()
    cf1 = wind_capacity_factor(s).to_numpy()
    assert longest_spell_below(cf0) < 72 <= 120 <= longest_spell_below(cf1)
    assert stress_year(konaev_year).equals(s)  # deterministic


def test_southern_winter_and_bad_parameters(konaev_year: pd.DataFrame) -> None:
    south = konaev_year.copy()
    south.attrs = {**konaev_year.attrs, "latitude": -33.9}
    s = stress_year(south, StressSpec(episode_hours=(96,)))
    start = pd.Timestamp(s.attrs["stress"]["episodes"][0]["start_utc"])
    assert start.month in (6, 7, 8)
    for spec, field in ((StressSpec(calm_wind_factor=1.5), "stress.calm_wind_factor"),
                        (StressSpec(episode_hours=(12,)), "stress.episode_hours"),
                        (StressSpec(episode_hours=(700, 700, 700)), "stress.episode_hours")):
        with pytest.raises(InputError) as info:
            stress_year(konaev_year, spec)
        assert info.value.field == field
    with pytest.raises(InputError, match="no room"):
        stress_year(konaev_year, StressSpec(episode_hours=(500, 500, 500), min_gap_days=20))
    with pytest.raises(InputError):
        stress_year(konaev_year.iloc[:100])


def test_calm_spells() -> None:
    cf = np.array([0.5, 0.05, 0.0, 0.3, 0.01, 0.02, 0.03, 0.9])
    assert calm_spells(cf) == [(1, 2), (4, 3)]
    assert longest_spell_below(cf) == 3
    assert longest_spell_below(np.ones(5)) == 0
