"""``jasyl monitor``: environmental monitoring store, ingestion, status and report."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from jasyl.cli._console import err_console, option_names
from jasyl.errors import InputError
from jasyl.i18n import check_lang, format_number
from jasyl.i18n import translate as t
from jasyl.monitoring.ingest import ingest_file
from jasyl.monitoring.setup import counts, init_monitoring, open_monitoring, remove_demo
from jasyl.monitoring.sources import list_sources, read_sources_file, upsert_sources
from jasyl.monitoring.status import report_data, status
from jasyl.monitoring.units import Conditions
from jasyl.report.monitoring import write_report
from jasyl.store.engine import display_url
from jasyl.tracking.demo import load_demo_actuals, remove_demo_actuals

monitor_app = typer.Typer(help="Environmental monitoring: sources, air and water measurements, standards, "
                               "alerts.", no_args_is_help=True)
sources_app = typer.Typer(help="Pollution sources (brick works, quarries, outfalls...).", no_args_is_help=True)
monitor_app.add_typer(sources_app, name="sources")

DB_HELP = "Database URL (default: $JASYL_DB_URL or a SQLite file in the user data directory)."


#: monitor option fields -> flags
MONITOR_FLAGS = {"format": "--format", "site": "--site"}


def register(app: typer.Typer) -> None:
    """Add ``jasyl monitor`` and its sub-commands to ``app``."""
    app.add_typer(monitor_app, name="monitor")


def _console() -> Console:
    return err_console


def _check_format(fmt: str) -> str:
    if fmt not in ("table", "json"):
        raise InputError(f"unknown output format '{fmt}'", field="--format", fix="use table or json")
    return fmt


@monitor_app.command("init")
def init_cmd(
    db: str = typer.Option(None, "--db", help=DB_HELP),
    demo: bool = typer.Option(True, "--demo/--no-demo", help="Load the labelled Konaev demonstration data."),
    remove_demo_rows: bool = typer.Option(False, "--remove-demo", help="Delete every demonstration row."),
) -> None:
    """Create or upgrade the database, load the standards and the labelled demo data (unless --no-demo)."""
    engine = init_monitoring(db, demo=demo and not remove_demo_rows)
    if demo and not remove_demo_rows:
        load_demo_actuals(engine)
    if remove_demo_rows:
        removed = {**remove_demo(engine), "tracking_actuals": remove_demo_actuals(engine)}
        _console().print(f"removed demonstration rows: {removed}")
    c = counts(engine)
    _console().print(f"monitoring database ready: {display_url(str(engine.url))}\n"
                     f"sites {c['sites']} (DEMO {c['sites_demo']}), sources {c['sources']} "
                     f"(DEMO {c['sources_demo']}), measurements {c['measurements']} (DEMO {c['measurements_demo']})",
                     highlight=False)


@monitor_app.command("ingest")
def ingest_cmd(
    path: Path = typer.Argument(..., help="File to ingest."),
    fmt: str = typer.Option(..., "--format", help="openaq | sensor-community | csv"),
    partial: bool = typer.Option(False, "--partial", help="Commit the good rows even if some are rejected."),
    site: str = typer.Option(None, "--site", help="Site code for OpenAQ JSON without location ids."),
    temperature_c: float = typer.Option(25.0, "--temperature-c", help="Temperature for ppm/ppb conversion."),
    pressure_hpa: float = typer.Option(1013.25, "--pressure-hpa", help="Pressure for ppm/ppb conversion."),
    out_format: str = typer.Option("table", "--output", help="table | json summary on stdout."),
    db: str = typer.Option(None, "--db", help=DB_HELP),
) -> int:
    """Ingest measurements; any rejected row means nothing is committed unless --partial."""
    _check_format(out_format)
    if not (-60 <= temperature_c <= 60) or not (500 <= pressure_hpa <= 1100):
        raise InputError("conditions out of range", field="--temperature-c/--pressure-hpa",
                         fix="temperature -60..60 degC, pressure 500..1100 hPa")
    engine = open_monitoring(db)
    with option_names(MONITOR_FLAGS):
        report = ingest_file(engine, path, fmt, partial=partial, site=site,
                             conditions=Conditions(temperature_c, pressure_hpa))
    for e in report.rejected:
        _console().print(f"{path}: rejected {e}", highlight=False, markup=False)
    if out_format == "json":
        print(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    else:
        _console().print(
            f"{path}: read {report.rows_read}, inserted {report.rows_inserted}, already stored or repeated "
            f"{report.rows_duplicate}, rejected {len(report.rejected)}, new sites {report.sites_new}, "
            f"new alerts {report.alerts_new}", highlight=False, markup=False)
    return 2 if report.rejected else 0


@monitor_app.command("status")
def status_cmd(
    site: list[str] = typer.Option(None, "--site", help="Site code(s) to show (repeatable)."),
    fmt: str = typer.Option("table", "--format", help="table | json"),
    lang: str = typer.Option("en", "--lang", help="en | ru | kk (table headings)."),
    db: str = typer.Option(None, "--db", help=DB_HELP),
) -> None:
    """Latest values, AQI and Kazhydromet indices, exceedances and open alerts per site."""
    _check_format(fmt)
    with option_names(MONITOR_FLAGS):
        check_lang(lang)
        data = status(open_monitoring(db), site or None)
    if fmt == "json":
        print(json.dumps(data, ensure_ascii=False, indent=2, default=str))
        return
    _print_status(data, lang)


def _print_status(data: dict[str, Any], lang: str) -> None:
    console = Console()
    console.print(f"[bold]{t('monitor.status.title', lang)}[/] - {data['database']}", highlight=False)
    if data["demo_data_present"]:
        console.print(f"[bold yellow]{t('monitor.demo_banner', lang)}[/]")
    for s in data["sites"]:
        label = "[bold yellow][DEMO][/] " if s["demo"] else ""
        table = Table(title=f"{label}{s['name']} ({s['code']})", title_justify="left")
        for key in ("parameter", "time", "value", "unit", "mpc_ratio"):
            table.add_column(t(f"monitor.col.{key}", lang))
        for r in s["latest"]:
            ratio = r["ratio_to_mpc"]
            table.add_row(r["parameter_label"], r["time_utc"][:16].replace("T", " "),
                          format_number(r["value"], lang, 3 if r["value"] < 10 else 1), r["unit"],
                          format_number(ratio, lang, 2) if ratio is not None else "-")
        console.print(table)
        if s.get("aqi", {}).get("index") is not None:
            a = s["aqi"]
            console.print(f"  {t('monitor.aqi', lang)}: {a['index']} "
                          f"({t('monitor.aqi_cat.' + a['category'], lang)}, {a['pollutant']}, {a['day_local']})",
                          highlight=False)
        k = s.get("kazhydromet")
        if k:
            parts = []
            for idx, key in (("si", "si_max"), ("np", "np_max"), ("iza", "iza5")):
                if k.get(key) is not None:
                    parts.append(f"{t('monitor.index.' + idx, lang)} {format_number(k[key], lang, 2)} "
                                 f"({t('monitor.level.' + k[idx + '_level'], lang)})")
            console.print("  " + "; ".join(parts), highlight=False)
        w = s.get("water", {}).get("izv")
        if w:
            console.print(f"  {t('monitor.index.izv', lang)} {format_number(w['value'], lang, 2)} "
                          f"({t('monitor.izv.' + w['name'], lang)}, {w['class']})", highlight=False)
        over = [e for e in s["exceedances"] if e["exceedances"]]
        if over:
            console.print("  " + t("monitor.exceedances", lang) + ": " + ", ".join(
                f"{e['standard_id']} {e['exceedances']}/{e['periods']}" for e in over), highlight=False)
        console.print(f"  {t('monitor.open_alerts', lang)}: {s.get('open_alerts_total', 0)}", highlight=False)


@monitor_app.command("report")
def report_cmd(
    lang: str = typer.Option("en", "--lang", help="en | ru | kk"),
    out: Path = typer.Option(Path("out/monitoring"), "--out", help="Output directory."),
    site: list[str] = typer.Option(None, "--site", help="Site code(s) to include (default: all)."),
    db: str = typer.Option(None, "--db", help=DB_HELP),
) -> None:
    """Write a self-contained HTML report (plots and map inline) in kk, ru or en."""
    with option_names(MONITOR_FLAGS):
        check_lang(lang)
        data = report_data(open_monitoring(db), site or None)
    path = write_report(data, out, lang)
    _console().print(f"report written: {path}", highlight=False)


# ------------------------------------------------------------------------------------- sources

@sources_app.command("add")
def sources_add(
    name: str = typer.Option(..., "--name"),
    type_: str = typer.Option(..., "--type", help="brick_works | quarry | sewage_outfall | boiler_house | "
                                                  "landfill | other"),
    status_: str = typer.Option(..., "--status", help="operating | closed | illegal | under_restoration"),
    lat: float = typer.Option(None, "--lat"),
    lon: float = typer.Option(None, "--lon"),
    approximate: bool = typer.Option(False, "--approximate", help="The location is approximate."),
    operator: str = typer.Option(None, "--operator"),
    notes: str = typer.Option("", "--notes"),
    db: str = typer.Option(None, "--db", help=DB_HELP),
) -> None:
    """Add (or update) one pollution source."""
    n = upsert_sources(open_monitoring(db), [{"name": name, "type": type_, "status": status_, "latitude": lat,
                                         "longitude": lon, "approximate_location": approximate,
                                         "operator": operator, "notes": notes}], origin="cli")
    _console().print(f"source saved ({n} new)", highlight=False)


@sources_app.command("list")
def sources_list(
    fmt: str = typer.Option("table", "--format", help="table | json"),
    db: str = typer.Option(None, "--db", help=DB_HELP),
) -> None:
    """List the pollution sources (DEMO rows labelled)."""
    _check_format(fmt)
    rows = list_sources(open_monitoring(db))
    if fmt == "json":
        print(json.dumps({"sources": rows}, ensure_ascii=False, indent=2))
        return
    table = Table(title="Pollution sources")
    for col in ("", "name", "type", "status", "lat", "lon", "approx.", "operator", "notes"):
        table.add_column(col)
    for r in rows:
        table.add_row("DEMO" if r["demo"] else "", r["name"], r["type"], r["status"],
                      "" if r["latitude"] is None else f"{r['latitude']:.4f}",
                      "" if r["longitude"] is None else f"{r['longitude']:.4f}",
                      "yes" if r["approximate_location"] else "", r["operator"] or "", r["notes"] or "")
    Console().print(table)


@sources_app.command("import")
def sources_import(
    path: Path = typer.Argument(..., help="CSV (name,type,status,latitude,longitude,...) or GeoJSON file."),
    db: str = typer.Option(None, "--db", help=DB_HELP),
) -> None:
    """Import sources from CSV or GeoJSON (all or nothing)."""
    rows = read_sources_file(path)
    n = upsert_sources(open_monitoring(db), rows, origin=f"import:{path.name}")
    _console().print(f"{path}: {len(rows)} sources read, {n} new", highlight=False)


__all__ = ["register", "monitor_app"]
