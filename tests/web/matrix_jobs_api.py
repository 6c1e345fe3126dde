"""Role matrix of the workspace's JSON API (engineer web2): jobs are for analysts and above."""

from __future__ import annotations

from tests.web.role_matrix import Case, role

JOB = {"job_id": lambda env: env.job_id}

MATRIX: dict[str, Case] = {
    "GET /api/v1/{city}/jobs": role("analyst", api=True),
    "POST /api/v1/{city}/jobs": role("analyst", api=True,
                                     json={"kind": "tradeoff", "options": {"hours": 24, "points": [0.5, 1.0]}}),
    "GET /api/v1/{city}/jobs/{job_id}": role("analyst", api=True, params=JOB),
}
