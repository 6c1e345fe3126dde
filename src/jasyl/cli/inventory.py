"""``jasyl inventory``: the city's GPC-style GHG inventory."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from jasyl.city import load_city
from jasyl.cli._console import option_names, wide_console
from jasyl.cli._options import CityOption, OutputFormat
from jasyl.inventory import Inventory, compute_inventory
from jasyl.report.inventory import inventory_csv, inventory_json, write_inventory_files

__all__ = ["register", "render_table", "inventory_command"]


def render_table(inventory: Inventory, console: Console) -> None:
    total = inventory.total_tco2e
    table = Table(
        title=f"GHG inventory of {inventory.city}, {inventory.year} (GPC BASIC, {inventory.gwp_set} GWP100)",
        show_lines=False,
    )
    for col, justify in (
        ("GPC", "left"),
        ("sector", "left"),
        ("sub-sector", "left"),
        ("scope", "right"),
        ("tCO2e", "right"),
        ("share", "right"),
    ):
        table.add_column(col, justify=justify)  # type: ignore[arg-type]
    for rec in inventory.sectors().itertuples(index=False):
        if rec.notation:
            value, share = f"[dim]{rec.notation}[/]", ""
        else:
            value, share = f"{rec.tco2e:,.0f}", f"{100 * rec.tco2e / total:.1f} %" if total else ""
        table.add_row(
            str(rec.gpc_ref),
            str(rec.sector).replace("_", " "),
            str(rec.subsector).replace("_", " "),
            str(rec.scope),
            value,
            share,
        )
    table.add_section()
    for sector, sector_t in inventory.by_sector().items():
        table.add_row(
            "", f"[bold]{sector.replace('_', ' ')}[/]", "", "", f"{sector_t:,.0f}", f"{100 * sector_t / total:.1f} %"
        )
    table.add_row("", "[bold]total[/]", "", "", f"[bold]{total:,.0f}[/]", "100 %")
    console.print(table)
    console.print(
        f"Population {inventory.population:,.0f}: [bold]{inventory.per_capita_tco2e:.2f} tCO2e per person[/]. "
        f"Scope 1: {inventory.by_scope().get(1, 0.0):,.0f} t, scope 2: {inventory.by_scope().get(2, 0.0):,.0f} t, "
        f"scope 3: {inventory.by_scope().get(3, 0.0):,.0f} t."
    )
    for item in inventory.memo.itertuples(index=False):
        console.print(f"Memo {item.gpc_ref} ({item.item}): {item.tco2e:,.0f} tCO2e, not in the BASIC total.")
    console.print("Notation keys: NO not occurring, NE not estimated, IE included elsewhere, C confidential.")
    if inventory.unsourced:
        console.print(
            f"[yellow]{len(inventory.unsourced)} figures in the city file have no source or estimate note.[/]"
        )


def inventory_command(
    city: CityOption = None,
    output_format: Annotated[OutputFormat, typer.Option("--format", help="table, json or csv")] = OutputFormat.table,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Directory to write inventory.json, inventory.csv and inventory_detail.csv"),
    ] = None,
    gwp_set: Annotated[str, typer.Option("--gwp", help="GWP100 set: AR5 (default) or AR6")] = "AR5",
) -> None:
    """GPC-style greenhouse-gas inventory by sector, sub-sector, gas and scope."""
    with option_names():
        inventory = compute_inventory(load_city(city), gwp_set=gwp_set)
    payload = inventory_json(inventory)
    if out is not None:
        write_inventory_files(out, inventory)
    if output_format is OutputFormat.json:
        typer.echo(payload)
    elif output_format is OutputFormat.csv:
        typer.echo(inventory_csv(inventory), nl=False)
    else:
        render_table(inventory, wide_console(100))


def register(app: typer.Typer) -> None:
    """Add ``jasyl inventory`` to ``app``."""
    app.command("inventory")(inventory_command)
