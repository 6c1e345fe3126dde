"""The actuals template: every row validated, bad rows named with line and reason, CSV and Excel alike."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from jasyl.errors import InputError
from jasyl.tracking.actuals import COLUMNS, check_row, read_actuals
from jasyl.tracking.template import example_rows, template_csv, template_xlsx

GOOD = """year,month,quantity,sector,carrier,item,value,unit,source,note
2025,,energy_use,residential,coal,,15000,t,coal yard,
2025,,energy_use,residential,grid_electricity,,52.7,GWh,utility,
2025,,district_heat_delivered,,,,210000,Gcal,heat utility,
2025,,installed_capacity,,,pv,500,kWp,akimat,
2025,,installed_capacity,,,battery_energy,2,MWh,akimat,
2025,,registered_vehicles,,electricity,passenger_car,75,vehicles,police,
2025,3,fuel_sales,transport,gasoline,,1200,thousand_l,stations,
2025,,emissions,total,,co2,250,kt,operator,measured
"""


def _write(tmp_path: Path, text: str, name: str = "actuals.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding=encoding)
    return path


def test_good_file_values_in_stored_units(tmp_path: Path) -> None:
    res = read_actuals(_write(tmp_path, GOOD))
    assert res.errors == [] and res.rows_read == 8 and len(res.rows) == 8
    by = {(r.quantity, r.carrier, r.item): r for r in res.rows}
    assert by[("energy_use", "coal", "")].value == pytest.approx(15000 * 18.9 / 3.6)   # t x NCV -> MWh
    assert by[("energy_use", "grid_electricity", "")].value == pytest.approx(52700)
    assert by[("district_heat_delivered", "district_heat", "")].value == pytest.approx(210000 * 1.163, rel=1e-4)
    pv = by[("installed_capacity", "", "pv")]
    assert pv.value == pytest.approx(0.5) and pv.unit == "MW"
    assert by[("installed_capacity", "", "battery_energy")].unit == "MWh"
    assert by[("registered_vehicles", "grid_electricity", "passenger_car")].value == 75
    gasoline = by[("fuel_sales", "gasoline", "")]
    assert gasoline.month == 3 and gasoline.original_value == 1200 and gasoline.original_unit == "thousand_l"
    assert by[("emissions", "", "co2")].value == pytest.approx(250_000)


def test_bad_file_names_every_bad_line(tmp_path: Path) -> None:
    text = GOOD + "\n".join([
        "2025,,energy_use,residential,unobtainium,,1,t,,",          # line 10: carrier
        "1890,,installed_capacity,,,pv,1,MW,,",                      # line 11: year
        "2025,13,installed_capacity,,,wind,1,MW,,",                  # line 12: month
        "2025,,installed_capacity,,,pv,1,MWh,,",                     # line 13: power expected
        "2025,,energy_use,residential,coal,,-5,t,,",                 # line 14: negative
        "2025,,energy_use,residential,coal,,15000,t,,",              # line 15: duplicate of line 2
        "2025,,energy_use,residential,grid_electricity,,100,t,,",    # line 16: electricity by mass
        "2025,,emissions,total,,co2,1,kt/yr,,",                      # line 17: unknown unit
        "2025,,fuel_sales,,gasoline,,\"1,500\",l,,",                  # line 18: ambiguous number
        "2025,,warp_drive,,,,1,MW,,",                                # line 19: quantity
    ]) + "\n"
    res = read_actuals(_write(tmp_path, text))
    assert res.bad_lines == list(range(10, 20))
    messages = [str(e) for e in res.errors]
    assert any("line 15" in m and "line 2" in m for m in messages)
    assert any("line 13" in m and "unit 'MWh'" in m and "power" in m for m in messages)
    assert any("line 11" in m and "year '1890'" in m for m in messages)
    assert len(res.rows) == 8                     # the good rows are there, the caller decides


def test_a_period_that_has_not_begun_is_refused() -> None:
    today = date(2026, 11, 28)

    def row(year: str, month: str = "") -> dict[str, str]:
        return {"year": year, "month": month, "quantity": "installed_capacity", "item": "pv", "value": "1",
                "unit": "MW"}

    for year, month in (("2026", ""), ("2026", "11"), ("2025", "12"), ("1990", "")):
        good, errors = check_row(row(year, month), 2, today=today)
        assert errors == [] and good is not None, (year, month)
    for year, month, field in (("2027", "", "year"), ("2026", "12", "month"), ("2030", "1", "year")):
        bad, errors = check_row(row(year, month), 7, today=today)
        assert bad is None and [e.field for e in errors] == [field], (year, month)
        assert "has not begun" in str(errors[0]) and "line 7" in str(errors[0])
    # a flow (energy, heat, electricity, emissions) for the whole of a year that has not ended is incomplete
    flow = {"year": "2026", "month": "", "quantity": "grid_electricity_bought", "value": "100", "unit": "MWh"}
    bad, errors = check_row(flow, 3, today=today)
    assert bad is None and [e.field for e in errors] == ["month"] and "has not ended" in str(errors[0])
    assert check_row({**flow, "month": "11"}, 3, today=today)[1] == []
    assert check_row({**flow, "year": "2025"}, 3, today=today)[1] == []


def test_excel_and_csv_give_the_same_rows(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "actuals"
    for line in GOOD.strip().splitlines():
        cells = line.split(",")
        sheet.append([float(c) if c.replace(".", "").isdigit() else c for c in cells])
    xlsx = tmp_path / "actuals.xlsx"
    book.save(xlsx)
    a = read_actuals(_write(tmp_path, GOOD))
    b = read_actuals(xlsx)
    assert b.errors == [] and b.format == "xlsx"
    assert [(r.line, r.key, r.value) for r in a.rows] == [(r.line, r.key, pytest.approx(r.value)) for r in b.rows]


def test_semicolons_decimal_comma_and_windows_1251(tmp_path: Path) -> None:
    text = ("Year;Quantity;Sector;Carrier;Value;Unit;Source\n"
            "2025;energy_use;residential;coal;15 000,5;t;угольный склад\n")
    res = read_actuals(_write(tmp_path, text, encoding="cp1251"))
    assert res.errors == [] and res.encoding == "cp1251" and res.delimiter == ";"
    assert res.rows[0].original_value == 15000.5 and res.rows[0].source == "угольный склад"


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("", "empty"),
        ("year,quantity,value\n2025,energy_use,1\n", "lacks the column"),
        ("year,quantity,value,unit,vaule\n", "unknown column"),
        ("# only a comment\n", "empty"),
    ],
)
def test_unreadable_files_are_input_errors(tmp_path: Path, text: str, match: str) -> None:
    with pytest.raises(InputError, match=match) as err:
        read_actuals(_write(tmp_path, text))
    assert err.value.file is not None


def test_binary_and_wrong_kind(tmp_path: Path) -> None:
    junk = tmp_path / "junk.csv"
    junk.write_bytes(b"\x00\x01\x02PK\x03\x04" * 50)
    with pytest.raises(InputError, match="binary"):
        read_actuals(junk)
    fake = tmp_path / "fake.xlsx"
    fake.write_text("year,quantity\n", encoding="utf-8")
    with pytest.raises(InputError, match="Excel"):
        read_actuals(fake)
    with pytest.raises(InputError, match="format"):
        read_actuals(tmp_path / "actuals.json")
    assert COLUMNS[0] == "year"


def test_templates_read_back(tmp_path: Path) -> None:
    csv_path = _write(tmp_path, template_csv(), "template.csv")
    assert read_actuals(csv_path).rows == []          # examples are commented out: nothing to import
    uncommented = "\n".join(line[2:] if line.startswith("# 2") else line for line in template_csv().splitlines())
    examples = read_actuals(_write(tmp_path, uncommented + "\n", "examples.csv"))
    assert examples.errors == [] and len(examples.rows) == len(example_rows()) >= 10
    xlsx = tmp_path / "template.xlsx"
    xlsx.write_bytes(template_xlsx())
    blank = read_actuals(xlsx)                         # the examples are on their own sheet: nothing to import
    assert blank.errors == [] and blank.rows == []
    book = load_workbook(xlsx)                         # a user copies the examples into 'actuals'
    del book["actuals"]
    book["examples"].title = "actuals"
    book.save(xlsx)
    from_excel = read_actuals(xlsx)
    assert from_excel.errors == []
    assert [r.key for r in from_excel.rows] == [r.key for r in examples.rows]
    assert [r.value for r in from_excel.rows] == pytest.approx([r.value for r in examples.rows])
