"""``jasyl monitor damage|emissions|restoration|settings|water-classes|sites``: the land-and-water side of
monitoring (damage estimates, restoration register, labelled settings, water classes)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from jasyl.cli._console import err_console, option_names, wide_console
from jasyl.cli._options import TableOrJson
from jasyl.cli.monitor import monitor_app
from jasyl.errors import InputError
from jasyl.i18n import check_lang, format_number
from jasyl.i18n import translate as t
from jasyl.monitoring.air_limits import conflicting_standards, setting_keys
from jasyl.monitoring.alerts import reevaluate
from jasyl.monitoring.emissions import add_records, damage, list_records, read_records_csv
from jasyl.monitoring.fees import ESTIMATE_LABEL
from jasyl.monitoring.register import REGISTER_STATUSES, add_event, parse_date, set_record
from jasyl.monitoring.register import register as register_rows
from jasyl.monitoring.settings import list_settings, set_setting, unset_setting
from jasyl.monitoring.setup import open_monitoring
from jasyl.monitoring.status import status
from jasyl.monitoring.water_status import set_water_body
from jasyl.store.models import WATER_BODY_TYPES

__all__ = ["register_commands", "register"]

DbOption = Annotated[str | None, typer.Option("--db", help="Database URL (default: $JASYL_DB_URL or a SQLite file "
                                                            "in the user data directory).")]
FormatOpt = Annotated[TableOrJson, typer.Option("--format", help="table or json")]
FLAGS = {"source": "--source", "pollutant": "--pollutant", "tonnes": "--tonnes", "period_start": "--from",
         "period_end": "--to", "permitted": "--permitted", "date": "--date", "evidence": "--evidence",
         "status": "--status", "deadline": "--deadline", "disturbed_area_ha": "--area-ha", "year": "--year"}

emissions_app = typer.Typer(help="Registered emissions and violations of pollution sources (input of "
                                 "'jasyl monitor damage').", no_args_is_help=True)
restoration_app = typer.Typer(help="Restoration and closure register: plan, deadline, operator, dated status "
                                   "history with evidence; what is late.", no_args_is_help=True)
settings_app = typer.Typer(help="Labelled settings: air-limit variants, damage multipliers, tracking tolerance, "
                                "your own water class table.", no_args_is_help=True)
sites_app = typer.Typer(help="Monitoring sites.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Add the sub-commands to ``jasyl monitor`` (the ``monitor`` module registers the group itself)."""
    register_commands()


def register_commands() -> None:
    names = {g.name for g in monitor_app.registered_groups}
    for name, sub in (("emissions", emissions_app), ("restoration", restoration_app), ("settings", settings_app),
                      ("sites", sites_app)):
        if name not in names:
            monitor_app.add_typer(sub, name=name)
    if not any(c.name == "damage" for c in monitor_app.registered_commands):
        monitor_app.command("damage")(damage_cmd)
        monitor_app.command("water-classes")(water_classes_cmd)


def _money(value: float) -> str:
    return f"{value:,.0f}"


# ------------------------------------------------------------------------------------------ damage

