"""MACC: balances close, interactions are counted once, known cases give known answers."""

from __future__ import annotations

import math

import pytest

from jasyl.abatement import Context, MaccResult, apply_all, build_context, compute_macc, evaluate
from jasyl.city import load_city
from jasyl.measures import annuity, parse_measures
from tests.test_measures import MINIMAL

PRICES = "\n".join(
    f"  {c}: {{value: {p}, estimate: test}}"
    for c, p in (("coal", 10), ("natural_gas", 7), ("lpg", 24), ("firewood", 15), ("diesel", 60), ("gasoline", 50))
)

HEAT = """\
  - id: insulation
    category: buildings
    name: {en: Insulation}
    unit: house
    capex_usd_per_unit: {value: 3000, estimate: test}
    fixed_om_usd_per_unit_year: {value: 0, estimate: test}
    lifetime_years: {value: 30, estimate: test}
    uptake:
      addressed_mwh_per_unit: {value: 28.4, estimate: test}
    effects:
      - kind: scale
        subsector: residential
        carriers: [coal]
        change_at_full: {value: -0.3, estimate: test}
  - id: heat_pumps
    category: heat
    name: {en: Heat pumps}
    unit: house
    capex_usd_per_unit: {value: 6000, estimate: test}
    fixed_om_usd_per_unit_year: {value: 100, estimate: test}
    lifetime_years: {value: 18, estimate: test}
    uptake:
      addressed_mwh_per_unit: {value: 28.4, estimate: test}
    effects:
      - kind: switch
        subsector: residential
        carriers: [coal]
        to: grid_electricity
        to_efficiency: 2.8
        from_efficiency: {coal: 0.55}
  - id: green
    category: supply
    name: {en: Green power}
    unit: "%"
    capex_usd_per_unit: {value: 0, estimate: test}
    fixed_om_usd_per_unit_year: {value: 0, estimate: test}
    lifetime_years: {value: 20, estimate: test}
    uptake:
      max_units: {value: 100, estimate: test}
    effects:
      - kind: green_power
        share_at_full: 1.0
        premium_usd_per_mwh: 30
"""


def _library(extra: str = ""):  # noqa: ANN202
    text = MINIMAL.replace(
        "  grid_electricity: {value: 100, estimate: test}",
        "  grid_electricity: {value: 100, estimate: test}\n" + PRICES,
    )
    return parse_measures(text + extra, "test.yaml", use_catalogue=False)


def test_balance_reproduces_the_inventory_energy_emissions(konaev_ctx: Context) -> None:
    out = evaluate(konaev_ctx, konaev_ctx.base)
    assert out.emissions_t == pytest.approx(konaev_ctx.energy_inventory_t, rel=1e-12)
    assert konaev_ctx.energy_inventory_t + konaev_ctx.waste_t == pytest.approx(konaev_ctx.inventory_total_t, rel=1e-12)


def test_known_case_led_street_lights() -> None:
    """1,000 luminaires x -0.5 MWh: 500 MWh x 0.80 t = 400 t; cost = annuity - 500 MWh x 100 USD."""
    result = compute_macc(load_city(), _library())
    (row,) = result.rows
    assert row.abatement_t_per_year == pytest.approx(500 * 0.80, rel=1e-9)
    expected_cost = 1000 * 100 * annuity(0.05, 10) - 500 * 100
    assert row.annualised_cost_usd == pytest.approx(expected_cost, rel=1e-9)
    assert row.cost_usd_per_t == pytest.approx(expected_cost / 400, rel=1e-9)
    assert row.cost_usd_per_t < 0


def test_tonnes_add_up_to_the_total_avoided_from_scratch(konaev_ctx: Context, konaev_macc: MaccResult) -> None:
    lib = konaev_ctx.library
    together = apply_all(konaev_ctx, konaev_ctx.base, [(lib.measure(i), s) for i, s in konaev_macc.steps()])
    avoided_from_scratch = konaev_macc.energy_baseline_tco2e - evaluate(konaev_ctx, together).emissions_t
    total = math.fsum(r.abatement_t_per_year for r in konaev_macc.rows)
    assert total == pytest.approx(avoided_from_scratch, rel=1e-9)
    assert konaev_macc.total_abatement_t == pytest.approx(total, rel=1e-12)
    # the embedded library takes Konaev's energy emissions to zero
    assert konaev_macc.residual_energy_tco2e == pytest.approx(0.0, abs=1e-6 * konaev_macc.energy_baseline_tco2e)
    assert konaev_macc.rows[-1].cumulative_abatement_t == pytest.approx(total, rel=1e-12)


