"""Demand profiles: annual totals equal final_energy activity data; heat follows the season."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from jasyl.city import load_city
from jasyl.demand import (
    DISTRICT_HOT_WATER_SHARE,
    HEAT_EFFICIENCY,
    INDUSTRY_HEAT_EFFICIENCY,
    annual_targets,
    build_demand,
)
from jasyl.demand.transport import EV_KWH_PER_KM
from jasyl.inventory import final_energy
from jasyl.weather import konaev_normals, read_weather, synthetic_year

URUMQI = (
    Path(__file__).resolve().parents[3] / "shared" / "data" / "weather" / ("CHN_Xinjiang.Uygur.Urumqi.514630_CSWD.epw")
)


@pytest.fixture(scope="module")
def city():  # type: ignore[no-untyped-def]
    return load_city()


@pytest.fixture(scope="module")
def fe(city) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    return final_energy(city)


@pytest.fixture(scope="module")
def demand(city, fe) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    w = synthetic_year(city.location, konaev_normals())
    return build_demand(fe, w, city.location.timezone)


def _sum(fe: pd.DataFrame, **eq: str) -> float:
    mask = np.ones(len(fe), dtype=bool)
    for k, v in eq.items():
        mask &= fe[k].to_numpy() == v
    return float(fe.loc[mask, "energy_mwh"].sum())


def test_electricity_totals_equal_final_energy(demand: pd.DataFrame, fe: pd.DataFrame) -> None:
    st = fe[fe["sector"] == "stationary_energy"]
    assert demand["elec_residential_mw"].sum() == pytest.approx(
        _sum(st, subsector="residential", carrier="grid_electricity"), rel=1e-9
    )
    assert demand["elec_commercial_mw"].sum() == pytest.approx(
        _sum(st, subsector="commercial_institutional", carrier="grid_electricity")
        + _sum(st, subsector="agriculture_forestry_fishing", carrier="grid_electricity"),
        rel=1e-9,
    )
    assert demand["elec_industry_mw"].sum() == pytest.approx(
        _sum(st, subsector="manufacturing_construction", carrier="grid_electricity"), rel=1e-9
    )
    total = demand[["elec_residential_mw", "elec_commercial_mw", "elec_industry_mw"]].to_numpy().sum()
    assert total == pytest.approx(_sum(st, carrier="grid_electricity"), rel=1e-9)


def test_heat_totals_equal_final_energy_times_efficiency(demand: pd.DataFrame, fe: pd.DataFrame) -> None:
    st = fe[fe["sector"] == "stationary_energy"]
    assert demand["heat_district_mw"].sum() == pytest.approx(_sum(st, carrier="district_heat"), rel=1e-9)
    buildings = st[
        st["subsector"].isin(["residential", "commercial_institutional"])
        & ~st["carrier"].isin(["grid_electricity", "district_heat"])
    ]
    useful = sum(r.energy_mwh * HEAT_EFFICIENCY[r.carrier] for r in buildings.itertuples())
    assert useful > 0
    assert demand["heat_individual_mw"].sum() == pytest.approx(useful, rel=1e-9)
    industry = st[
        st["subsector"].isin(["manufacturing_construction"])
        & ~st["carrier"].isin(["grid_electricity", "district_heat"])
    ]
    useful_ind = sum(
        r.energy_mwh * INDUSTRY_HEAT_EFFICIENCY.get(r.carrier, HEAT_EFFICIENCY[r.carrier])
        for r in industry.itertuples()
    )
    assert demand["heat_industry_mw"].sum() == pytest.approx(useful_ind, rel=1e-9)
    # district hot water share as documented
    res = _sum(st, subsector="residential", carrier="district_heat")
    com = _sum(st, subsector="commercial_institutional", carrier="district_heat")
    water = res * DISTRICT_HOT_WATER_SHARE["residential"] + com * DISTRICT_HOT_WATER_SHARE["commercial"]
    assert demand["heat_district_water_mw"].sum() == pytest.approx(water, rel=1e-9)


def test_ev_totals_from_vehicle_km(demand: pd.DataFrame, fe: pd.DataFrame) -> None:
    tr = fe[fe["sector"] == "transport"]
    expected = 0.0
    for r in tr.itertuples():
        if r.carrier == "grid_electricity":
            expected += r.energy_mwh
        else:
            expected += r.vkm * EV_KWH_PER_KM[r.vehicle_class] / 1000.0
    assert demand["transport_ev_mw"].sum() == pytest.approx(expected, rel=1e-9)
    # an electric fleet needs far less energy than the fuels it replaces
    assert demand["transport_ev_mw"].sum() < 0.45 * tr["energy_mwh"].sum()
    parts = demand[["transport_ev_cars_mw", "transport_ev_bus_mw", "transport_ev_trucks_mw"]].sum(axis=1)
    np.testing.assert_allclose(parts, demand["transport_ev_mw"])


def test_heat_near_zero_outside_heating_season(demand: pd.DataFrame) -> None:
    season = demand["heating_season"].astype(bool)
    days = season.sum() / 24
    assert 170 <= days <= 215  # Konaev heats ~6 Oct to mid-April (~185-195 days)
    for col in ("heat_district_space_mw", "heat_individual_space_mw"):
        assert demand.loc[~season, col].abs().max() == 0.0
    local = demand.index.tz_convert("Asia/Almaty")
    # the season covers January and not July; it starts in autumn and ends in spring
    assert season[local.month == 1].all() and not season[local.month == 7].any()
    starts = demand.index[(season.astype(int).diff() == 1).to_numpy()]
    ends = demand.index[(season.astype(int).diff() == -1).to_numpy()]
    assert len(starts) == 1 and starts[0].tz_convert("Asia/Almaty").month in (9, 10)
    assert len(ends) == 1 and ends[0].tz_convert("Asia/Almaty").month in (4, 5)
    heat = demand[["heat_district_mw", "heat_individual_mw"]].sum(axis=1)
    july, january = heat[local.month == 7].mean(), heat[local.month == 1].mean()
    assert july < 0.15 * january  # only hot water and cooking remain in summer


def test_daily_and_weekly_shapes(demand: pd.DataFrame) -> None:
    local = demand.index.tz_convert("Asia/Almaty")
    res = demand["elec_residential_mw"].groupby(local.hour).mean()
    assert res.loc[19:21].mean() > 1.8 * res.loc[2:4].mean()  # evening peak vs night
    com = demand["elec_commercial_mw"]
    weekday = com[(local.dayofweek < 5) & (local.hour == 11)].mean()
    sunday = com[(local.dayofweek == 6) & (local.hour == 11)].mean()
    assert weekday > 1.4 * sunday
    ev = demand["transport_ev_cars_mw"].groupby(local.hour).mean()
    assert ev.idxmax() in (19, 20, 21, 22)
    bus = demand["transport_ev_bus_mw"].groupby(local.hour).mean()
    assert bus.loc[0:3].mean() > 3 * bus.loc[7:9].mean()  # depot charging at night


def test_annual_targets_for_a_minimal_table() -> None:
    fe = pd.DataFrame(
        [
            ["stationary_energy", "residential", "grid_electricity", "", False, 100.0, 0.0, 0.0],
            ["stationary_energy", "residential", "coal", "", False, 1000.0, 0.0, 0.0],
            ["transport", "on_road", "diesel", "bus", True, 500.0, 10.0, 1e6],
        ],
        columns=[
            "sector",
            "subsector",
            "carrier",
            "vehicle_class",
            "public_transport",
            "energy_mwh",
            "vehicles",
            "vkm",
        ],
    )
    t = annual_targets(fe)
    assert t["elec"]["residential"] == 100.0
    assert t["individual_space"] + t["individual_water"] == pytest.approx(1000.0 * HEAT_EFFICIENCY["coal"])
    assert t["ev"]["bus"] == pytest.approx(1e6 * EV_KWH_PER_KM["bus"] / 1000.0)


@pytest.mark.skipif(not URUMQI.exists(), reason=f"proxy EPW not found at {URUMQI}")
def test_with_real_proxy_weather(city, fe: pd.DataFrame) -> None:  # type: ignore[no-untyped-def]
    w = read_weather(URUMQI)
    d = build_demand(fe, w, city.location.timezone)
    assert d["heat_district_mw"].sum() == pytest.approx(_sum(fe, carrier="district_heat"), rel=1e-9)
    season = d["heating_season"].astype(bool)
    assert d.loc[~season, "heat_district_space_mw"].max() == 0.0
    assert 150 <= season.sum() / 24 <= 230


def test_warm_weather_keeps_the_annual_totals(city, fe: pd.DataFrame) -> None:  # type: ignore[no-untyped-def]
    w = synthetic_year(city.location, konaev_normals())
    w["temp_air_c"] = 26.0 + 4.0 * np.sin(np.arange(len(w)) * 2 * np.pi / 24)  # never below 18 C
    d = build_demand(fe, w, city.location.timezone)
    assert d["heating_season"].sum() == 0
    useful = annual_targets(fe)
    assert d["heat_individual_mw"].sum() == pytest.approx(
        useful["individual_space"] + useful["individual_water"], rel=1e-9
    )
    assert d["heat_district_mw"].sum() == pytest.approx(_sum(fe, carrier="district_heat"), rel=1e-9)
    assert d.attrs["notes"]
