"""Progress of a long computation, as events a front end renders (the CLI with rich, the web as a stream).

A use case (:mod:`jasyl.planning`) takes ``progress: ProgressCallback | None`` and reports each stage
with :func:`stage`: a ``start`` event, any number of ``update`` events (a fraction and/or a message)
and a ``done`` event with the duration, or ``failed`` if the stage raised. Stage names are stable
identifiers (``inventory``, ``profiles``, ``optimise``, ``macc``, ``pathway``, ``report``); a front
end translates them (``cli.stage.<name>`` in the ``plan`` catalogues). Events are plain frozen
dataclasses with :meth:`ProgressEvent.to_dict`, so a web server can send them as JSON.

>>> events = []
>>> with stage(events.append, "inventory"):
...     pass
>>> [e.status for e in events]
['start', 'done']
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from typing import Any, Literal

__all__ = ["ProgressEvent", "ProgressCallback", "ProgressStatus", "Reporter", "stage", "emit"]

ProgressStatus = Literal["start", "update", "done", "failed"]


@dataclass(frozen=True)
class ProgressEvent:
    """One step of a computation.

    ``stage``: the stage's identifier; ``status``: start, update, done or failed; ``fraction``: share of
    the stage done (0..1) when known; ``message``: a line for people (English, may be empty);
    ``seconds``: time since the stage started.
    """

    stage: str
    status: ProgressStatus
    fraction: float | None = None
    message: str = ""
    seconds: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


#: what a use case calls with each event; a front end passes its own renderer
ProgressCallback = Callable[[ProgressEvent], None]


def emit(progress: ProgressCallback | None, event: ProgressEvent) -> None:
    """Send ``event`` if there is a listener."""
    if progress is not None:
        progress(event)


class Reporter:
    """Updates of one running stage: ``report.update("2031 solved", fraction=0.5)``."""

    def __init__(self, progress: ProgressCallback | None, name: str) -> None:
        self.progress = progress
        self.name = name
        self.started = time.perf_counter()

    def update(self, message: str = "", fraction: float | None = None) -> None:
        emit(self.progress, ProgressEvent(self.name, "update", fraction, message,
                                          time.perf_counter() - self.started))


@contextmanager
def stage(progress: ProgressCallback | None, name: str, message: str = "") -> Iterator[Reporter]:
    """Report the start, the end (with its duration) or the failure of stage ``name``."""
    reporter = Reporter(progress, name)
    emit(progress, ProgressEvent(name, "start", 0.0, message))
    try:
        yield reporter
    except BaseException:
        emit(progress, ProgressEvent(name, "failed", None, message, time.perf_counter() - reporter.started))
        raise
    emit(progress, ProgressEvent(name, "done", 1.0, message, time.perf_counter() - reporter.started))
