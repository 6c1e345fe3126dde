"""What inspectors do: alerts acknowledged and closed with a comment (history kept), sources registered
and edited by id (same checks as the CLI import), 12-month history of a site."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from jasyl.errors import InputError
from jasyl.monitoring.alert_actions import act_on_alert, alert_detail, count_alerts, list_alerts
from jasyl.monitoring.history import MIN_DAYS_FOR_ANNUAL, parameter_history, site_parameters
from jasyl.monitoring.setup import init_monitoring
from jasyl.monitoring.source_register import create_source, get_source, update_source
from jasyl.store.models import Alert, Site


@pytest.fixture(scope="module")
def demo_engine(tmp_path_factory: pytest.TempPathFactory):
    return init_monitoring(f"sqlite:///{tmp_path_factory.mktemp('insp') / 'm.sqlite'}", demo=True)


def test_acknowledge_then_close_with_history(demo_engine) -> None:
    first = list_alerts(demo_engine, status="open", limit=1)[0]
    before = count_alerts(demo_engine)
    out = act_on_alert(demo_engine, first["id"], "acknowledge", user="inspector1",
                       comment="  seen; lab sample ordered ")
    assert out["before"]["status"] == "open" and out["after"]["status"] == "acknowledged"
    assert out["event"]["comment"] == "seen; lab sample ordered"
    after = count_alerts(demo_engine)
    assert after["open"] == before["open"] - 1 and after["acknowledged"] == before["acknowledged"] + 1
    act_on_alert(demo_engine, first["id"], "acknowledge", user="inspector3", comment="seen too")
    act_on_alert(demo_engine, first["id"], "close", user="inspector2", comment="<script>alert(1)</script>")
    with pytest.raises(InputError) as err:
        act_on_alert(demo_engine, first["id"], "close", user="inspector1", comment="again")
    assert err.value.field == "action"
    detail = alert_detail(demo_engine, first["id"])
    assert detail is not None and detail["status"] == "closed"
    assert [(h["action"], h["user"]) for h in detail["history"]] == [
        ("acknowledge", "inspector1"), ("acknowledge", "inspector3"), ("close", "inspector2")]
    assert detail["history"][2]["comment"] == "<script>alert(1)</script>"  # stored as text, escaped on output


@pytest.mark.parametrize(("action", "comment", "field"), [("close", "", "comment"), ("delete", "x", "action"),
                                                          ("close", "x" * 2001, "comment")])
def test_bad_actions_name_the_field(demo_engine, action: str, comment: str, field: str) -> None:
    alert_id = list_alerts(demo_engine, status="open", limit=1)[0]["id"]
    with pytest.raises(InputError) as err:
        act_on_alert(demo_engine, alert_id, action, user="x", comment=comment)
    assert err.value.field == field
    with demo_engine.connect() as conn:
        assert conn.scalar(select(Alert.status).where(Alert.id == alert_id)) == "open"


def test_unknown_alert(demo_engine) -> None:
    with pytest.raises(InputError) as err:
        act_on_alert(demo_engine, 10**9, "close", user="x", comment="y")
    assert err.value.field == "alert_id"


def test_register_and_edit_a_source(demo_engine) -> None:
    row = {"name": "Kiln 7 '; DROP TABLE sources; --", "type": "brick_works", "status": "illegal",
           "latitude": "43.9", "longitude": "77.1", "operator": "", "notes": "seen from the road"}
    made = create_source(demo_engine, row, origin="web:inspector1")
    assert made["name"] == row["name"] and made["status"] == "illegal" and not made["demo"]
    with pytest.raises(InputError) as err:
        create_source(demo_engine, row, origin="web:inspector1")
    assert err.value.field == "name"
    changed = update_source(demo_engine, made["id"], {**row, "status": "under_restoration", "longitude": "77.2"})
    assert changed["before"]["status"] == "illegal" and changed["after"]["status"] == "under_restoration"
    assert get_source(demo_engine, made["id"])["longitude"] == 77.2
    for bad, field in (({**row, "status": "gone"}, "status"), ({**row, "latitude": "95"}, "latitude"),
                       ({**row, "name": " "}, "name"), ({**row, "colour": "red"}, "colour")):
        with pytest.raises(InputError) as err:
            update_source(demo_engine, made["id"], bad)
        assert err.value.field == field
    assert get_source(demo_engine, made["id"])["status"] == "under_restoration"


def test_history_of_the_demo_air_station(demo_engine) -> None:
    with demo_engine.connect() as conn:
        site_id = conn.scalar(select(Site.id).where(Site.code == "demo:konaev-air"))
    assert site_parameters(demo_engine, site_id)[0] == "pm25"
    h = parameter_history(demo_engine, site_id, "pm25")
    assert not h.daily.empty and h.monthly["days"].sum() == len(h.daily) == h.twelve_month_days
    assert h.twelve_month_mean == pytest.approx(h.daily["value"].mean())
    assert h.twelve_month_complete == (h.twelve_month_days >= MIN_DAYS_FOR_ANNUAL)
    assert h.standard("WHO", "annual").value == 5 and h.standard("WHO", "24h").value == 15
    empty = parameter_history(demo_engine, site_id, "bod5")
    assert empty.daily.empty and empty.twelve_month_mean is None
