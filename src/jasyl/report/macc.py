"""The MACC drawn: figure, table rows, the plan report's section, CSV and the files of ``jasyl macc --out``."""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path
from typing import Any

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from jasyl.abatement.macc import MaccResult
from jasyl.fileio import write_bytes_atomic, write_text_atomic
from jasyl.i18n import catalogue, check_lang, format_number, translate
from jasyl.measures import MeasureLibrary
from jasyl.report.context import ReportFigure, ReportSection
from jasyl.report.sections import Column, section_html
from jasyl.report.svg import png_bytes, svg_document, to_svg
from jasyl.report.tables import csv_text

__all__ = [
    "CLIP_USD_PER_T",
    "FIGURE_ID",
    "macc_figure",
    "unit_label",
    "table_rows",
    "macc_section",
    "macc_report_section",
    "macc_csv",
    "write_macc_files",
]

#: HTML id of the MACC figure in the plan report
FIGURE_ID = "fig-macc"

#: bars above this cost per tonne are cut in the figure (their value is printed)
CLIP_USD_PER_T = 1000.0

_CATEGORY_COLOURS = {
    "buildings": "#4e79a7",
    "heat": "#f28e2b",
    "transport": "#59a14f",
    "industry": "#9c755f",
    "supply": "#edc948",
    "other": "#bab0ac",
}


def macc_figure(result: MaccResult, lang: str = "en", library: MeasureLibrary | None = None) -> Figure:
    """A step-width MACC: bar width = tonnes a year, height = USD per tonne (matplotlib Figure)."""
    fig = Figure(figsize=(11, 6.5), dpi=100)
    ax = fig.add_subplot(1, 1, 1)
    limit = CLIP_USD_PER_T
    clipped = False
    x = 0.0
    for i, r in enumerate(result.rows):
        width = r.abatement_t_per_year / 1000.0
        colour = _CATEGORY_COLOURS.get(r.category, "#bab0ac")
        height = max(min(r.cost_usd_per_t, limit), -limit)
        ax.bar(x, height, width=width, align="edge", color=colour, edgecolor="white", linewidth=0.6)
        label = f"{i + 1}"
        if height != r.cost_usd_per_t:
            clipped = True
            label += f"\n{r.cost_usd_per_t:,.0f}"
        if width > 0.004 * max(result.total_abatement_t / 1000.0, 1e-9):
            ax.text(x + width / 2, height, label, ha="center", va="bottom" if height >= 0 else "top", fontsize=6.5)
        x += width
    if clipped:
        ax.text(
            0.99,
            0.02,
            translate("pathway.macc.clipped", lang, limit=f"{limit:,.0f}"),
            transform=ax.transAxes,
            ha="right",
            va="bottom",
            fontsize=7,
            color="#555555",
        )
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set_xlabel(translate("pathway.macc.xlabel", lang))
    ax.set_ylabel(translate("pathway.macc.ylabel", lang))
    ax.set_title(translate("pathway.macc.title", lang, city=result.city_label(lang)))
    used = sorted({r.category for r in result.rows})
    ax.legend(
        handles=[
            Patch(color=_CATEGORY_COLOURS.get(c, "#bab0ac"), label=translate(f"pathway.category.{c}", lang))
            for c in used
        ],
        loc="upper left",
        fontsize=8,
    )
    listing = "\n".join(
        f"{row['rank']}. {textwrap.shorten(row['name'], 62, placeholder='...')}"
        for row in table_rows(result, lang, library)
    )
    fig.text(0.64, 0.5, listing, fontsize=6.5, va="center", ha="left")
    fig.subplots_adjust(left=0.08, right=0.62, top=0.92, bottom=0.1)
    return fig


def unit_label(unit: str, lang: str) -> str:
    """A measure's unit in ``lang`` when the message catalogue knows it, else as written in the file."""
    key = "pathway.unit." + re.sub(r"[^a-z0-9]+", "_", unit.lower().replace("%", "pct")).strip("_")
    return catalogue(lang).get(key, unit)


def table_rows(result: MaccResult, lang: str = "en", library: MeasureLibrary | None = None) -> list[dict[str, Any]]:
    """Rows of the MACC table with names in ``lang`` (cheapest first)."""
    names = {m.id: m.label(lang) for m in library.measures} if library is not None else {}
    out = []
    for i, r in enumerate(result.rows):
        name = names.get(r.id, r.name)
        if r.tranches > 1:
            name += f" ({r.tranche}/{r.tranches})"
        out.append(
            {
                "rank": i + 1,
                "id": r.id,
                "name": name,
                "category": translate(f"pathway.category.{r.category}", lang),
                "units": r.units,
                "unit": unit_label(r.unit, lang),
                "investment_usd": r.investment_usd,
                "annualised_cost_usd": r.annualised_cost_usd,
                "abatement_t_per_year": r.abatement_t_per_year,
                "cost_usd_per_t": r.cost_usd_per_t,
            }
        )
    return out


