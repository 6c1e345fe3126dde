"""A daemonic process (a Dask worker running a web job) may not start children: the plan's pathway then
runs in the same process instead of a spawned one (the web's overview job failed with "daemonic
processes are not allowed to have children")."""

from __future__ import annotations

import multiprocessing

from jasyl.planning.background import worth_a_process


def _probe(queue: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    queue.put(worth_a_process())


def test_no_side_process_from_a_daemonic_process() -> None:
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    child = context.Process(target=_probe, args=(queue,), daemon=True)
    child.start()
    answer = queue.get(timeout=120)
    child.join(timeout=30)
    assert answer is False
