"""Scenario files: validation, expansion, and proof that every kind of setting reaches the model inputs."""

from __future__ import annotations

from dataclasses import fields
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from jasyl.errors import SchemaError
from jasyl.planning.resolve import Resolver
from jasyl.planning.scenario import (
    FIXED_SETTINGS,
    OPTION_TYPES,
    PREFIX_SETTINGS,
    Scenario,
    expand,
    load_sweep_spec,
    parse_sweep_spec,
)
from jasyl.planning.sweep_tables import DuplicateScenarioError, resolve_all

HOURS = 48


def _write(tmp_path: Path, text: str, name: str = "s.yaml") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


# ------------------------------------------------------------------------------------------ validation
@pytest.mark.parametrize(
    ("text", "field", "words"),
    [
        ("base: {}\naxes: {discount_rate: [0.05]}\nextra: 1\n", "extra", "unknown field"),
        ("base: {}\naxes: {discount_rat: [0.05]}\n", "axes.discount_rat", "did you mean 'discount_rate'"),
        ("base: {discount_rate: -0.1}\n", "base.discount_rate", "out of range"),
        ("base: {}\naxes: {capex_multiplier.wind: [1.0, abc]}\n", "axes.capex_multiplier.wind[1]", "expected a number"),
        ("base: {}\naxes: {land_pv_km2: [-3]}\n", "axes.land_pv_km2[0]", "zero or more"),
        ("base: {}\naxes: {discount_rate: [0.05, 0.05]}\n", "axes.discount_rate[1]", "listed twice"),
        ("base: {method: fast}\n", "base.method", "unknown method"),
        ("base: {hours: 10}\n", "base.hours", "out of range"),
        ("base: {}\ncombine: cartesian\n", "combine", "grid"),
        ("base: {}\naxes: {weather: [nowhere.epw]}\n", "axes.weather[0]", "does not exist"),
        ("base: {}\naxes: {weather: [{stress: {calm_wind_factor: 2}}]}\n", "axes.weather[0].calm_wind_factor",
         "calm_wind_factor"),
        ("base: {}\ncombine: list\n", "scenarios", "needs a 'scenarios' list"),
        ("base: {target_co2_t: 0}\naxes: {co2_reduction: [0.5]}\n", "axes.co2_reduction", "both set"),
        ("- 1\n- 2\n", None, "mapping"),
        ("base: [\n", None, "broken YAML"),
    ],
)
def test_bad_files_name_file_and_field(tmp_path: Path, text: str, field: str | None, words: str) -> None:
    p = _write(tmp_path, text)
    with pytest.raises(SchemaError) as info:
        load_sweep_spec(p)
    err = info.value
    assert err.file == str(p)
    if field is not None:
        assert err.field == field, str(err)
    assert words in str(err)


def test_unknown_technology_and_fuel_are_named(tmp_path: Path) -> None:
    spec = load_sweep_spec(_write(tmp_path, f"base: {{hours: {HOURS}}}\naxes: {{capex_multiplier.wnd: [2]}}\n"))
    with pytest.raises(SchemaError, match="did you mean 'wind'") as info:
        Resolver(spec.file).resolve(expand(spec)[0])
    assert "capex_multiplier.wnd" in str(info.value.field)
    spec = load_sweep_spec(_write(tmp_path, f"base: {{hours: {HOURS}}}\naxes: {{fuel_price_usd_per_mwh.oil: [2]}}\n"))
    with pytest.raises(SchemaError, match="no fuel 'oil'"):
        Resolver(spec.file).resolve(expand(spec)[0])


