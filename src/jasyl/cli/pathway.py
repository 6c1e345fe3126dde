"""``jasyl pathway``: year-by-year plan from today to the city's CO2 target (:func:`jasyl.planning.run_pathway`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from jasyl.cli._console import RichProgress, err_console, option_names, stdout_to_stderr, wide_console
from jasyl.cli._options import CityOption, FormatOption, LangOption, MeasuresOption, TableOrJson
from jasyl.errors import InputError
from jasyl.i18n import format_number, translate
from jasyl.measures import MeasureLibrary, load_measures
from jasyl.pathway.result import Pathway
from jasyl.planning import PathwayOptions, run_pathway
from jasyl.report.labels import Labels
from jasyl.report.pathway import pathway_rows, write_pathway_files

__all__ = ["register", "pathway_command", "render_table"]

#: option fields of ``jasyl pathway`` named differently from ``jasyl plan``
PATHWAY_FLAGS = {"method": "--planner-method", "hours": "--planner-hours"}


def _years(text: str | None) -> tuple[int, ...]:
    if not text:
        return ()
    try:
        return tuple(int(p) for p in text.split(",") if p.strip())
    except ValueError:
        raise InputError(f"cannot read years '{text}'", field="planner_years", fix="e.g. 2030,2035") from None


def render_table(path: Pathway, lang: str, library: MeasureLibrary, console: Console) -> None:
    """The pathway as a rich table, one row a year, with the total investment and any shortfall."""
    t = translate
    table = Table(
        title=t("pathway.cli.path_title", lang, city=path.city_label(lang), start=path.start_year, end=path.target_year)
    )
    for key, justify in (
        ("year", "right"),
        ("target", "right"),
        ("co2", "right"),
        ("investment", "right"),
        ("built", "left"),
    ):
        table.add_column(t(f"pathway.col.{key}", lang), justify=justify)  # type: ignore[arg-type]
    for row in pathway_rows(path, lang, library):
        co2 = format_number(row["co2_t"], lang)
        table.add_row(
            str(row["year"]),
            format_number(row["target_co2_t"], lang),
            co2 if row["meets_target"] else f"[red]{co2}[/]",
            format_number(row["investment_musd"], lang, 2),
            row["built"],
        )
    console.print(table)
    console.print(
        t(
            "pathway.cli.path_total",
            lang,
            start=path.start_year,
            end=path.target_year,
            invest=format_number(path.total_investment_usd / 1e6, lang, 1),
        )
    )
    short = [str(y.year) for y in path.years if not y.meets_target]
    if short:
        key = "pathway.path.shortfall_planner" if path.engine == "planner" else "pathway.path.shortfall"
        console.print("[red]" + t(key, lang, years=", ".join(short)) + "[/]")


def pathway_command(
    city: CityOption = None,
    measures: MeasuresOption = None,
    start: Annotated[
        int | None, typer.Option("--start", help="First year (default: this year or the inventory year, the later)")
    ] = None,
    target_year: Annotated[
        int | None, typer.Option("--target-year", help="Target year (default: the city's target year)")
    ] = None,
    milestones: Annotated[
        str | None, typer.Option("--milestones", help="YEAR:FRACTION of the start-year emissions, e.g. 2030:0.5,2035:0")
    ] = None,
    growth: Annotated[
        float | None, typer.Option("--growth", help="Demand growth a year, e.g. 0.015 (default from the measures file)")
    ] = None,
    output_format: FormatOption = TableOrJson.table,
    out: Annotated[
        Path | None, typer.Option("--out", help="Directory for pathway.json, pathway.csv, pathway.svg, pathway.png")
    ] = None,
    planner_years: Annotated[
        str | None,
        typer.Option("--planner-years", help="Also run the hourly planner for these years, e.g. 2030,2035 (slow)"),
    ] = None,
    planner_hours: Annotated[
        int | None, typer.Option("--planner-hours", help="Hours of the year the planner solves (default: all 8760)")
    ] = None,
    engine: Annotated[
        str,
        typer.Option(
            "--engine",
            help="planner: hourly optimiser at milestone years (every 5 years, or --milestones), interpolated "
            "between; balance: annual energy balance of the measures library (fast)",
        ),
    ] = "planner",
    weather: Annotated[
        Path | None,
        typer.Option(
            "--weather", help="Weather file for the planner engine (EPW, PVGIS, ERA5 or CSV; default synthetic)"
        ),
    ] = None,
    planner_method: Annotated[
        str, typer.Option("--planner-method", help="typical-days (default, ~30 s a milestone) or exact (~2 min)")
    ] = "typical-days",
    lang: LangOption = "en",
    cache: Annotated[
        bool, typer.Option("--cache/--no-cache", help="Reuse a planner-engine result of the same inputs (default)")
    ] = True,
) -> None:
    """Year-by-year pathway: emissions, investment and capacities from the start to the target year."""
    with option_names(PATHWAY_FLAGS):
        options = PathwayOptions(
            city=city,
            weather=None if weather is None else str(weather),
            measures=None if measures is None else str(measures),
            start_year=start,
            target_year=target_year,
            milestones=milestones,
            growth=growth,
            engine=engine,  # type: ignore[arg-type]  # checked by PathwayOptions
            method=planner_method.replace("-", "_"),  # type: ignore[arg-type]
            hours=planner_hours,
            planner_years=_years(planner_years),
            language=lang,  # type: ignore[arg-type]
        )
        library = load_measures(options.measures)
        with RichProgress(Labels(lang)) as progress, stdout_to_stderr():  # the HiGHS banner must not reach stdout
            path = run_pathway(options, progress, library=library, use_cache=cache)
    if out is not None:
        written = write_pathway_files(out, path, lang)
        err_console.print(translate("pathway.cli.written", lang, path=", ".join(str(p) for p in written)))
    if output_format is TableOrJson.json:
        print(json.dumps(path.to_dict(), ensure_ascii=False, indent=2))
    else:
        render_table(path, lang, library, wide_console(120))


def register(app: typer.Typer) -> None:
    """Add ``jasyl pathway`` to ``app``."""
    app.command("pathway")(pathway_command)
