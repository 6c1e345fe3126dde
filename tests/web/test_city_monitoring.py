"""Monitoring is tied to the city in the URL: a site or source belongs to the nearest served city with a
location (unlocated ones to the deployment's default city); a city without monitoring says so; the air
page's content is built once per language and status, not per request."""

from __future__ import annotations

from typing import Any

import pytest

import jasyl.web.routers.air as air_router
from jasyl.web.routers.pages_data import invalidate_monitoring, monitoring_city_of
from tests.web.conftest import WebEnv


def test_nearest_served_city_owns_a_site() -> None:
    centres = {"konaev": (43.88, 77.08), "taldykorgan": (45.02, 78.37)}
    assert monitoring_city_of({"latitude": 43.87, "longitude": 77.07}, centres, "konaev") == "konaev"
    assert monitoring_city_of({"latitude": 44.9, "longitude": 78.2}, centres, "konaev") == "taldykorgan"
    assert monitoring_city_of({"latitude": None, "longitude": None}, centres, "taldykorgan") == "taldykorgan"
    assert monitoring_city_of({"latitude": 44.9, "longitude": 78.2}, {}, "konaev") == "konaev"


def test_another_city_shows_none_of_konaevs_monitoring(web: WebEnv) -> None:
    client = web.client()
    konaev = client.get("/konaev/air?lang=en")
    assert konaev.status_code == 200 and 'class="site-card"' in konaev.text and "no-monitoring" not in konaev.text
    other = client.get("/almaty/air?lang=en")  # served, but no site or source lies nearer to it
    assert other.status_code == 200
    assert 'id="no-monitoring"' in other.text and 'class="site-card"' not in other.text
    assert "Konaev centre" not in other.text, other.text[other.text.find("Konaev centre") - 500:][:800]
    assert "demo-banner" not in other.text
    assert client.get("/almaty/air/map.geojson").json()["features"] == []
    assert len(client.get("/konaev/air/map.geojson").json()["features"]) > 0
    assert client.get("/almaty/air/sites/1/pm25/year.json").status_code == 404
    assert client.get("/konaev/air/sites/1/pm25/year.json").status_code == 200
    assert client.get("/api/v1/almaty/sites/1/history?parameter=pm25").status_code == 404
    assert client.get("/api/v1/almaty/sources").json() == []
    assert len(client.get("/api/v1/konaev/sources").json()) > 0
    kk = client.get("/almaty/air?lang=kk").text
    assert "мониторинг деректері жоқ" in kk


def test_air_page_content_is_built_once_per_language(web: WebEnv, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real = air_router.site_views

    def counting(st: Any, lang: str, ids: Any) -> Any:
        calls.append(lang)
        return real(st, lang, ids)

    monkeypatch.setattr(air_router, "site_views", counting)
    client = web.client()
    first = client.get("/konaev/air?lang=ru")
    second = client.get("/konaev/air?lang=ru")
    assert first.status_code == second.status_code == 200 and calls == ["ru"]
    assert first.text.count('class="site-card"') == second.text.count('class="site-card"') > 0
    client.get("/konaev/air?lang=en")
    assert calls == ["ru", "en"]
    invalidate_monitoring(type("R", (), {"app": web.app})())  # a write through the web: built again
    client.get("/konaev/air?lang=ru")
    assert calls == ["ru", "en", "ru"]


def test_a_failed_overview_is_not_resubmitted_on_every_view(web: WebEnv, monkeypatch: pytest.MonkeyPatch) -> None:
    import jasyl.web.routers.pages_data as pd_mod  # noqa: PLC0415 - the module under test, patched

    class Jobs:
        submitted: list[str] = []

        def submit(self, kind: str, options: Any) -> str:
            self.submitted.append(kind)
            return f"job{len(self.submitted)}"

        def status(self, job_id: str) -> Any:
            return type("S", (), {"state": "failed"})()

    jobs = Jobs()
    real = web.app.state.jobs
    web.app.state.jobs = jobs
    try:
        monkeypatch.setattr(pd_mod, "_load", lambda app, city: None)
        for _ in range(5):
            pd_mod.ensure_overview(web.app, "konaev")
        assert jobs.submitted == ["overview"]
        monkeypatch.setattr(pd_mod, "RETRY_FAILED_OVERVIEW_S", 0.0)
        pd_mod.ensure_overview(web.app, "konaev")
        assert jobs.submitted == ["overview", "overview"]
    finally:
        web.app.state.jobs = real  # the fixture closes the real manager


def test_alerts_belong_to_their_city(web: WebEnv) -> None:
    konaev = web.client("inspector")
    assert "data-alert=" in konaev.get("/konaev/inspect?status=open").text
    assert len(konaev.get("/api/v1/konaev/alerts?status=open").json()) > 0
    other = web.client("other_admin")  # admin (so inspector) of the other city only
    page = other.get("/almaty/inspect?status=open")
    assert page.status_code == 200 and "data-alert=" not in page.text
    assert other.get("/api/v1/almaty/alerts?status=open").json() == []
    assert other.get("/almaty/inspect/alerts/1").status_code == 404
    assert other.get("/api/v1/almaty/alerts/1").status_code == 404
    refused = web.post(other, "/almaty/inspect/alerts/1/acknowledge", {"comment": "not mine"})
    assert refused.status_code == 404
    assert konaev.get("/api/v1/konaev/alerts/1").json()["status"] == "open"