# ------------------------------------------------------------------------------------------ expansion
def test_grid_one_at_a_time_and_list_names() -> None:
    axes = {"discount_rate": [0.05, 0.11], "capex_multiplier.wind": [0.8, 1.2]}
    grid = parse_sweep_spec({"base": {"hours": HOURS}, "axes": axes})
    names = [s.name for s in expand(grid)]
    assert names == ["discount_rate=0.05,capex_multiplier.wind=0.8", "discount_rate=0.05,capex_multiplier.wind=1.2",
                     "discount_rate=0.11,capex_multiplier.wind=0.8", "discount_rate=0.11,capex_multiplier.wind=1.2"]
    assert names == [s.name for s in expand(grid)]  # stable
    oat = parse_sweep_spec({"base": {"hours": HOURS, "discount_rate": 0.08}, "combine": "one-at-a-time",
                            "axes": {"discount_rate": [0.05, 0.08, 0.11], "capex_multiplier.wind": [1.2]}})
    sc = expand(oat)
    assert [s.name for s in sc] == ["base", "discount_rate=0.05", "discount_rate=0.11", "capex_multiplier.wind=1.2"]
    assert [s.axis for s in sc] == ["", "discount_rate", "discount_rate", "capex_multiplier.wind"]
    assert sc[3].settings == {"hours": HOURS, "discount_rate": 0.08, "capex_multiplier.wind": 1.2}
    lst = parse_sweep_spec({"base": {"hours": HOURS}, "combine": "list",
                            "scenarios": [{"name": "cheap wind", "capex_multiplier.wind": 0.5},
                                          {"discount_rate": 0.1}]})
    assert [s.name for s in expand(lst)] == ["cheap wind", "discount_rate=0.1"]
    dup = parse_sweep_spec({"base": {}, "combine": "list", "scenarios": [{"name": "a"}, {"name": "a", "hours": 48}]})
    with pytest.raises(SchemaError, match="two scenarios are named 'a'"):
        expand(dup)


# ------------------------------------------------------------------------------ every setting reaches the model
@pytest.fixture(scope="module")
def resolver() -> Resolver:
    return Resolver("<test>")


def _resolve(resolver: Resolver, **settings: Any) -> Any:
    spec = parse_sweep_spec({"base": {"hours": HOURS, **settings}})
    return resolver.resolve(expand(spec)[0])


def _gen(inp: Any, name: str) -> Any:
    return next(g for g in inp.generators if g.name == name)


#: a value for every plan-option field and what it must change in the resolved PlanInputs. A new
#: option field without an entry here fails test_every_option_field_has_a_probe: wire it, then add it.
OPTION_PROBES: dict[str, tuple[Any, Any]] = {
    "target_co2_t": (50_000.0, lambda b, x: x.co2_target_t > b.co2_target_t),
    "export_credit": (True, lambda b, x: x.export_credit_co2_per_mwh > 0 == b.export_credit_co2_per_mwh),
    "allow_export": (False, lambda b, x: x.export_max_mw == 0 < b.export_max_mw),
    "land_pv_km2": (3.0, lambda b, x: [lim.limit_km2 for lim in x.land_limits] == [3.0] and not b.land_limits),
    "land_wind_km2": (7.0, lambda b, x: [lim.limit_km2 for lim in x.land_limits] == [7.0] and not b.land_limits),
    "rooftop_km2": (0.2, lambda b, x: _gen(x, "pv_rooftop").max_mw == pytest.approx(30.0)),
    "grid_import_max_mw": (25.0, lambda b, x: x.import_max_mw == 25.0 and np.isinf(b.import_max_mw)),
    "grid_export_max_mw": (15.0, lambda b, x: x.export_max_mw == 15.0 and np.isinf(b.export_max_mw)),
    "technologies": (["wind", "battery"], lambda b, x: [g.name for g in x.generators] == ["wind"]
                     and [s.name for s in x.storages] == ["battery"]),
    "accounting": ("annual-net", lambda b, x: x.accounting == "annual-net" != b.accounting),
    "price_basis": ("economic", lambda b, x: [f.cost_per_mwh for f in x.fossil] != [f.cost_per_mwh for f in b.fossil]),
    "islanded": (True, lambda b, x: x.import_max_mw == x.export_max_mw == 0 and x.reserve is not None
                 and b.reserve is None),
    "grid_connection_mw": (40.0, lambda b, x: x.connection.existing_mw == 40.0 != b.connection.existing_mw),
}
#: contract fields apply under the ppa rule only (elsewhere they are refused): probed against a ppa base
CONTRACT_PROBES: dict[str, tuple[Any, Any]] = {
    "contract_mw": (10.0, lambda b, x: x.contracts[0].firm_mw == 10.0 != b.contracts[0].firm_mw),
    "contract_mwh": (1000.0, lambda b, x: x.contracts[0].annual_mwh == 1000.0 != b.contracts[0].annual_mwh),
    "contract_price_usd_per_mwh": (50.0, lambda b, x: x.contracts[0].price_usd_per_mwh == 50.0
                                   != b.contracts[0].price_usd_per_mwh),
    "contract_source": ("wind PPA", lambda b, x: x.contracts[0].source == "wind PPA" != b.contracts[0].source),
}


