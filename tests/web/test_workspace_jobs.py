"""The workspace's trade-off curve and sweep forms: options checked by the use cases' own schemas (errors
next to the field), files only from the user's own folder, and a real round trip of each job kind on
Dask with a tiny horizon (progress page, result page, chart, downloads)."""

from __future__ import annotations

import io
import json

import pandas as pd

from tests.web.conftest import WebEnv
from tests.web.matrix_pages import TINY_SWEEP


def _job_id(response: object) -> str:
    location = response.headers["location"]  # type: ignore[attr-defined]
    assert "/workspace/jobs/" in location, location
    return str(location.rsplit("/", 1)[1])


def test_tradeoff_form_refuses_bad_options_next_to_their_field(web: WebEnv) -> None:
    client = web.client("analyst")
    response = web.post(client, "/konaev/workspace/tradeoff", {"points": "0.5, 1.7", "hours": "24"})
    assert response.status_code == 400 and 'id="e-points"' in response.text
    response = web.post(client, "/konaev/workspace/tradeoff", {"points": "0.5", "hours": "3"})
    assert response.status_code == 400 and 'id="e-hours"' in response.text
    response = web.post(client, "/konaev/workspace/tradeoff", {"points": "0.5", "accounting": "yearly"})
    assert response.status_code == 400 and 'id="e-accounting"' in response.text
    response = web.post(client, "/konaev/workspace/tradeoff", {"points": "0.5", "weather": "../../etc/passwd"})
    assert response.status_code == 400 and 'id="e-weather"' in response.text


def test_sweep_form_checks_the_scenario_file(web: WebEnv) -> None:
    client = web.client("analyst")
    cases = {
        "not: [a, sweep": "YAML",  # broken YAML
        TINY_SWEEP.replace("discount_rate", "discount_rat"): "discount_rat",  # unknown setting, named
        TINY_SWEEP.replace("weather: synthetic", "weather: {file: /etc/passwd}"): "upload folder",
        TINY_SWEEP.replace("weather: synthetic", "weather: {file: " + "../" * 40 + "etc/passwd}"): "weather",
        TINY_SWEEP.replace("weather: synthetic", "city: almaty, weather: synthetic"): "almaty",
        TINY_SWEEP.replace("[0.05, 0.11]", "[" + ", ".join(f"0.0{i}" for i in range(1, 10)) + "]").replace(
            "axes: {", "axes: {capex_multiplier.wind: [0.7, 0.8, 0.9, 1.0, 1.1, "
            "1.2, 1.3], ") : "60",
    }
    for text, needle in cases.items():
        response = web.post(client, "/konaev/workspace/sweep", {"scenario": text})
        assert response.status_code == 400, text
        assert 'id="e-scenario"' in response.text, text
        error = response.text.split('id="e-scenario"')[1].split("</p>")[0]
        assert needle in error, (text, error)
        assert str(web.settings.data_dir) not in error  # no server paths shown


