"""The actuals template as CSV (shipped file) and as an Excel workbook with drop-down lists (openpyxl).

The workbook has four sheets: ``actuals`` (the header and data validation on quantity, sector, carrier, item
and unit; empty, so importing the blank template stores nothing), ``examples`` (the example lines of the CSV
template, to copy into ``actuals``), ``guide`` (what each column and quantity means,
which units fit) and ``lists`` (the allowed values the drop-downs point to). :func:`jasyl.tracking.actuals.
read_actuals` reads the ``actuals`` sheet of such a workbook back.
"""

from __future__ import annotations

import io
from importlib import resources

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.datavalidation import DataValidation

from jasyl.tracking.actuals import COLUMNS, EMISSION_SECTORS, GASES, ITEMS_CAPACITY, QUANTITIES, UNIT_SPELLINGS
from jasyl.vocabulary import CARRIERS, STATIONARY_SUBSECTORS, VEHICLE_CLASSES, VEHICLE_FUELS

__all__ = ["template_csv", "template_xlsx", "example_rows", "COLUMN_HELP"]

COLUMN_HELP: dict[str, str] = {
    "year": "Calendar year of the figure, e.g. 2025 (required).",
    "month": "1-12 for a monthly figure; empty for the whole year. Monthly flows add up to the year only when all "
             "twelve months are given; for capacity and vehicles the latest month counts.",
    "quantity": "What the figure is (required): " + ", ".join(QUANTITIES) + ".",
    "sector": "Sector of use: " + ", ".join(STATIONARY_SUBSECTORS) + ", transport; for emissions: "
              + ", ".join(EMISSION_SECTORS) + ". Required for energy_use.",
    "carrier": "Fuel or carrier: " + ", ".join(CARRIERS) + " ('electricity' is read as grid_electricity); for "
               "registered vehicles the vehicle fuel ("
               + ", ".join(VEHICLE_FUELS) + ").",
    "item": "installed_capacity: " + ", ".join(ITEMS_CAPACITY) + "; registered_vehicles: the vehicle class ("
            + ", ".join(VEHICLE_CLASSES) + "); emissions: the gas (" + ", ".join(GASES) + ", default co2e).",
    "value": "The number, >= 0 (decimal point, or decimal comma in a ';'-separated file).",
    "unit": "Unit of the value (required): energy " + ", ".join(u for u, (_, d) in UNIT_SPELLINGS.items()
                                                                   if d == "energy")
            + "; fuel by mass or volume (t, kg, kt, l, thousand_l, m3, thousand_m3, million_m3); power (kW, MW, "
              "kWp, MWp, kW_th, MW_th, Gcal/h); vehicles; emissions (t, kt, Mt, tCO2e, ktCO2e, MtCO2e).",
    "source": "Where the figure comes from (utility billing, registry, operator report). Strongly recommended.",
    "note": "Anything else (measured or reported, estimate, revision).",
}

_EXAMPLE_PREFIX = "# "


def template_csv() -> str:
    """The shipped CSV template (header, guide comments and commented example lines)."""
    path = resources.files("jasyl") / "data" / "tracking" / "actuals_template.csv"
    return path.read_text(encoding="utf-8")


def example_rows() -> list[list[str]]:
    """The example lines of the CSV template, split into cells."""
    out = []
    for line in template_csv().splitlines()[1:]:
        if line.startswith(_EXAMPLE_PREFIX) and line[len(_EXAMPLE_PREFIX):][:4].isdigit():
            out.append(line[len(_EXAMPLE_PREFIX):].split(","))
    return out


def template_xlsx(*, with_examples: bool = True) -> bytes:
    """The Excel template as bytes (write it with :func:`jasyl.fileio.write_bytes_atomic`)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "actuals"
    sheet.append(list(COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    widths = {"year": 8, "month": 7, "quantity": 26, "sector": 28, "carrier": 18, "item": 16, "value": 12,
              "unit": 12, "source": 40, "note": 30}
    for i, name in enumerate(COLUMNS):
        sheet.column_dimensions[chr(ord("A") + i)].width = widths[name]
    sheet.freeze_panes = "A2"
    if with_examples:
        # the examples live on their own sheet, never on 'actuals': importing the blank template stores nothing
        # (as the CSV template, whose example lines are commented out)
        examples = book.create_sheet("examples")
        examples.append(list(COLUMNS))
        for cell in examples[1]:
            cell.font = Font(bold=True)
        for cells in example_rows():
            row: list[object] = []
            for name, text in zip(COLUMNS, cells, strict=False):
                if name in ("year", "month", "value") and text:
                    row.append(float(text) if "." in text else int(text))
                else:
                    row.append(text)
            examples.append(row)
        for i, name in enumerate(COLUMNS):
            examples.column_dimensions[chr(ord("A") + i)].width = widths[name]

    lists = book.create_sheet("lists")
    columns = {
        "quantity": list(QUANTITIES),
        "sector": [*STATIONARY_SUBSECTORS, "transport", *[s for s in EMISSION_SECTORS]],
        "carrier": [*CARRIERS, "electricity"],
        "item": [*ITEMS_CAPACITY, *VEHICLE_CLASSES, *GASES],
        "unit": list(UNIT_SPELLINGS),
    }
    for col, (name, values) in enumerate(columns.items(), start=1):
        letter = chr(ord("A") + col - 1)
        lists.cell(row=1, column=col, value=name).font = Font(bold=True)
        for r, value in enumerate(values, start=2):
            lists.cell(row=r, column=col, value=value)
        target = chr(ord("A") + COLUMNS.index(name))
        dv = DataValidation(type="list", formula1=f"=lists!${letter}$2:${letter}${len(values) + 1}",
                            allow_blank=True, showErrorMessage=True, errorTitle="jasyl",
                            error=f"use a value of the '{name}' list (sheet 'lists')")
        dv.add(f"{target}2:{target}5000")
        sheet.add_data_validation(dv)

    guide = book.create_sheet("guide")
    guide.append(["column", "meaning"])
    for cell in guide[1]:
        cell.font = Font(bold=True)
    for name in COLUMNS:
        guide.append([name, COLUMN_HELP[name]])
    guide.append([])
    guide.append(["sheets", "Write your figures on the sheet 'actuals' (only that sheet is imported). The sheet "
                            "'examples' shows filled lines: copy the ones you need into 'actuals'."])
    guide.append([])
    guide.append(["quantity", "what it is"])
    for q in QUANTITIES.values():
        guide.append([q.name, q.help])
    guide.column_dimensions["A"].width = 26
    guide.column_dimensions["B"].width = 140
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
