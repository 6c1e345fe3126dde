"""``jasyl pathway``: year-by-year plan from today to the city's CO2 target."""

from __future__ import annotations

import io
import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from jasyl.city import load_city
from jasyl.commands.macc import CityOption, LangOption, MeasuresOption
from jasyl.errors import InputError
from jasyl.fileio import write_bytes_atomic, write_text_atomic
from jasyl.i18n import check_lang, format_number, translate
from jasyl.macc import build_context, compute_macc, figure_bytes
from jasyl.measures import MeasureLibrary, load_measures
from jasyl.pathway import (
    Pathway,
    build_pathway,
    check_engine,
    parse_milestones,
    pathway_figure,
    pathway_rows,
    planner_check_for,
)

__all__ = ["register"]


class OutputFormat(StrEnum):
    table = "table"
    json = "json"


def _years(text: str | None) -> list[int]:
    if not text:
        return []
    try:
        return [int(p) for p in text.split(",") if p.strip()]
    except ValueError:
        raise InputError(f"cannot read years '{text}'", field="--planner-years", fix="e.g. 2030,2035") from None


def pathway_csv(path: Pathway) -> str:
    import pandas as pd

    ids = sorted({k for y in path.years for k in y.capacities})
    records = []
    for y in path.years:
        rec = {
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
    buffer = io.StringIO()
    pd.DataFrame(records).to_csv(buffer, index=False, lineterminator="\n", float_format="%.6g")
    return buffer.getvalue()


def render_table(path: Pathway, lang: str, library: MeasureLibrary, console: Console) -> None:
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
    output_format: Annotated[OutputFormat, typer.Option("--format", help="table or json")] = OutputFormat.table,
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
) -> None:
    """Year-by-year pathway: emissions, investment and capacities from the start to the target year."""
    from jasyl.cli import err_console

    check_lang(lang)
    check_engine(engine)
    method = planner_method.replace("-", "_")
    if method not in ("typical_days", "exact"):
        raise InputError(
            f"unknown planner method '{planner_method}'", field="--planner-method", fix="use typical-days or exact"
        )
    if planner_hours is not None and not 24 <= planner_hours <= 8760:
        raise InputError(
            f"planner hours {planner_hours} out of range", field="--planner-hours", fix="give 24 to 8760 (e.g. 168)"
        )
    if weather is not None and engine != "planner":
        raise InputError("--weather is used by the planner engine only", field="--weather", fix="add --engine planner")
    if weather is not None and not weather.is_file():
        raise InputError(
            "the weather file does not exist",
            file=str(weather),
            field="--weather",
            fix="give the path of an EPW, PVGIS, ERA5 or CSV weather file",
        )
    library = load_measures(measures)
    city_obj = load_city(city)
    marks = parse_milestones(milestones)
    years = _years(planner_years)
    if engine == "planner":
        from jasyl.commands.plan import _stdout_to_stderr  # the HiGHS banner must not reach stdout

        if years:
            raise InputError(
                "--planner-years is the hourly side check of the balance engine",
                field="--planner-years",
                fix="with --engine planner every milestone year is solved by the planner; give --milestones, "
                "or use --engine balance --planner-years ...",
            )
        with _stdout_to_stderr():
            path = build_pathway(
                city_obj,
                library,
                engine="planner",
                weather=weather,
                start_year=start,
                target_year=target_year,
                milestones=marks,
                growth_per_year=growth,
                planner_method=method,
                planner_hours=planner_hours,
                progress=lambda text: err_console.print(text),
            )
        _emit(path, library, output_format, out, lang)
        return
    check = None
    if years:
        from jasyl.commands.plan import _stdout_to_stderr  # the HiGHS banner must not reach stdout

        inner = planner_check_for(city_obj, planner_hours)

        def check(year: int, target_co2_t: float) -> dict[str, Any]:
            with _stdout_to_stderr():
                return inner(year, target_co2_t)

    ctx = build_context(city_obj, library)
    macc = compute_macc(ctx=ctx)
    path = build_pathway(
        city_obj,
        library,
        start_year=start,
        target_year=target_year,
        milestones=marks,
        growth_per_year=growth,
        macc=macc,
        ctx=ctx,
        planner_years=years,
        planner_check=check,
    )
    _emit(path, library, output_format, out, lang)


def _emit(path: Pathway, library: MeasureLibrary, output_format: OutputFormat, out: Path | None, lang: str) -> None:
    from jasyl.cli import err_console

    if out is not None:
        fig = pathway_figure(path, lang)
        written = [
            write_text_atomic(out / "pathway.json", json.dumps(path.to_dict(), ensure_ascii=False, indent=2) + "\n"),
            write_text_atomic(out / "pathway.csv", pathway_csv(path)),
            write_bytes_atomic(out / "pathway.svg", figure_bytes(fig, "svg")),
            write_bytes_atomic(out / "pathway.png", figure_bytes(fig, "png")),
        ]
        err_console.print(translate("pathway.cli.written", lang, path=", ".join(str(p) for p in written)))
    if output_format is OutputFormat.json:
        print(json.dumps(path.to_dict(), ensure_ascii=False, indent=2))
    else:
        render_table(path, lang, library, Console(width=max(Console().width, 120)))


def register(app: typer.Typer) -> None:
    app.command("pathway")(pathway_command)
