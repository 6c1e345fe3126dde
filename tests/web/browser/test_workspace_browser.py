"""Browser test of the analyst workspace: log in, run a short plan from the form, follow its progress
(htmx polling) and see its result (key figures, capacities, the hourly dispatch chart drawn by Vega)."""

from __future__ import annotations

from typing import Any

from tests.web.browser.conftest import LiveServer, log_in, shoot


def test_analyst_runs_a_short_plan_from_the_form(page: Any, live_server: LiveServer) -> None:
    log_in(page, live_server, "analyst1", next_url="/konaev/workspace?lang=en")
    page.goto(f"{live_server.url}/konaev/workspace?lang=en")
    page.fill("#f-target_co2_t", "0")
    page.fill("#f-hours", "24")
    page.select_option("#f-method", "exact")
    page.click("#plan-form button[type=submit]")
    page.wait_for_url("**/konaev/workspace/jobs/**")
    assert page.locator("#job-progress").count() == 1
    # the job runs on Dask (a LocalCluster starts on the first submit); the page reloads itself when done
    page.wait_for_selector("#result table.key-figures", timeout=420_000)
    figures = page.inner_text("#result table.key-figures")
    assert "CO₂" in figures
    page.wait_for_selector("#result .vega-chart svg", timeout=60_000)  # the hourly dispatch, drawn
    assert page.locator("#result ul.downloads a").count() >= 5
    shoot(page, "workspace-plan-result-en")
    assert not [e for e in page.jasyl_errors if "Content Security Policy" in e or "pageerror" in e], page.jasyl_errors
