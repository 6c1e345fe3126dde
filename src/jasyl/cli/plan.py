"""``jasyl plan``: inventory -> profiles -> least-cost hourly plan -> MACC and pathway -> report.

Writes ``<out>/<city slug>/`` atomically: ``report.html`` (self-contained, opens offline),
``summary.json`` and CSV tables (see :mod:`jasyl.report.outputs`). Progress goes to stderr; stdout
gets a table or ONE JSON object (``--format json``). The work is :func:`jasyl.planning.run_plan`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from jasyl.cli._console import RichProgress, err_console, option_names, stdout_to_stderr, wide_console
from jasyl.cli._options import (
    ContractMwhOption,
    ContractMwOption,
    ContractPriceOption,
    ContractSourceOption,
    Language,
    MethodChoice,
    TableOrJson,
)
from jasyl.planning import PlanOptions, run_plan
from jasyl.progress import stage
from jasyl.report import Labels, write_plan_outputs

__all__ = ["register", "plan_command"]


def method_text(method: str, labels: Labels) -> str:
    """The planner's mode in the user's language, from the result's method label (which solver ran, and
    whether the typical-day route held or fell back to the exact LP)."""
    solver = "HiGHS HiPO" if "HiPO" in method else "HiGHS IPX" if "IPX" in method else "HiGHS"
    if method.startswith("typical days"):
        return labels.t("cli.method.typical_days")
    if "typical-day design failed" in method:
        return labels.t("cli.method.fallback", solver=solver)
    return labels.t("cli.method.exact", solver=solver)


def _render_table(summary: dict[str, Any], labels: Labels, console: Console) -> None:
    s = summary
    table = Table(title=labels.t("cli.table.title", city=s.get("city_name", s["city"])))
    table.add_column(labels.t("cli.table.item"))
    table.add_column(labels.t("cli.table.value"), justify="right")
    for key, value, digits in (
        ("co2_before", s["co2_before_t"], 0),
        ("co2_after", s["co2_after_t"], 0),
        ("target", s["target_co2_t"], 0),
        ("cost", s["total_annual_cost_usd"], 0),
        ("baseline", s["baseline_annual_cost_usd"], 0),
        ("per_t", s["cost_per_t_avoided_usd"], 0),
        ("solve", s["solve_seconds"], 1),
    ):
        table.add_row(labels.t(f"cli.table.{key}"), labels.num(value, digits))
    table.add_row(labels.t("cli.table.method"), method_text(str(s.get("method", "")), labels))
    table.add_section()
    for tech, item in s["new_capacity"].items():
        table.add_row(f"{labels.t('cli.table.build')}: {labels.tech(tech)}", f"{labels.sig(item['value'])} "
                      f"{labels.unit(item['unit'])}")
    console.print(table)


def plan_command(
    city: Annotated[str | None, typer.Option("--city", help="Embedded city name (konaev) or path to a city YAML file.")]
    = None,
    weather: Annotated[Path | None, typer.Option("--weather", help="Weather file (EPW, PVGIS, ERA5 or CSV); "
                                                 "default: synthetic year from the city's climate normals.")] = None,
    target_co2: Annotated[float, typer.Option("--target-co2", help="CO2 cap of the planned system, t per year "
                                              "(0 = zero carbon).")] = 0.0,
    lang: Annotated[Language, typer.Option("--lang", help="Language of the report and messages: kk, ru or en.")]
    = Language.en,
    out: Annotated[Path, typer.Option("--out", help="Output directory; files go to OUT/<city>/.")] = Path("out"),
    output_format: Annotated[TableOrJson, typer.Option("--format", help="table or json (stdout)")]
    = TableOrJson.table,
    hours: Annotated[int | None, typer.Option("--hours", help="Solve only the first N hours (24..8760), "
                                              "e.g. 336 for a quick test; default: the full year.")] = None,
    method: Annotated[MethodChoice, typer.Option("--method", help="exact: the full hourly LP (default); "
                                                 "typical-days: design on typical days, then checked hour by hour "
                                                 "over the year (faster for a full year).")] = MethodChoice.exact,
    measures: Annotated[Path | None, typer.Option("--measures", help="Measures YAML of the MACC section "
                                                  "(default: the embedded library).")] = None,
    pathway: Annotated[bool, typer.Option("--pathway/--no-pathway", help="Add the year-by-year pathway (the "
                                          "default of 'jasyl pathway' for the same city and weather; cached).")]
    = True,
    accounting: Annotated[str, typer.Option("--accounting", help="How CO2 is counted: hourly (default, every "
                                            "hour, location-based), annual-net or ppa (see jasyl tradeoff).")]
    = "hourly",
    tradeoff: Annotated[bool, typer.Option("--tradeoff/--no-tradeoff", help="Add the cost-CO2 trade-off curve "
                                           "(typical days for a full year).")] = True,
    islanded: Annotated[bool, typer.Option("--islanded", help="No grid connection; batteries hold an operating "
                                           "reserve.")] = False,
    price_basis: Annotated[str, typer.Option("--price-basis", help="Prices the plan is optimised with: financial "
                                             "(today's regulated prices, default) or economic (fuel at export "
                                             "parity); both are reported.")] = "financial",
    grid_connection: Annotated[float | None, typer.Option("--grid-connection", help="Existing grid connection, MW "
                                                          "(default: the city file's, else today's peak).")] = None,
    contract_mw: ContractMwOption = None,
    contract_mwh: ContractMwhOption = None,
    contract_price: ContractPriceOption = None,
    contract_source: ContractSourceOption = None,
) -> None:
    """The main job: inventory, hourly profiles, least-cost zero-carbon plan and a report (kk/ru/en)."""
    labels = Labels(lang.value)
    with option_names():
        options = PlanOptions(
            city=city,
            weather=None if weather is None else str(weather),
            target_co2_t=target_co2,
            method="typical_days" if method is MethodChoice.typical_days else "exact",
            hours=hours,
            language=lang.value,  # type: ignore[arg-type]
            measures=None if measures is None else str(measures),
            pathway=pathway,
            accounting=accounting,  # type: ignore[arg-type]
            tradeoff=tradeoff,
            islanded=islanded,
            price_basis=price_basis,  # type: ignore[arg-type]
            grid_connection_mw=grid_connection,
            contract_mw=contract_mw,
            contract_mwh=contract_mwh,
            contract_price_usd_per_mwh=contract_price,
            contract_source=contract_source,
        )
        with RichProgress(labels) as progress, stdout_to_stderr():
            outcome = run_plan(options, progress)
            with stage(progress, "report"):
                out_dir, summary = write_plan_outputs(outcome, out)
    report = out_dir / "report.html"
    err_console.print(labels.t("cli.written", path=str(out_dir)), highlight=False)
    err_console.print(labels.t("cli.open_hint", path=str(report)), highlight=False)
    if output_format is TableOrJson.json:
        payload = dict(summary)
        payload["outputs"] = {"directory": str(out_dir), "report": str(report)}
        print(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        _render_table(summary, labels, wide_console(100))


def register(app: typer.Typer) -> None:
    """Add ``jasyl plan`` to ``app``."""
    app.command("plan")(plan_command)
