"""Role matrix of the content pages (engineer web-pages): public pages, their charts and map layers,
and the inspector pages."""

from __future__ import annotations

import itertools
from importlib import resources

from tests.web.role_matrix import Case, public, role

#: a demo source and an open demo alert exist in the test store (labelled demo data)
SOURCE = {"source_id": 1}
ALERT = {"alert_id": 1}
SOURCE_FORM = {"name": "Kiln 7", "type": "brick_works", "status": "illegal", "latitude": "43.9",
               "longitude": "77.1", "operator": "", "notes": "seen from the road"}

#: a valid city file: the embedded Konaev file as a user would upload it
CITY_YAML = (resources.files("jasyl") / "data" / "cities" / "konaev.yaml").read_bytes()
JOB = {"job_id": lambda env: env.job_id}
#: a sweep of two 24-hour scenarios (the form's own schema: ``jasyl sweep``)
TINY_SWEEP = ("name: tiny\nbase: {weather: synthetic, method: exact, hours: 24, target_co2_t: 0}\n"
              "combine: grid\naxes: {discount_rate: [0.05, 0.11]}\n")

MATRIX: dict[str, Case] = {
    "GET /{city}/workspace": role("analyst"),
    "POST /{city}/workspace/plan": role("analyst", ok=303, data={"target_co2_t": "0", "hours": "24",
                                                                 "method": "typical_days", "weather": ""}),
    "POST /{city}/workspace/tradeoff": role("analyst", ok=303, data={"points": "0.5, 1", "hours": "24",
                                                                     "method": "exact", "accounting": "hourly"}),
    "POST /{city}/workspace/sweep": role("analyst", ok=303, data={"scenario": TINY_SWEEP}),
    "GET /{city}/workspace/jobs/{job_id}": role("analyst", params=JOB),
    "GET /{city}/workspace/jobs/{job_id}/progress": role("analyst", params=JOB),
    "GET /{city}/workspace/jobs/{job_id}/charts/{kind}.json": role("analyst", params={**JOB, "kind": "dispatch"}),
    "GET /{city}/workspace/jobs/{job_id}/charts/{kind}.csv": role("analyst", params={**JOB, "kind": "duration"}),
    "GET /{city}/workspace/jobs/{job_id}/files/{name}": role("analyst", params={**JOB, "name": "summary.json"}),
    "GET /{city}/workspace/compare": role("analyst", query="job=x"),
    "POST /{city}/workspace/uploads": role(
        "analyst", ok=303, data={"kind": "city"},
        files=lambda: {"file": ("city.yaml", CITY_YAML, "application/yaml")}),
    "GET /api/v1/{city}/overview": public(),
    "GET /api/v1/{city}/inventory": public(),
    "GET /api/v1/{city}/explainer": public(),
    "GET /api/v1/{city}/sites/{site_id}/history": public(params={"site_id": 1}, query="parameter=pm25"),
    "GET /api/v1/{city}/sources": public(),
    "GET /api/v1/{city}/alerts": role("inspector", api=True, query="status=open"),
    "GET /api/v1/{city}/alerts/{alert_id}": role("inspector", api=True, params=ALERT),
    "POST /api/v1/{city}/alerts/{alert_id}/{action}": role(
        "inspector", api=True, params={**ALERT, "action": "acknowledge"}, json={"comment": "seen"}),
    "POST /api/v1/{city}/sources": role(
        "inspector", api=True, json=lambda n=itertools.count(20): {**SOURCE_FORM, "name": f"Kiln {next(n)}"}),
    "PUT /api/v1/{city}/sources/{source_id}": role("inspector", api=True, params=SOURCE,
                                                  json={**SOURCE_FORM, "name": "Kiln 30"}),
    "GET /{city}/": public(),
    "GET /{city}/explain": public(),
    "GET /{city}/charts/{name}.json": public(params={"name": "inventory"}),
    "GET /{city}/charts/{name}.csv": public(params={"name": "capacity"}),
    "GET /{city}/air": public(),
    "GET /{city}/air/map.geojson": public(),
    "GET /{city}/air/base.geojson": public(),
    "GET /{city}/air/sites/{site_id}/{parameter}/{kind}.json": public(
        params={"site_id": 1, "parameter": "pm25", "kind": "year"}),
    "GET /{city}/air/sites/{site_id}/{parameter}/{kind}.csv": public(
        params={"site_id": 1, "parameter": "pm25", "kind": "daily"}),
    "GET /{city}/inspect": role("inspector"),
    "GET /{city}/inspect/alerts/{alert_id}": role("inspector", params=ALERT),
    "POST /{city}/inspect/alerts/{alert_id}/{action}": role(
        "inspector", ok=303, params={**ALERT, "action": "acknowledge"}, data={"comment": "lab sample ordered"}),
    "GET /{city}/inspect/sources/new": role("inspector"),
    "POST /{city}/inspect/sources": role("inspector", ok=303,
                                         data=lambda n=itertools.count(7): {**SOURCE_FORM, "name": f"Kiln {next(n)}"}),
    "GET /{city}/inspect/sources/{source_id}": role("inspector", params=SOURCE),
    "POST /{city}/inspect/sources/{source_id}": role("inspector", ok=303, params=SOURCE,
                                                    data={**SOURCE_FORM, "name": "Kiln 8"}),
    "POST /{city}/inspect/measurements": role(
        "inspector", data={"format": "csv", "site": "", "partial": ""},
        files={"file": ("m.csv", b"site,parameter,time,value,unit,period\n"
                                 b"web:test,pm25,2025-01-01T00:00:00Z,12.5,ug/m3,1h\n", "text/csv")}),
}
