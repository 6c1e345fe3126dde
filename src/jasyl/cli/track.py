"""``jasyl track``: actuals against the plan (template, import, status, plan, report)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from jasyl.cli._console import RichProgress, err_console, option_names, stdout_to_stderr, wide_console
from jasyl.cli._options import CityOption, MeasuresOption, TableOrJson
from jasyl.errors import InputError
from jasyl.fileio import write_bytes_atomic, write_text_atomic
from jasyl.i18n import check_lang, format_number
from jasyl.i18n import translate as t
from jasyl.monitoring.setup import open_monitoring
from jasyl.planning.city_inputs import CityData
from jasyl.report.labels import Labels
from jasyl.report.tracking import write_track_report
from jasyl.tracking.run import TrackOptions, adopt_plan, track_report_data, track_status
from jasyl.tracking.store import import_actuals
from jasyl.tracking.template import template_csv, template_xlsx

__all__ = ["register", "track_app"]

track_app = typer.Typer(help="Progress against the plan: import actuals, compare them with the adopted pathway, "
                             "re-plan from today.", no_args_is_help=True)

DB_HELP = "Database URL (default: $JASYL_DB_URL or a SQLite file in the user data directory)."
TRACK_FLAGS = {"tolerance_pct": "--tolerance", "format": "--format", "replan": "--no-replan"}

DbOption = Annotated[str | None, typer.Option("--db", help=DB_HELP)]
EngineOption = Annotated[str, typer.Option(
    "--engine", help="Engine of a plan adopted now: planner (hourly optimiser at milestone years, the default of "
                     "'jasyl pathway') or balance (annual energy balance of the measures, fast). An adopted plan "
                     "keeps its engine.")]
MethodOption = Annotated[str, typer.Option("--method", help="Planner method: typical_days or exact.")]
HoursOption = Annotated[int | None, typer.Option("--hours", help="Hours of the year the planner solves (24..8760).")]
WeatherOption = Annotated[Path | None, typer.Option("--weather", help="Weather file of the planner engine.")]


def register(app: typer.Typer) -> None:
    """Add ``jasyl track`` and its sub-commands to ``app``."""
    app.add_typer(track_app, name="track")


def _options(city: str | None, engine: str, method: str, hours: int | None, weather: Path | None,
             measures: Path | None, tolerance: float | None = None, lang: str = "en",
             replan: bool = True) -> TrackOptions:
    with option_names(TRACK_FLAGS):
        return TrackOptions.from_dict({
            "city": city, "engine": engine, "method": method.replace("-", "_"), "hours": hours,
            "weather": None if weather is None else str(weather),
            "measures": None if measures is None else str(measures),
            "tolerance_pct": tolerance, "language": lang, "replan": replan})


@track_app.command("template")
def template_cmd(
    fmt: Annotated[str, typer.Option("--format", help="csv or xlsx (Excel with drop-down lists)")] = "csv",
    out: Annotated[Path | None, typer.Option("--out", help="File to write (default: actuals_template.<format>)")] = (
        None),
) -> None:
    """Write the documented actuals template (CSV, or Excel with drop-down lists and a guide sheet)."""
    if fmt not in ("csv", "xlsx"):
        raise InputError(f"unknown format '{fmt}'", field="--format", fix="use csv or xlsx")
    path = out or Path(f"actuals_template.{fmt}")
    written = write_text_atomic(path, template_csv()) if fmt == "csv" else write_bytes_atomic(path, template_xlsx())
    err_console.print(f"template written: {written} (guide: docs/tracking.md)", highlight=False)


@track_app.command("import")
def import_cmd(
    path: Annotated[Path, typer.Argument(help="Actuals file (CSV or .xlsx, the template's columns).")],
    fmt: Annotated[str | None, typer.Option("--format", help="csv or xlsx (default: from the file name)")] = None,
    partial: Annotated[bool, typer.Option("--partial", help="Store the good rows even if some are rejected.")] = False,
    city: CityOption = None,
    output: Annotated[TableOrJson, typer.Option("--output", help="table or json summary on stdout")] =
    TableOrJson.table,
    db: DbOption = None,
) -> None:
    """Import yearly or monthly actuals; a bad row means nothing is stored unless --partial. Importing the same
    file again changes nothing."""
    with option_names({"format": "--format", "city": "--city"}):
        data = CityData.load(city)
        engine = open_monitoring(db)
        report = import_actuals(engine, path, city=data.city.slug, fmt=fmt, partial=partial)
    for e in report.rejected:
        err_console.print(f"{path}: {e}", highlight=False, markup=False)
    if output is TableOrJson.json:
        print(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    if report.rejected and not partial:
        err_console.print(f"{path}: {len(report.rejected)} problem(s) on {len(report.as_dict()['bad_lines'])} "
                          "line(s); nothing was stored (fix the lines, or give --partial to store the good rows)",
                          highlight=False, markup=False)
        raise typer.Exit(2)
    err_console.print(f"{path}: read {report.rows_read}, new {report.rows_inserted}, changed {report.rows_updated}, "
                      f"unchanged {report.rows_unchanged}, rejected {len(report.rejected)}"
                      + ("" if report.committed else " - nothing changed in the store"), highlight=False,
                      markup=False)
    if report.rejected:
        raise typer.Exit(2)


@track_app.command("plan")
def plan_cmd(
    city: CityOption = None,
    engine: EngineOption = "planner",
    method: MethodOption = "typical_days",
    hours: HoursOption = None,
    weather: WeatherOption = None,
    measures: MeasuresOption = None,
    db: DbOption = None,
) -> None:
    """Adopt the plan actuals are compared with: the pathway from the city's inventory year (replaces the
    active plan)."""
    options = _options(city, engine, method, hours, weather, measures)
    with option_names(TRACK_FLAGS), RichProgress(Labels("en")) as progress, stdout_to_stderr():
        plan = adopt_plan(open_monitoring(db), options, progress)
    pathway = plan["pathway"]
    err_console.print(f"plan adopted: engine {plan['engine']}, {pathway['start_year']}-{pathway['target_year']}, "
                      f"investment {pathway['total_investment_usd'] / 1e6:,.1f} M USD", highlight=False)


@track_app.command("status")
def status_cmd(
    fmt: Annotated[TableOrJson, typer.Option("--format", help="table or json")] = TableOrJson.table,
    city: CityOption = None,
    tolerance: Annotated[float | None, typer.Option(
        "--tolerance", help="+- per cent within which an indicator is on track (default: setting, 5)")] = None,
    engine: EngineOption = "planner",
    method: MethodOption = "typical_days",
    hours: HoursOption = None,
    weather: WeatherOption = None,
    measures: MeasuresOption = None,
    lang: Annotated[str, typer.Option("--lang", help="Language of the table: en, ru or kk.")] = "en",
    db: DbOption = None,
) -> None:
    """For each indicator and year: planned (adopted pathway), actual, deviation and status
    (on_track | behind | ahead | no_data). Adopts a plan first when the city has none."""
    check_lang(lang)
    options = _options(city, engine, method, hours, weather, measures, tolerance, lang)
    with option_names(TRACK_FLAGS), RichProgress(Labels(lang)) as progress, stdout_to_stderr():
        data = track_status(open_monitoring(db), options, progress)
    if fmt is TableOrJson.json:
        print(json.dumps(data, ensure_ascii=False, indent=2, default=str))
        return
    _print_status(data, lang, wide_console(110))


def _num(value: float | None, lang: str) -> str:
    if value is None:
        return "-"
    digits = 0 if abs(value) >= 100 or value == 0 else (1 if abs(value) >= 1 else 2)
    return format_number(value, lang, digits)


def _print_status(data: dict[str, Any], lang: str, console: Console) -> None:
    plan = data["plan"]
    console.print(f"[bold]{t('track.title', lang, city=data['city'])}[/]", highlight=False)
    engine = t(f"track.engine.{data['pathway_engine']}", lang)
    console.print(t("track.plan_line", lang, date=plan["adopted_at"][:10], engine=engine,
                    start=plan["start_year"], end=plan["target_year"], target=_num(plan["target_co2_t"], lang)),
                  highlight=False)
    if data["actuals"]["demo"]:
        console.print(f"[bold yellow]{t('track.demo_banner', lang)}[/]")
    table = Table()
    for key, justify in (("indicator", "left"), ("year", "right"), ("unit", "left"), ("planned", "right"),
                         ("actual", "right"), ("deviation", "right"), ("status", "left")):
        table.add_column(t(f"track.col.{key}", lang), justify=justify)  # type: ignore[arg-type]
    colours = {"on_track": "green", "ahead": "cyan", "behind": "red", "no_data": "dim"}
    for r in data["indicators"]:
        dev = r["deviation_pct"]
        table.add_row(t(f"track.ind.{r['name']}", lang), str(r["year"]), r["unit"], _num(r["planned"], lang),
                      _num(r["actual"], lang), "-" if dev is None else f"{dev:+.1f}",
                      f"[{colours[r['status']]}]{t('track.status.' + r['status'], lang)}[/]")
    console.print(table)
    c = data["counts"]
    if c["year"] is None:
        console.print(t("track.summary.nothing", lang), highlight=False)
    else:
        console.print(t("track.summary.counts", lang, **c), highlight=False)
    console.print(t("track.tolerance", lang, tolerance=format_number(data["tolerance_pct"], lang, 1)),
                  highlight=False)


@track_app.command("report")
def report_cmd(
    lang: Annotated[str, typer.Option("--lang", help="en, ru or kk")] = "en",
    out: Annotated[Path, typer.Option("--out", help="Output directory.")] = Path("out/tracking"),
    city: CityOption = None,
    replan: Annotated[bool, typer.Option("--replan/--no-replan", help="Re-solve the pathway from the actual "
                                                                      "state (slow with the planner engine).")] = True,
    engine: EngineOption = "planner",
    method: MethodOption = "typical_days",
    hours: HoursOption = None,
    weather: WeatherOption = None,
    measures: MeasuresOption = None,
    db: DbOption = None,
) -> None:
    """Write an offline HTML page: planned against actual charts, a plain verdict per indicator, the inventory
    recomputed from the actuals and the re-plan from today."""
    check_lang(lang)
    options = _options(city, engine, method, hours, weather, measures, None, lang, replan)
    with option_names(TRACK_FLAGS), RichProgress(Labels(lang)) as progress, stdout_to_stderr():
        data = track_report_data(open_monitoring(db), options, progress)
    path = write_track_report(data, out, lang)
    err_console.print(f"report written: {path}", highlight=False)


def _console() -> Console:
    return err_console
