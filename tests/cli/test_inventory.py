"""`jasyl inventory`: formats, outputs, and every bad-input case (exit 2, clear message, nothing written)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jasyl.cli import main
from tests.test_inventory import SMALL_CITY


def test_table_is_default_and_readable(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["inventory"]) == 0
    out = capsys.readouterr().out
    assert "Konaev" in out and "tCO2e per person" in out and "II.1.1" in out


def test_json_has_contract_keys(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["inventory", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    for key in ("city", "year", "total_tco2e", "per_capita_tco2e", "sectors"):
        assert key in data
    assert data["city"] == "Konaev"
    for row in data["sectors"]:
        assert {"sector", "subsector", "scope", "tco2e"} <= set(row)
    assert sum(r["tco2e"] for r in data["sectors"]) == pytest.approx(data["total_tco2e"], rel=1e-12)


def test_csv_and_out_dir(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    city = tmp_path / "small.yaml"
    city.write_text(SMALL_CITY, encoding="utf-8")
    out = tmp_path / "out"
    assert main(["inventory", "--city", str(city), "--format", "csv", "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert text.splitlines()[0].startswith("city,year,sector,subsector")
    assert {p.name for p in out.iterdir()} == {"inventory.json", "inventory.csv", "inventory_detail.csv"}
    assert json.loads((out / "inventory.json").read_text())["city"] == "Testtown"


BAD_CASES = {
    "missing_field": (SMALL_CITY.replace("population: {value: 1000, source: test, year: 2024}\n", ""),
                      ["population", "required field is missing"]),
    "misspelled_field": (SMALL_CITY.replace("population:", "populaton:"),
                         ["populaton", "unknown field", "population"]),
    "negative_quantity": (SMALL_CITY.replace("{value: 100, unit: t,", "{value: -100, unit: t,"),
                          ["stationary_energy.residential[0].amount", ">= 0"]),
    "non_numeric_quantity": (SMALL_CITY.replace("{value: 100, unit: t,", "{value: lots, unit: t,"),
                             ["stationary_energy.residential[0].amount", "number"]),
    "unknown_fuel": (SMALL_CITY.replace("fuel: coal", "fuel: coall"),
                     ["stationary_energy.residential[0].fuel", "unknown fuel 'coall'", "did you mean 'coal'"]),
    "unknown_unit": (SMALL_CITY.replace("unit: t,", "unit: tonnes,"),
                     ["stationary_energy.residential[0].amount.unit", "unknown unit 'tonnes'"]),
    "wrong_unit_for_electricity": (SMALL_CITY.replace("{value: 10, unit: MWh,", "{value: 10, unit: t,"),
                                   ["stationary_energy.residential[1]", "energy units"]),
    "broken_yaml": (SMALL_CITY.replace("country: KZ", "country: [KZ"), ["broken YAML", "line"]),
    "not_a_mapping": ("- just\n- a list\n", ["expected a YAML mapping"]),
    "bad_timezone": (SMALL_CITY.replace("Asia/Almaty", "Asia/Konaev"), ["location.timezone", "time zone"]),
}


@pytest.mark.parametrize("case", sorted(BAD_CASES))
def test_bad_input_exits_2_names_file_and_field_and_writes_nothing(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text, needles = BAD_CASES[case]
    city = tmp_path / f"{case}.yaml"
    city.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    assert main(["inventory", "--city", str(city), "--out", str(out)]) == 2
    captured = capsys.readouterr()
    message = " ".join(captured.err.split())
    assert str(city.name) in message
    for needle in needles:
        assert needle in message, f"{needle!r} not in {message!r}"
    assert "Traceback" not in captured.err + captured.out
    assert not out.exists()


def test_missing_file_and_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["inventory", "--city", str(tmp_path / "nope.yaml")]) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert "nope.yaml" in err and "file not found" in err and "konaev" in err
    assert main(["inventory", "--city", str(tmp_path)]) == 2
    assert "directory" in capsys.readouterr().err


def test_unknown_gwp_and_format(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["inventory", "--gwp", "AR4"]) == 2
    assert "AR5" in capsys.readouterr().err
    assert main(["inventory", "--format", "xml"]) == 2


def test_country_without_grid_factor_asks_for_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = SMALL_CITY.replace("country: KZ", "country: UZ").replace(
        "factors:\n  grid_electricity_tco2_per_mwh: {value: 0.5, source: test, year: 2024}\n", ""
    )
    city = tmp_path / "uz.yaml"
    city.write_text(text, encoding="utf-8")
    assert main(["inventory", "--city", str(city)]) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert "factors.grid_electricity_tco2_per_mwh" in err and "uz.yaml" in err
