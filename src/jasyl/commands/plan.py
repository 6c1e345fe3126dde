"""``jasyl plan``: inventory -> profiles -> least-cost hourly plan -> report, in one command.

Writes ``<out>/<city slug>/`` atomically: ``report.html`` (self-contained, opens offline),
``summary.json`` and CSV tables (see :mod:`jasyl.report.outputs`). Progress goes to stderr; stdout
gets a table or ONE JSON object (``--format json``).
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from jasyl.errors import InputError
from jasyl.i18n import DEFAULT_LANGUAGE, LANGUAGES

__all__ = ["register", "run_plan", "PlanRun"]

T = TypeVar("T")


class OutputFormat(StrEnum):
    table = "table"
    json = "json"


class Method(StrEnum):
    exact = "exact"
    typical_days = "typical-days"


class Language(StrEnum):
    en = "en"
    ru = "ru"
    kk = "kk"


assert tuple(Language) == tuple(Language(x) for x in LANGUAGES)


@contextlib.contextmanager
def _stdout_to_stderr() -> Iterator[None]:
    """Send anything native code prints on stdout (the HiGHS banner) to stderr, so stdout stays JSON."""
    try:
        fd = sys.__stdout__.fileno() if sys.__stdout__ is not None else 1
    except (AttributeError, OSError, ValueError):
        yield
        return
    sys.stdout.flush()
    saved = os.dup(fd)
    try:
        os.dup2(2, fd)
        yield
    finally:
        with contextlib.suppress(Exception):
            sys.stdout.flush()
        os.dup2(saved, fd)
        os.close(saved)


class _Stages:
    """One spinner line per stage on stderr, ticked off with its duration."""

    def __init__(self, console: Console, labels: Any) -> None:
        self.labels = labels
        self.progress = Progress(SpinnerColumn(finished_text="[green]✓[/]"), TextColumn("{task.description}"),
                                 TimeElapsedColumn(), console=console, transient=False)

    def __enter__(self) -> _Stages:
        self.progress.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.__exit__(None, None, None)

    def run(self, key: str, func: Callable[[], T]) -> T:
        text = self.labels.t(f"cli.stage.{key}")
        task = self.progress.add_task(text, total=1)
        start = time.perf_counter()
        try:
            value = func()
        except BaseException:
            self.progress.update(task, description=f"[red]✗ {text}[/]")
            self.progress.stop_task(task)
            raise
        seconds = time.perf_counter() - start
        done = self.labels.t("cli.stage.done", seconds=self.labels.num(seconds, 1))
        self.progress.update(task, completed=1, description=f"{text}: {done}")
        return value


class PlanRun:
    """Results of one ``jasyl plan`` run (for tests and callers)."""

    def __init__(self, out_dir: Path, summary: dict[str, Any]) -> None:
        self.out_dir = out_dir
        self.summary = summary


def _check_options(target_co2: float, hours: int | None, weather: Path | None, labels: Any) -> None:
    if not math.isfinite(target_co2) or target_co2 < 0:
        raise InputError(labels.t("cli.error.target"), field="--target-co2", fix=labels.t("cli.error.target_fix"))
    if hours is not None and not 24 <= hours <= 8760:
        raise InputError(labels.t("cli.error.hours", max=8760), field="--hours", fix=labels.t("cli.error.hours_fix"))
    if weather is not None and not weather.is_file():
        raise InputError("the weather file does not exist", file=weather, field="--weather",
                         fix="give the path of an EPW, PVGIS, ERA5 or CSV weather file")


def run_plan(
    city: str | None = None,
    weather: Path | None = None,
    target_co2: float = 0.0,
    lang: str = DEFAULT_LANGUAGE,
    out: Path = Path("out"),
    hours: int | None = None,
    console: Console | None = None,
    method: str = "exact",
) -> PlanRun:
    """Run the whole job and write the outputs; raises :class:`jasyl.errors.JasylError` on bad input."""
    from jasyl.city import load_city
    from jasyl.inventory import compute_inventory
    from jasyl.model.api import plan_inputs, solve_inputs
    from jasyl.report import Labels, ReportContext, optional_sections, write_outputs

    labels = Labels(lang)
    _check_options(target_co2, hours, weather, labels)
    if console is None:
        from jasyl.cli import err_console

        console = err_console
    with _Stages(console, labels) as stages:
        city_obj, inventory = stages.run("inventory", lambda: _inventory(load_city, compute_inventory, city))
        inputs = stages.run("profiles", lambda: plan_inputs(city_obj, weather, target_co2))
        if hours is not None and hours > inputs.n_hours:
            raise InputError(labels.t("cli.error.hours", max=inputs.n_hours), field="--hours",
                             fix=labels.t("cli.error.hours_fix"))
        horizon = inputs.subset(0, hours) if hours is not None else inputs

        def optimise() -> Any:
            with _stdout_to_stderr():
                return solve_inputs(horizon, method=method.replace("-", "_"))

        result = stages.run("optimise", optimise)
        ctx = ReportContext(
            city=city_obj,
            inventory=inventory,
            result=result,
            labels=labels,
            generated_utc=datetime.now(UTC),
            options={
                "weather_source": str(weather) if weather is not None else labels.t("cli.weather.synthetic"),
                "weather_synthetic": weather is None,
                "hours": hours,
                "method": method,
            },
        )

        def report() -> tuple[Path, dict[str, Any]]:
            sections = optional_sections(ctx)
            return write_outputs(ctx, Path(out) / city_obj.slug, extra_sections=sections,
                                 extra_summary={"language": labels.lang,
                                                "city_name": city_obj.display_name(labels.lang),
                                                "generated_utc": ctx.generated_utc.isoformat(timespec="seconds"),
                                                "weather": ctx.options["weather_source"]})

        out_dir, summary = stages.run("report", report)
    return PlanRun(out_dir, summary)


def _inventory(load_city: Any, compute_inventory: Any, city: str | None) -> tuple[Any, Any]:
    city_obj = load_city(city)
    return city_obj, compute_inventory(city_obj)


def _render_table(run: PlanRun, labels: Any, console: Console) -> None:
    s = run.summary
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
    output_format: Annotated[OutputFormat, typer.Option("--format", help="table or json (stdout)")]
    = OutputFormat.table,
    hours: Annotated[int | None, typer.Option("--hours", help="Solve only the first N hours (24..8760), "
                                              "e.g. 336 for a quick test; default: the full year.")] = None,
    method: Annotated[Method, typer.Option("--method", help="exact: the full hourly LP (default); typical-days: "
                                           "design on typical days, then checked hour by hour over the year "
                                           "(faster for a full year).")] = Method.exact,
) -> None:
    """The main job: inventory, hourly profiles, least-cost zero-carbon plan and a report (kk/ru/en)."""
    from jasyl.cli import err_console
    from jasyl.report import Labels

    labels = Labels(lang.value)
    run = run_plan(city=city, weather=weather, target_co2=target_co2, lang=lang.value, out=out, hours=hours,
                   method=method.value)
    report = run.out_dir / "report.html"
    err_console.print(labels.t("cli.written", path=str(run.out_dir)), highlight=False)
    err_console.print(labels.t("cli.open_hint", path=str(report)), highlight=False)
    if output_format is OutputFormat.json:
        payload = dict(run.summary)
        payload["outputs"] = {"directory": str(run.out_dir), "report": str(report)}
        print(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        _render_table(run, labels, Console(width=max(Console().width, 100)))


def register(app: typer.Typer) -> None:
    app.command("plan")(plan_command)