def damage_cmd(
    year: Annotated[int | None, typer.Option("--year", help="Only the records of this calendar year.")] = None,
    fmt: FormatOpt = TableOrJson.table,
    db: DbOption = None,
) -> None:
    """Fee-based ESTIMATE of the payment for registered emissions and violations: tonnes x Tax Code rate (MRP
    per tonne) x MRP of the year x multiplier. Not a legal assessment."""
    if year is not None and not 1990 <= year <= 2100:
        raise InputError(f"year {year} is out of range", field="--year", fix="e.g. 2025")
    est = damage(open_monitoring(db), year)
    if fmt is TableOrJson.json:
        print(json.dumps(est.to_dict(), ensure_ascii=False, indent=2))
        return
    console = wide_console(140)
    body = est.disclaimer.split(": ", 1)[1] if est.disclaimer.lower().startswith("estimate") else est.disclaimer
    console.print(f"[bold yellow]{ESTIMATE_LABEL}[/]: {body}", highlight=False)
    console.print(f"Rule: {est.rule} ({est.status_note}). Settings: "
                  + ", ".join(f"{k} = {v:g}" for k, v in est.settings.items()), highlight=False)
    table = Table()
    for col in ("", "source", "year", "pollutant", "tonnes", "MRP/t", "MRP, KZT", "multiplier", "amount, KZT"):
        table.add_column(col, justify="right" if col in ("tonnes", "MRP/t", "MRP, KZT", "multiplier",
                                                         "amount, KZT") else "left")
    for r in est.rows:
        table.add_row("DEMO" if r.demo else "", r.source, str(r.year), r.pollutant + ("" if r.permitted else " *"),
                      f"{r.tonnes:g}", f"{r.rate_mrp_per_t:g}", _money(r.mrp_kzt), f"{r.multiplier:g}",
                      _money(r.amount_kzt))
    console.print(table)
    console.print(f"total {_money(est.total_kzt)} KZT (estimate); * = without a permit or above it", highlight=False)
    for rate_note in sorted({r.rate_status for r in est.rows} - {"read"}):
        years = ", ".join(str(y) for y in sorted({r.year for r in est.rows if r.rate_status == rate_note}))
        console.print(f"note: rates for {years}: {rate_note}", highlight=False)
    for s in est.skipped:
        err_console.print(f"skipped: {s}", highlight=False, markup=False)


# ------------------------------------------------------------------------------------------ emissions

@emissions_app.command("add")
def emissions_add(
    source: Annotated[str, typer.Option("--source", help="Name of the pollution source.")],
    pollutant: Annotated[str, typer.Option("--pollutant", help="sox, nox, dust_ash, soot, co, h2s ... (or SO2, PM10)")],
    tonnes: Annotated[float, typer.Option("--tonnes", help="Mass emitted, t.")],
    period_start: Annotated[str, typer.Option("--from", help="First day, YYYY-MM-DD.")],
    period_end: Annotated[str, typer.Option("--to", help="Last day, YYYY-MM-DD (same calendar year).")],
    permitted: Annotated[bool, typer.Option("--permitted/--unauthorised",
                                            help="Within the permit, or without a permit or above it.")],
    reference: Annotated[str, typer.Option("--reference", help="Inspection act, protocol or report.")] = "",
    db: DbOption = None,
) -> None:
    """Register one emission or violation."""
    with option_names(FLAGS):
        n = add_records(open_monitoring(db), [{"source": source, "pollutant": pollutant, "tonnes": tonnes,
                                               "period_start": period_start, "period_end": period_end,
                                               "permitted": permitted, "reference": reference}])
    err_console.print("record stored" if n else "the same record is already stored", highlight=False)


@emissions_app.command("import")
def emissions_import(
    path: Annotated[Path, typer.Argument(help="CSV: source,pollutant,tonnes,period_start,period_end,permitted,"
                                              "reference")],
    db: DbOption = None,
) -> None:
    """Import records from CSV (every line checked; nothing stored unless all are good)."""
    rows = read_records_csv(path)
    n = add_records(open_monitoring(db), rows)
    err_console.print(f"{path}: {len(rows)} records read, {n} new", highlight=False)


@emissions_app.command("list")
def emissions_list(
    year: Annotated[int | None, typer.Option("--year", help="Only this calendar year.")] = None,
    fmt: FormatOpt = TableOrJson.table,
    db: DbOption = None,
) -> None:
    """List the registered emissions and violations."""
    recs = list_records(open_monitoring(db), year)
    rows: list[dict[str, Any]] = [{"source": r.source, "pollutant": r.pollutant, "tonnes": r.tonnes,
                                   "period_start": r.period_start.isoformat(),
                                   "period_end": r.period_end.isoformat(), "permitted": r.permitted,
                                   "reference": r.reference, "demo": r.demo} for r in recs]
    if fmt is TableOrJson.json:
        print(json.dumps({"records": rows}, ensure_ascii=False, indent=2))
        return
    table = Table()
    for col in ("", "source", "pollutant", "tonnes", "period", "permitted", "reference"):
        table.add_column(col)
    for r in rows:
        table.add_row("DEMO" if r["demo"] else "", r["source"], r["pollutant"], f"{r['tonnes']:g}",
                      f"{r['period_start']}..{r['period_end']}", "yes" if r["permitted"] else "no", r["reference"])
    wide_console(120).print(table)


