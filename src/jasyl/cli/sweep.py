"""``jasyl sweep`` and ``jasyl sweep-report``: scenario sweeps on Dask and their report (docs/sweep.md).

The commands only parse options, draw progress with rich and print; the work is
:func:`jasyl.planning.sweep.run_sweep` and :func:`jasyl.report.sweep.write_sweep_report`.
Exit status of ``jasyl sweep``: the number of failed scenarios (0 when every scenario has a plan;
capped at 125); bad input exits 2 before anything runs.
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.table import Table

from jasyl.cli._console import err_console, wide_console
from jasyl.cli._options import Language, TableOrJson
from jasyl.errors import InputError
from jasyl.i18n import translate
from jasyl.planning.scenario import load_sweep_spec
from jasyl.planning.sweep import FAILED_STATUSES, SweepProgress, run_sweep
from jasyl.report.sweep import write_sweep_report

__all__ = ["register", "sweep_command", "sweep_report_command", "MAX_EXIT"]

MAX_EXIT = 125


class Method(StrEnum):
    exact = "exact"
    typical_days = "typical-days"


def _split(text: str | None) -> list[str] | None:
    if text is None:
        return None
    return [p.strip() for p in text.split(",") if p.strip()]


class _Bar:
    """A rich progress bar: done / running / failed and time left."""

    def __init__(self, console: Console, lang: str) -> None:
        self.lang = lang
        self.progress = Progress(
            SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
            TextColumn("{task.completed}/{task.total}"),
            TextColumn("[cyan]{task.fields[running]} running[/]"),
            TextColumn("[red]{task.fields[failed]} failed[/]"),
            TimeElapsedColumn(), TextColumn("left"), TimeRemainingColumn(),
            console=console, transient=False)
        self.task: Any = None
        self.stage = ""

    def __enter__(self) -> _Bar:
        self.progress.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.__exit__(None, None, None)

    def __call__(self, p: SweepProgress) -> None:
        if self.task is None:
            self.task = self.progress.add_task(translate("sweep.cli.resolving", self.lang), total=p.total,
                                               running=0, failed=0)
        if p.stage != self.stage and p.stage == "run":
            self.progress.reset(self.task, total=p.total, completed=p.done, running=p.running, failed=p.failed,
                                description=translate("sweep.cli.running", self.lang))
        self.stage = p.stage
        if p.stage == "resolve":
            return
        self.progress.update(self.task, completed=p.done, running=p.running, failed=p.failed)


def sweep_command(
    scenarios: Annotated[Path, typer.Argument(help="Scenario YAML file (docs/sweep.md).")],
    out: Annotated[Path | None, typer.Option("--out", help="Output directory (default out/sweep-<name>).")] = None,
    scheduler: Annotated[str | None, typer.Option(
        "--scheduler", help="Address of an existing Dask scheduler (tcp://host:8786); default: "
        "DASK_SCHEDULER_ADDRESS, else a LocalCluster.")] = None,
    workers: Annotated[int | None, typer.Option("--workers", min=1, help="LocalCluster workers (default: one "
                                                "per core, memory permitting).")] = None,
    method: Annotated[Method | None, typer.Option("--method", help="Override the scenarios' solve method.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Rerun scenarios that already have a result.")] = False,
    check_weather: Annotated[str | None, typer.Option(
        "--check-weather", help="Comma-separated weather sources (stress, synthetic, files) to run every design "
        "through, hour by hour.")] = None,
    design_years: Annotated[str | None, typer.Option(
        "--design-years", help="Comma-separated weather sources to size one design on all of them at once "
        "(e.g. synthetic,stress).")] = None,
    report: Annotated[bool, typer.Option("--report", help="Also write the HTML report (DIR/report.html).")] = False,
    lang: Annotated[Language, typer.Option("--lang", help="Language of messages and report: kk, ru or en.")]
    = Language.en,
    output_format: Annotated[TableOrJson, typer.Option("--format", help="table or json (stdout)")]
    = TableOrJson.table,
) -> None:
    """Run the scenarios of a scenario file on Dask (resumable; failures are results)."""
    spec = load_sweep_spec(scenarios)
    overrides: dict[str, Any] = {}
    if method is not None:
        overrides["method"] = method.value
    if check_weather is not None:
        overrides["check_weather"] = _split(check_weather)
    if design_years is not None:
        overrides["weather"] = _split(design_years)
    if overrides:
        spec = spec.with_base(**overrides)
        if "weather" in overrides and "weather" in spec.axes:
            raise InputError("--design-years and a 'weather' axis both set the weather", file=scenarios,
                             field="axes.weather", fix="drop one of them")
    with _Bar(err_console, lang.value) as bar:
        frame = run_sweep(spec, out=out, force=force, address=scheduler, workers=workers, progress=bar)
    summary = frame.attrs["sweep"]
    out_dir = Path(summary["out_dir"])
    failed = frame[frame["status"].isin(list(FAILED_STATUSES) + ["missing"])]
    err_console.print(translate("sweep.cli.summary", lang.value, n=summary["scenarios"], solved=summary["solved"],
                                skipped=summary["skipped"], failed=len(failed)), highlight=False)
    if len(failed):
        err_console.print(translate("sweep.cli.failed_head", lang.value), style="bold red", highlight=False)
        for _i, r in failed.iterrows():
            text = str(r.get("message") or "").replace("\n", "\n      ")
            err_console.print(f"  - {r['name']}: {r['status']}: {text}", highlight=False, markup=False)
    err_console.print(translate("sweep.cli.written", lang.value, path=str(out_dir / "results.parquet")),
                      highlight=False)
    report_path = None
    if report:
        report_path = write_sweep_report(out_dir, lang.value)
        err_console.print(translate("sweep.cli.report_written", lang.value, path=str(report_path)), highlight=False)
    if output_format is TableOrJson.json:
        cols = ["name", "input_hash", "status", "message", "total_annual_cost_usd", "cost_per_t_avoided_usd",
                "co2_after_t"]
        rows = json.loads(frame[[c for c in cols if c in frame.columns]].to_json(orient="records"))
        payload = {**summary, "failed": len(failed), "results": str(out_dir / "results.parquet"),
                   "report": str(report_path) if report_path else None, "scenarios_table": rows}
        print(json.dumps(payload, ensure_ascii=False, indent=2, default=str))
    else:
        table = Table(title=spec.name)
        for col in ("scenario", "status", "per_t", "total", "co2"):
            table.add_column(translate(f"sweep.col.{col}", lang.value), justify="left" if col in ("scenario", "status")
                             else "right")
        for _i, r in frame.head(60).iterrows():
            ok = r["status"] == "optimal"
            table.add_row(str(r["name"]), str(r["status"]),
                          f"{r['cost_per_t_avoided_usd']:,.0f}" if ok else "—",
                          f"{r['total_annual_cost_usd'] / 1e6:,.1f}" if ok else "—",
                          f"{r['co2_after_t'] / 1e3:,.1f}" if ok else "—")
        wide_console().print(table)
    if len(failed):
        raise typer.Exit(min(len(failed), MAX_EXIT))


def sweep_report_command(
    directory: Annotated[Path, typer.Argument(help="Output directory of a sweep (holds results.parquet).")],
    lang: Annotated[Language, typer.Option("--lang", help="Language of the report: kk, ru or en.")] = Language.en,
    out: Annotated[Path | None, typer.Option("--out", help="HTML file to write (default DIR/report.html).")] = None,
) -> None:
    """Write the offline HTML report of a sweep: tornado, cost-CO2 frontier, capacity ranges, failures."""
    path = write_sweep_report(directory, lang.value, out=out)
    err_console.print(translate("sweep.cli.report_written", lang.value, path=str(path)), highlight=False)


def register(app: typer.Typer) -> None:
    app.command("sweep")(sweep_command)
    app.command("sweep-report")(sweep_report_command)
