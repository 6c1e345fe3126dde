"""Regression tests of the weather crashes named in issue 15 and found by the fuzzer: through the CLI
(``jasyl profiles --weather``) a broken file exits with status 2 and a message naming the file and where
in it, no traceback, and no output directory half written."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from jasyl.cli import main
from jasyl.errors import JasylError
from jasyl.weather import read_weather
from tests.weather.helpers import reference_weather, write_epw


def _epw_lines(tmp_path: Path) -> list[str]:
    return write_epw(tmp_path / "good.epw", reference_weather()).read_text().splitlines()


def _run_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(args)
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_epw_text_in_a_radiation_column_is_exit_2_naming_line_and_field(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lines = _epw_lines(tmp_path)
    row = 8 + 4000  # a data line (8 header lines), a daytime hour or not: the value must be a number
    fields = lines[row].split(",")
    fields[14] = "abc"  # EPW field 15: direct normal radiation, Wh/m2
    lines[row] = ",".join(fields)
    bad = tmp_path / "radiation_text.epw"
    bad.write_text("\n".join(lines) + "\n")
    out = tmp_path / "out"
    for fill in ("0", "3"):  # with --fill-gaps the text must not be taken for a gap and interpolated
        code, text = _run_cli(["profiles", "--weather", str(bad), "--fill-gaps", fill, "--out", str(out)], capsys)
        assert code == 2, text
        assert "radiation_text.epw" in text and f"line {row + 1}" in text, text
        assert "abc" in text and "Traceback" not in text and "bug in jasyl" not in text
        assert not out.exists()


def test_epw_cut_at_8000_hours_with_the_gap_filler_is_exit_2(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lines = _epw_lines(tmp_path)
    cut = tmp_path / "cut_8000.epw"
    cut.write_text("\n".join(lines[:8 + 8000]) + "\n")
    out = tmp_path / "out"
    for fill in ("0", "3", "48"):
        code, text = _run_cli(["profiles", "--weather", str(cut), "--fill-gaps", fill, "--out", str(out)], capsys)
        assert code == 2, text
        assert "cut_8000.epw" in text and "8000" in text.replace(",", ""), text
        assert "Traceback" not in text and "Length of values" not in text and "bug in jasyl" not in text
        assert not out.exists()
    with pytest.raises(JasylError) as info:
        read_weather(cut, fill_gaps_hours=48)
    assert info.value.file is not None and Path(info.value.file).name == "cut_8000.epw"


def test_broken_epw_in_a_real_process_has_no_traceback(tmp_path: Path) -> None:
    """The installed command in a subprocess: exit status 2, one clear message on stderr."""
    lines = _epw_lines(tmp_path)
    cut = tmp_path / "cut.epw"
    cut.write_text("\n".join(lines[:8 + 8000]) + "\n")
    proc = subprocess.run([sys.executable, "-m", "jasyl", "profiles", "--weather", str(cut), "--fill-gaps", "48",
                           "--out", str(tmp_path / "o")], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 2, proc.stderr
    assert "cut.epw" in proc.stderr and "Traceback" not in proc.stderr + proc.stdout


def test_csv_time_minus_9999_is_a_user_error_naming_the_line(tmp_path: Path) -> None:
    """Found by the long fuzz run: '-9999' in the time column of a jasyl weather CSV made a timestamp
    outside Python's date range and the message itself crashed (strftime)."""
    from tests.weather.helpers import csv_lines, write_csv

    lines = csv_lines(reference_weather(), offset_h=5)
    head = next(i for i, line in enumerate(lines) if line.startswith("time"))
    row = head + 1 + 624
    lines[row] = "-9999," + lines[row].split(",", 1)[1]
    path = write_csv(tmp_path / "minus_9999.csv", lines)
    with pytest.raises(JasylError) as info:
        read_weather(path, "csv")
    text = str(info.value)
    assert "minus_9999.csv" in text and "line" in text, text
