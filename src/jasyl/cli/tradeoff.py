"""``jasyl tradeoff``: the cost-CO2 trade-off curve of a city (thin: the work is
:func:`jasyl.planning.run_tradeoff`, the files are :func:`jasyl.report.write_tradeoff_outputs`).

stdout gets a table or ONE JSON object (``--format json``); progress goes to stderr.
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
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
from jasyl.errors import InputError
from jasyl.i18n import translate
from jasyl.planning import TradeoffOptions, run_tradeoff
from jasyl.report import Labels, accounting_label, write_tradeoff_outputs

__all__ = ["register", "tradeoff_command", "parse_points"]


class AccountingChoice(StrEnum):
    hourly = "hourly"
    annual_net = "annual-net"
    ppa = "ppa"


class PriceBasis(StrEnum):
    financial = "financial"
    economic = "economic"


def parse_points(text: str, lang: str) -> tuple[float, ...]:
    """``0.5,0.8,1.0`` -> (0.5, 0.8, 1.0); an InputError naming ``--points`` otherwise."""
    try:
        values = tuple(float(p) for p in text.split(",") if p.strip())
    except ValueError:
        values = ()
    if not values or any(not 0.0 <= v <= 1.0 for v in values):
        raise InputError(translate("plan.tradeoff.error.points", lang), field="--points",
                         fix=translate("plan.tradeoff.error.points_fix", lang))
    return values


def tradeoff_command(
    city: Annotated[str | None, typer.Option("--city", help="Embedded city name (konaev) or path to a city YAML file.")]
    = None,
    weather: Annotated[Path | None, typer.Option("--weather", help="Weather file (EPW, PVGIS, ERA5 or CSV); "
                                                 "default: synthetic year from the city's climate normals.")] = None,
    accounting: Annotated[AccountingChoice, typer.Option(
        "--accounting", help="How CO2 is counted: hourly (location-based, every hour), annual-net (exports offset "
        "electricity imports over the year) or ppa (a contracted clean supply counts as zero-carbon).")]
    = AccountingChoice.hourly,
    points: Annotated[str, typer.Option("--points", help="Shares of today's CO2 to remove, comma-separated.")]
    = "0.5,0.8,0.9,0.95,0.99,1.0",
    output_format: Annotated[TableOrJson, typer.Option("--format", help="table or json (stdout)")]
    = TableOrJson.table,
    out: Annotated[Path | None, typer.Option("--out", help="Write tradeoff.json, tradeoff.csv, tradeoff.svg and the "
                                             "Vega-Lite spec tradeoff.vl.json into OUT/<city>/.")] = None,
    lang: Annotated[Language, typer.Option("--lang", help="Language of the table, chart and messages: kk, ru or en.")]
    = Language.en,
    hours: Annotated[int | None, typer.Option("--hours", help="Solve only the first N hours (24..8760); default: "
                                              "the full year.")] = None,
    method: Annotated[MethodChoice, typer.Option("--method", help="exact: the full hourly LP (default); "
                                                 "typical-days: typical days with seasonal storage (faster, about "
                                                 "1-3 % off).")] = MethodChoice.exact,
    workers: Annotated[int, typer.Option("--workers", help="Points solved at once (threads, one HiGHS model copy "
                                         "each).")] = 1,
    price_basis: Annotated[PriceBasis, typer.Option("--price-basis", help="financial (today's prices) or economic "
                                                    "(fuel at export parity).")] = PriceBasis.financial,
    islanded: Annotated[bool, typer.Option("--islanded", help="No grid connection: no import or export, and "
                                           "batteries hold an operating reserve.")] = False,
    contract_mw: ContractMwOption = None,
    contract_mwh: ContractMwhOption = None,
    contract_price: ContractPriceOption = None,
    contract_source: ContractSourceOption = None,
) -> None:
    """The cost-CO2 trade-off curve: least cost at each CO2 cut, with the marginal cost of the last tonne."""
    labels = Labels(lang.value)
    with option_names():
        options = TradeoffOptions(
            city=city, weather=None if weather is None else str(weather),
            accounting=accounting.value,  # type: ignore[arg-type]
            points=parse_points(points, lang.value), hours=hours,
            method="typical_days" if method is MethodChoice.typical_days else "exact",
            language=lang.value,  # type: ignore[arg-type]
            workers=workers, price_basis=price_basis.value,  # type: ignore[arg-type]
            islanded=islanded, contract_mw=contract_mw, contract_mwh=contract_mwh,
            contract_price_usd_per_mwh=contract_price, contract_source=contract_source,
        )
        with RichProgress(labels) as progress, stdout_to_stderr():
            outcome = run_tradeoff(options, progress)
    payload = outcome.curve.to_dict()
    if out is not None:
        out_dir = write_tradeoff_outputs(outcome, out)
        payload["outputs"] = {"directory": str(out_dir)}
        err_console.print(labels.t("tradeoff.cli.written", path=str(out_dir)), highlight=False)
    if output_format is TableOrJson.json:
        print(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    curve = outcome.curve
    knee = curve.knee
    table = Table(title=labels.t("tradeoff.table.title", city=outcome.city.display_name(labels.lang),
                                 accounting=accounting_label(labels, curve.accounting)))
    for key in ("reduction", "co2", "cost", "average", "marginal"):
        table.add_column(labels.t(f"tradeoff.table.{key}"), justify="right")
    table.add_column("")
    for p in curve.points:
        table.add_row(labels.num(100 * p.reduction, 1), labels.num(p.co2_t / 1e3, 1),
                      labels.num(p.total_annual_cost_usd / 1e6, 1), labels.num(p.average_cost_per_t_usd),
                      labels.num(p.marginal_cost_per_t_usd),
                      labels.t("tradeoff.table.knee") if knee is not None and p is knee else "")
    wide_console(100).print(table)


def register(app: typer.Typer) -> None:
    """Add ``jasyl tradeoff`` to ``app``."""
    app.command("tradeoff")(tradeoff_command)
