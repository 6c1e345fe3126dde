"""A use case's slow side job in a separate process, while the main job runs (stdlib multiprocessing).

The plan use case solves one year with the hourly LP (one core: HiGHS's interior point is serial)
while the pathway solves its milestone years: on a machine with two or more cores the pathway runs
beside the plan in a *spawned* process (no fork of a process with threads), gets the city, profiles
and measures already made (pickled, so the city is still loaded once) and sends back the pathway's
JSON or the error it raised. A failure of the main job terminates it.
"""

from __future__ import annotations

import multiprocessing
import os
from multiprocessing.connection import Connection
from typing import Any

from jasyl.measures import MeasureLibrary
from jasyl.pathway.result import Pathway
from jasyl.planning.city_inputs import CityData
from jasyl.planning.options import PathwayOptions
from jasyl.planning.pathway import run_pathway
from jasyl.profiles import HourlyProfiles

__all__ = ["BackgroundPathway", "worth_a_process", "ENV_SERIAL"]

#: set to 1 to run side jobs in the main process (debugging, profiling)
ENV_SERIAL = "JASYL_SERIAL"


def worth_a_process() -> bool:
    """More than one core is free to use, background jobs are not switched off, and this process may
    have children: a daemonic process (a Dask worker running a web job, a multiprocessing pool worker)
    may not, so there the side job runs in the same process, after the main one."""
    if os.environ.get(ENV_SERIAL, "").strip().lower() in ("1", "true", "yes", "on"):
        return False
    if multiprocessing.current_process().daemon:
        return False
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return cores > 1


def _child(conn: Connection, options: dict[str, Any], data: CityData, library: MeasureLibrary,
           profiles: HourlyProfiles) -> None:
    try:
        path = run_pathway(PathwayOptions.from_dict(options), data=data, library=library, profiles=profiles)
        conn.send(("ok", path.to_dict()))
    except BaseException as exc:  # noqa: BLE001 - sent to the parent, which raises it
        conn.send(("error", exc))
    finally:
        conn.close()


class BackgroundPathway:
    """``run_pathway(options, data=..., library=..., profiles=...)`` in a spawned process."""

    def __init__(self, options: PathwayOptions, data: CityData, library: MeasureLibrary,
                 profiles: HourlyProfiles) -> None:
        context = multiprocessing.get_context("spawn")
        self._names = dict(data.city.names)
        self._conn, child_end = context.Pipe(duplex=False)
        self._process = context.Process(target=_child, args=(child_end, options.to_dict(), data, library, profiles),
                                        name="jasyl-pathway", daemon=True)
        self._process.start()
        child_end.close()

    def result(self) -> Pathway:
        """Wait for the pathway; the child's error is raised here."""
        try:
            status, payload = self._conn.recv()
        except EOFError:
            self._process.join()
            code = self._process.exitcode
            raise RuntimeError(f"the pathway process ended without a result (exit code {code})") from None
        finally:
            self._conn.close()
        self._process.join()
        if status == "error":
            raise payload
        return Pathway.from_dict(payload, self._names)

    def cancel(self) -> None:
        """Stop the job (the main job failed)."""
        if self._process.is_alive():
            self._process.terminate()
        self._process.join()
        self._conn.close()
