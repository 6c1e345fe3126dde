"""Regression tests of the planner errors listed in issue 11 (each failed on main b784057)."""

from __future__ import annotations

from importlib import resources

import numpy as np
import pytest
import yaml

from jasyl.city import load_city
from jasyl.demand.transport import EV_KWH_PER_KM
from jasyl.inventory import compute_inventory
from jasyl.model.inputs import baseline_today
from jasyl.planning import CityData, inputs_from_city, plan_inputs, profiles_for
from jasyl.planning.options import InputOptions, PlanOptions, input_options
from jasyl.technologies import load_catalogue


@pytest.fixture(scope="module")
def konaev_inputs():
    return plan_inputs()


def _inventory_energy_co2(city) -> float:
    rows = compute_inventory(city).rows
    return float(rows.loc[rows["sector"] != "waste", "co2_t"].sum())


def test_subset_rescales_the_baseline_to_its_window(konaev_inputs) -> None:
    inp = konaev_inputs
    january, july = inp.subset(0, 336), inp.subset(4344, 4680)
    for window in (january, july):
        expected = baseline_today(window)
        assert window.baseline["annual_cost_usd"] == pytest.approx(expected["annual_cost_usd"], rel=1e-12)
        assert sum(window.baseline["co2_by_sector_t"].values()) == pytest.approx(
            sum(expected["co2_by_sector_t"].values()), rel=1e-12)
    year = sum(inp.baseline["co2_by_sector_t"].values())
    # heat makes January's CO2 (per year) far above the year's and July's far below: no longer the same number
    assert sum(january.baseline["co2_by_sector_t"].values()) > 1.3 * year
    assert sum(july.baseline["co2_by_sector_t"].values()) < 0.8 * year
    # the full year is unchanged by a subset of all hours
    whole = inp.subset(0, inp.n_hours)
    assert sum(whole.baseline["co2_by_sector_t"].values()) == pytest.approx(year, rel=1e-9)


def test_ev_consumption_has_one_source_of_truth() -> None:
    cat = load_catalogue()
    for name, kwh in EV_KWH_PER_KM.items():
        assert kwh == cat.vehicle(name).ev_kwh_per_km, name
    assert set(EV_KWH_PER_KM) >= {"passenger_car", "taxi", "motorcycle", "bus", "minibus", "light_truck",
                                   "heavy_truck"}


def test_construction_diesel_is_not_process_heat(konaev_inputs) -> None:
    inp = konaev_inputs
    machinery = [v for v in inp.vehicles if v.name == "construction_machinery"]
    assert len(machinery) == 1 and machinery[0].sector == "industry_other"
    # 600 t of diesel (Konaev file) at IPCC 74.1 t/TJ and 43.0 MJ/kg
    assert machinery[0].fuel_co2_t / inp.year_fraction == pytest.approx(600 * 43.0 * 74.1 / 1000, rel=1e-3)
    industry = next(f for f in inp.fossil if f.name == "industry_boilers")
    # process heat: coal and gas only -> CO2 per MWh of fuel between gas (0.202) and coal (0.346) / efficiency
    assert industry.co2_per_mwh < 0.346 / 0.5
    assert "industry_other" in inp.baseline["co2_by_sector_t"]


def _foreign_city(tmp_path, grid_factor: float = 0.39):
    raw = yaml.safe_load(resources.files("jasyl.data").joinpath("cities/konaev.yaml").read_text(encoding="utf-8"))
    raw["name"] = "Testville"
    raw["names"] = {"en": "Testville"}
    raw["country"] = "US"
    raw["location"].update(latitude=25.8, longitude=-80.3, timezone="America/New_York", elevation_m=2)
    raw["weather_normals"] = str(resources.files("jasyl.data").joinpath("weather/konaev_normals.yaml"))
    raw["factors"] = {"grid_electricity_tco2_per_mwh": {"value": grid_factor, "source": "test utility"}}
    raw["local_supply"].pop("contracts", None)
    raw["prices"] = {"grid_import_usd_per_mwh": {"value": 120.0, "source": "test tariff"},
                     "fuels_usd_per_mwh": {"natural_gas": {"value": 30.0, "source": "test gas price"}}}
    path = tmp_path / "testville.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return load_city(path)


