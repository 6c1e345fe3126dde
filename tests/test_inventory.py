"""GPC inventory: totals add up, scope 2 is activity x factor, a hand-computed city gives its answer."""

from __future__ import annotations

import math
import textwrap

import pytest

from jasyl.city import load_city, parse_city
from jasyl.inventory import GPC_REFERENCES, compute_inventory, final_energy

SMALL_CITY = textwrap.dedent(
    """
    name: Testtown
    country: KZ
    inventory_year: 2024
    location: {latitude: 43.0, longitude: 77.0, elevation_m: 600, timezone: Asia/Almaty}
    population: {value: 1000, source: test, year: 2024}
    stationary_energy:
      residential:
        - fuel: coal
          amount: {value: 100, unit: t, source: test, year: 2024}
        - fuel: grid_electricity
          amount: {value: 10, unit: MWh, source: test, year: 2024}
    transport:
      on_road:
        - vehicle_class: passenger_car
          fuel: diesel
          vehicles: {value: 10, source: test, year: 2024}
          annual_km_per_vehicle: {value: 10000, unit: km, source: test, year: 2024}
          consumption: {value: 10, unit: l/100km, source: test, year: 2024}
    waste:
      solid_waste:
        landfilled_t: {value: 100, source: test, year: 2024}
    factors:
      grid_electricity_tco2_per_mwh: {value: 0.5, source: test, year: 2024}
    target: {target_year: 2035}
    """
)


def test_hand_computed_small_city() -> None:
    inv = compute_inventory(parse_city(SMALL_CITY, "small.yaml"))
    # coal: 100 t x 18.9 GJ/t = 1.89 TJ; CO2 96.1 t/TJ; CH4 300 kg/TJ; N2O 1.5 kg/TJ (residential)
    coal = 1.89 * 96.1 + 1.89 * 0.300 * 28 + 1.89 * 0.0015 * 265
    # grid: 10 MWh x 0.5 t/MWh
    grid = 5.0
    # diesel: 10 cars x 10,000 km x 10 l/100km = 10,000 l x 0.84 kg/l x 43 MJ/kg = 0.3612 TJ
    tj = 10_000 * 0.84 * 43.0 / 1e6
    diesel = tj * 74.1 + tj * 0.0039 * 28 + tj * 0.0039 * 265
    # landfill: 100 t x DOC 0.15 x DOCf 0.5 x MCF 0.6 x F 0.5 x 16/12 = 3 t CH4
    landfill = 3.0 * 28
    expected = coal + grid + diesel + landfill
    assert inv.total_tco2e == pytest.approx(expected, rel=1e-12)
    assert inv.per_capita_tco2e == pytest.approx(expected / 1000, rel=1e-12)
    assert inv.by_scope()[2] == pytest.approx(grid, rel=1e-12)
    assert inv.by_sector()["waste"] == pytest.approx(landfill, rel=1e-12)


def test_sector_totals_add_up_exactly_to_total() -> None:
    inv = compute_inventory(load_city())
    assert math.fsum(inv.by_sector().values()) == inv.total_tco2e
    assert math.fsum(inv.sectors()["tco2e"]) == inv.total_tco2e
    assert math.fsum(inv.by_scope().values()) == inv.total_tco2e
    assert math.fsum(inv.by_gas().values()) == pytest.approx(inv.total_tco2e, rel=1e-12)


def test_scope2_equals_grid_electricity_times_factor() -> None:
    city = load_city()
    inv = compute_inventory(city)
    energy = final_energy(city)
    grid_mwh = energy.loc[energy["carrier"] == "grid_electricity", "energy_mwh"].sum()
    heat_mwh = energy.loc[energy["carrier"] == "district_heat", "energy_mwh"].sum()
    rows = inv.rows[inv.rows["scope"] == 2]
    grid_t = rows.loc[rows["carrier"] == "grid_electricity", "tco2e"].sum()
    assert grid_t == pytest.approx(grid_mwh * 0.80, rel=1e-12)
    assert inv.factors["grid_electricity"]["value"] == 0.80
    heat_factor = inv.factors["district_heat"]["value"]
    assert inv.by_scope()[2] == pytest.approx(grid_mwh * 0.80 + heat_mwh * heat_factor, rel=1e-12)


def test_district_heat_factor_is_derived_from_boiler_houses() -> None:
    city = load_city()
    inv = compute_inventory(city)
    memo = inv.memo.iloc[0]
    heat_mwh = final_energy(city).query("carrier == 'district_heat'")["energy_mwh"].sum()
    # boiler-house emissions (memo I.4.4) are carried by district-heat users through the factor
    assert inv.factors["district_heat"]["value"] * heat_mwh == pytest.approx(memo["tco2e"], rel=1e-12)
    # gas boilers: between 0.20 and 0.30 tCO2 per delivered MWh
    assert 0.20 < inv.factors["district_heat"]["value"] < 0.30


def test_gwp_sets_differ_and_unknown_set_is_an_input_error() -> None:
    city = load_city()
    ar5 = compute_inventory(city, "AR5")
    ar6 = compute_inventory(city, "AR6")
    assert ar5.by_gas()["co2"] == pytest.approx(ar6.by_gas()["co2"])
    assert ar6.by_gas()["n2o"] > ar5.by_gas()["n2o"]
    from jasyl.errors import InputError

    with pytest.raises(InputError, match="GWP"):
        compute_inventory(city, "AR4")


def test_notation_keys_cover_every_empty_reference() -> None:
    inv = compute_inventory(load_city())
    table = inv.sectors()
    assert set(table["gpc_ref"]) == set(GPC_REFERENCES)
    empty = table[table["tco2e"] == 0]
    assert (empty["notation"].isin(["NO", "NE", "IE", "C"])).all()
    assert table.set_index("gpc_ref").loc["II.4.1", "notation"] == "NO"  # no airport in Konaev
    small = compute_inventory(parse_city(SMALL_CITY, "small.yaml")).sectors().set_index("gpc_ref")
    assert small.loc["I.2.1", "notation"] == "NE"  # not given -> not estimated
    assert small.loc["I.1.1", "notation"] == ""


def test_konaev_is_fully_sourced_and_per_capita_plausible() -> None:
    city = load_city()
    assert city.unsourced_figures() == []
    inv = compute_inventory(city)
    # Kazakhstan: about 18 tCO2e per person for the whole economy (354 Mt in 2019, 19 M people), of
    # which power and heat plants, industry, mining and agriculture are the bulk. A town's BASIC
    # inventory (its own fuel, electricity, heat, road transport and waste) is a fraction of that.
    assert 3.0 < inv.per_capita_tco2e < 9.0
    shares = {k: v / inv.total_tco2e for k, v in inv.by_sector().items()}
    assert shares["stationary_energy"] > shares["transport"] > shares["waste"] > 0


def test_transport_activity_gives_vehicle_km_and_energy() -> None:
    energy = final_energy(parse_city(SMALL_CITY, "small.yaml"))
    car = energy[energy["sector"] == "transport"].iloc[0]
    assert car["vkm"] == 100_000
    assert car["energy_mwh"] == pytest.approx(10_000 * 0.84 * 43.0 / 3600)


def test_bare_numbers_are_listed_as_unsourced() -> None:
    text = SMALL_CITY.replace("population: {value: 1000, source: test, year: 2024}", "population: 1000")
    city = parse_city(text, "bare.yaml")
    assert city.unsourced_figures() == ["population"]
    assert compute_inventory(city).to_dict()["unsourced_figures"] == ["population"]
