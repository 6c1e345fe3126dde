"""Planned against actual: a hand-made actuals file gives hand-computed deviations and statuses."""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from jasyl.city import load_city
from jasyl.inventory import compute_inventory
from jasyl.tracking.actuals import read_actuals
from jasyl.tracking.compare import (
    annual_values,
    capacity_actuals,
    compare,
    deviation_status,
    planned_series,
    vehicle_actuals,
)
from jasyl.tracking.inventory import actual_inventory, energy_by_sector

#: the day the hand-made actuals are read on (they run to June 2027)
TODAY = date(2027, 12, 31)

#: a hand-made planner-engine pathway (the JSON form of jasyl.pathway.Pathway)
PATHWAY: dict[str, Any] = {
    "engine": "planner",
    "years": [
        {"year": 2025, "co2_t": 1000.0, "co2_by_sector_t": {"electricity": 400.0, "individual_heat": 600.0},
         "capacities": {}},
        {"year": 2026, "co2_t": 900.0, "co2_by_sector_t": {"electricity": 350.0, "individual_heat": 550.0},
         "capacities": {"pv_fixed": 10.0, "battery_energy": 20.0, "ev_passenger_car": 50.0, "wind": 1e-9}},
        {"year": 2027, "co2_t": 800.0, "co2_by_sector_t": {"electricity": 300.0, "individual_heat": 500.0},
         "capacities": {"pv_fixed": 20.0, "pv_rooftop": 5.0, "battery_energy": 40.0, "ev_passenger_car": 100.0}},
    ],
}

ACTUALS = """year,month,quantity,sector,carrier,item,value,unit
2025,,installed_capacity,,,pv,0,MW
2026,,installed_capacity,,,pv,9600,kW
2026,,installed_capacity,,,battery_energy,10,MWh
2026,,registered_vehicles,,electricity,passenger_car,70,vehicles
2027,3,installed_capacity,,,pv,12,MW
2027,6,installed_capacity,,,pv,26,MW
2027,,registered_vehicles,,electricity,passenger_car,95,vehicles
"""


def test_hand_made_file_gives_hand_computed_statuses(tmp_path: Path) -> None:
    path = tmp_path / "actuals.csv"
    path.write_text(ACTUALS, encoding="utf-8")
    res = read_actuals(path, today=TODAY)
    assert res.errors == []
    annual = annual_values(res.rows)
    actual = {**capacity_actuals(annual), **vehicle_actuals(annual)}
    planned = planned_series(PATHWAY, baseline_evs={"passenger_car": 10.0})
    rows = compare(planned, actual, [2025, 2026, 2027], tolerance_pct=5.0)
    got = {(r["name"], r["year"]): (r["planned"], r["actual"], r["deviation_pct"], r["status"]) for r in rows}
    # PV 2025: planned 0, actual 0 -> on track, no percentage
    assert got[("pv_mw", 2025)] == (0.0, 0.0, None, "on_track")
    # PV 2026: 9.6 against 10 -> -4 % -> within 5 % -> on track
    assert got[("pv_mw", 2026)] == (10.0, 9.6, pytest.approx(-4.0), "on_track")
    # PV 2027: a stock, the latest month (June) counts: 26 against 20 + 5 -> +4 % -> on track
    assert got[("pv_mw", 2027)] == (25.0, 26.0, pytest.approx(4.0), "on_track")
    # battery 2026: 10 against 20 -> -50 % -> behind; 2027: nothing reported -> no data
    assert got[("battery_mwh", 2026)] == (20.0, 10.0, pytest.approx(-50.0), "behind")
    assert got[("battery_mwh", 2027)] == (40.0, None, None, "no_data")
    # EVs: 10 in the city file + the plan's 50 = 60; 70 registered -> +16.67 % -> ahead
    assert got[("ev_passenger_car", 2026)] == (60.0, 70.0, pytest.approx(100 * 10 / 60), "ahead")
    # 2027: 110 planned, 95 registered -> -13.64 % -> behind
    assert got[("ev_passenger_car", 2027)] == (110.0, 95.0, pytest.approx(-100 * 15 / 110), "behind")
    # emissions: planned, no actual in this file
    assert got[("energy_co2e_t", 2026)] == (900.0, None, None, "no_data")
    assert got[("co2e_buildings_t", 2027)][0] == 500.0
    # wind: planned only as solver noise (1e-9) and never reported -> not an indicator here
    assert not any(name == "wind_mw" for name, _ in got)
    for r in rows:
        assert set(r) >= {"name", "year", "unit", "planned", "actual", "deviation_pct", "status"}
        assert r["status"] in ("on_track", "behind", "ahead", "no_data")


@pytest.mark.parametrize(
    ("planned", "actual", "direction", "expected"),
    [
        (100.0, 94.0, "lower_better", (-6.0, "ahead")),
        (100.0, 106.0, "lower_better", (6.0, "behind")),
        (100.0, 105.0, "lower_better", (5.0, "on_track")),
        (100.0, 94.0, "higher_better", (-6.0, "behind")),
        (0.0, 3.0, "higher_better", (None, "ahead")),
        (0.0, 3.0, "lower_better", (None, "behind")),
        (50.0, None, "higher_better", (None, "no_data")),
    ],
)
def test_status_rules(planned: float, actual: float | None, direction: str, expected: tuple[float | None, str]) -> None:
    dev, status = deviation_status(planned, actual, direction, 5.0)  # type: ignore[arg-type]
    assert status == expected[1]
    assert (dev is None) == (expected[0] is None) and (dev is None or math.isclose(dev, expected[0]))  # type: ignore[arg-type]


def test_flows_need_twelve_months(tmp_path: Path) -> None:
    lines = ["year,month,quantity,sector,carrier,value,unit"]
    lines += [f"2026,{m},grid_electricity_bought,,,100,MWh" for m in range(1, 8)]
    lines += [f"2025,{m},grid_electricity_bought,,,10,MWh" for m in range(1, 13)]
    path = tmp_path / "monthly.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    annual = annual_values(read_actuals(path, today=TODAY).rows)
    key = ("grid_electricity_bought", "", "grid_electricity", "")
    assert annual[2025][key].value == pytest.approx(120.0) and annual[2025][key].basis == "12 months"
    assert annual[2026][key].value is None and annual[2026][key].basis == "months 1-7 only"


def test_actuals_equal_to_the_city_file_give_the_city_inventory(tmp_path: Path) -> None:
    """Restating the city file's activity as actuals reproduces its inventory (the method is the same)."""
    city = load_city()
    y = city.inventory_year
    rows = ["year,quantity,sector,carrier,item,value,unit"]
    for sub in ("residential", "commercial_institutional", "manufacturing_construction"):
        for use in getattr(city.stationary_energy, sub):
            rows.append(f"{y},energy_use,{sub},{use.fuel},,{use.amount.value},{use.amount.unit}")
    for f in city.transport.on_road:
        rows.append(f"{y},registered_vehicles,,{f.fuel},{f.vehicle_class},{f.vehicles.value},vehicles")
    path = tmp_path / "restated.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    res = read_actuals(path)
    assert res.errors == []
    annual = annual_values(res.rows)
    ai = actual_inventory(city, annual[city.inventory_year], city.inventory_year)
    assert ai is not None
    base = compute_inventory(city)
    assert ai.inventory.total_tco2e == pytest.approx(base.total_tco2e, rel=1e-9)
    assert ai.by_sector == pytest.approx(energy_by_sector(base), rel=1e-9)
    assert ai.coverage_pct["energy"] == pytest.approx(100.0)