def test_a_foreign_city_is_planned_with_its_own_factor_and_prices(tmp_path) -> None:
    city = _foreign_city(tmp_path)
    data = CityData.load(city)
    inp = inputs_from_city(data, profiles_for(data), InputOptions())
    assert inp.import_co2_per_mwh == pytest.approx(0.39)
    assert inp.import_price == pytest.approx(120.0)
    # CO2 today = the inventory's energy CO2 (within 1 %, the test) for a non-Kazakh city
    planner = sum(inp.baseline["co2_by_sector_t"].values())
    assert planner == pytest.approx(_inventory_energy_co2(city), rel=0.01)
    # prices it does not give come from the catalogue, marked as the fallback
    sources = {a["name"]: a["source"] for a in inp.assumptions}
    assert sources["price.grid_import_usd_per_mwh"].startswith("city file")
    assert "fallback" in sources["price.grid_export_usd_per_mwh"]
    assert sources["price.financial.natural_gas_usd_per_mwh"].startswith("city file")


def test_konaev_co2_today_matches_its_inventory(konaev_inputs) -> None:
    planner = sum(konaev_inputs.baseline["co2_by_sector_t"].values())
    assert planner == pytest.approx(_inventory_energy_co2(load_city()), rel=0.01)


def test_ppa_needs_a_contract_for_a_city_without_one(tmp_path) -> None:
    from jasyl.errors import InputError

    city = _foreign_city(tmp_path)
    data = CityData.load(city)
    with pytest.raises(InputError) as err:
        inputs_from_city(data, profiles_for(data), input_options(PlanOptions(accounting="ppa")))
    assert err.value.field == "contract_mw"
    ok = inputs_from_city(data, profiles_for(data), input_options(
        PlanOptions(accounting="ppa", contract_mw=20.0, contract_price_usd_per_mwh=90.0)))
    assert ok.contracts[0].firm_mw == 20.0 and np.isinf(ok.contracts[0].annual_mwh)


def test_konaev_ppa_uses_the_kapchagay_contract(konaev_inputs) -> None:
    data = CityData.load(None)
    inp = inputs_from_city(data, profiles_for(data), input_options(PlanOptions(accounting="ppa")))
    (contract,) = inp.contracts
    assert contract.name == "kapchagay_hpp" and contract.firm_mw == 30.0 and contract.annual_mwh == 262800.0
    assert inp.export_credit_co2_per_mwh == 0.0
    net = inputs_from_city(data, profiles_for(data), input_options(PlanOptions(accounting="annual-net")))
    assert net.export_credit_co2_per_mwh == net.import_co2_per_mwh and not net.contracts
    assert konaev_inputs.export_credit_co2_per_mwh == 0.0 and not konaev_inputs.contracts


def test_locator_frames_the_citys_own_country() -> None:
    from jasyl.report.locator import home_country, overview_extent

    for lat, lon, code, name in ((25.8, -80.3, "US", "United States of America"), (43.88, 77.08, "KZ", "Kazakhstan"),
                                 (-33.9, 18.4, None, "South Africa")):
        props, _part = home_country(lat, lon, code)
        assert props["name"] == name
        lon0, lon1, lat0, lat1 = overview_extent(lat, lon, code)
        # the city is inside, at least a tenth of the frame from each edge
        assert lon0 + 0.099 * (lon1 - lon0) <= lon <= lon1 - 0.099 * (lon1 - lon0)
        assert lat0 + 0.099 * (lat1 - lat0) <= lat <= lat1 - 0.099 * (lat1 - lat0)
    # Miami's frame is North America, not Central Asia
    lon0, lon1, _lat0, _lat1 = overview_extent(25.8, -80.3, "US")
    assert lon1 < -50 and lon0 > -130
