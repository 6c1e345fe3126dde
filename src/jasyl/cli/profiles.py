"""``jasyl profiles``: hourly supply capacity factors and demand of a city for one weather year."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from jasyl.cli._console import err_console, option_names, wide_console
from jasyl.cli._options import FormatOption, TableOrJson
from jasyl.planning.options import ProfilesOptions
from jasyl.planning.profiles import run_profiles
from jasyl.report.profiles import write_profiles

__all__ = ["register", "profiles_command"]


def _table(summary: dict[str, Any], console: Console) -> None:
    label = " [bold yellow](SYNTHETIC weather)[/]" if summary["synthetic"] else ""
    table = Table(title=f"Hourly profiles of {summary['city']}{label}", caption=f"weather: {summary['weather_source']}")
    table.add_column("quantity")
    table.add_column("value", justify="right")
    rows = [
        ("GHI, kWh/m2/yr", f"{summary['ghi_kwh_per_m2']:,.0f}"),
        ("mean temperature, C", f"{summary['mean_temperature_c']:.1f}"),
        ("heating degree days (18 C)", f"{summary['heating_degree_days']:,.0f}"),
        ("heating season, days", f"{summary['heating_season_days']:.0f}"),
        (f"PV fixed ({summary['pv_fixed_tilt_deg']} deg), kWh/kWp", f"{summary['pv_specific_yield_kwh_per_kwp']:,.0f}"),
        ("PV single-axis tracking, kWh/kWp", f"{summary['pv_tracking_specific_yield_kwh_per_kwp']:,.0f}"),
        ("PV rooftop, kWh/kWp", f"{summary['pv_rooftop_specific_yield_kwh_per_kwp']:,.0f}"),
        ("wind capacity factor", f"{100 * summary['wind_capacity_factor']:.1f} %"),
    ]
    for name, value in rows:
        table.add_row(name, value)
    table.add_section()
    for name, mwh in summary["demand_mwh"].items():
        table.add_row(name.replace("_", " ") + ", MWh/yr", f"{mwh:,.0f}")
    console.print(table)


def profiles_command(
    city: Annotated[
        str | None, typer.Option("--city", help="Embedded city name (konaev) or path to a city YAML file.")
    ] = None,
    weather: Annotated[
        Path | None,
        typer.Option("--weather", help="Weather file (EPW, TMY3, PVGIS TMY csv/json, ERA5 netCDF, jasyl CSV)."),
    ] = None,
    weather_format: Annotated[
        str | None, typer.Option("--weather-format", help="epw, tmy3, pvgis-csv, pvgis-json, era5 or csv.")
    ] = None,
    lat: Annotated[float | None, typer.Option("--lat", help="Latitude (ERA5 grid point; CSV).")] = None,
    lon: Annotated[float | None, typer.Option("--lon", help="Longitude (ERA5 grid point; CSV).")] = None,
    wind_height: Annotated[
        float | None, typer.Option("--wind-height", help="Wind measurement height, m (jasyl CSV).")
    ] = None,
    fill_gaps: Annotated[
        int, typer.Option("--fill-gaps", help="Interpolate gaps of up to N hours (default 0: gaps are errors).")
    ] = 0,
    year: Annotated[int | None, typer.Option("--year", help="UTC year to use from a multi-year file.")] = None,
    seed: Annotated[int | None, typer.Option("--seed", help="Random seed of the synthetic year.")] = None,
    out: Annotated[Path, typer.Option("--out", help="Output directory (replaced as a whole).")] = Path("out/profiles"),
    parquet: Annotated[bool, typer.Option("--parquet", help="Write Parquet instead of CSV.")] = False,
    output_format: FormatOption = TableOrJson.table,
) -> None:
    """Hourly PV/wind capacity factors and demand for a year (synthetic weather unless --weather)."""
    with option_names({"fill_gaps_hours": "--fill-gaps", "weather_format": "--weather-format", "latitude": "--lat",
                       "longitude": "--lon", "wind_height_m": "--wind-height", "year": "--year", "seed": "--seed"}):
        options = ProfilesOptions(city=city, weather=None if weather is None else str(weather),
                                  weather_format=weather_format,  # type: ignore[arg-type]
                                  latitude=lat, longitude=lon, wind_height_m=wind_height, fill_gaps_hours=fill_gaps,
                                  year=year, seed=seed)
        profiles = run_profiles(options).profiles
    files = write_profiles(profiles, out, parquet=parquet)
    summary = dict(profiles.summary)
    summary["files"] = [str(f) for f in files]
    if profiles.synthetic:
        err_console.print(
            "[yellow]SYNTHETIC weather: generated from monthly climate normals, not measured."
            " Use --weather FILE for real data.[/]"
        )
    err_console.print(f"wrote {', '.join(str(f) for f in files)}")
    if output_format is TableOrJson.json:
        typer.echo(json.dumps(summary, ensure_ascii=False, indent=2))
    else:
        _table(summary, wide_console(100))


def register(app: typer.Typer) -> None:
    """Add ``jasyl profiles`` to ``app``."""
    app.command("profiles")(profiles_command)
