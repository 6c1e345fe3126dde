"""The analyst workspace: the plan form checks options with the plan's own schema (errors next to the
field), a plan runs as a job and its result shows the report's figures, interactive charts and downloads."""

from __future__ import annotations

import io

import pandas as pd

from tests.web.conftest import WebEnv


def test_bad_options_are_refused_next_to_their_field(web: WebEnv) -> None:
    client = web.client("analyst")
    response = web.post(client, "/konaev/workspace/plan", {"target_co2_t": "-5", "hours": "24", "method": "exact"})
    assert response.status_code == 400
    assert 'id="e-target_co2_t"' in response.text  # the error sits under its own field
    response = web.post(client, "/konaev/workspace/plan", {"target_co2_t": "0", "hours": "5", "method": "exact"})
    assert response.status_code == 400 and 'id="e-hours"' in response.text
    response = web.post(client, "/konaev/workspace/plan", {"target_co2_t": "0", "weather": "../../etc/passwd"})
    assert response.status_code == 400


def test_a_finished_plan_shows_its_result_and_downloads(web: WebEnv) -> None:
    client = web.client("analyst")
    page = client.get(f"/konaev/workspace/jobs/{web.job_id}?lang=ru")
    assert page.status_code == 200 and 'data-state="done"' in page.text
    summary = client.get(f"/konaev/workspace/jobs/{web.job_id}/files/summary.json").json()
    assert summary["hours"] == 24
    before = f"{summary['co2_before_t']:,.0f}".replace(",", "\u00a0")
    assert before in page.text
    for name in ("report.html", "dispatch.csv", "capacities.csv"):
        assert f"/files/{name}" in page.text
        assert client.get(f"/konaev/workspace/jobs/{web.job_id}/files/{name}").status_code == 200
    parquet = client.get(f"/konaev/workspace/jobs/{web.job_id}/files/dispatch.parquet")
    frame = pd.read_parquet(io.BytesIO(parquet.content))
    assert len(frame) == 24
    spec = client.get(f"/konaev/workspace/jobs/{web.job_id}/charts/dispatch.json?lang=kk").json()
    assert any(p["name"] == "zoom" for p in spec["params"])  # the hourly chart has its zoom
    assert client.get(f"/konaev/workspace/jobs/{web.job_id}/files/../../secret").status_code == 404
    compare = client.get(f"/konaev/workspace/compare?job={web.job_id}&job={web.job_id}")
    assert compare.status_code == 200 and compare.text.count("<th>CO₂ ≤ 0 t, 24 h, exact</th>") == 2