def test_every_option_field_has_a_probe() -> None:
    assert set(OPTION_PROBES) | set(CONTRACT_PROBES) == set(OPTION_TYPES), \
        "a plan option has no probe: check that the sweep applies it"


def test_each_option_setting_reaches_the_inputs(resolver: Resolver) -> None:
    base = _resolve(resolver)
    for key, (value, check) in OPTION_PROBES.items():
        r = _resolve(resolver, **{key: value})
        assert r.input_hash != base.input_hash, key
        assert check(base.inputs, r.inputs), key
    ppa = _resolve(resolver, accounting="ppa")
    assert ppa.inputs.contracts and not base.inputs.contracts
    for key, (value, check) in CONTRACT_PROBES.items():
        r = _resolve(resolver, accounting="ppa", **{key: value})
        assert r.input_hash != ppa.input_hash, key
        assert check(ppa.inputs, r.inputs), key
        with pytest.raises(SchemaError, match="ppa"):
            _resolve(resolver, **{key: value})


def test_each_catalogue_setting_reaches_the_inputs(resolver: Resolver) -> None:
    b = _resolve(resolver)
    bi = b.inputs
    cases = {
        "discount_rate": (0.12, lambda x: _gen(x, "wind").capital_cost > _gen(bi, "wind").capital_cost),
        "capex_multiplier.wind": (2.0, lambda x: _gen(x, "wind").capital_cost > 1.5 * _gen(bi, "wind").capital_cost
                                  and _gen(x, "pv_fixed").capital_cost == _gen(bi, "pv_fixed").capital_cost),
        "capex_multiplier.battery": (0.5, lambda x: x.storages[0].energy_cost < bi.storages[0].energy_cost),
        "capex_multiplier.heat_pump_individual": (
            1.5, lambda x: {c.name: c.capital_cost for c in x.converters}["heat_pump_individual"]
            > {c.name: c.capital_cost for c in bi.converters}["heat_pump_individual"]),
        "capex_multiplier.ev": (2.0, lambda x: all(v.ev_cost > w.ev_cost for v, w in zip(x.vehicles, bi.vehicles,
                                                                                          strict=True)
                                                   if v.sector == "transport")),
        "fuel_price_usd_per_mwh.natural_gas": (60.0, lambda x: x.fossil[0].cost_per_mwh > bi.fossil[0].cost_per_mwh),
        "fuel_price_multiplier.gasoline": (1.5, lambda x: sum(v.fuel_cost for v in x.vehicles)
                                           > sum(v.fuel_cost for v in bi.vehicles)),
        "grid_import_price_usd_per_mwh": (90.0, lambda x: x.import_price == 90.0 != bi.import_price),
        "grid_export_price_usd_per_mwh": (5.0, lambda x: x.export_price == 5.0 != bi.export_price),
        "grid_emission_factor_t_per_mwh": (0.4, lambda x: x.import_co2_per_mwh == 0.4 != bi.import_co2_per_mwh),
    }
    kinds = {k.partition(".")[0] for k in cases}
    assert kinds >= set(PREFIX_SETTINGS) | {k for k in FIXED_SETTINGS if k.startswith(("grid_", "discount"))}
    for key, (value, check) in cases.items():
        r = _resolve(resolver, **{key: value})
        assert r.input_hash != b.input_hash, key
        assert check(r.inputs), key