# ------------------------------------------------------------------------------------------ restoration

@restoration_app.command("set")
def restoration_set(
    source: Annotated[str, typer.Argument(help="Name of the pollution source.")],
    area_ha: Annotated[float | None, typer.Option("--area-ha", help="Disturbed area, ha.")] = None,
    plan: Annotated[str | None, typer.Option("--plan", help="Restoration plan (text or document reference).")] = None,
    deadline: Annotated[str | None, typer.Option("--deadline", help="Restoration deadline, YYYY-MM-DD.")] = None,
    operator: Annotated[str | None, typer.Option("--operator", help="Responsible operator.")] = None,
    db: DbOption = None,
) -> None:
    """Create or update the restoration record of a source."""
    with option_names(FLAGS):
        set_record(open_monitoring(db), source, disturbed_area_ha=area_ha, plan=plan,
                   deadline=parse_date(deadline, "deadline") if deadline else None, operator=operator)
    err_console.print(f"restoration record of '{source}' saved", highlight=False)


@restoration_app.command("event")
def restoration_event(
    source: Annotated[str, typer.Argument(help="Name of the pollution source.")],
    status_: Annotated[str, typer.Option("--status", help=" | ".join(REGISTER_STATUSES))],
    when: Annotated[str, typer.Option("--date", help="Date of the change, YYYY-MM-DD.")],
    evidence: Annotated[str, typer.Option("--evidence", help="Photo or document reference.")],
    note: Annotated[str, typer.Option("--note")] = "",
    db: DbOption = None,
) -> None:
    """Record a status change (illegal -> closed -> under_restoration -> restored) with its date and evidence."""
    with option_names(FLAGS):
        new = add_event(open_monitoring(db), source, status_, parse_date(when, "date"), evidence, note)
    err_console.print(f"'{source}': {status_} on {when} recorded" if new else "the same event is already recorded",
                      highlight=False)


@restoration_app.command("list")
def restoration_list(
    late: Annotated[bool, typer.Option("--late", help="Only the sources past their deadline.")] = False,
    fmt: FormatOpt = TableOrJson.table,
    lang: Annotated[str, typer.Option("--lang", help="en, ru or kk")] = "en",
    db: DbOption = None,
) -> None:
    """The register, late sources first (deadline passed and not restored)."""
    check_lang(lang)
    rows = register_rows(open_monitoring(db), only_late=late)
    if fmt is TableOrJson.json:
        print(json.dumps({"today": date.today().isoformat(), "sources": [r.to_dict() for r in rows]},
                         ensure_ascii=False, indent=2))
        return
    table = Table(title=t("register.title", lang))
    for key in ("source", "status", "area", "deadline", "late", "operator", "last_event"):
        table.add_column(t(f"register.col.{key}", lang))
    for r in rows:
        last = r.history[-1] if r.history else None
        table.add_row(("DEMO " if r.demo else "") + r.source, t(f"monitor.source_status.{r.status}", lang),
                      "-" if r.disturbed_area_ha is None else format_number(r.disturbed_area_ha, lang, 1),
                      r.deadline.isoformat() if r.deadline else "-",
                      f"[red]{t('register.days_late', lang, days=r.days_late)}[/]" if r.late else
                      (t("register.restored_late", lang, days=r.restored_days_late) if r.restored_days_late else ""),
                      r.operator, f"{last['date']}: {last['evidence']}" if last else "")
    wide_console(140).print(table)


# ------------------------------------------------------------------------------------------ settings

@settings_app.command("list")
def settings_list(fmt: FormatOpt = TableOrJson.table, db: DbOption = None) -> None:
    """Every setting: value in force, default, status and meaning."""
    rows = list_settings(open_monitoring(db))
    for r in rows:
        if r["key"] == "water.class_table" and r["value"]:
            r["value"] = f"(user table, {len(r['value'])} characters)"
    if fmt is TableOrJson.json:
        print(json.dumps({"settings": rows}, ensure_ascii=False, indent=2))
        return
    table = Table()
    for col in ("key", "value", "default", "status", "meaning"):
        table.add_column(col)
    for r in rows:
        table.add_row(r["key"], r["value"] or "-", r["default"] or "-", r["status"], r["note"])
    wide_console(160).print(table)