def test_tradeoff_and_sweep_jobs_round_trip(web: WebEnv) -> None:
    client = web.client("analyst")
    t_id = _job_id(web.post(client, "/konaev/workspace/tradeoff", {
        "points": "0, 0.5, 1", "hours": "24", "method": "exact", "accounting": "hourly", "allow_export": "1"}))
    s_id = _job_id(web.post(client, "/konaev/workspace/sweep", {"scenario": TINY_SWEEP}))
    page = client.get(f"/konaev/workspace/jobs/{t_id}")
    assert page.status_code == 200 and "job-progress" in page.text  # progress first (htmx polls it)
    jobs = web.app.state.jobs
    assert jobs.wait(t_id, timeout_s=600).state == "done", jobs.status(t_id)
    assert jobs.wait(s_id, timeout_s=600).state == "done", jobs.status(s_id)
    fragment = client.get(f"/konaev/workspace/jobs/{t_id}/progress")
    assert fragment.headers.get("HX-Refresh") == "true" and 'data-state="done"' in fragment.text

    # the trade-off curve: chart (Vega-Lite), points table, downloads as jasyl tradeoff writes them
    page = client.get(f"/konaev/workspace/jobs/{t_id}?lang=en")
    assert page.status_code == 200 and 'id="chart-tradeoff"' in page.text
    curve = client.get(f"/konaev/workspace/jobs/{t_id}/files/tradeoff.json").json()
    assert [p["reduction"] for p in curve["points"]] == [0.0, 0.5, 1.0]
    costs = [p["total_annual_cost_usd"] for p in curve["points"]]
    assert costs == sorted(costs)  # a tighter cap never costs less
    co2 = [p["co2_t"] for p in curve["points"]]
    assert co2[0] > co2[1] > co2[2] >= -1e-6
    table = pd.read_csv(io.StringIO(client.get(f"/konaev/workspace/jobs/{t_id}/files/tradeoff.csv").text))
    assert len(table) == 3 and table["co2_t"].tolist() == co2
    spec = client.get(f"/konaev/workspace/jobs/{t_id}/charts/tradeoff.json?lang=kk").json()
    assert spec["config"]["locale"]  # the kk locale travels with the spec
    assert client.get(f"/konaev/workspace/jobs/{t_id}/charts/tradeoff.csv").status_code == 200
    assert client.get(f"/konaev/workspace/jobs/{t_id}/charts/dispatch.json").status_code == 404
    assert client.get(f"/konaev/workspace/jobs/{t_id}/files/summary.json").status_code == 404

    # the sweep: one row per scenario, results as Parquet and CSV, the sweep report in the page's language
    page = client.get(f"/konaev/workspace/jobs/{s_id}?lang=ru")
    assert page.status_code == 200 and "sweep-results" in page.text
    results = pd.read_parquet(io.BytesIO(client.get(f"/konaev/workspace/jobs/{s_id}/files/results.parquet").content))
    assert len(results) == 2 and set(results["status"]) == {"optimal"}
    assert results["discount_rate"].tolist() == [0.05, 0.11]
    low, high = results.sort_values("discount_rate")["total_annual_cost_usd"].tolist()
    assert high > low  # capital costs more at the higher discount rate
    for row in results.itertuples():
        assert f"{row.total_annual_cost_usd / 1e6:,.2f}".replace(",", "\u00a0").replace(".", ",") in page.text
    csv = pd.read_csv(io.StringIO(client.get(f"/konaev/workspace/jobs/{s_id}/files/results.csv").text))
    assert len(csv) == 2
    report = client.get(f"/konaev/workspace/jobs/{s_id}/files/report.html?lang=ru")
    assert report.status_code == 200 and "<html" in report.text and 'lang="ru"' in report.text
    assert json.loads(client.get(f"/konaev/workspace/jobs/{s_id}/files/spec.json").text)["name"] == "tiny"
    assert client.get(f"/konaev/workspace/jobs/{s_id}/files/../../store.sqlite").status_code == 404

    # the workspace lists both jobs with their kind; compare takes plans only
    listing = client.get("/konaev/workspace?lang=en").text
    assert f"/workspace/jobs/{t_id}" in listing and f"/workspace/jobs/{s_id}" in listing
    assert "trade-off curve" in listing and "sweep" in listing
    # another city's analyst page cannot see these jobs
    assert web.client("viewer").get(f"/konaev/workspace/jobs/{t_id}").status_code == 403


def test_jobs_api_checks_options_and_reports_a_finished_plan(web: WebEnv) -> None:
    client = web.client("analyst")
    headers = {"X-CSRF-Token": web.csrf(client)}
    refused = client.post("/api/v1/konaev/jobs", json={"kind": "plan", "options": {"hours": 5}}, headers=headers)
    assert refused.status_code == 422 and refused.json()["detail"]["field"] == "hours"
    refused = client.post("/api/v1/konaev/jobs", json={"kind": "plan", "options": {"measures": "/etc/passwd"}},
                          headers=headers)
    assert refused.status_code == 422 and refused.json()["detail"]["field"] == "measures"
    refused = client.post("/api/v1/konaev/jobs", json={"kind": "plan", "options": {"weather": "../../x.epw"}},
                          headers=headers)
    assert refused.status_code == 422
    scenario = {"base": {"city": "almaty"}, "axes": {"discount_rate": [0.05]}}
    refused = client.post("/api/v1/konaev/jobs", json={"kind": "sweep", "scenario": scenario}, headers=headers)
    assert refused.status_code == 422 and "almaty" in refused.json()["detail"]["message"]
    assert client.post("/api/v1/konaev/jobs", json={"kind": "pathway"}, headers=headers).status_code == 422
    status = client.get(f"/api/v1/konaev/jobs/{web.job_id}").json()
    assert status["status"]["state"] == "done" and status["progress"]["percent"] == 100
    assert status["result"]["hours"] == 24 and "out_dir" not in status["status"]
    assert f"/konaev/workspace/jobs/{web.job_id}/files/summary.json" in status["files"]
    assert any(j["id"] == web.job_id for j in client.get("/api/v1/konaev/jobs").json())
    assert client.get("/api/v1/konaev/jobs/nope").status_code == 404
    token = {"Authorization": f"Bearer {web.token}"}  # the viewer's token: no jobs
    assert web.client(fresh=True).get("/api/v1/konaev/jobs", headers=token).status_code == 403
