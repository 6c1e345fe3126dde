"""The actuals template: what a city reports each year (or month), read from CSV or Excel and validated.

One row is one figure (long format), columns (``docs/tracking.md``; header names are case-insensitive)::

    year, month, quantity, sector, carrier, item, value, unit, source, note

``quantity`` says what the figure is; each quantity allows some sectors, carriers and items and some units:

==========================  ====================================  =============================  =================
quantity                    sector / carrier / item               units (dimension)              stored as
==========================  ====================================  =============================  =================
energy_use                  sector (required), carrier (required)  energy, or fuel mass/volume    MWh (net cal. value)
fuel_sales                  carrier (required), sector optional   fuel mass/volume, or energy    MWh (net cal. value)
district_heat_delivered     sector optional                       energy                         MWh
grid_electricity_bought     sector optional                       energy                         MWh
installed_capacity          item: pv, wind, heat_pump,            power (battery_energy: energy) MW (MWh)
                            battery_energy, battery_power
registered_vehicles         item: vehicle class, carrier: fuel    vehicles                       vehicles
emissions                   sector: total, energy,                mass (t, kt, Mt, tCO2e ...)    t
                            stationary_energy, transport, waste;
                            item: co2e (default), co2, ch4, n2o
==========================  ====================================  =============================  =================

``month`` empty means the whole year. Units are parsed with pint through an explicit list of spellings
(:data:`UNIT_SPELLINGS`) so that a surprise such as ``kt`` read as *knot* cannot happen. Every row is checked
(year, month, quantity, sector, carrier, item, value, unit) and every bad row is reported with its line (the
CSV line or Excel row) and the reason; the caller commits nothing unless every row is good (or it was asked
for a partial import).
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal

from openpyxl import load_workbook

from jasyl.errors import InputError, shorten
from jasyl.factors import amount_to_mwh
from jasyl.units import registry
from jasyl.vocabulary import (
    CARRIER_ALIASES,
    CARRIERS,
    FUELS,
    STATIONARY_SUBSECTORS,
    VEHICLE_CLASSES,
    VEHICLE_FUELS,
    normalise_carrier,
)

__all__ = [
    "COLUMNS",
    "REQUIRED_COLUMNS",
    "QUANTITIES",
    "QuantitySpec",
    "UNIT_SPELLINGS",
    "ActualRow",
    "RowError",
    "ReadResult",
    "read_actuals",
    "parse_rows",
    "detect_format",
    "canonical_value",
    "ITEMS_CAPACITY",
    "EMISSION_SECTORS",
    "GASES",
]

COLUMNS: tuple[str, ...] = ("year", "month", "quantity", "sector", "carrier", "item", "value", "unit", "source",
                            "note")
REQUIRED_COLUMNS: tuple[str, ...] = ("year", "quantity", "value", "unit")
YEAR_MIN, YEAR_MAX = 1990, 2100

ITEMS_CAPACITY: tuple[str, ...] = ("pv", "wind", "heat_pump", "battery_energy", "battery_power")
EMISSION_SECTORS: tuple[str, ...] = ("total", "energy", "stationary_energy", "transport", "waste")
GASES: tuple[str, ...] = ("co2e", "co2", "ch4", "n2o")
ENERGY_SECTORS: tuple[str, ...] = (*STATIONARY_SUBSECTORS, "transport")

Dimension = Literal["energy", "mass", "volume", "power", "count"]

#: accepted unit spelling (compared case-sensitively after trimming) -> (pint expression, dimension)
UNIT_SPELLINGS: dict[str, tuple[str, Dimension]] = {
    "kWh": ("kilowatt_hour", "energy"),
    "MWh": ("megawatt_hour", "energy"),
    "GWh": ("gigawatt_hour", "energy"),
    "TWh": ("terawatt_hour", "energy"),
    "million_kWh": ("1e6 * kilowatt_hour", "energy"),
    "GJ": ("gigajoule", "energy"),
    "TJ": ("terajoule", "energy"),
    "Gcal": ("1e9 * international_calorie", "energy"),
    "thousand_Gcal": ("1e12 * international_calorie", "energy"),
    "kg": ("kilogram", "mass"),
    "t": ("tonne", "mass"),
    "kt": ("kilotonne", "mass"),
    "Mt": ("megatonne", "mass"),
    "tCO2e": ("tonne", "mass"),
    "ktCO2e": ("kilotonne", "mass"),
    "MtCO2e": ("megatonne", "mass"),
    "l": ("liter", "volume"),
    "L": ("liter", "volume"),
    "thousand_l": ("1000 * liter", "volume"),
    "m3": ("meter ** 3", "volume"),
    "thousand_m3": ("1000 * meter ** 3", "volume"),
    "million_m3": ("1e6 * meter ** 3", "volume"),
    "kW": ("kilowatt", "power"),
    "MW": ("megawatt", "power"),
    "GW": ("gigawatt", "power"),
    "kWp": ("kilowatt", "power"),
    "MWp": ("megawatt", "power"),
    "kW_th": ("kilowatt", "power"),
    "MW_th": ("megawatt", "power"),
    "Gcal/h": ("1e9 * international_calorie / hour", "power"),
    "vehicles": ("count", "count"),
}
_UNIT_ALIASES = {"mwh": "MWh", "kwh": "kWh", "gwh": "GWh", "gcal": "Gcal", "m³": "m3", "tonne": "t", "tonnes": "t",
                 "tco2": "t", "tco2e": "tCO2e", "mw": "MW", "kw": "kW", "vehicle": "vehicles", "pcs": "vehicles",
                 "units": "vehicles", "mwth": "MW_th", "kwth": "kW_th", "mw_th": "MW_th", "kw_th": "kW_th",
                 "kwp": "kWp", "mwp": "MWp", "gcal/h": "Gcal/h", "litre": "l", "liter": "l", "litres": "l"}
_CANONICAL = {"energy": "megawatt_hour", "mass": "tonne", "volume": "meter ** 3", "power": "megawatt"}


@dataclass(frozen=True)
class QuantitySpec:
    name: str
    dimensions: tuple[Dimension, ...]
    sectors: tuple[str, ...] = ()
    sector_required: bool = False
    carriers: tuple[str, ...] = ()
    carrier_required: bool = False
    fixed_carrier: str = ""
    items: tuple[str, ...] = ()
    item_required: bool = False
    default_item: str = ""
    flow: bool = True           # flows add up over months; stocks (capacity, vehicles) are end-of-period values
    unit: str = "MWh"           # unit of the stored value
    help: str = ""


QUANTITIES: dict[str, QuantitySpec] = {
    q.name: q
    for q in (
        QuantitySpec("energy_use", ("energy", "mass", "volume"), ENERGY_SECTORS, True, (*CARRIERS, *CARRIER_ALIASES),
                     True,
                     help="final energy used in a sector, by carrier"),
        QuantitySpec("fuel_sales", ("mass", "volume", "energy"), ENERGY_SECTORS, False, FUELS, True,
                     help="fuel sold in the city (filling stations, coal yards), by fuel"),
        QuantitySpec("district_heat_delivered", ("energy",), ENERGY_SECTORS, False, ("district_heat",), False,
                     fixed_carrier="district_heat", help="district heat delivered to consumers"),
        QuantitySpec("grid_electricity_bought", ("energy",), ENERGY_SECTORS, False, ("grid_electricity",), False,
                     fixed_carrier="grid_electricity", help="electricity bought from the grid by consumers"),
        QuantitySpec("installed_capacity", ("power", "energy"), (), False, (), False, items=ITEMS_CAPACITY,
                     item_required=True, flow=False, unit="MW", help="capacity in service at the end of the period"),
        QuantitySpec("registered_vehicles", ("count",), (), False, (*VEHICLE_FUELS, *CARRIER_ALIASES), True,
                     items=VEHICLE_CLASSES,
                     item_required=True, flow=False, unit="vehicles",
                     help="vehicles registered at the end of the period"),
        QuantitySpec("emissions", ("mass",), EMISSION_SECTORS, False, (), False, items=GASES, default_item="co2e",
                     unit="t", help="measured or reported emissions"),
    )
}


@dataclass(frozen=True)
class ActualRow:
    """One validated figure, with its value in the stored unit of its quantity."""

    line: int
    year: int
    month: int                  # 0 = the whole year
    quantity: str
    sector: str
    carrier: str
    item: str
    value: float                # in ``unit``
    unit: str
    original_value: float
    original_unit: str
    source: str = ""
    note: str = ""

    @property
    def key(self) -> tuple[int, int, str, str, str, str]:
        return (self.year, self.month, self.quantity, self.sector, self.carrier, self.item)


@dataclass(frozen=True)
class RowError:
    line: int
    field: str
    value: str
    reason: str

    def __str__(self) -> str:
        shown = f" '{self.value}'" if self.value != "" else ""
        return f"line {self.line}: {self.field}{shown}: {self.reason}"


@dataclass
class ReadResult:
    file: str
    format: str
    rows: list[ActualRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    rows_read: int = 0
    encoding: str = ""
    delimiter: str = ""

    @property
    def bad_lines(self) -> list[int]:
        return sorted({e.line for e in self.errors})


# ------------------------------------------------------------------------------------------ values

_SPACES = re.compile(r"[\s\u00a0\u202f\u2009']")


def _number(text: Any, *, decimal_comma: bool) -> float:
    """A number from a cell: ``52700``, ``52 700``, ``52700,5`` (decimal comma), never ``52,700`` (ambiguous)."""
    if isinstance(text, bool):
        raise ValueError("not a number")
    if isinstance(text, int | float):
        value = float(text)
    else:
        s = _SPACES.sub("", str(text))
        if not s:
            raise ValueError("empty")
        if "," in s:
            if "." in s or s.count(",") > 1 or re.fullmatch(r"-?\d{1,3},\d{3}", s) and not decimal_comma:
                raise ValueError("ambiguous number (thousands separator or decimal comma?)")
            s = s.replace(",", ".")
        try:
            value = float(s)
        except ValueError:
            raise ValueError("not a number") from None
    if not math.isfinite(value):
        raise ValueError("not a finite number")
    return value


def _integer(text: Any) -> int:
    value = _number(text, decimal_comma=True)
    if value != int(value):
        raise ValueError("not a whole number")
    return int(value)


def _unit(text: str) -> str | None:
    s = str(text).strip()
    if s in UNIT_SPELLINGS:
        return s
    return _UNIT_ALIASES.get(s.lower())


def canonical_value(value: float, unit: str, spec: QuantitySpec, carrier: str, item: str) -> tuple[float, str]:
    """(value, unit) as stored: energy and fuel amounts in MWh, power in MW, battery energy in MWh, mass in t."""
    expr, dim = UNIT_SPELLINGS[unit]
    if dim == "count":
        return value, "vehicles"
    if dim in ("mass", "volume") and spec.name in ("energy_use", "fuel_sales"):
        # a fuel amount by mass or volume becomes energy through the fuel's net calorific value
        base = _convert(value, expr, dim)   # t or m3
        return amount_to_mwh(carrier, base, "t" if dim == "mass" else "m3", where="value"), "MWh"
    converted = _convert(value, expr, dim)
    if dim == "energy":
        return converted, "MWh"
    if dim == "power":
        return converted, "MW"
    return converted, spec.unit


def _convert(value: float, expr: str, dim: str) -> float:
    reg = registry()
    quantity = value * reg.parse_expression(expr)
    return float(quantity.to(reg.parse_expression(_CANONICAL[dim])).magnitude)


# ------------------------------------------------------------------------------------------ checking

def _choice(row: dict[str, Any], name: str, allowed: Sequence[str], required: bool, line: int,
            errors: list[RowError], quantity: str) -> str:
    raw = str(row.get(name) or "").strip()
    value = raw.lower().replace(" ", "_").replace("-", "_")
    if not value:
        if required:
            errors.append(RowError(line, name, "", f"required for {quantity}: one of {', '.join(allowed)}"))
        return ""
    if not allowed:
        errors.append(RowError(line, name, raw, f"must be empty for {quantity}"))
        return ""
    if value not in allowed:
        errors.append(RowError(line, name, raw, f"not allowed for {quantity}; use one of {', '.join(allowed)}"))
        return ""
    return value


def _in_future(year: int, month: int, today: date) -> bool:
    """True when the period (a year, or a month of it) starts after ``today``."""
    return year > today.year or (year == today.year and month > today.month)


def check_row(raw: dict[str, Any], line: int, *, decimal_comma: bool = False,
              today: date | None = None) -> tuple[ActualRow | None, list[RowError]]:
    """Validate one row (a mapping of column -> cell); returns the row or the list of what is wrong with it.

    A period that has not begun by ``today`` (default: the system date) is refused: actuals cannot lie ahead.
    """
    errors: list[RowError] = []
    year = month = 0
    try:
        year = _integer(raw.get("year"))
        if not YEAR_MIN <= year <= YEAR_MAX:
            errors.append(RowError(line, "year", str(raw.get("year")), f"must be between {YEAR_MIN} and {YEAR_MAX}"))
    except ValueError as exc:
        errors.append(RowError(line, "year", str(raw.get("year") or ""), f"{exc}; expected a year such as 2025"))
    month_text = raw.get("month")
    if month_text is not None and str(month_text).strip() != "":
        try:
            month = _integer(month_text)
            if not 1 <= month <= 12:
                raise ValueError("out of range")
        except ValueError:
            errors.append(RowError(line, "month", str(month_text), "must be 1-12, or empty for the whole year"))
            month = 0
    qname = str(raw.get("quantity") or "").strip().lower()
    spec = QUANTITIES.get(qname)
    if spec is None:
        errors.append(RowError(line, "quantity", str(raw.get("quantity") or ""),
                               "unknown; use one of " + ", ".join(QUANTITIES)))
        return None, errors
    sector = _choice(raw, "sector", spec.sectors, spec.sector_required, line, errors, qname)
    if spec.fixed_carrier:
        carrier = str(raw.get("carrier") or "").strip().lower()
        if carrier not in ("", spec.fixed_carrier):
            errors.append(RowError(line, "carrier", carrier, f"must be {spec.fixed_carrier} or empty for {qname}"))
        carrier = spec.fixed_carrier
    else:
        carrier = _choice(raw, "carrier", spec.carriers, spec.carrier_required, line, errors, qname)
    item = _choice(raw, "item", spec.items, spec.item_required, line, errors, qname) or spec.default_item
    carrier = normalise_carrier(carrier)   # "electricity" is read as grid_electricity
    unit_text = str(raw.get("unit") or "").strip()
    unit = _unit(unit_text)
    value: float | None = None
    try:
        value = _number(raw.get("value"), decimal_comma=decimal_comma)
        if value < 0:
            errors.append(RowError(line, "value", str(raw.get("value")), "must be >= 0"))
            value = None
    except ValueError as exc:
        errors.append(RowError(line, "value", str(raw.get("value") or ""), str(exc)))
    if unit is None and not (qname == "registered_vehicles" and unit_text == ""):
        errors.append(RowError(line, "unit", unit_text, "unknown unit; accepted: " + ", ".join(UNIT_SPELLINGS)))
    elif unit is None:
        unit = "vehicles"
    if unit is not None:
        dim = UNIT_SPELLINGS[unit][1]
        allowed_dims: tuple[str, ...] = spec.dimensions
        if qname == "installed_capacity" and item:
            allowed_dims = ("energy",) if item == "battery_energy" else ("power",)
        if qname in ("energy_use", "fuel_sales") and carrier in ("grid_electricity", "district_heat"):
            allowed_dims = ("energy",)
        if dim not in allowed_dims:
            errors.append(RowError(line, "unit", unit_text, f"a unit of {dim} does not fit {qname}"
                                   + (f" {item}" if item else "") + f"; give a unit of {' or '.join(allowed_dims)}"))
            unit = None
        elif unit.endswith("CO2e") and item not in ("co2e", ""):
            errors.append(RowError(line, "unit", unit_text, f"{unit} is CO2-equivalent but item is {item}"))
            unit = None
    day = today or date.today()
    if YEAR_MIN <= year <= YEAR_MAX and _in_future(year, month, day):
        in_this_year = year == day.year
        errors.append(RowError(line, "month" if in_this_year else "year",
                               str(raw.get("month") if in_this_year else raw.get("year")),
                               (f"{year}-{month:02d}" if in_this_year else str(year))
                               + f" has not begun yet (today is {day.isoformat()}); actuals are what happened: "
                               "check the date"))
    elif spec.flow and month == 0 and year == day.year:
        errors.append(RowError(line, "month", "", f"{qname} is a flow and {year} has not ended (today is "
                                                  f"{day.isoformat()}): give it month by month (1-{day.month}), "
                                                  "or the whole year once it is over"))
    if errors or unit is None or value is None:
        return None, errors
    try:
        stored, stored_unit = canonical_value(value, unit, spec, carrier, item)
    except InputError as exc:
        return None, [RowError(line, "unit", unit_text, exc.message + (f" ({exc.fix})" if exc.fix else ""))]
    return ActualRow(line=line, year=year, month=month, quantity=qname, sector=sector, carrier=carrier, item=item,
                     value=stored, unit=stored_unit, original_value=value, original_unit=unit,
                     source=str(raw.get("source") or "").strip(), note=str(raw.get("note") or "").strip()), []


def parse_rows(records: Iterable[tuple[int, dict[str, Any]]], result: ReadResult, *,
               decimal_comma: bool = False, today: date | None = None) -> ReadResult:
    """Check every (line, row) and the file as a whole (a key given twice names both lines)."""
    seen: dict[tuple[int, int, str, str, str, str], int] = {}
    for line, raw in records:
        result.rows_read += 1
        row, errors = check_row(raw, line, decimal_comma=decimal_comma, today=today)
        if row is not None:
            first = seen.get(row.key)
            if first is not None:
                errors = [RowError(line, "row", "", f"same year, month, quantity, sector, carrier and item as line "
                                                    f"{first}")]
                row = None
            else:
                seen[row.key] = line
        result.errors.extend(errors)
        if row is not None:
            result.rows.append(row)
    return result


# ------------------------------------------------------------------------------------------ files

_FIX_COLUMNS = ("use the template's header: " + ",".join(COLUMNS) + " (year, quantity, value and unit required); "
                "'jasyl track template' writes one")


def detect_format(path: Path, fmt: str | None) -> str:
    if fmt is not None:
        if fmt not in ("csv", "xlsx"):
            raise InputError(f"unknown format '{fmt}'", field="format", fix="use csv or xlsx")
        return fmt
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return "xlsx"
    if suffix in (".csv", ".txt", ".tsv"):
        return "csv"
    raise InputError(f"cannot tell the format from the file name '{path.name}'", file=path, field="format",
                     fix="name the file .csv or .xlsx, or give the format (csv or xlsx)")


def _header(cells: Sequence[Any], path: Path, line: int) -> list[str]:
    names = [str(c or "").strip().lstrip("\ufeff").lower().replace(" ", "_") for c in cells]
    while names and names[-1] == "":
        names.pop()
    unknown = [n for n in names if n not in COLUMNS]
    if unknown:
        shown = ", ".join(repr(shorten(n, 40)) for n in unknown[:10]) + (
            f" (+{len(unknown) - 10} more)" if len(unknown) > 10 else "")
        raise InputError(f"unknown column(s) {shown} in the header (line {line})",
                         file=path, field="header", fix=_FIX_COLUMNS)
    missing = [c for c in REQUIRED_COLUMNS if c not in names]
    if missing:
        raise InputError(f"the header (line {line}) lacks the column(s) {', '.join(missing)}", file=path,
                         field="header", fix=_FIX_COLUMNS)
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise InputError(f"column(s) {', '.join(dup)} appear twice in the header", file=path, field="header",
                         fix=_FIX_COLUMNS)
    return names


def _decode(data: bytes, path: Path) -> tuple[str, str]:
    if b"\x00" in data[:4096]:
        raise InputError(f"this is not a text CSV file (binary data: a NUL byte at byte {data.index(0) + 1})",
                         file=path, field="encoding",
                         fix="save the sheet as CSV (UTF-8), or import the .xlsx file with format xlsx")
    first: UnicodeDecodeError | None = None
    for encoding in ("utf-8-sig", "cp1251"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError as exc:
            first = first or exc
            continue
    pos = f" (not UTF-8 at byte {first.start + 1})" if first is not None else ""
    raise InputError(f"cannot decode the file as UTF-8 or Windows-1251{pos}", file=path, field="encoding",
                     fix="save it as CSV UTF-8")


def _read_csv(path: Path, result: ReadResult, today: date | None = None) -> ReadResult:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror or exc}", file=path,
                         fix="give the path of an existing file") from None
    text, result.encoding = _decode(data, path)
    lines = text.splitlines()
    first = next((i for i, ln in enumerate(lines) if ln.strip() and not ln.lstrip().startswith("#")), None)
    if first is None:
        raise InputError("the file is empty", file=path, fix=_FIX_COLUMNS)
    head = lines[first]
    counts = {d: head.count(d) for d in (",", ";", "\t")}
    delimiter = max(counts, key=lambda d: counts[d])
    if counts[delimiter] == 0:
        raise InputError(f"line {first + 1}: no column separator in the header", file=path, field="header",
                         fix=_FIX_COLUMNS)
    result.delimiter = delimiter
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: list[str] | None = None

    def records() -> Iterator[tuple[int, dict[str, Any]]]:
        nonlocal header
        start = 1
        for cells in reader:
            line = start
            start = reader.line_num + 1
            if not cells or all(not c.strip() for c in cells) or cells[0].lstrip().startswith("#"):
                continue
            if header is None:
                header = _header(cells, path, line)
                continue
            if len(cells) > len(header) and any(c.strip() for c in cells[len(header):]):
                result.errors.append(RowError(line, "row", "", f"{len(cells)} cells but the header has "
                                                               f"{len(header)} columns"))
                result.rows_read += 1
                continue
            yield line, dict(zip(header, cells, strict=False))

    try:
        parse_rows(records(), result, decimal_comma=delimiter == ";", today=today)
    except csv.Error as exc:
        raise InputError(f"line {reader.line_num}: broken CSV ({exc})", file=path,
                         fix="check the quotes on that line") from None
    if header is None:
        raise InputError("the file has no header line", file=path, field="header", fix=_FIX_COLUMNS)
    return result


def _read_xlsx(path: Path, result: ReadResult, today: date | None = None) -> ReadResult:
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a broken workbook
        raise InputError(f"cannot open the Excel workbook ({type(exc).__name__}: {str(exc)[:200]})", file=path,
                         fix="save it again as .xlsx from Excel or LibreOffice, or export it as CSV") from None
    try:
        sheet = book["actuals"] if "actuals" in book.sheetnames else book.worksheets[0]
        header: list[str] | None = None

        def records() -> Iterator[tuple[int, dict[str, Any]]]:
            nonlocal header
            for line, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
                values = ["" if c is None else c for c in cells]
                if all(str(v).strip() == "" for v in values) or str(values[0]).lstrip().startswith("#"):
                    continue
                if header is None:
                    header = _header(values, path, line)
                    continue
                if len(values) > len(header) and any(str(v).strip() for v in values[len(header):]):
                    result.errors.append(RowError(line, "row", "", "cells beyond the header's columns"))
                    result.rows_read += 1
                    continue
                yield line, dict(zip(header, values, strict=False))

        parse_rows(records(), result, decimal_comma=True, today=today)
        if header is None:
            raise InputError(f"sheet '{sheet.title}' has no header row", file=path, field="header", fix=_FIX_COLUMNS)
    finally:
        book.close()
    return result


def read_actuals(path: str | Path, fmt: str | None = None, *, today: date | None = None) -> ReadResult:
    """Read and validate an actuals file (CSV or Excel); bad rows are in ``errors``, never raised.

    Raises :class:`InputError` only for what makes the whole file unreadable (no header, unknown columns,
    not a CSV or workbook).
    """
    p = Path(path)
    kind = detect_format(p, fmt)
    if not p.is_file():
        raise InputError("the file does not exist", file=p, fix="give the path of a CSV or .xlsx actuals file")
    result = ReadResult(file=str(p), format=kind)
    return _read_xlsx(p, result, today) if kind == "xlsx" else _read_csv(p, result, today)
