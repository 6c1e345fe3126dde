"""``jasyl macc``: marginal abatement cost curve of a city's measures (cheapest first)."""

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
from jasyl.fileio import write_bytes_atomic, write_text_atomic
from jasyl.i18n import check_lang, format_number, translate
from jasyl.macc import MaccResult, compute_macc, figure_bytes, macc_figure, table_rows
from jasyl.measures import MeasureLibrary, load_measures

__all__ = ["register", "macc_csv", "OutputFormat"]


class OutputFormat(StrEnum):
    table = "table"
    json = "json"


CityOption = Annotated[
    str | None, typer.Option("--city", help="Embedded city name (konaev) or path to a city YAML file. Default: Konaev.")
]
MeasuresOption = Annotated[
    Path | None, typer.Option("--measures", help="Your own measures YAML file (default: the embedded library).")
]
LangOption = Annotated[str, typer.Option("--lang", help="Language of the table and figure: en, ru or kk.")]


def macc_csv(result: MaccResult, lang: str, library: MeasureLibrary) -> str:
    import pandas as pd

    frame = pd.DataFrame([r.to_dict() for r in result.rows])
    frame.insert(0, "rank", range(1, len(frame) + 1))
    frame.insert(2, "label", [row["name"] for row in table_rows(result, lang, library)])
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False, lineterminator="\n", float_format="%.6g")
    return buffer.getvalue()


def write_macc_outputs(out: Path, result: MaccResult, lang: str, library: MeasureLibrary) -> list[Path]:
    """Write macc.json, macc.csv, macc.svg and macc.png into ``out`` (each file atomically)."""
    fig = macc_figure(result, lang, library)
    svg, png = figure_bytes(fig, "svg"), figure_bytes(fig, "png")
    payload = json.dumps(result.to_dict(), ensure_ascii=False, indent=2)
    csv = macc_csv(result, lang, library)
    return [
        write_text_atomic(out / "macc.json", payload + "\n"),
        write_text_atomic(out / "macc.csv", csv),
        write_bytes_atomic(out / "macc.svg", svg),
        write_bytes_atomic(out / "macc.png", png),
    ]


def render_table(result: MaccResult, lang: str, library: MeasureLibrary, console: Console) -> None:
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
    output_format: Annotated[OutputFormat, typer.Option("--format", help="table or json")] = OutputFormat.table,
    out: Annotated[
        Path | None, typer.Option("--out", help="Directory for macc.json, macc.csv, macc.svg, macc.png")
    ] = None,
    lang: LangOption = "en",
) -> None:
    """Marginal abatement cost curve: USD per tonne CO2e avoided and tonnes a year of every measure."""
    from jasyl.cli import err_console

    check_lang(lang)
    library = load_measures(measures)
    result = compute_macc(load_city(city), library)
    if out is not None:
        written = write_macc_outputs(out, result, lang, library)
        err_console.print(translate("pathway.cli.written", lang, path=", ".join(str(p) for p in written)))
    if output_format is OutputFormat.json:
        payload: dict[str, Any] = result.to_dict()
        print(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        render_table(result, lang, library, Console(width=max(Console().width, 120)))


def register(app: typer.Typer) -> None:
    app.command("macc")(macc_command)