@settings_app.command("set")
def settings_set(
    key: Annotated[str, typer.Argument(help="Setting key (see 'jasyl monitor settings list').")],
    value: Annotated[str | None, typer.Argument(help="New value.")] = None,
    file: Annotated[Path | None, typer.Option("--file", help="water.class_table: the YAML file of your table.")] = None,
    db: DbOption = None,
) -> None:
    """Change a setting (an air-limit variant re-evaluates the alerts of the substances it covers)."""
    if (value is None) == (file is None):
        raise InputError("give the value, or --file for water.class_table", field="value",
                         fix="e.g. jasyl monitor settings set air.kz_daily_mpc sanpin_2021")
    if file is not None:
        if key != "water.class_table":
            raise InputError("--file is for water.class_table only", field="--file", fix="give the value instead")
        try:
            value = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"cannot read the file: {exc}", file=file,
                             fix="give an existing UTF-8 YAML file") from None
    assert value is not None
    engine = open_monitoring(db)
    with option_names({"value": "VALUE"}):
        stored = set_setting(engine, key, value)
    err_console.print(f"{key} = {stored if key != 'water.class_table' else '(user table)'}", highlight=False)
    _after_change(engine, key)


@settings_app.command("unset")
def settings_unset(key: Annotated[str, typer.Argument(help="Setting key.")], db: DbOption = None) -> None:
    """Back to the default."""
    engine = open_monitoring(db)
    unset_setting(engine, key)
    err_console.print(f"{key}: default", highlight=False)
    _after_change(engine, key)


def _after_change(engine: Any, key: str) -> None:
    if key in setting_keys():
        params = [s["parameter"] for s in conflicting_standards().values()
                  if key == setting_keys()[0] or key.endswith("." + str(s["parameter"]))]
        with engine.begin() as conn:
            n = reevaluate(conn, params)
        err_console.print(f"alerts of {', '.join(params)} evaluated again with the new limit: {n} open",
                          highlight=False)


# ------------------------------------------------------------------------------------------ water classes

def water_classes_cmd(
    site: Annotated[list[str] | None, typer.Option("--site", help="Site code(s) (default: every water site).")] = None,
    fmt: FormatOpt = TableOrJson.table,
    db: DbOption = None,
) -> None:
    """Indicative water class of each water site and of its samples (Order 111-НҚ, or your own table:
    'jasyl monitor settings set water.class_table --file T.yaml'; worst indicator wins)."""
    with option_names({"site": "--site"}):
        data = status(open_monitoring(db), site or None)
    blocks = [{"code": s["code"], "name": s["name"], "demo": s["demo"], **s["water_class"]}
              for s in data["sites"] if s.get("water_class")]
    if fmt is TableOrJson.json:
        print(json.dumps({"sites": blocks}, ensure_ascii=False, indent=2, default=str))
        return
    console = wide_console(140)
    for b in blocks:
        head = ("DEMO " if b["demo"] else "") + f"{b['name']} ({b['code']})"
        klass = b.get("class")
        line = (f"{b['label']} {klass} - {b['act_short']} ({b['status']}); limiting: "
                + ", ".join(b.get("limiting") or []) if klass else f"not classified - {b['act_short']}")
        console.print(f"[bold]{escape(head)}[/]: {escape(line)}", highlight=False)
        if b.get("reason"):
            console.print(f"  {b['reason']}", highlight=False)
        if b.get("samples"):
            console.print("  samples: " + ", ".join(f"{x['time_utc'][:10]} {x['class']}" for x in b["samples"]),
                          highlight=False)


@sites_app.command("water-body")
def sites_water_body(
    code: Annotated[str, typer.Argument(help="Site code.")],
    kind: Annotated[str, typer.Argument(help=" | ".join(WATER_BODY_TYPES))],
    db: DbOption = None,
) -> None:
    """Record what kind of water body a site samples (Order 111-НҚ classes cover rivers, canals and in-channel
    reservoirs only)."""
    with option_names({"water_body": "TYPE", "code": "CODE"}):
        set_water_body(open_monitoring(db), code, kind)
    err_console.print(f"{code}: {kind}", highlight=False)