def test_target_weather_solve_and_file_settings_reach_the_inputs(resolver: Resolver, tmp_path: Path) -> None:
    b = _resolve(resolver)
    today = sum(b.inputs.baseline["co2_by_sector_t"].values())
    half = _resolve(resolver, co2_reduction=0.5)
    assert half.inputs.co2_target_t == pytest.approx(0.5 * today * HOURS / 8760, rel=1e-9)
    seed = _resolve(resolver, weather={"synthetic": 7})
    assert not np.allclose(_gen(seed.inputs, "wind").cf, _gen(b.inputs, "wind").cf)
    stress = _resolve(resolver, weather="stress")
    assert _gen(stress.inputs, "wind").cf.mean() < _gen(b.inputs, "wind").cf.mean()  # 3-7 Jan is a calm
    two = _resolve(resolver, weather=["synthetic", "stress"])
    assert two.inputs.n_hours == 2 * HOURS and two.design_years == ["synthetic", "stress"]
    two.inputs.validate()  # every hourly series joined (heat-pump availability, contract shapes)
    assert _resolve(resolver, hours=72).inputs.n_hours == 72
    checked = _resolve(resolver, check_weather=["stress"])
    assert [label for label, _i in checked.checks] == ["stress"]
    td = _resolve(resolver, method="typical-days")
    td2 = _resolve(resolver, method="typical-days", typical_days=20)
    cat_text = resources.files("jasyl.data").joinpath("technologies.yaml").read_text(encoding="utf-8")
    cat = tmp_path / "cat.yaml"
    cat.write_text(cat_text.replace("capex_usd_per_kw: 1250.0", "capex_usd_per_kw: 1500.0"), encoding="utf-8")
    other_cat = _resolve(resolver, catalogue=str(cat))
    assert _gen(other_cat.inputs, "wind").capital_cost > _gen(b.inputs, "wind").capital_cost
    hashes = [r.input_hash for r in (b, half, seed, stress, two, checked, td, td2, other_cat)]
    assert len(set(hashes)) == len(hashes)
    # fields of every setting kind are covered by this module's tests
    covered = set(OPTION_PROBES) | {"co2_reduction", "weather", "hours", "check_weather", "method", "typical_days",
                                    "catalogue", "discount_rate", "grid_import_price_usd_per_mwh",
                                    "grid_export_price_usd_per_mwh", "grid_emission_factor_t_per_mwh", "city"}
    assert set(FIXED_SETTINGS) <= covered


def test_city_setting_reaches_the_inputs(resolver: Resolver, tmp_path: Path) -> None:
    data = resources.files("jasyl.data")
    text = data.joinpath("cities/konaev.yaml").read_text(encoding="utf-8")
    normals = tmp_path / "normals.yaml"
    normals.write_text(data.joinpath("weather/konaev_normals.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    assert "value: 52700" in text
    city = tmp_path / "city.yaml"
    city.write_text(text.replace("value: 52700", "value: 80000") + "\nweather_normals: normals.yaml\n",
                    encoding="utf-8")
    other = _resolve(resolver, city=str(city))
    base = _resolve(resolver)
    assert other.input_hash != base.input_hash
    assert other.inputs.demand["electricity"].sum() > base.inputs.demand["electricity"].sum()


def test_same_inputs_under_two_names_are_refused(resolver: Resolver) -> None:
    spec = parse_sweep_spec({"base": {"hours": HOURS, "technologies": ["pv_fixed", "battery", "heat_pump_district",
                                                                          "electric_boiler_district"]},
                             "combine": "list",
                             "scenarios": [{"name": "a"}, {"name": "b", "capex_multiplier.wind": 2.0}]})
    with pytest.raises(DuplicateScenarioError) as info:
        resolve_all(spec, expand(spec), resolver)
    assert "'a' and 'b'" in str(info.value) and "capex_multiplier.wind" in str(info.value.field)
    grid = parse_sweep_spec({"base": {"hours": HOURS, "technologies": ["pv_fixed", "battery"]},
                             "axes": {"capex_multiplier.wind": [2.0]}})
    with pytest.raises(DuplicateScenarioError, match="does not change the model inputs"):
        resolve_all(grid, expand(grid), resolver)


def test_option_types_cover_the_plan_options() -> None:
    from jasyl.planning.scenario import PlanOptions

    names = {f.name for f in fields(PlanOptions)}
    assert set(OPTION_TYPES) <= names
    assert Scenario("x", {}, {}).to_task()["name"] == "x"
