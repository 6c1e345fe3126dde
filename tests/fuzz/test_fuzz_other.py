"""Fuzzing the other file readers: scenario (sweep) files and tracking imports (actuals CSV and Excel)."""

from __future__ import annotations

import functools
import io
import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from jasyl.planning.scenario import SweepSpec, expand, load_sweep_spec
from jasyl.tracking.actuals import ReadResult, read_actuals
from jasyl.tracking.template import template_xlsx

from .mutations import mutated_text, mutated_yaml
from .property import fuzz_settings, run_property
from .seeds import embedded

EXAMPLES_DIR = Path(__file__).resolve().parents[2] / "examples" / "sweeps"
SCENARIOS = {p.name: p.read_bytes() for p in sorted(EXAMPLES_DIR.glob("*.yaml"))}


def _load(path: Path) -> SweepSpec:
    """What ``jasyl sweep`` does with the file before solving: read it, expand it into scenarios."""
    spec = load_sweep_spec(path)
    assert expand(spec), "a valid scenario file expands to at least one scenario"
    return spec


def check_spec(spec: Any) -> None:
    assert isinstance(spec, SweepSpec)
    for value in spec.base.values():
        if isinstance(value, float):
            assert math.isfinite(value), f"non-finite base setting accepted: {spec.base}"


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_scenario_file_fuzz(name: str, tmp_path: Path) -> None:
    path = tmp_path / name
    outcomes: dict[str, int] = {}

    @fuzz_settings(100)
    @given(data=mutated_yaml(SCENARIOS[name]))
    def run(data: bytes) -> None:
        result = run_property(f"scenario-{name}", path, data, lambda: _load(path), check_spec)
        outcomes[result] = outcomes.get(result, 0) + 1

    run()
    print(f"scenario {name}: {outcomes}")
    assert outcomes.get("error", 0) > 0


ACTUALS_CSV = embedded("tracking", "demo_konaev_actuals.csv")


@functools.cache
def _template_xlsx() -> bytes:
    """The template workbook, made once (each build differs in its zip timestamps)."""
    return template_xlsx()


def check_actuals(result: Any) -> None:
    assert isinstance(result, ReadResult)
    for row in result.rows:
        assert math.isfinite(row.value) and math.isfinite(row.original_value), row
        assert 1 <= row.line and 0 <= row.month <= 12 and row.quantity and row.unit
    for e in result.errors:
        assert e.line >= 0


def test_actuals_csv_fuzz(tmp_path: Path) -> None:
    path = tmp_path / "actuals.csv"
    outcomes: dict[str, int] = {}

    @fuzz_settings(150)
    @given(data=mutated_text(ACTUALS_CSV))
    def run(data: bytes) -> None:
        result = run_property("actuals-csv", path, data, lambda: read_actuals(path), check_actuals)
        outcomes[result] = outcomes.get(result, 0) + 1

    run()
    print(f"actuals csv: {outcomes}")
    assert outcomes.get("ok", 0) > 0 and outcomes.get("error", 0) + outcomes.get("ok", 0) > 0


def _cell(text: str) -> Any:
    """What a spreadsheet user would have typed: numbers as numbers, the rest as text (without the control
    characters a workbook cannot hold)."""
    text = ILLEGAL_CHARACTERS_RE.sub("", text)
    try:
        value = float(text)
    except ValueError:
        return text
    return int(value) if value.is_integer() and abs(value) < 1e15 else value


@st.composite
def mutated_workbook(draw: st.DrawFn) -> bytes:
    """An actuals workbook built from a mutated CSV (cells typed as a user would), or the template
    workbook with its bytes damaged."""
    import openpyxl

    if draw(st.integers(0, 9)) == 0:
        data = bytearray(_template_xlsx())
        for _ in range(draw(st.integers(1, 4))):
            i = draw(st.integers(0, len(data) - 1))
            data[i] = draw(st.integers(0, 255))
        if draw(st.booleans()):
            data = data[: draw(st.integers(0, len(data)))]
        return bytes(data)
    text = bytes(draw(mutated_text(ACTUALS_CSV, max_ops=2))).decode("utf-8", errors="replace")
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = draw(st.sampled_from(["actuals", "Sheet1", "данные"]))
    for line in text.splitlines()[:400]:
        cells = line.split(",")[:60]
        sheet.append([_cell(c) if c else None for c in cells])
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def test_actuals_xlsx_fuzz(tmp_path: Path) -> None:
    path = tmp_path / "actuals.xlsx"
    outcomes: dict[str, int] = {}

    @fuzz_settings(60)
    @given(data=mutated_workbook())
    def run(data: bytes) -> None:
        result = run_property("actuals-xlsx", path, data, lambda: read_actuals(path), check_actuals)
        outcomes[result] = outcomes.get(result, 0) + 1

    run()
    print(f"actuals xlsx: {outcomes}")
    assert outcomes.get("ok", 0) > 0
