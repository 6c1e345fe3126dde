"""``jasyl macc``: marginal abatement cost curve of a city's measures (cheapest first)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from jasyl.abatement.macc import MaccResult
from jasyl.cli._console import err_console, option_names, wide_console
from jasyl.cli._options import CityOption, FormatOption, LangOption, MeasuresOption, TableOrJson
from jasyl.i18n import format_number, translate
from jasyl.measures import MeasureLibrary
from jasyl.planning import MaccOptions, run_macc
from jasyl.report.macc import table_rows, write_macc_files

__all__ = ["register", "macc_command", "render_table"]


def render_table(result: MaccResult, lang: str, library: MeasureLibrary, console: Console) -> None:
    """The MACC as a rich table with its totals."""
    t = translate
    table = Table(title=t("pathway.cli.macc_title", lang, city=result.city_label(lang), year=result.year))
    for key, justify in (
        ("rank", "right"),
        ("measure", "left"),
        ("units", "right"),
        ("unit", "left"),
        ("investment", "right"),
        ("abatement", "right"),
        ("cost_per_t", "right"),
    ):
        table.add_column(t(f"pathway.col.{key}", lang), justify=justify)  # type: ignore[arg-type]
    for row in table_rows(result, lang, library):
        cost = format_number(row["cost_usd_per_t"], lang)
        table.add_row(
            str(row["rank"]),
            row["name"],
            format_number(row["units"], lang),
            row["unit"],
            format_number(row["investment_usd"] / 1e6, lang, 2),
            format_number(row["abatement_t_per_year"], lang),
            f"[green]{cost}[/]" if row["cost_usd_per_t"] < 0 else cost,
        )
    console.print(table)
    console.print(
        t(
            "pathway.cli.macc_total",
            lang,
            total=format_number(result.total_abatement_t, lang),
            baseline=format_number(result.energy_baseline_tco2e, lang),
            residual=format_number(result.residual_energy_tco2e, lang),
            waste=format_number(result.waste_tco2e, lang),
        )
    )


def macc_command(
    city: CityOption = None,
    measures: MeasuresOption = None,
    output_format: FormatOption = TableOrJson.table,
    out: Annotated[
        Path | None, typer.Option("--out", help="Directory for macc.json, macc.csv, macc.svg, macc.png")
    ] = None,
    lang: LangOption = "en",
) -> None:
    """Marginal abatement cost curve: USD per tonne CO2e avoided and tonnes a year of every measure."""
    with option_names():
        options = MaccOptions(city=city, measures=None if measures is None else str(measures),
                              language=lang)  # type: ignore[arg-type]  # checked by MaccOptions
        outcome = run_macc(options)
    result, library = outcome.result, outcome.measures
    if out is not None:
        written = write_macc_files(out, result, lang, library)
        err_console.print(translate("pathway.cli.written", lang, path=", ".join(str(p) for p in written)))
    if output_format is TableOrJson.json:
        payload: dict[str, Any] = result.to_dict()
        print(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        render_table(result, lang, library, wide_console(120))


def register(app: typer.Typer) -> None:
    """Add ``jasyl macc`` to ``app``."""
    app.command("macc")(macc_command)