def test_interactions_are_counted_once() -> None:
    """Insulation lowers the coal that heat pumps replace; green power then covers their electricity."""
    city = load_city()
    lib = _library(HEAT)
    ctx = build_context(city, lib)
    result = compute_macc(ctx=ctx)
    alone = {}
    for m in lib.measures:
        out = evaluate(ctx, apply_all(ctx, ctx.base, [(m, 1.0)]))
        alone[m.id] = ctx.energy_inventory_t - out.emissions_t
    rows = {r.id: r for r in result.rows}
    assert set(rows) == {"led", "insulation", "heat_pumps", "green"}
    # stand-alone savings do not add up to the savings of the measures taken together
    assert abs(sum(alone.values()) - result.total_abatement_t) > 1000
    together = evaluate(ctx, apply_all(ctx, ctx.base, [(lib.measure(i), s) for i, s in result.steps()]))
    assert result.total_abatement_t == pytest.approx(ctx.energy_inventory_t - together.emissions_t, rel=1e-9)
    # known answers: after insulation (-30 % coal) heat pumps avoid exactly 70 % of what they avoid without it
    green, insulation, hp = lib.measure("green"), lib.measure("insulation"), lib.measure("heat_pumps")
    clean = apply_all(ctx, ctx.base, [(green, 1.0)])
    insulated = apply_all(ctx, ctx.base, [(green, 1.0), (insulation, 1.0)])
    a1 = evaluate(ctx, clean).emissions_t - evaluate(ctx, apply_all(ctx, clean, [(hp, 1.0)])).emissions_t
    a2 = evaluate(ctx, insulated).emissions_t - evaluate(ctx, apply_all(ctx, insulated, [(hp, 1.0)])).emissions_t
    assert a2 == pytest.approx(0.7 * a1, rel=1e-9)
    # ... and electrification avoids more once the electricity is green (the grid at 0.80 t/MWh eats part of it)
    assert a1 > alone["heat_pumps"] + 1000


def test_negative_cost_measure_comes_first() -> None:
    lib = _library(HEAT)
    # list the money-saving LED measure last in the file: the curve still starts with it
    reordered = lib.model_copy(update={"measures": [*lib.measures[1:], lib.measures[0]]})
    result = compute_macc(load_city(), reordered)
    assert result.rows[0].id == "led" and result.rows[0].cost_usd_per_t < 0
    assert all(r.cost_usd_per_t >= 0 for r in result.rows[1:])


def test_konaev_curve_is_sorted_and_starts_below_zero(konaev_macc: MaccResult) -> None:
    costs = [r.cost_usd_per_t for r in konaev_macc.rows]
    assert costs == sorted(costs)
    assert costs[0] < 0
    assert all(r.abatement_t_per_year > 0 for r in konaev_macc.rows)
    for r in konaev_macc.rows:
        assert r.annualised_cost_usd == pytest.approx(r.cost_usd_per_t * r.abatement_t_per_year, rel=1e-9)
        assert r.annualised_cost_usd == pytest.approx(
            r.capital_annuity_usd + r.fixed_om_usd + r.energy_cost_change_usd, rel=1e-9, abs=1e-6
        )


def test_measure_with_nothing_to_address_is_reported_not_applied() -> None:
    text = _library().model_dump()
    lib = _library(HEAT.replace("carriers: [coal]", "carriers: [fuel_oil]").replace("{coal: 0.55}", "{fuel_oil: 0.8}"))
    result = compute_macc(load_city(), lib)
    reasons = {n["id"]: n["reason"] for n in result.not_effective}
    assert "nothing to address" in reasons["insulation"] and "nothing to address" in reasons["heat_pumps"]
    assert text  # the plain library still validates
