"""The planner's "CO2 today" rests on the same city data as the inventory (one source of truth)."""

from __future__ import annotations

import pytest

from jasyl.city import load_city
from jasyl.errors import InputError
from jasyl.inventory import compute_inventory, final_energy
from jasyl.model.city_inputs import with_city_boiler_houses
from jasyl.planning import plan_inputs
from jasyl.technologies import load_catalogue


def test_planner_baseline_co2_matches_inventory_energy_co2() -> None:
    city = load_city()
    inventory = compute_inventory(city)
    energy_rows = inventory.rows[inventory.rows["sector"] != "waste"]
    inventory_co2 = float(energy_rows["co2_t"].sum())
    planner_co2 = sum(plan_inputs(city).baseline["co2_by_sector_t"].values())
    # same activity data and boiler-house data; the planner counts CO2 only at catalogue fuel factors
    assert planner_co2 == pytest.approx(inventory_co2, rel=2e-3)


def test_boiler_house_efficiency_and_loss_come_from_the_city_file() -> None:
    city = load_city()
    cat = with_city_boiler_houses(load_catalogue(), city, final_energy(city))
    # Konaev file: 278,400 MWh heat from 33.24 M m3 gas (x 33.5 MJ/m3), 245,000 MWh delivered
    assert cat.district_boiler_efficiency == pytest.approx(278_400 / (33_240_000 * 33.5 / 3600), rel=1e-9)
    assert cat.district_network_loss_fraction == pytest.approx(1 - 245_000 / 278_400, rel=1e-9)
    assert cat.district_heat_fuel == "natural_gas"


def test_implausible_boiler_data_is_an_input_error() -> None:
    city = load_city()
    house = city.local_supply.boiler_houses[0]
    bad_house = house.model_copy(update={"heat_output": house.heat_output.model_copy(update={"value": 10.0})})
    bad = city.model_copy(update={"local_supply": city.local_supply.model_copy(update={"boiler_houses": [bad_house]})})
    with pytest.raises(InputError, match="local_supply.boiler_houses"):
        with_city_boiler_houses(load_catalogue(), bad, final_energy(bad))
