"""Progress events: start, updates and done with durations, failed when a stage raises."""

from __future__ import annotations

import json

import pytest

from jasyl.progress import ProgressEvent, stage


def test_stage_events_in_order_and_serialisable() -> None:
    events: list[ProgressEvent] = []
    with stage(events.append, "optimise") as report:
        report.update("half way", 0.5)
    assert [(e.stage, e.status) for e in events] == [("optimise", "start"), ("optimise", "update"),
                                                     ("optimise", "done")]
    assert events[1].fraction == 0.5 and events[1].message == "half way"
    assert events[-1].seconds is not None and events[-1].seconds >= 0
    assert json.loads(json.dumps([e.to_dict() for e in events]))[2]["status"] == "done"


def test_failed_stage_is_reported_and_the_error_kept() -> None:
    events: list[ProgressEvent] = []
    with pytest.raises(ZeroDivisionError), stage(events.append, "pathway"):
        _ = 1 / 0
    assert [e.status for e in events] == ["start", "failed"]


def test_no_listener_is_fine() -> None:
    with stage(None, "inventory") as report:
        report.update("nobody hears this")