def macc_section(result: MaccResult, library: MeasureLibrary, lang: str = "en") -> dict[str, Any]:
    """Data of the report's MACC section: title, intro text, SVG figure and table rows in ``lang``."""
    check_lang(lang)
    fig = macc_figure(result, lang, library)
    names = {m.id: m.label(lang) for m in library.measures}
    negative = sum(1 for r in result.rows if r.cost_usd_per_t < 0)
    texts = [
        translate(
            "pathway.macc.intro",
            lang,
            rate=format_number(100 * library.discount_rate.value, lang, 1),
            total=format_number(result.total_abatement_t, lang),
            baseline=format_number(result.energy_baseline_tco2e, lang),
        ),
    ]
    if negative:
        texts.append(translate("pathway.macc.negative", lang, count=negative))
    left = []
    for n in result.not_effective:
        name = names.get(n["id"], n["name"])
        partial = any(r.id == n["id"] for r in result.rows)
        if partial:
            unit = unit_label(library.measure(n["id"]).unit, lang)
            taken = sum(r.units for r in result.rows if r.id == n["id"])
            name = translate("pathway.macc.remaining", lang, name=name, left=format_number(n["units_left"], lang),
                             total=format_number(taken + n["units_left"], lang), unit=unit)
        left.append(name)
    if left:
        texts.append(translate("pathway.macc.not_effective", lang, names=", ".join(left)))
    if result.waste_tco2e > 0:
        texts.append(translate("pathway.macc.waste_note", lang, waste=format_number(result.waste_tco2e, lang)))
    return {
        "id": "macc",
        "title": translate("pathway.macc.section_title", lang),
        "texts": texts,
        "figure_svg": to_svg(fig, FIGURE_ID, translate("pathway.macc.title", lang, city=result.city_label(lang))),
        "figure_title": translate("pathway.macc.title", lang, city=result.city_label(lang)),
        "columns": {
            k: translate(f"pathway.col.{k}", lang)
            for k in ("rank", "measure", "category", "units", "unit", "investment", "abatement", "cost_per_t")
        },
        "rows": table_rows(result, lang, library),
        "data": result.to_dict(),
    }


def macc_report_section(result: MaccResult, library: MeasureLibrary, lang: str = "en") -> ReportSection:
    """The MACC section of the plan report (text, table and the figure ``fig-macc``)."""
    section = macc_section(result, library, lang)
    for row in section["rows"]:
        row["investment_musd"] = row["investment_usd"] / 1e6
    section["columns"]["investment_musd"] = section["columns"]["investment"]
    columns = [
        Column("rank", section["columns"]["rank"]),
        Column("name", section["columns"]["measure"]),
        Column("category", section["columns"]["category"]),
        Column("units", section["columns"]["units"], 0),
        Column("unit", section["columns"]["unit"]),
        Column("investment_musd", section["columns"]["investment_musd"], 2),
        Column("abatement_t_per_year", section["columns"]["abatement"], 0),
        Column("cost_usd_per_t", section["columns"]["cost_per_t"], 0),
    ]
    return ReportSection(
        id="macc",
        title=section["title"],
        html=section_html(section["texts"], columns, section["rows"], lang),
        figures=[ReportFigure(id=FIGURE_ID, title=section["figure_title"], svg=section["figure_svg"])],
    )


def macc_csv(result: MaccResult, lang: str, library: MeasureLibrary) -> str:
    """The MACC as CSV: rank, id, label in ``lang`` and every number of :class:`MaccRow`."""
    frame = pd.DataFrame([r.to_dict() for r in result.rows])
    frame.insert(0, "rank", range(1, len(frame) + 1))
    frame.insert(2, "label", [row["name"] for row in table_rows(result, lang, library)])
    return csv_text(frame)


def write_macc_files(out: Path, result: MaccResult, lang: str, library: MeasureLibrary) -> list[Path]:
    """Write macc.json, macc.csv, macc.svg and macc.png into ``out`` (each file atomically)."""
    fig = macc_figure(result, lang, library)
    title = translate("pathway.macc.title", lang, city=result.city_label(lang))
    payload = json.dumps(result.to_dict(), ensure_ascii=False, indent=2)
    return [
        write_text_atomic(out / "macc.json", payload + "\n"),
        write_text_atomic(out / "macc.csv", macc_csv(result, lang, library)),
        write_bytes_atomic(out / "macc.svg", svg_document(fig, FIGURE_ID, title)),
        write_bytes_atomic(out / "macc.png", png_bytes(fig)),
    ]
