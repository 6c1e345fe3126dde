"""Charts and headline figures of a city overview (the JSON of :func:`jasyl.planning.overview.run_overview`)
for the public pages, in the reader's language. Reshapes and labels only.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd

from jasyl.i18n import catalogue, translate
from jasyl.report import charts as C
from jasyl.report.vegalite import Chart

__all__ = ["OVERVIEW_CHARTS", "overview_chart", "headline", "method_text", "city_label"]

#: the public charts of a city overview, in page order
OVERVIEW_CHARTS: tuple[str, ...] = ("inventory", "emissions", "capacity", "tradeoff", "pathway")


def _t(key: str, lang: str, **values: Any) -> str:
    return translate("charts." + key, lang, **values)


def city_label(overview: Mapping[str, Any], lang: str) -> str:
    city = overview.get("city") or {}
    return str((city.get("names") or {}).get(lang) or city.get("name") or "")


def method_text(overview: Mapping[str, Any], lang: str) -> str:
    method = str((overview.get("options") or {}).get("method") or "exact").replace("-", "_")
    key = f"charts.method.{method}"
    return translate(key, lang) if key in catalogue(lang) else method


def _hours(overview: Mapping[str, Any]) -> int:
    plan = overview.get("plan") or {}
    return int(plan.get("hours") or (overview.get("options") or {}).get("hours") or 8760)


def _inventory(ov: Mapping[str, Any], lang: str) -> Chart:
    inv = ov["inventory"]
    src = [_t("source.inventory", lang, year=inv["year"], gwp=inv.get("gwp_set", ""))]
    return C.inventory_chart(pd.DataFrame(inv["sectors"]), lang=lang, city=city_label(ov, lang), year=int(inv["year"]),
                             sources=src)


def _plan_sources(ov: Mapping[str, Any], lang: str) -> list[str]:
    return [_t("source.plan", lang, method=method_text(ov, lang), hours=_hours(ov))]


def _emissions(ov: Mapping[str, Any], lang: str) -> Chart:
    plan = ov["plan"]
    return C.emissions_chart(plan.get("co2_before_by_sector_t") or {}, plan.get("co2_after_by_sector_t") or {},
                             lang=lang, sources=_plan_sources(ov, lang))


def _capacity(ov: Mapping[str, Any], lang: str) -> Chart:
    plan = ov["plan"]
    return C.capacity_chart(plan.get("capacities") or {}, plan.get("existing_capacities") or {},
                            plan.get("capacity_units") or {}, lang=lang, sources=_plan_sources(ov, lang))


def _tradeoff(ov: Mapping[str, Any], lang: str) -> Chart:
    curve = ov.get("tradeoff") or {}
    points = curve.get("points") or []
    knee = curve.get("knee_reduction")
    return C.tradeoff_chart(points, lang=lang, accounting=str(curve.get("accounting") or "hourly"),
                            units=(ov.get("plan") or {}).get("capacity_units") or {},
                            knee=float(knee) if knee is not None else None,
                            sources=[_t("source.tradeoff", lang, points=len(points))] if points else [])


def _pathway(ov: Mapping[str, Any], lang: str) -> Chart:
    path = ov.get("pathway") or {}
    years = path.get("years") or []
    engine = str(path.get("engine") or "")
    engine_text = _t(f"engine.{engine}", lang) if f"charts.engine.{engine}" in catalogue(lang) else engine
    src = [_t("source.pathway", lang, engine=engine_text, start=path.get("start_year", ""),
              target=path.get("target_year", ""))] if years else []
    return C.pathway_chart(years, lang=lang, sources=src)


_MAKERS: dict[str, Callable[[Mapping[str, Any], str], Chart]] = {
    "inventory": _inventory, "emissions": _emissions, "capacity": _capacity, "tradeoff": _tradeoff,
    "pathway": _pathway,
}


def overview_chart(overview: Mapping[str, Any], name: str, lang: str) -> Chart:
    """One chart of the overview (``name`` in :data:`OVERVIEW_CHARTS`); KeyError for another name."""
    return _MAKERS[name](overview, lang)


def headline(overview: Mapping[str, Any]) -> dict[str, Any]:
    """The headline numbers of the public page (units in the names)."""
    inv = overview["inventory"]
    plan = overview.get("plan") or {}
    out: dict[str, Any] = {
        "inventory_year": inv["year"], "inventory_kt": inv["total_tco2e"] / 1000.0,
        "per_person_t": inv.get("per_capita_tco2e"), "gwp_set": inv.get("gwp_set", ""),
        "co2_before_kt": (plan.get("co2_before_t") or 0.0) / 1000.0,
        "co2_after_kt": (plan.get("co2_after_t") or 0.0) / 1000.0,
        "cost_musd": (plan.get("total_annual_cost_usd") or 0.0) / 1e6,
        "extra_musd": ((plan.get("total_annual_cost_usd") or 0.0)
                       - (plan.get("baseline_annual_cost_usd") or 0.0)) / 1e6,
        "per_t_usd": plan.get("cost_per_t_avoided_usd"),
        "hours": _hours(overview),
        "accounting": str((overview.get("tradeoff") or {}).get("accounting") or plan.get("accounting") or "hourly"),
    }
    curve = overview.get("tradeoff") or {}
    knee = curve.get("knee_reduction")
    if knee is not None:
        point: dict[str, Any] = next((p for p in curve.get("points") or [] if p.get("reduction") == knee), {})
        out["knee_percent"] = 100.0 * float(knee)
        out["knee_marginal_usd"] = point.get("segment_cost_per_t_usd") or point.get("marginal_cost_per_t_usd")
    path = overview.get("pathway") or {}
    if path.get("years"):
        out["pathway"] = {"start": path.get("start_year"), "target": path.get("target_year"),
                          "investment_musd": (path.get("total_investment_usd") or 0.0) / 1e6,
                          "meets_all": bool(path.get("meets_all_targets", all(y.get("meets_target", True)
                                                                                for y in path["years"])))}
    return out
