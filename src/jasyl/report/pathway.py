"""The pathway drawn: figure, yearly rows, the plan report's section, CSV and the files of
``jasyl pathway --out``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
from matplotlib.figure import Figure

from jasyl.fileio import write_bytes_atomic, write_text_atomic
from jasyl.i18n import check_lang, format_number, translate
from jasyl.measures import MeasureLibrary
from jasyl.pathway.result import Pathway
from jasyl.report.context import ReportFigure, ReportSection
from jasyl.report.labels import Labels
from jasyl.report.sections import Column, section_html
from jasyl.report.svg import png_bytes, svg_document, to_svg
from jasyl.report.tables import csv_text

__all__ = [
    "FIGURE_ID",
    "pathway_figure",
    "pathway_rows",
    "pathway_section",
    "pathway_report_section",
    "pathway_csv",
    "write_pathway_files",
]

#: HTML id of the pathway figure in the plan report
FIGURE_ID = "fig-pathway"


def pathway_figure(path: Pathway, lang: str = "en") -> Figure:
    """Emissions against the trajectory (top) and investment per year (bottom)."""
    years = [y.year for y in path.years]
    fig = Figure(figsize=(10, 7), dpi=100)
    top = fig.add_subplot(2, 1, 1)
    top.plot(
        years,
        [y.frozen_co2_t / 1000 for y in path.years],
        color="#999999",
        linestyle=":",
        label=translate("pathway.path.legend_frozen", lang),
    )
    top.plot(
        years,
        [y.target_co2_t / 1000 for y in path.years],
        color="#e15759",
        linestyle="--",
        label=translate("pathway.path.legend_target", lang),
    )
    top.plot(
        years,
        [y.co2_t / 1000 for y in path.years],
        color="#4e79a7",
        marker="o",
        markersize=3,
        label=translate("pathway.path.legend_co2", lang),
    )
    top.set_ylabel(translate("pathway.path.ylabel_co2", lang))
    top.set_ylim(bottom=0)
    top.legend(fontsize=8)
    top.set_title(
        translate("pathway.path.title", lang, city=path.city_label(lang), start=path.start_year, end=path.target_year)
    )
    bottom = fig.add_subplot(2, 1, 2, sharex=top)
    bottom.bar(years, [y.investment_usd / 1e6 for y in path.years], color="#59a14f")
    bottom.set_ylabel(translate("pathway.path.ylabel_invest", lang))
    bottom.set_xlabel(translate("pathway.col.year", lang))
    fig.tight_layout()
    return fig

def pathway_rows(path: Pathway, lang: str = "en", library: MeasureLibrary | None = None) -> list[dict[str, Any]]:
    """One row a year: allowed and actual emissions, investment, the three largest builds of the year."""
    names = dict(path.names)
    if library is not None and path.engine == "balance":
        names.update({m.id: m.label(lang) for m in library.measures})
    if path.engine == "planner":
        labels = Labels(lang)
        names.update({k: labels.tech(k) for k in path.units})
    rows = []
    for y in path.years:
        top = sorted(y.investment_by_measure_usd.items(), key=lambda kv: -kv[1])[:3]
        rows.append(
            {
                "year": y.year,
                "target_co2_t": y.target_co2_t,
                "co2_t": y.co2_t,
                "investment_usd": y.investment_usd,
                "investment_musd": y.investment_usd / 1e6,
                "built": ", ".join(names.get(k, k) for k, _ in top),
                "meets_target": y.meets_target,
            }
        )
    return rows

def pathway_section(path: Pathway, lang: str = "en", library: MeasureLibrary | None = None) -> dict[str, Any]:
    """Data of the report's pathway section: title, texts, SVG figure and one table row a year."""
    check_lang(lang)
    kind = (
        translate(
            "pathway.path.milestones",
            lang,
            milestones=", ".join(f"{y}: {format_number(100 * f, lang)} %" for y, f in path.milestones.items()),
        )
        if path.milestones
        else translate("pathway.path.linear", lang)
    )
    last = path.years[-1]
    planner = path.engine == "planner"
    marks = ", ".join(str(y.year) for y in path.years if y.milestone and y.year != path.start_year)
    texts = [
        translate(
            "pathway.path.intro_planner" if planner else "pathway.path.intro",
            lang,
            start_co2=format_number(path.start_co2_t, lang),
            start=path.start_year,
            target=format_number(last.target_co2_t, lang),
            end=path.target_year,
            kind=kind,
            growth=format_number(100 * path.growth_per_year, lang, 1),
            invest=format_number(path.total_investment_usd / 1e6, lang, 1),
        ),
        translate("pathway.path.method_planner", lang, years=marks)
        if planner
        else translate("pathway.path.method", lang),
    ]
    if not planner:
        texts.append(translate("pathway.path.engine_hint", lang))
    short = [str(y.year) for y in path.years if not y.meets_target]
    if short:
        key = "pathway.path.shortfall_planner" if planner else "pathway.path.shortfall"
        texts.append(translate(key, lang, years=", ".join(short)))
    fig = pathway_figure(path, lang)
    title = translate("pathway.path.title", lang, city=path.city_label(lang), start=path.start_year,
                      end=path.target_year)
    return {
        "id": "pathway",
        "title": translate("pathway.path.section_title", lang),
        "texts": texts,
        "figure_svg": to_svg(fig, FIGURE_ID, title),
        "figure_title": title,
        "columns": {k: translate(f"pathway.col.{k}", lang) for k in ("year", "target", "co2", "investment", "built")},
        "rows": pathway_rows(path, lang, library),
        "data": path.to_dict(),
    }

