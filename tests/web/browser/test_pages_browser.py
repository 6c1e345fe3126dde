"""The public pages in a real browser (Debian's Chromium): every page in kk/ru/en with the switcher,
no untranslated key and no English left in kk/ru text (charts included), the map with its sites and
sources, an inspector acknowledging an alert. Screenshots of each public page in each language go to
``test-artifacts/screenshots/``."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.web.browser.conftest import LiveServer, log_in, shoot

PUBLIC = {"glance": "/konaev/", "air": "/konaev/air", "explain": "/konaev/explain"}
LANG_NAMES = {"kk": "Қазақша", "ru": "Русский", "en": "English"}
#: Latin text that may stand in kk/ru pages: chemical formulas, units and indices known by these names,
#: proper names of data sets, software and standards
ALLOWED_LATIN = re.compile(
    r"(?<![A-Za-z])(PM\d+(\.\d)?|NO|NO₂|NO₂⁻|NO₃⁻|NH₄⁺|NH₃|SO₂|CO₂?|O₃|H₂S|PO₄|Cd|Pb|Cu|Zn|Hg|Cr|VI|Fe|pH|"
    r"AQI|GPC|BASIC|AR\d|UTC|CSV|JSON|API|HiGHS|Natural Earth|OpenStreetMap|Leaflet|jasyl|III|II|IV|"
    r"OpenAQ|Sensor\.Community|English|CIAAW)(?![A-Za-z])")
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
#: what an untranslated catalogue key looks like (pages.air.title, monitor.rule.x)
KEY = re.compile(r"\b[a-z]+(?:\.[a-z0-9_-]+){2,}\b")


def _visible_text(page: Any) -> str:
    """The body's text and the text of every SVG (the charts) - what a reader sees."""
    body = page.inner_text("body")
    svg = page.evaluate("Array.from(document.querySelectorAll('svg text')).map(t => t.textContent).join(' ')")
    return f"{body}\n{svg}"


def _wait_drawn(page: Any) -> None:
    page.wait_for_function(
        "Array.from(document.querySelectorAll('.vega-chart')).every(e => e.getAttribute('data-ready') === '1')",
        timeout=30_000)
    if page.query_selector(".air-map"):
        page.wait_for_selector(".air-map[data-loaded]", timeout=30_000)


@pytest.mark.parametrize("name", sorted(PUBLIC))
def test_public_page_in_three_languages(page: Any, live_server: LiveServer, name: str) -> None:
    path = PUBLIC[name]
    page.goto(f"{live_server.url}{path}?lang=kk")
    for lang in ("kk", "ru", "en"):
        if lang != "kk":  # switch with the page's own language switcher: the page is kept
            page.click(f".lang-switch a[data-lang={lang}]")
            page.wait_for_load_state("networkidle")
        assert page.evaluate("document.documentElement.lang") == lang
        assert page.url.split("?")[0].endswith(path)
        _wait_drawn(page)
        text = _visible_text(page)
        keys = [k for k in KEY.findall(text) if not k.startswith(("www.", "jasyl."))]
        assert not keys, f"{name}/{lang}: untranslated keys {keys[:5]}"
        if lang != "en":
            stray = sorted(set(LATIN_WORD.findall(ALLOWED_LATIN.sub(" ", text))))
            assert not stray, f"{name}/{lang}: English left in the page: {stray[:20]}"
        assert not page.jasyl_errors, page.jasyl_errors
        shoot(page, f"{name}-{lang}")


def test_map_shows_every_site_and_source(page: Any, live_server: LiveServer) -> None:
    page.goto(f"{live_server.url}/konaev/air?lang=ru")
    page.wait_for_selector(".air-map[data-loaded]", timeout=30_000)
    status = live_server.env.client().get("/api/v1/monitoring/status").json()
    sites = [s for s in status["sites"] if s["latitude"] is not None]
    sources = [s for s in status["sources"] if s["latitude"] is not None]
    assert page.locator(".air-map [data-layer=site]").count() == len(sites) > 0
    assert page.locator(".air-map [data-layer=source]").count() == len(sources) > 0
    # a popup names the site in Russian, as text
    page.locator(".air-map [data-layer=site]").first.click(force=True)
    popup = page.wait_for_selector(".leaflet-popup-content .map-popup")
    assert "ДЕМО" in popup.inner_text()


def test_inspector_acknowledges_an_alert_and_a_viewer_cannot(page: Any, live_server: LiveServer) -> None:
    log_in(page, live_server, "inspector1", next_url="/konaev/inspect?lang=ru")
    page.goto(f"{live_server.url}/konaev/inspect?lang=ru&status=open")
    first = page.locator("table.alerts tbody tr").first
    alert_id = first.get_attribute("data-alert")
    first.locator("a").click()
    page.wait_for_selector("form.alert-action[data-action=acknowledge]")
    page.fill("form.alert-action[data-action=acknowledge] textarea", "Проверено на месте; заказан лабораторный анализ")
    page.click("form.alert-action[data-action=acknowledge] button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.get_attribute("#alert-status", "data-status") == "acknowledged"
    assert "заказан лабораторный анализ" in page.inner_text("table.history")
    shoot(page, "inspector-alert-acknowledged-ru")
    audit = live_server.env.client("admin").get("/api/v1/admin/audit?action=alert.acknowledge").json()
    assert any(e["object_id"] == alert_id for e in audit)
    # a viewer is refused the inspector pages
    viewer = live_server.env.client("viewer")
    assert viewer.get(f"/konaev/inspect/alerts/{alert_id}").status_code == 403
