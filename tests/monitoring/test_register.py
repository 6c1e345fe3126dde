"""Restoration register, emission records, settings and water bodies in the store (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from sqlalchemy import select

from jasyl.errors import InputError
from jasyl.monitoring.alerts import evaluate_for_rows, reevaluate
from jasyl.monitoring.emissions import add_records, damage
from jasyl.monitoring.register import add_event, register, set_record
from jasyl.monitoring.settings import get_settings, set_setting, unset_setting
from jasyl.monitoring.setup import init_monitoring, open_monitoring, remove_demo
from jasyl.monitoring.sources import upsert_sources
from jasyl.monitoring.status import status
from jasyl.monitoring.water_status import set_water_body
from jasyl.store.engine import insert_ignore
from jasyl.store.models import Alert, Measurement, Site, Source
from jasyl.store.tracking import EmissionRecordRow, SourceStatusEvent


def _quarry(engine: object) -> None:
    upsert_sources(engine, [{"name": "Pit 7", "type": "quarry", "status": "illegal"}], origin="test")  # type: ignore[arg-type]


def test_register_moves_through_the_statuses_and_shows_what_is_late(db_url: str) -> None:
    engine = open_monitoring(db_url)
    _quarry(engine)
    set_record(engine, "Pit 7", disturbed_area_ha=4.5, plan="backfill and re-soil", deadline=date(2026, 9, 30),
               operator="Akimat")
    assert add_event(engine, "Pit 7", "closed", date(2025, 3, 1), "court decision 12/2025")
    assert not add_event(engine, "Pit 7", "closed", date(2025, 3, 1), "court decision 12/2025")   # same event
    with pytest.raises(InputError, match="cannot go from 'closed' to 'restored'"):
        add_event(engine, "Pit 7", "restored", date(2025, 6, 1), "photo")
    with pytest.raises(InputError, match="evidence"):
        add_event(engine, "Pit 7", "under_restoration", date(2025, 6, 1), " ")
    with pytest.raises(InputError, match="later event"):
        add_event(engine, "Pit 7", "under_restoration", date(2025, 1, 1), "photo")
    assert add_event(engine, "Pit 7", "under_restoration", date(2025, 6, 1), "photo pit7-2025-06.jpg")
    (row,) = register(engine, today=date(2026, 10, 10))
    assert row.status == "under_restoration" and row.late and row.days_late == 10
    assert [h["status"] for h in row.history] == ["closed", "under_restoration"]
    assert register(engine, today=date(2026, 9, 1), only_late=True) == []
    assert add_event(engine, "Pit 7", "restored", date(2026, 8, 1), "acceptance certificate 44")
    assert not register(engine, today=date(2027, 1, 1))[0].late
    assert register(engine, today=date(2027, 1, 1))[0].restored_days_late == 0          # in time
    set_record(engine, "Pit 7", deadline=date(2026, 7, 1))                              # the deadline was earlier
    (row,) = register(engine, today=date(2027, 1, 1))
    assert not row.late and row.restored_days_late == 31 and row.to_dict()["restored_days_late"] == 31
    with engine.connect() as conn:
        assert conn.scalar(select(Source.status).where(Source.name == "Pit 7")) == "restored"
        assert len(conn.execute(select(SourceStatusEvent.id)).all()) == 3


def test_emission_records_and_damage_by_hand(db_url: str) -> None:
    engine = open_monitoring(db_url)
    _quarry(engine)
    rec = {"source": "Pit 7", "pollutant": "PM10", "tonnes": 12.0, "period_start": "2026-01-01",
           "period_end": "2026-06-30", "permitted": "no", "reference": "act 5"}
    assert add_records(engine, [rec]) == 1
    assert add_records(engine, [rec]) == 0                      # the same record is stored once
    with pytest.raises(InputError, match="no pollution source"):
        add_records(engine, [{**rec, "source": "Pit 8"}])
    est = damage(engine, 2026)
    assert est.rows[0].amount_kzt == pytest.approx(12.0 * 10 * 4325 * 1.0)
    set_setting(engine, "damage.unauthorised_multiplier", "10")
    set_setting(engine, "damage.regional_coefficient", "1.5")
    assert damage(engine, 2026).rows[0].amount_kzt == pytest.approx(12.0 * 10 * 4325 * 10 * 1.5)
    unset_setting(engine, "damage.unauthorised_multiplier")
    assert get_settings(engine)["damage.unauthorised_multiplier"] == "1"
    assert damage(engine, 2025).rows == []
    with engine.connect() as conn:
        assert conn.scalar(select(EmissionRecordRow.pollutant)) == "dust_ash"


def test_air_limit_variant_changes_the_alerts_and_they_name_it(db_url: str) -> None:
    engine = open_monitoring(db_url)
    with engine.begin() as conn:
        conn.execute(insert_ignore(conn, Site.__table__), [{"code": "s1", "name": "S1", "kind": "air_station",
                                                           "approximate_location": False, "demo": False,
                                                           "origin": "test"}])
        site_id = conn.scalar(select(Site.id).where(Site.code == "s1"))
        times = pd.date_range("2026-03-01 19:00", periods=24, freq="h")   # one local day (UTC+5)
        rows = [{"site_id": site_id, "time_utc": t.to_pydatetime(), "parameter": "no2", "value": 60.0,
                 "unit": "ug/m3", "period_s": 3600, "original_value": 60.0, "original_unit": "ug/m3",
                 "origin": "test", "demo": False} for t in times]
        conn.execute(insert_ignore(conn, Measurement.__table__), rows)
        evaluate_for_rows(conn, pd.DataFrame({"site_id": site_id, "parameter": "no2", "time_utc": times}),
                          demo=False)
        daily = conn.execute(select(Alert.limit_value, Alert.limit_basis).where(Alert.rule_id == "mpc_daily")).all()
    assert daily == [(40.0, pytest.approx(daily[0][1]))] and "older_list" in daily[0][1] and "100" in daily[0][1]
    set_setting(engine, "air.kz_daily_mpc.no2", "sanpin_2021")
    with engine.begin() as conn:
        reevaluate(conn, ["no2"])
        assert conn.execute(select(Alert.id).where(Alert.rule_id == "mpc_daily")).all() == []
    with pytest.raises(InputError, match="not a variant"):
        set_setting(engine, "air.kz_daily_mpc", "strictest")


def test_water_class_on_status_with_scope_and_user_table(db_url: str) -> None:
    engine = open_monitoring(db_url)
    with engine.begin() as conn:
        conn.execute(insert_ignore(conn, Site.__table__), [{"code": "w1", "name": "River point", "kind": "water_point",
                                                           "approximate_location": False, "demo": False,
                                                           "origin": "test"}])
        site_id = conn.scalar(select(Site.id).where(Site.code == "w1"))
        t = pd.Timestamp("2026-05-15 05:00").to_pydatetime()
        conn.execute(insert_ignore(conn, Measurement.__table__), [
            {"site_id": site_id, "time_utc": t, "parameter": p, "value": v, "unit": "mg/L", "period_s": 0,
             "original_value": v, "original_unit": "mg/L", "origin": "test", "demo": False}
            for p, v in (("bod5", 1.0), ("ammonium", 2.5), ("dissolved_oxygen", 9.0))])
    set_water_body(engine, "w1", "river")
    block = status(engine, ["w1"])["sites"][0]["water_class"]
    assert block["class"] == "V" and block["limiting"] == ["ammonium"] and block["in_scope"] is True
    assert block["label"] == "indicative class" and "111-НҚ" in block["act"]
    set_setting(engine, "water.class_table", "act: my act\nsource: my lab\nclasses: [good, bad]\n"
                                             "indicators:\n  ammonium: {upper: [3.0]}\n")
    mine = status(engine, ["w1"])["sites"][0]["water_class"]
    assert mine["class"] == "good" and mine["table"].startswith("user table")
    unset_setting(engine, "water.class_table")
    set_water_body(engine, "w1", "lake")
    assert status(engine, ["w1"])["sites"][0]["water_class"]["class"] is None
    with pytest.raises(InputError):
        set_water_body(engine, "w1", "ocean")


def test_demo_register_is_loaded_and_removed(db_url: str) -> None:
    engine = init_monitoring(db_url, demo=True)
    rows = register(engine, today=date(2026, 11, 28))
    assert {r.source for r in rows} == {"Narynkol brick works", "Besagash brick works", "Abat quarry",
                                        "Karaoy quarry"} and all(r.demo for r in rows)
    assert {r.source for r in rows if r.late} == {"Narynkol brick works", "Karaoy quarry"}
    assert len(damage(engine).rows) == 7
    init_monitoring(db_url, demo=True)                           # idempotent
    assert len(damage(engine).rows) == 7
    remove_demo(engine)
    assert register(engine) == [] and damage(engine).rows == []