def pathway_report_section(path: Pathway, lang: str = "en", library: MeasureLibrary | None = None) -> ReportSection:
    """The pathway section of the plan report (text naming the engine, a row a year, ``fig-pathway``)."""
    section = pathway_section(path, lang, library)
    cols = section["columns"]
    columns = [
        Column("year", cols["year"]),
        Column("target_co2_t", cols["target"], 0),
        Column("co2_t", cols["co2"], 0),
        Column("investment_musd", cols["investment"], 2),
        Column("built", cols["built"]),
    ]
    return ReportSection(
        id="pathway",
        title=section["title"],
        html=section_html(section["texts"], columns, section["rows"], lang),
        figures=[ReportFigure(id=FIGURE_ID, title=section["figure_title"], svg=section["figure_svg"])],
    )


def pathway_csv(path: Pathway) -> str:
    """One row a year: targets, emissions, investment and the capacity of every technology or measure."""
    ids = sorted({k for y in path.years for k in y.capacities})
    records = []
    for y in path.years:
        rec: dict[str, Any] = {
            "year": y.year,
            "target_co2_t": y.target_co2_t,
            "co2_t": y.co2_t,
            "frozen_technology_co2_t": y.frozen_co2_t,
            "investment_usd": y.investment_usd,
            "annual_cost_usd": y.annual_cost_usd,
            "meets_target": y.meets_target,
        }
        rec.update({f"capacity:{k} [{path.units.get(k, '')}]": y.capacities.get(k, 0.0) for k in ids})
        records.append(rec)
    return csv_text(pd.DataFrame(records))


def write_pathway_files(out: Path, path: Pathway, lang: str) -> list[Path]:
    """Write pathway.json, pathway.csv, pathway.svg and pathway.png into ``out`` (each file atomically)."""
    fig = pathway_figure(path, lang)
    title = translate("pathway.path.title", lang, city=path.city_label(lang), start=path.start_year,
                      end=path.target_year)
    return [
        write_text_atomic(out / "pathway.json", json.dumps(path.to_dict(), ensure_ascii=False, indent=2) + "\n"),
        write_text_atomic(out / "pathway.csv", pathway_csv(path)),
        write_bytes_atomic(out / "pathway.svg", svg_document(fig, FIGURE_ID, title)),
        write_bytes_atomic(out / "pathway.png", png_bytes(fig)),
    ]
