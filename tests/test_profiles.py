"""build_profiles: contract columns, weather sources, normals from the city file.

Speed is not asserted here (timed tests fail on a loaded machine); it belongs in benchmarks/."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from jasyl.city import load_city
from jasyl.errors import InputError
from jasyl.profiles import DEMAND_COLUMNS, SUPPLY_COLUMNS, build_profiles
from jasyl.weather import read_weather
from jasyl.weather.csvfile import to_csv_text

ROOT = Path(__file__).resolve().parents[1]
KONAEV_YAML = ROOT / "src" / "jasyl" / "data" / "cities" / "konaev.yaml"
NORMALS_YAML = ROOT / "src" / "jasyl" / "data" / "weather" / "konaev_normals.yaml"


def test_contract() -> None:
    p = build_profiles(load_city(), seed=4242)  # a new seed: the synthetic year is not cached
    for col in SUPPLY_COLUMNS:
        assert col in p.supply and p.supply[col].between(0, 1).all()
    for col in DEMAND_COLUMNS:
        assert col in p.demand and (p.demand[col] >= 0).all()
    assert len(p.supply) == len(p.demand) == len(p.weather) == 8760
    assert (p.supply.index == p.demand.index).all() and str(p.supply.index.tz) == "UTC"
    assert p.synthetic and p.summary["synthetic"] is True
    assert "SYNTHETIC" in p.summary["weather_source"]
    pd.testing.assert_series_equal(p.temp_air_c, p.weather["temp_air_c"])


def test_real_weather_frame_and_path(tmp_path: Path) -> None:
    base = build_profiles(load_city())
    path = tmp_path / "w.csv"
    path.write_text(to_csv_text(base.weather), encoding="utf-8")
    from_path = build_profiles(load_city(), path)
    assert from_path.synthetic  # the CSV carries '# synthetic: true'
    assert from_path.summary["weather_source"] == base.summary["weather_source"]
    assert from_path.summary["ghi_kwh_per_m2"] == pytest.approx(base.summary["ghi_kwh_per_m2"], rel=1e-3)
    frame = read_weather(path)
    from_frame = build_profiles(load_city(), frame)
    assert from_frame.summary["pv_specific_yield_kwh_per_kwp"] == pytest.approx(
        from_path.summary["pv_specific_yield_kwh_per_kwp"]
    )


def test_city_file_normals(tmp_path: Path) -> None:
    city_file = tmp_path / "town.yaml"
    city_file.write_text(KONAEV_YAML.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(InputError) as info:
        build_profiles(load_city(str(city_file)))
    assert info.value.field == "weather_normals"
    (tmp_path / "normals").mkdir()
    (tmp_path / "normals" / "n.yaml").write_text(NORMALS_YAML.read_text(encoding="utf-8"), encoding="utf-8")
    city_file.write_text(
        KONAEV_YAML.read_text(encoding="utf-8") + "\nweather_normals: normals/n.yaml\n", encoding="utf-8"
    )
    p = build_profiles(load_city(str(city_file)))
    assert p.synthetic and p.summary["ghi_kwh_per_m2"] == pytest.approx(1499, abs=15)
    city_file.write_text(
        KONAEV_YAML.read_text(encoding="utf-8") + "\nweather_normals: missing.yaml\n", encoding="utf-8"
    )
    with pytest.raises(InputError, match="does not exist"):
        build_profiles(load_city(str(city_file)))


def test_konaev_summary_in_line_with_published() -> None:
    s = build_profiles(load_city()).summary
    assert 1300 <= s["ghi_kwh_per_m2"] <= 1800  # Ministry of Energy: south Kazakhstan
    assert 1300 <= s["pv_specific_yield_kwh_per_kwp"] <= 1600
    assert 0.33 <= s["wind_capacity_factor"] <= 0.43
    assert 6.4 <= s["mean_temperature_c"] <= 10.0
    assert 3000 <= s["heating_degree_days"] <= 4500
