"""Typical-days method, catalogue, COP and the Konaev end-to-end plan on a short horizon."""

from __future__ import annotations

import numpy as np
import pytest
import yaml

from jasyl.errors import SchemaError
from jasyl.model.aggregate import aggregate_inputs
from jasyl.model.api import solve_inputs
from jasyl.technologies import annuity, cop_staffell_ashp, load_catalogue


def test_typical_days_design_meets_every_hour_and_costs_no_less_than_exact(make_inputs):
    inp = make_inputs(hours=(0, 40 * 24), target_co2_t=0.0)
    exact = solve_inputs(inp)
    fast = solve_inputs(inp, method="typical_days", typical_days=8)
    # whatever path it took, the returned plan is a full-hourly plan meeting the target
    assert len(fast.dispatch) == inp.n_hours
    assert fast.co2_after_t <= 1e-3
    for bus in ("electricity", "heat_district", "heat_individual", "heat_industry"):
        cols = [c for c in fast.dispatch.columns if c.startswith(bus + ":")]
        assert float(np.abs(fast.dispatch[cols].sum(axis=1)).max()) < 1e-4
    assert fast.total_annual_cost_usd >= exact.total_annual_cost_usd * (1 - 1e-6)
    assert fast.total_annual_cost_usd <= exact.total_annual_cost_usd * 1.10


def test_aggregation_preserves_annual_demand_and_weights(make_inputs):
    inp = make_inputs(hours=(0, 60 * 24))
    agg_inp, agg = aggregate_inputs(inp, 6, pinned=(3, 10))
    assert agg.hour_weight.sum() == pytest.approx(inp.n_hours)
    assert len(agg.order) == 60 and agg.order[3] != agg.order[10]
    for bus, d in inp.demand.items():
        assert float((agg_inp.demand[bus] * agg.hour_weight).sum()) == pytest.approx(float(d.sum()), rel=0.02)


def test_annuity_and_cop():
    assert annuity(0.0, 20) == pytest.approx(0.05)
    assert annuity(0.08, 30) == pytest.approx(0.08882743, rel=1e-6)
    cop = cop_staffell_ashp(np.array([-20.0, 0.0, 10.0, 40.0]), 50.0)
    assert np.all(np.diff(cop) > 0)  # warmer air, better COP
    assert cop[1] == pytest.approx(6.81 - 0.121 * 50 + 0.000630 * 2500)
    assert cop.min() >= 1.0


def test_catalogue_loads_with_sources():
    cat = load_catalogue()
    assert {"pv_fixed", "pv_tracking", "pv_rooftop", "wind"} <= set(cat.generators)
    assert {"battery", "heat_storage"} <= set(cat.storage)
    assert cat.grid_emission_factor_t_per_mwh == pytest.approx(0.80)
    assert all(a["source"] for a in cat.assumptions())


def test_catalogue_number_without_source_is_rejected(tmp_path):
    raw = load_catalogue().raw
    del raw["generators"]["wind"]["source"]
    del raw["generators"]["wind"]["estimate"]
    path = tmp_path / "tech.yaml"
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    with pytest.raises(SchemaError) as info:
        load_catalogue(path)
    assert "generators.wind" in str(info.value) and "source" in str(info.value)


def test_catalogue_bad_number_names_field(tmp_path):
    raw = load_catalogue().raw
    raw["generators"]["pv_fixed"]["capex_usd_per_kw"] = "cheap"
    path = tmp_path / "tech.yaml"
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    with pytest.raises(SchemaError, match="generators.pv_fixed.capex_usd_per_kw"):
        load_catalogue(path)


def test_konaev_zero_co2_plan_one_week():
    pytest.importorskip("jasyl.profiles")
    pytest.importorskip("jasyl.inventory")
    import jasyl

    r = jasyl.plan(hours=168)
    assert isinstance(r, jasyl.PlanResult)
    assert r.city == "Konaev"
    assert abs(r.co2_after_t) < 1.0
    assert r.co2_before_t > 1e5
    assert r.total_annual_cost_usd > r.baseline_annual_cost_usd > 0
    assert set(r.co2_before_by_sector_t) >= {"electricity", "district_heat", "individual_heat", "transport"}
    assert r.capacities["wind"] + r.capacities["pv_fixed"] + r.capacities["pv_tracking"] > 0


def test_typical_days_survive_a_co2_excess_on_every_day(make_inputs, monkeypatch):
    """Issue 11: with export credits a typical-day design may emit on every day of the full-year check;
    that used to pin every day and crash tsam ('need at least one array to concatenate')."""
    from dataclasses import replace

    from jasyl.model import api

    inp = replace(make_inputs(hours=(0, 30 * 24), target_co2_t=0.0), export_credit_co2_per_mwh=0.7,
                  export_max_mw=20.0)
    seen: list[tuple[set[int], float]] = []
    real = api._shortfalls

    def every_day_short(pm, sol, inp_):  # the full-year Konaev case: CO2 above the cap, every day emits
        failed, excess = real(pm, sol, inp_)
        failed = failed | set(range(inp_.n_hours // 24))
        seen.append((failed, excess))
        return failed, excess

    monkeypatch.setattr(api, "_shortfalls", every_day_short)
    fast = solve_inputs(inp, method="typical_days", typical_days=6)
    exact = solve_inputs(inp)
    assert seen, "the typical-day path was not taken"
    assert "exact" in fast.method  # every day failed: the exact LP answers, without a crash
    assert fast.total_annual_cost_usd == pytest.approx(exact.total_annual_cost_usd, rel=1e-6)
    with pytest.raises(ValueError, match="nothing to aggregate"):
        aggregate_inputs(inp, 6, pinned=tuple(range(30)))
