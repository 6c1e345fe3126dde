"""HiGHS settings in one place (jasyl.model.solve): the kinds, HiPO's probe, and their names in reports."""

from __future__ import annotations

import pytest

from jasyl.model.api import solve_inputs
from jasyl.model.solve import DEFAULT_HIGHS_OPTIONS, SOLVER_OPTIONS, highs_options, hipo_available, solver_label


def test_kinds_and_default() -> None:
    assert set(SOLVER_OPTIONS) == {"hipo", "ipx", "simplex"}
    assert highs_options("ipx")["solver"] == "ipx" and highs_options("ipx")["run_crossover"] == "off"
    # HiPO when it really runs here (highspy-extras of the same version), else IPX - never dual simplex
    assert DEFAULT_HIGHS_OPTIONS["solver"] == ("hipo" if hipo_available() else "ipx")
    copy = highs_options()
    copy["solver"] = "changed"
    assert DEFAULT_HIGHS_OPTIONS["solver"] != "changed"


@pytest.mark.parametrize(("options", "label"), [
    ({"solver": "ipx", "run_crossover": "off"}, "HiGHS IPX interior point, no crossover"),
    ({"solver": "simplex"}, "HiGHS dual simplex"),
    ({"solver": "ipx"}, "HiGHS IPX interior point"),
    ({}, "HiGHS (its own choice of solver)"),
])
def test_solver_label(options: dict[str, str], label: str) -> None:
    assert solver_label(options) == label


def test_exact_result_names_the_solver_that_ran(make_inputs) -> None:  # type: ignore[no-untyped-def]
    r = solve_inputs(make_inputs((0, 24)), highs_options=highs_options("simplex"))
    assert r.method.startswith("exact hourly LP") and "HiGHS dual simplex" in r.method
    r = solve_inputs(make_inputs((0, 24)))
    assert ("HiPO" if hipo_available() else "IPX") in r.method
