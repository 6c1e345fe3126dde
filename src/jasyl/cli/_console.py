"""What every command shares: the stderr console, progress rendering, HiGHS output kept off stdout,
and domain errors shown with the command's own option names."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator, Mapping

from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn

from jasyl.errors import InputError
from jasyl.progress import ProgressEvent
from jasyl.report.labels import Labels

__all__ = ["err_console", "stdout_to_stderr", "option_names", "RichProgress", "FLAGS", "wide_console"]

err_console = Console(stderr=True)

#: field of an options dataclass or a domain error -> the option of the command line
FLAGS: dict[str, str] = {
    "city": "--city",
    "weather": "--weather",
    "measures": "--measures",
    "target_co2_t": "--target-co2",
    "hours": "--hours",
    "method": "--method",
    "language": "--lang",
    "start_year": "--start",
    "target_year": "--target-year",
    "milestones": "--milestones",
    "growth": "--growth",
    "engine": "--engine",
    "planner_years": "--planner-years",
    "site": "--site",
    "gwp_set": "--gwp",
    "accounting": "--accounting",
    "price_basis": "--price-basis",
    "islanded": "--islanded",
    "grid_connection_mw": "--grid-connection",
    "contract_mw": "--contract-mw",
    "contract_mwh": "--contract-mwh",
    "contract_price_usd_per_mwh": "--contract-price",
    "contract_source": "--contract-source",
    "points": "--points",
    "workers": "--workers",
}


def wide_console(width: int = 100) -> Console:
    """A stdout console at least ``width`` characters wide (tables stay readable in pipes)."""
    return Console(width=max(Console().width, width))


@contextlib.contextmanager
def option_names(extra: Mapping[str, str] | None = None) -> Iterator[None]:
    """Show an :class:`InputError`'s field as the command's option (``hours`` -> ``--hours``)."""
    names = {**FLAGS, **(extra or {})}
    try:
        yield
    except InputError as exc:
        if exc.field in names:
            exc.field = names[exc.field]
        raise


@contextlib.contextmanager
def stdout_to_stderr() -> Iterator[None]:
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


class RichProgress:
    """Renders :class:`~jasyl.progress.ProgressEvent` s on stderr: one spinner line per stage, ticked off
    with its duration (stage names translated from ``plan.cli.stage.<stage>``); messages are printed."""

    def __init__(self, labels: Labels, console: Console | None = None) -> None:
        self.labels = labels
        self.progress = Progress(SpinnerColumn(finished_text="[green]✓[/]"), TextColumn("{task.description}"),
                                 TimeElapsedColumn(), console=console or err_console, transient=False)
        self.tasks: dict[str, tuple[TaskID, str]] = {}

    def __enter__(self) -> RichProgress:
        self.progress.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.__exit__(None, None, None)

    def _label(self, stage: str) -> str:
        key = f"cli.stage.{stage}"
        return self.labels.t(key) if self.labels.has(key) else stage

    def __call__(self, event: ProgressEvent) -> None:
        if event.status == "start":
            text = self._label(event.stage)
            self.tasks[event.stage] = (self.progress.add_task(text, total=1), text)
            return
        task, text = self.tasks.get(event.stage, (None, event.stage))
        if task is None:
            return
        if event.status == "update":
            if event.message:
                self.progress.console.print(event.message, highlight=False, markup=False)
        elif event.status == "done":
            done = self.labels.t("cli.stage.done", seconds=self.labels.num(event.seconds or 0.0, 1))
            self.progress.update(task, completed=1, description=f"{text}: {done}")
        elif event.status == "failed":
            self.progress.update(task, description=f"[red]✗ {text}[/]")
            self.progress.stop_task(task)
