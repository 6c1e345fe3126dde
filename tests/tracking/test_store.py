"""Actuals in the store (SQLite and PostgreSQL): all or nothing, the same file twice changes nothing, and the
comparison with a stored plan gives hand-computed statuses."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from jasyl.city import load_city
from jasyl.planning.city_inputs import CityData
from jasyl.store.engine import open_store
from jasyl.store.tracking import Actual, TrackingBatch
from jasyl.tracking.actuals import read_actuals
from jasyl.tracking.compare import planned_series
from jasyl.tracking.run import TrackOptions, _calibrated, track_status
from jasyl.tracking.store import active_plan, import_actuals, load_actuals, save_plan
from tests.tracking.test_compare import ACTUALS, PATHWAY, TODAY

BAD = ACTUALS + ("2026,,installed_capacity,,,pv,-1,MW\n2026,,installed_capacity,,,sun,1,MW\n"
                 "2026,14,emissions,total,,,1,t\n")


def _file(tmp_path: Path, text: str, name: str = "actuals.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _counts(engine: object) -> tuple[int, int, list[tuple[object, ...]]]:
    with engine.connect() as conn:  # type: ignore[attr-defined]
        return (conn.scalar(select(func.count()).select_from(Actual)),
                conn.scalar(select(func.count()).select_from(TrackingBatch)),
                sorted(conn.execute(select(Actual.year, Actual.month, Actual.item, Actual.value,
                                           Actual.updated_at)).all()))


def test_import_twice_changes_nothing(db_url: str, tmp_path: Path) -> None:
    engine = open_store(db_url)
    first = import_actuals(engine, _file(tmp_path, ACTUALS), city="testcity", today=TODAY)
    assert first.committed and first.rows_inserted == 7 and first.rows_updated == 0
    before = _counts(engine)
    assert before[0] == 7 and before[1] == 1
    again = import_actuals(engine, _file(tmp_path, ACTUALS, "copy.csv"), city="testcity", today=TODAY)
    assert not again.committed and again.rows_unchanged == 7 and again.changed == 0
    assert _counts(engine) == before            # not even a batch row or a timestamp changed
    changed = import_actuals(engine, _file(tmp_path, ACTUALS.replace("2026,,installed_capacity,,,battery_energy,10",
                                                                     "2026,,installed_capacity,,,battery_energy,12")),
                             city="testcity", today=TODAY)
    assert changed.rows_updated == 1 and changed.rows_unchanged == 6
    assert {r.value for r in load_actuals(engine, "testcity") if r.item == "battery_energy"} == {12.0}
    assert load_actuals(engine, "othercity") == []


def test_bad_file_rejected_whole_with_every_bad_line_named(db_url: str, tmp_path: Path) -> None:
    engine = open_store(db_url)
    report = import_actuals(engine, _file(tmp_path, BAD), city="testcity", today=TODAY)
    assert not report.committed
    assert report.as_dict()["bad_lines"] == [9, 10, 11]
    assert _counts(engine)[:2] == (0, 0)
    partial = import_actuals(engine, _file(tmp_path, BAD), city="testcity", partial=True, today=TODAY)
    assert partial.committed and partial.rows_inserted == 7 and len(partial.rejected) == 3


def test_status_against_a_stored_plan_gives_hand_computed_statuses(db_url: str, tmp_path: Path) -> None:
    engine = open_store(db_url)
    data = CityData.load(None)
    slug = data.city.slug
    raw = planned_series(PATHWAY, baseline_evs={"passenger_car": 10.0})
    save_plan(engine, slug, "planner", {"engine": "planner", "start_year": 2025}, {**PATHWAY, "start_year": 2025,
              "target_year": 2027, "total_investment_usd": 0.0}, {"series": raw, "raw": raw, "calibration": {}})
    assert active_plan(engine, slug)["planned"]["series"]["pv_mw"][2026] == 10.0  # type: ignore[index]
    assert import_actuals(engine, _file(tmp_path, ACTUALS), city=slug, today=TODAY).committed
    out = track_status(engine, TrackOptions(), today=date(2027, 12, 31), data=data)
    assert set(out) >= {"city", "pathway_engine", "indicators"} and out["pathway_engine"] == "planner"
    rows = {(r["name"], r["year"]): r for r in out["indicators"]}
    assert (rows[("pv_mw", 2026)]["status"], rows[("pv_mw", 2026)]["deviation_pct"]) == ("on_track",
                                                                                            pytest.approx(-4.0))
    assert rows[("battery_mwh", 2026)]["status"] == "behind"
    assert rows[("ev_passenger_car", 2026)]["status"] == "ahead"
    assert rows[("battery_mwh", 2027)]["status"] == "no_data"
    for r in out["indicators"]:
        assert set(r) >= {"name", "year", "unit", "planned", "actual", "deviation_pct", "status"}
    assert out["counts"]["year"] == 2027


def test_restated_city_file_is_on_track_with_zero_deviation(db_url: str, tmp_path: Path) -> None:
    """The city file's own activity, imported as actuals for the plan's first year, gives 0 % deviation in
    every emissions indicator: the plan is put on the inventory's accounting at its first year."""
    engine = open_store(db_url)
    city = load_city()
    data = CityData.load(city)
    y = city.inventory_year
    lines = ["year,quantity,sector,carrier,item,value,unit"]
    for sub in ("residential", "commercial_institutional", "manufacturing_construction"):
        for use in getattr(city.stationary_energy, sub):
            lines.append(f"{y},energy_use,{sub},{use.fuel},,{use.amount.value},{use.amount.unit}")
    for f in city.transport.on_road:
        lines.append(f"{y},registered_vehicles,,{f.fuel},{f.vehicle_class},{f.vehicles.value},vehicles")
    assert read_actuals(_file(tmp_path, "\n".join(lines) + "\n")).errors == []
    assert import_actuals(engine, tmp_path / "actuals.csv", city=city.slug).committed
    pathway = {"engine": "planner", "start_year": y, "target_year": y + 1, "total_investment_usd": 0.0, "years": [
        {"year": y, "co2_t": 250_000.0, "capacities": {}, "co2_by_sector_t": {
            "electricity": 80_000.0, "district_heat": 60_000.0, "transport": 50_000.0, "individual_heat": 45_000.0,
            "industry_heat": 15_000.0}},
        {"year": y + 1, "co2_t": 200_000.0, "capacities": {}, "co2_by_sector_t": {
            "electricity": 60_000.0, "district_heat": 50_000.0, "transport": 40_000.0, "individual_heat": 38_000.0,
            "industry_heat": 12_000.0}}]}
    raw = planned_series(pathway)
    planned, factors = _calibrated(raw, data, y)
    save_plan(engine, city.slug, "planner", {}, pathway, {"series": planned, "raw": raw, "calibration": factors})
    out = track_status(engine, TrackOptions(), today=date(y, 12, 31), data=data)
    emissions = [r for r in out["indicators"] if r["year"] == y and r["unit"] == "tCO2e"]
    assert len(emissions) == 6
    for r in emissions:
        assert r["status"] == "on_track" and r["deviation_pct"] == pytest.approx(0.0, abs=1e-9), r
    # a year later the plan is 20 % lower in total: the same actuals there would be behind
    assert planned["energy_co2e_t"][y + 1] < planned["energy_co2e_t"][y]
