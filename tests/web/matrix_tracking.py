"""Role matrix of the tracking and restoration pages (engineer track, issue 14)."""

from __future__ import annotations

from tests.web.role_matrix import Case, public, role

ACTUALS = (b"year,month,quantity,sector,carrier,item,value,unit,source,note\n"
           b"2025,,installed_capacity,,,pv,5,MW,akimat,\n"
           b"2025,,registered_vehicles,,electricity,passenger_car,70,vehicles,police,\n")

MATRIX: dict[str, Case] = {
    "GET /{city}/progress": public(),
    "GET /{city}/progress/charts/{group}.json": public(params={"group": "capacity"}),
    "GET /{city}/progress/charts/{group}.csv": public(params={"group": "emissions"}),
    "GET /{city}/progress/template.{fmt}": public(params={"fmt": "xlsx"}),
    "POST /{city}/progress/actuals": role("analyst", files={"file": ("actuals.csv", ACTUALS, "text/csv")},
                                         data={"partial": ""}),
    "GET /{city}/register": public(),
    # the demo register has 'Abat quarry' under restoration since 2025-09-01: the next status is 'restored'
    "POST /{city}/register/events": role("inspector", ok=303, data={
        "source": "Abat quarry", "status": "restored", "when": "2026-10-01", "evidence": "acceptance act 12",
        "note": ""}, text_fields=("evidence", "note")),
    "GET /api/v1/{city}/progress": public(),
    "GET /api/v1/{city}/register": public(),
    "GET /api/v1/{city}/damage": public(),
}
