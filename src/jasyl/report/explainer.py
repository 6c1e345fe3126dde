"""'What the plan means for you' as text: the explainer's figures (:mod:`jasyl.planning.explainer`) put
into sentences of the reader's language. Sentences whose figures are missing are left out.

Returns plain text (the page escapes it); numbers are rounded for readers, not for analysts.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from jasyl.i18n import catalogue, translate
from jasyl.report.labels import Labels

__all__ = ["ExplainerSection", "explainer_sections", "explainer_sources", "HEADLINE_TECHS"]

#: technologies the explainer describes, in this order (the others are listed briefly)
HEADLINE_TECHS: tuple[str, ...] = ("wind", "pv_fixed", "pv_tracking", "pv_rooftop", "heat_pump_individual",
                                   "heat_pump_district", "battery_energy", "heat_storage_energy",
                                   "electric_boiler_district", "electric_boiler_industry")


@dataclass
class ExplainerSection:
    id: str
    title: str
    paragraphs: list[str] = field(default_factory=list)
    items: list[str] = field(default_factory=list)


def _t(key: str, lang: str, **values: Any) -> str:
    return translate("pages.explain." + key, lang, **values)


def _has(key: str, lang: str) -> bool:
    return "pages.explain." + key in catalogue(lang)


def _round_sig(value: float, digits: int = 2) -> float:
    """Round to ``digits`` significant digits (537.27 -> 540; 8.13 -> 8.1)."""
    if value == 0:
        return 0.0
    return round(value, -int(math.floor(math.log10(abs(value)))) + (digits - 1))


def explainer_sections(facts: Mapping[str, Any], lang: str, city_name: str) -> list[ExplainerSection]:
    """The explainer's sections for the JSON of :meth:`ExplainerFacts.to_dict`."""
    lab = Labels(lang)

    def n(value: float | None, digits: int = 0) -> str:
        return lab.num(value, digits)

    def sig(value: float | None, digits: int = 2) -> str:
        if value is None:
            return "—"
        v = _round_sig(float(value), digits)
        return lab.num(v, 0 if abs(v) >= 10 else 1)

    out: list[ExplainerSection] = []
    tonne = facts.get("tonne") or {}
    sec = ExplainerSection("tonne", _t("tonne_head", lang))
    sec.paragraphs.append(_t("tonne_gas", lang, volume=sig(tonne.get("volume_m3")), side=sig(tonne.get("cube_side_m"))))
    if tonne.get("grid_kwh"):
        if tonne.get("household_electricity_months"):
            sec.paragraphs.append(_t("tonne_grid", lang, city=city_name, kwh=sig(tonne["grid_kwh"], 3),
                                     months=n(tonne["household_electricity_months"], 0)))
        else:
            sec.paragraphs.append(_t("tonne_grid_only", lang, city=city_name, kwh=sig(tonne["grid_kwh"], 3)))
    if tonne.get("petrol_litres"):
        sec.paragraphs.append(_t("tonne_petrol", lang, litres=sig(tonne["petrol_litres"])))
    if tonne.get("coal_kg"):
        sec.paragraphs.append(_t("tonne_coal", lang, kg=sig(tonne["coal_kg"])))
    out.append(sec)

    sec = ExplainerSection("where", _t("where_head", lang, city=city_name))
    sec.paragraphs.append(_t("where_text", lang, total=n(float(facts["total_tco2e"]) / 1000.0, 0),
                             per_person=n(facts.get("per_person_t"), 1)))
    for s in facts.get("top_sources") or []:
        carrier = s.get("carrier") or ""
        what = lab.sector(str(s.get("subsector") or s.get("sector")))
        if carrier and _has(f"carrier.{carrier}", lang):
            what = _t("source_item", lang, subsector=what, carrier=_t(f"carrier.{carrier}", lang))
        sec.items.append(_t("where_item", lang, share=n(100.0 * float(s["share"]), 0), what=what))
    out.append(sec)

    builds = {b["technology"]: b for b in facts.get("builds") or []}
    if builds:
        sec = ExplainerSection("builds", _t("builds_head", lang))
        for tech in [t for t in HEADLINE_TECHS if t in builds] + [t for t in builds if t not in HEADLINE_TECHS]:
            b = builds[tech]
            new = float(b["capacity"]) - float(b.get("existing") or 0.0)
            name = lab.tech(tech.removesuffix("_energy") if tech.endswith("_energy") else tech)
            share = n(100.0 * b["share_of_electricity"], 0) if b.get("share_of_electricity") is not None else None
            if tech == "wind" and share is not None:
                sec.items.append(_t("build.wind", lang, mw=n(new), share=share))
            elif tech.startswith("pv_") and share is not None:
                sec.items.append(_t("build.pv", lang, name=name, mw=n(new), share=share))
            elif tech.startswith("heat_pump") and b.get("cop_annual"):
                sec.items.append(_t("build.heat_pump", lang, name=name, mw=n(new), cop=n(b["cop_annual"], 1),
                                    cop_peak=n(b.get("cop_peak"), 1)))
            elif tech == "battery_energy":
                sec.items.append(_t("build.battery", lang, mwh=n(new)))
            elif tech == "heat_storage_energy":
                sec.items.append(_t("build.heat_storage", lang, mwh=n(new)))
            elif tech.startswith("electric_boiler"):
                sec.items.append(_t("build.electric_boiler", lang, name=name, mw=n(new)))
            elif not tech.endswith(("_power", "_charge", "_discharge")):
                sec.items.append(_t("build.other", lang, name=name, capacity=n(new), unit=lab.unit(str(b["unit"]))))
        if facts.get("cut_per_person_t") is not None and facts.get("extra_cost_usd_per_person") is not None:
            sec.paragraphs.append(_t("cost_text", lang, cut=n(facts["cut_per_person_t"], 1),
                                     usd=n(facts["extra_cost_usd_per_person"], 0),
                                     per_t=n(facts.get("cost_per_t_usd"), 0)))
        out.append(sec)
    else:
        out.append(ExplainerSection("builds", _t("builds_head", lang), paragraphs=[_t("no_plan", lang)]))

    actions = facts.get("actions") or []
    if actions:
        sec = ExplainerSection("actions", _t("actions_head", lang))
        for a in actions:
            basis = a.get("basis") or {}
            kg = n(float(a["saving_t_per_year"]) * 1000.0, 0)
            if a["id"] == "save_electricity":
                sec.items.append(_t("action.save_electricity", lang, mwh=n(basis.get("household_mwh"), 1), kg=kg,
                                    factor=n(basis.get("grid_t_per_mwh"), 2)))
            elif a["id"] == "lower_temperature":
                sec.items.append(_t("action.lower_temperature", lang, pct=n(100.0 * float(basis.get("share", 0)), 0),
                                    kg=kg, indoor=n(basis.get("indoor_c"), 0)))
            elif a["id"] == "car_free_day":
                sec.items.append(_t("action.car_free_day", lang, kg=kg))
        out.append(sec)
    return out


def explainer_sources(facts: Mapping[str, Any], lang: str) -> list[str]:
    """The sources behind the explainer's figures, named in ``lang``."""
    out = []
    for sid in facts.get("sources") or []:
        key = f"src.{sid}"
        out.append(_t(key, lang) if _has(key, lang) else str(sid))
    return out
