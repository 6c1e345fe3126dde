"""Assemble the HTML report from a :class:`ReportContext` (Jinja2 template, inline CSS and SVG)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from jasyl.report.context import ReportContext, ReportFigure, ReportSection
from jasyl.report.figures import all_figures, utc_offset_text
from jasyl.report.html import render
from jasyl.report.locator import osm_link
from jasyl.report.macc import macc_report_section
from jasyl.report.pathway import pathway_report_section
from jasyl.report.summary import build_list, ev_shares, key_figures
from jasyl.report.tradeoff import tradeoff_section

__all__ = ["build_report", "plan_sections", "sources_list", "TEMPLATE"]

TEMPLATE = "report.html.j2"


def plan_sections(ctx: ReportContext) -> list[ReportSection]:
    """The MACC and pathway sections of the plan report, for what ``ctx`` carries (in that order)."""
    sections: list[ReportSection] = []
    if ctx.macc is not None and ctx.measures is not None:
        sections.append(macc_report_section(ctx.macc, ctx.measures, ctx.lang))
    if ctx.pathway is not None:
        sections.append(pathway_report_section(ctx.pathway, ctx.lang, ctx.measures))
    if ctx.tradeoff is not None:
        sections.append(tradeoff_section(ctx.tradeoff, ctx.labels, method=ctx.tradeoff_method))
    return sections


def sources_list(ctx: ReportContext) -> list[dict[str, Any]]:
    """Assumptions of the plan and factors of the inventory, grouped by item and source.

    Each entry: ``group`` (plan / inventory), ``name`` (e.g. ``pv_fixed``), ``values`` (list of
    name/value/unit) and ``source``. A unit that only repeats the end of the name is dropped (names
    carry their units: ``capex_usd_per_kw``); ``year`` entries are already part of the source text.
    """
    grouped: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    for item in ctx.result.assumptions:
        full = str(item.get("name", ""))
        if full.endswith(".year") or full == "year":
            continue
        head, _, tail = full.rpartition(".")
        unit = str(item.get("unit", "") or "")
        low = tail.lower()
        if low.endswith((unit.lower(), unit.lower().replace("/", "_per_"))):
            unit = ""  # the name already says it (capex_usd_per_kw, import_price_usd_per_mwh)
        key = ("plan", head or tail, str(item.get("source", "") or ""))
        grouped.setdefault(key, []).append({"name": tail if head else full, "value": item.get("value"), "unit": unit})
    for name, factor in ctx.inventory.factors.items():
        year = factor.get("year")
        source = str(factor.get("source", "")) + (f"; year {year}" if year else "")
        grouped.setdefault(("inventory", name, source), []).append(
            {"name": "tco2e_per_mwh", "value": factor.get("value"), "unit": ""})
    return [{"group": g, "name": n, "source": src, "values": values} for (g, n, src), values in grouped.items()]


def _value_text(ctx: ReportContext, value: Any) -> str:
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, int | float):
        return ctx.labels.sig(float(value)) if math.isfinite(float(value)) else "—"
    return str(value)


def build_report(ctx: ReportContext, extra_sections: Sequence[ReportSection] = (),
                 figures: dict[str, ReportFigure] | None = None) -> str:
    """The complete, self-contained HTML report.

    The MACC and pathway sections of ``ctx`` (:func:`plan_sections`), then ``extra_sections``, are
    rendered after the main plots and before the sources, in that order.
    """
    lab, res = ctx.labels, ctx.result
    figs = figures if figures is not None else all_figures(ctx)
    population = float(ctx.city.population.value)
    inv_sectors = ctx.inventory.sectors()
    inventory_rows = [
        {
            "gpc_ref": r.gpc_ref,
            "sector": lab.sector(str(r.sector)),
            "subsector": lab.sector(str(r.subsector)),
            "scope": int(r.scope),
            "tco2e": lab.num(float(r.tco2e)) if not r.notation else str(r.notation),
            "share": lab.num(100.0 * float(r.tco2e) / ctx.inventory.total_tco2e, 1)
            if not r.notation and ctx.inventory.total_tco2e > 0 else "",
        }
        for r in inv_sectors.itertuples(index=False)
        if not r.notation and float(r.tco2e) > 0
    ]
    context = {
        "lang": lab.lang,
        "t": lab.t,
        "num": lab.num,
        "sig": lab.sig,
        "tech": lab.tech,
        "sector": lab.sector,
        "unit": lab.unit,
        "vehicle": lab.vehicle,
        "value_text": lambda v: _value_text(ctx, v),
        "city_name": ctx.city.display_name(lab.lang),
        "city": ctx.city,
        "result": res,
        "inventory": ctx.inventory,
        "inventory_rows": inventory_rows,
        "inventory_by_sector": ctx.inventory.by_sector(),
        "figures": figs,
        "key": key_figures(res, population),
        "build": build_list(res),
        "ev_shares": ev_shares(res),
        "population": population,
        "generated": lab.datetime(ctx.generated_utc) + " UTC",
        "generated_date": lab.date(ctx.generated_utc),
        "timezone_text": utc_offset_text(ctx),
        "osm_link": osm_link(ctx.city.location.latitude, ctx.city.location.longitude),
        "sources": sources_list(ctx),
        "extra_sections": [*plan_sections(ctx), *extra_sections],
        "options": ctx.options,
        "full_year": res.hours in (0, 8760) or len(res.dispatch) >= 8760,
        "math": math,
    }
    return render(TEMPLATE, **context)
