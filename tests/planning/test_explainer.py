"""Figures of "what the plan means for you" follow from the city, its inventory and the plan."""

from __future__ import annotations

import pytest

from jasyl.planning.explainer import explain_plan, tonne_of_co2
from jasyl.profiles import normals_for_city
from tests.report.synthetic import synthetic_result


def test_a_tonne_of_co2_is_about_537_cubic_metres() -> None:
    volume, side = tonne_of_co2()
    # ideal gas at 15 degC, 1 atm: 1e6 g / 44.009 g/mol * 23.645 L/mol
    assert volume == pytest.approx(537.3, abs=0.5)
    assert side ** 3 == pytest.approx(volume)


def test_facts_follow_the_inventory(konaev, konaev_inventory) -> None:
    facts = explain_plan(konaev, konaev_inventory, None, normals_for_city(konaev))
    assert facts.total_tco2e == pytest.approx(konaev_inventory.total_tco2e)
    assert sum(s.share for s in facts.by_sector) == pytest.approx(1.0)
    assert facts.per_person_t == pytest.approx(konaev_inventory.total_tco2e / konaev.population.value)
    rows = konaev_inventory.rows
    res_el = rows[(rows.subsector == "residential") & (rows.carrier == "grid_electricity")]
    grid = float(res_el.tco2e.sum() / res_el.activity_mwh.sum())
    assert facts.tonne.grid_kwh == pytest.approx(1000.0 / grid)
    save = next(a for a in facts.actions if a.id == "save_electricity")
    assert save.saving_t_per_year == pytest.approx(0.1 * res_el.activity_mwh.sum() / konaev.households.value * grid)
    assert facts.builds == [] and facts.co2_plan_t is None


def test_a_city_without_households_or_coal_leaves_those_facts_out(konaev, konaev_inventory) -> None:
    city = konaev.model_copy(update={"households": None})
    inv_rows = konaev_inventory.rows[konaev_inventory.rows.carrier != "coal"]
    inventory = type(konaev_inventory)(**{**konaev_inventory.__dict__, "rows": inv_rows})
    facts = explain_plan(city, inventory)
    assert facts.tonne.household_electricity_months is None and facts.tonne.coal_kg is None
    assert not [a for a in facts.actions if a.id in ("save_electricity", "lower_temperature")]


def test_plan_figures_come_from_the_result(konaev, konaev_inventory) -> None:
    res = synthetic_result(hours=48)
    facts = explain_plan(konaev, konaev_inventory, res)
    assert facts.co2_today_t == res.co2_before_t and facts.co2_plan_t == res.co2_after_t
    hp = next(b for b in facts.builds if b.technology == "heat_pump_district")
    assert hp.cop_annual == pytest.approx(3.0)  # the synthetic plan's heat pumps run at COP 3
    wind = next(b for b in facts.builds if b.technology == "wind")
    d = res.dispatch
    supply = d[[c for c in d.columns if c.startswith("electricity:") and c.split(":")[1] not in
                ("demand", "curtailment")]].clip(lower=0).sum().sum()
    assert wind.share_of_electricity == pytest.approx(d["electricity:wind"].sum() / supply)
