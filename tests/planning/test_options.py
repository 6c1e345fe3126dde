"""Options of the use cases: checked on construction with errors naming the field, JSON round trip,
stable input hash, web-form strings accepted."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jasyl.errors import InputError
from jasyl.planning import MaccOptions, PathwayOptions, PlanOptions


@pytest.mark.parametrize("cls", [PlanOptions, PathwayOptions, MaccOptions])
def test_round_trip_and_hash(cls: type) -> None:
    default = cls()
    data = json.loads(json.dumps(default.to_dict()))
    again = cls.from_dict(data)
    assert again == default and hash(again) == hash(default)
    assert again.input_hash() == default.input_hash() and len(default.input_hash()) == 64


def test_hash_changes_with_any_field_and_names_the_use_case() -> None:
    base = PlanOptions()
    assert PlanOptions(hours=336).input_hash() != base.input_hash()
    assert PlanOptions(method="typical_days").input_hash() != base.input_hash()
    assert PathwayOptions(city=None).input_hash() != MaccOptions(city=None).input_hash()
    # the dict form is stable: the same fields give the same hash, whatever their order
    data = PlanOptions(hours=336, target_co2_t=5.0).to_dict()
    assert PlanOptions.from_dict(dict(reversed(list(data.items())))).input_hash() == PlanOptions(
        hours=336, target_co2_t=5.0).input_hash()


def test_web_form_strings_are_read() -> None:
    opts = PlanOptions.from_dict({"hours": "336", "target_co2_t": "1000", "pathway": "false", "land_pv_km2": "",
                                  "technologies": "wind, pv_fixed"})
    assert opts.hours == 336 and opts.target_co2_t == 1000.0 and opts.pathway is False
    assert opts.land_pv_km2 is None and opts.technologies == ("wind", "pv_fixed")
    path = PathwayOptions.from_dict({"planner_years": "2030,2035", "engine": "balance", "growth": "0.02"})
    assert path.planner_years == (2030, 2035) and path.growth == 0.02


@pytest.mark.parametrize(
    ("cls", "data", "field", "words"),
    [
        (PlanOptions, {"hours": 5}, "hours", "between 24 and 8760"),
        (PlanOptions, {"hours": "many"}, "hours", "cannot read"),
        (PlanOptions, {"target_co2_t": -1}, "target_co2_t", "zero or more"),
        (PlanOptions, {"method": "clever"}, "method", "unknown method 'clever'"),
        (PlanOptions, {"language": "de"}, "language", "unknown language 'de'"),
        (PlanOptions, {"weather": "no/such/file.epw"}, "weather", "does not exist"),
        (PlanOptions, {"colour": "green"}, "colour", "unknown option"),
        (PlanOptions, {"land_pv_km2": -2}, "land_pv_km2", "zero or more"),
        (PathwayOptions, {"engine": "hourly"}, "engine", "unknown pathway engine 'hourly'"),
        (PathwayOptions, {"milestones": "2030=0.5"}, "milestones", "cannot read milestone"),
        (PathwayOptions, {"engine": "balance", "weather": "x.epw"}, "weather", "planner engine only"),
        (PathwayOptions, {"planner_years": [2030]}, "planner_years", "balance engine"),
        (PathwayOptions, {"hours": 5}, "hours", "out of range"),
        (MaccOptions, {"measures": "no/such.yaml"}, "measures", "does not exist"),
    ],
)
def test_bad_values_name_the_field_not_a_flag(cls: type, data: dict[str, object], field: str, words: str) -> None:
    with pytest.raises(InputError) as info:
        cls.from_dict(data)
    assert info.value.field == field and words in str(info.value)
    assert "--" not in (info.value.field or "")


def test_direct_construction_is_checked_too(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="expected a whole number"):
        PlanOptions(hours=33.5)  # type: ignore[arg-type]
    weather = tmp_path / "w.epw"
    weather.write_text("x", encoding="utf-8")
    assert PlanOptions(weather=str(weather)).pathway_options().weather == str(weather)


def test_plan_report_pathway_options_are_the_pathway_command_defaults() -> None:
    opts = PlanOptions(hours=336, target_co2_t=123.0, method="exact").pathway_options()
    assert opts == PathwayOptions(hours=336)
    assert opts.engine == "planner" and opts.method == "typical_days"
