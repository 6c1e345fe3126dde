"""The content pages and their API over HTTP (in-process): figures come from the overview and the store,
every chart has its CSV and sources, writes are refused without CSRF and audited with it."""

from __future__ import annotations

import csv
import io
import re

from tests.web.conftest import WebEnv


def test_glance_shows_the_overview_figures(web: WebEnv) -> None:
    client = web.client()
    ov = client.get("/api/v1/konaev/overview").json()
    page = client.get("/konaev/?lang=ru")
    assert page.status_code == 200 and page.headers["content-language"] == "ru"
    total = f"{ov['inventory']['total_tco2e'] / 1000:.1f}".replace(".", ",")
    assert total in page.text.replace("\u00a0", " ")
    for chart in ("inventory", "emissions", "capacity", "pathway", "tradeoff"):
        assert f'id="chart-{chart}"' in page.text and f"/konaev/charts/{chart}.csv?lang=ru" in page.text
    assert '<script type="application/json" id="spec-chart-inventory">' in page.text


def test_every_chart_has_csv_and_sources(web: WebEnv) -> None:
    client = web.client()
    for name in ("inventory", "emissions", "capacity", "pathway"):
        spec = client.get(f"/konaev/charts/{name}.json?lang=kk").json()
        assert spec["config"]["locale"]["number"]["decimal"] == ","
        response = client.get(f"/konaev/charts/{name}.csv?lang=kk")
        assert response.headers["content-type"].startswith("text/csv")
        assert "attachment" in response.headers["content-disposition"]
        rows = list(csv.DictReader(io.StringIO(response.text)))
        assert rows, name
    inv = list(csv.DictReader(io.StringIO(client.get("/konaev/charts/inventory.csv").text)))
    total = client.get("/api/v1/konaev/inventory").json()["total_tco2e"]
    assert abs(sum(float(r["tco2e"]) for r in inv) - total) < 1e-3 * total
    assert client.get("/konaev/charts/nope.json").status_code == 404


def test_air_page_states_averaging_and_local_time(web: WebEnv) -> None:
    client = web.client()
    page = client.get("/konaev/air?lang=en").text
    assert 'class="air-map"' in page and "DEMO" in page
    assert "hourly mean" in page and "(Almaty time, UTC+5)" in page
    assert "Kazakh MPC, daily mean" in page  # standards by name, never by key
    assert "kz_mpc" not in page and "water_fishery_mpc" not in page
    site = next(s for s in client.get("/api/v1/monitoring/status").json()["sites"] if s["kind"] == "air_station")
    history = client.get(f"/api/v1/konaev/sites/{site['id']}/history?parameter=pm25").json()
    assert sum(m["days"] for m in history["monthly"]) == len(history["daily"]) == history["twelve_month_days"]
    rows = list(csv.DictReader(io.StringIO(client.get(f"/konaev/air/sites/{site['id']}/pm25/daily.csv").text)))
    assert len(rows) == len(history["daily"]) and rows[0]["label"] == "DEMO" and rows[0]["averaging"]
    layer = client.get("/konaev/air/map.geojson?lang=kk").json()
    assert {f["properties"]["layer"] for f in layer["features"]} == {"site", "source"}
    assert all(not re.search(r"[A-Za-z]{4,}", f["properties"]["name"]) for f in layer["features"])


def test_alert_via_the_api_is_audited_and_needs_csrf(web: WebEnv) -> None:
    client = web.client("inspector")
    open_alerts = client.get("/api/v1/konaev/alerts?status=open&limit=1").json()
    alert_id = open_alerts[0]["id"]
    refused = client.post(f"/api/v1/konaev/alerts/{alert_id}/close", json={"comment": "x"})
    assert refused.status_code == 403  # no CSRF token
    token = web.csrf(client)
    bad = client.post(f"/api/v1/konaev/alerts/{alert_id}/close", json={"comment": ""},
                      headers={"X-CSRF-Token": token})
    assert bad.status_code == 400 and "comment" in bad.text
    ok = client.post(f"/api/v1/konaev/alerts/{alert_id}/close", json={"comment": "resolved on site"},
                     headers={"X-CSRF-Token": token})
    assert ok.status_code == 200 and ok.json()["status"] == "closed"
    history = client.get(f"/api/v1/konaev/alerts/{alert_id}").json()["history"]
    assert history[-1]["comment"] == "resolved on site" and history[-1]["user"] == "inspector1"
    audit = web.client("admin").get("/api/v1/admin/audit?action=alert.close").json()
    assert any(e["object_id"] == str(alert_id) for e in audit)


def test_source_form_errors_are_next_to_the_field(web: WebEnv) -> None:
    client = web.client("inspector")
    response = web.post(client, "/konaev/inspect/sources", {"name": "Quarry X", "type": "quarry",
                                                             "status": "bulldozed", "latitude": "", "longitude": ""})
    assert response.status_code == 400
    assert re.search(r'has-error[^>]*>\s*<label for="f-status"', response.text)
    assert 'value="Quarry X"' in response.text  # what was typed is kept
