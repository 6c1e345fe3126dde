"""The cost-CO2 trade-off curve: one model re-solved in place gives the same answers as fresh solves."""

from __future__ import annotations

from dataclasses import replace

import pytest

from jasyl.model.build import build_model
from jasyl.model.city_inputs import InputOptions, inputs_from_profiles
from jasyl.model.resolve import CapResolver
from jasyl.model.solve import hipo_available, solve_model
from jasyl.model.tradeoff import bracket_check, co2_today_t, knee_index, tradeoff_curve

POINTS = (0.5, 0.8, 0.9, 0.95, 0.99, 1.0)
EXACT = None  # the planner's default solve from scratch (interior point): the reference objective


@pytest.fixture(scope="module")
def curve_and_inputs(synthetic_year):
    sup, dem, temp, fe = synthetic_year
    inp = inputs_from_profiles(sup, dem, temp, fe, options=InputOptions(), city="synthetic").subset(120, 192)
    return tradeoff_curve(inp, POINTS), inp


def test_cost_never_falls_and_marginal_never_decreases(curve_and_inputs) -> None:
    curve, _ = curve_and_inputs
    costs = [p.total_annual_cost_usd for p in curve.points]
    marginal = [p.marginal_cost_per_t_usd for p in curve.points]
    assert all(b >= a * (1 - 1e-9) for a, b in zip(costs, costs[1:], strict=False)), costs
    assert all(b >= a * (1 - 1e-6) - 1e-6 for a, b in zip(marginal, marginal[1:], strict=False)), marginal
    assert [p.reduction for p in curve.points] == list(POINTS)
    # CO2 follows the caps: each point's CO2 is at most (1 - reduction) x today
    for p in curve.points:
        assert p.co2_t <= (1 - p.reduction) * curve.co2_today_t + 1e-6 * curve.co2_today_t


def test_each_point_equals_a_fresh_exact_solve(curve_and_inputs) -> None:
    curve, inp = curve_and_inputs
    today = co2_today_t(inp)
    for p in (curve.points[0], curve.points[3], curve.points[-1]):  # 0.5, 0.95, 1.0
        cap = (1 - p.reduction) * today * inp.year_fraction
        fresh = solve_model(build_model(replace(inp, co2_target_t=cap)), highs_options=EXACT)
        assert p.total_annual_cost_usd * inp.year_fraction == pytest.approx(fresh.objective, rel=1e-6)


def test_dual_agrees_with_small_finite_differences(curve_and_inputs) -> None:
    curve, inp = curve_and_inputs
    today = co2_today_t(inp) * inp.year_fraction
    base = replace(inp, co2_target_t=today)
    resolver = CapResolver(build_model(base), co2_offset_t=sum(v.fuel_co2_t for v in inp.vehicles),
                           first_solver="simplex")
    delta = 1e-4 * today
    checked = 0
    for r in (0.5, 0.8, 0.9, 0.95):
        cap = (1 - r) * today
        mid = resolver.solve(cap)
        looser = resolver.solve(cap + delta).solution.objective
        tighter = resolver.solve(cap - delta).solution.objective
        left = (mid.solution.objective - looser) / delta  # cost of the last tonne removed
        right = (tighter - mid.solution.objective) / delta  # cost of the next tonne
        dual = mid.co2_dual_usd_per_t
        assert left * (1 - 0.05) <= dual <= right * (1 + 0.05), (r, left, dual, right)
        if right - left <= 0.01 * right:  # not at a kink: the dual is the derivative
            assert dual == pytest.approx((left + right) / 2, rel=0.05)
            checked += 1
    assert checked >= 2


def test_dual_lies_between_neighbouring_segment_slopes(curve_and_inputs) -> None:
    curve, _ = curve_and_inputs
    assert all(bracket_check(curve, rel=0.05))


def test_knee_of_a_known_curve() -> None:
    red = [0.5, 0.8, 0.9, 0.95, 0.99, 1.0]
    cost = [10.0, 11.0, 11.5, 12.0, 20.0, 40.0]  # flat, then steep after 0.95
    assert red[knee_index(red, cost)] == 0.95
    assert knee_index(red, [1.0 + r for r in red]) is None  # a straight line has no knee
    assert knee_index([0.5, 1.0], [1.0, 2.0]) is None


def test_json_keys(curve_and_inputs) -> None:
    curve, _ = curve_and_inputs
    d = curve.to_dict()
    assert {"city", "accounting", "points", "seconds", "single_solve_seconds"} <= set(d)
    for p in d["points"]:
        assert {"reduction", "co2_t", "total_annual_cost_usd", "average_cost_per_t_usd",
                "marginal_cost_per_t_usd", "capacities"} <= set(p)


def test_two_workers_and_interior_point_give_the_same_curve(curve_and_inputs) -> None:
    curve, inp = curve_and_inputs
    for kwargs in ({"workers": 2}, {"strategy": "ipm"}):
        other = tradeoff_curve(inp, POINTS, **kwargs)
        for a, b in zip(curve.points, other.points, strict=True):
            assert b.total_annual_cost_usd == pytest.approx(a.total_annual_cost_usd, rel=1e-6)
        # at a kink of the curve any value between the neighbouring slopes is a valid shadow price
        assert all(bracket_check(other, rel=0.05))


def test_annual_net_at_zero_is_never_dearer_than_hourly(synthetic_year) -> None:
    sup, dem, temp, fe = synthetic_year
    costs = {}
    for rule in ("hourly", "annual-net"):
        inp = inputs_from_profiles(sup, dem, temp, fe, options=InputOptions(accounting=rule),
                                   city="synthetic").subset(120, 192)
        curve = tradeoff_curve(inp, (0.9, 1.0), accounting=rule)
        costs[rule] = curve.points[-1].total_annual_cost_usd
        assert curve.points[-1].co2_t <= 1e-6 * curve.co2_today_t + 1e-6
    assert costs["annual-net"] <= costs["hourly"] * (1 + 1e-9)


def test_interior_point_falls_back_to_ipx_when_hipo_gives_up(curve_and_inputs) -> None:
    if not hipo_available():
        pytest.skip("HiPO needs the features of highspy-extras")
    curve, inp = curve_and_inputs
    today = co2_today_t(inp) * inp.year_fraction
    pm = build_model(replace(inp, co2_target_t=today))
    resolver = CapResolver(pm, co2_offset_t=pm.co2_offset_t, strategy="ipm")

    class GivesUp:  # a HiGHS whose HiPO stops after one iteration (as when it stalls); IPX runs normally
        def __init__(self, h: object) -> None:
            self.h, self.solvers = h, []

        def __getattr__(self, name: str) -> object:
            return getattr(self.h, name)

        def setOptionValue(self, key: str, value: object) -> object:  # noqa: N802 (HiGHS's name)
            if key == "solver":
                self.solvers.append(value)
                self.h.setOptionValue("ipm_iteration_limit", 1 if value == "hipo" else 1_000_000)
            return self.h.setOptionValue(key, value)

    fake = GivesUp(resolver.highs)
    resolver.highs = fake
    point = resolver.solve((1 - POINTS[0]) * today)
    assert fake.solvers[-2:] == ["hipo", "ipx"]
    assert "IPX" in point.solver
    assert point.solution.objective == pytest.approx(curve.points[0].total_annual_cost_usd * inp.year_fraction,
                                                     rel=1e-6)
