"""Independent cross-check: the same problem solved by PyPSA gives the same optimum."""

from __future__ import annotations

import pytest

from jasyl.model.api import solve_inputs
from jasyl.model.pypsa_network import solve_pypsa


@pytest.mark.parametrize("options", [
    {"target_co2_t": 0.0},
    # (export credit is capped at the electricity imports since issue 11, a max(0, .) PyPSA's global
    # constraint cannot express: tests/model/test_accounting.py checks it on hand-solvable cases)
    {"target_co2_t": 30000.0, "land_pv_km2": 3.0, "grid_import_max_mw": 40.0},
])
def test_pypsa_crosscheck_two_weeks(make_inputs, options):
    inp = make_inputs(hours=(0, 336), **options)
    ours = solve_inputs(inp, highs_options={"solver": "simplex"})
    theirs = solve_pypsa(inp)
    assert ours.total_annual_cost_usd * inp.year_fraction == pytest.approx(theirs["objective"], rel=1e-6)
    for name, cap in theirs["capacities"].items():
        assert ours.capacities[name] == pytest.approx(cap, rel=1e-4, abs=1e-4), name
