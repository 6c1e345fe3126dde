"""``jasyl profiles``: JSON summary, files written atomically, clear errors with exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from jasyl.cli import main

KEYS = (
    "pv_specific_yield_kwh_per_kwp",
    "pv_tracking_specific_yield_kwh_per_kwp",
    "wind_capacity_factor",
    "ghi_kwh_per_m2",
    "mean_temperature_c",
    "heating_degree_days",
    "demand_mwh",
    "weather_source",
    "synthetic",
)


def _transport_electricity() -> float:
    from jasyl.city import load_city
    from jasyl.inventory import final_energy

    fe = final_energy(load_city())
    return float(fe[(fe["sector"] == "transport") & (fe["carrier"] == "grid_electricity")]["energy_mwh"].sum())


def test_json_and_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "prof"
    assert main(["profiles", "--format", "json", "--out", str(out)]) == 0
    captured = capsys.readouterr()
    data = json.loads(captured.out)
    for key in KEYS:
        assert key in data
    assert data["synthetic"] is True and "SYNTHETIC" in captured.err
    assert sorted(p.name for p in out.iterdir()) == [
        "README.txt",
        "demand.csv",
        "summary.json",
        "supply.csv",
        "weather_SYNTHETIC.csv",
    ]
    assert (out / "README.txt").read_text().startswith("SYNTHETIC weather")
    supply = pd.read_csv(out / "supply.csv", index_col=0)
    assert len(supply) == 8760
    assert supply["pv_fixed_cf"].sum() == pytest.approx(data["pv_specific_yield_kwh_per_kwp"], rel=1e-4)
    demand = pd.read_csv(out / "demand.csv", index_col=0)
    assert demand["heat_district_mw"].sum() == pytest.approx(data["demand_mwh"]["district_heat"], rel=1e-4)
    assert data["demand_columns_mwh"]["elec_residential_mw"] == pytest.approx(
        data["final_energy_mwh_by_carrier"]["grid_electricity"]
        - data["demand_columns_mwh"]["elec_commercial_mw"]
        - data["demand_columns_mwh"]["elec_industry_mw"]
        - _transport_electricity(),
        rel=1e-4,
    )


def test_parquet_and_table(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "pq"
    assert main(["profiles", "--parquet", "--out", str(out)]) == 0
    assert (out / "supply.parquet").exists() and (out / "demand.parquet").exists()
    assert len(pd.read_parquet(out / "demand.parquet")) == 8760
    assert "SYNTHETIC" in capsys.readouterr().out


def test_bad_weather_file_exit_2_and_nothing_written(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("# wind_height_m: 10\ntime,ghi_w_m2,temp_air_c,wind_speed_m_s\n2025-01-01T00:00Z,0,290,3\n")
    out = tmp_path / "out"
    assert main(["profiles", "--weather", str(bad), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "bad.csv" in err and "Traceback" not in err
    assert not out.exists()


def test_weather_file_used(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["profiles", "--format", "json", "--out", str(tmp_path / "a")]) == 0
    capsys.readouterr()
    weather = tmp_path / "a" / "weather_SYNTHETIC.csv"
    assert main(["profiles", "--format", "json", "--weather", str(weather), "--out", str(tmp_path / "b")]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["synthetic"] is True  # a re-read synthetic year stays labelled SYNTHETIC
    assert (tmp_path / "b" / "weather_SYNTHETIC.csv").exists()
    assert main(["profiles", "--fill-gaps", "-1", "--out", str(tmp_path / "c")]) == 2
