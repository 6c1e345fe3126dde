"""``jasyl sweep`` and ``jasyl sweep-report`` as a user runs them: exit codes, JSON, report, bad files."""

from __future__ import annotations

import contextlib
import io
import json
import re
from pathlib import Path

import pytest

from jasyl.cli import main

SCENARIOS = """\
name: cli-test
description: "two days of January, one scenario boxed in"
base: {hours: 48}
combine: list
scenarios:
  - {name: base}
  - {name: boxed in, land_pv_km2: 0.1, land_wind_km2: 0.1, rooftop_km2: 0, grid_import_max_mw: 0}
"""


def _run(args: list[str]) -> tuple[int, str]:
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        code = main(args)
    return code, buffer.getvalue()


def test_sweep_exit_status_counts_failures_and_reruns_skip(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = tmp_path / "s.yaml"
    spec.write_text(SCENARIOS, encoding="utf-8")
    out = tmp_path / "out"
    code, stdout = _run(["sweep", str(spec), "--out", str(out), "--workers", "1", "--format", "json", "--report",
                         "--lang", "ru"])
    assert code == 1  # one scenario without a plan
    payload = json.loads(stdout)  # stdout is one JSON object (no solver banner)
    assert payload["failed"] == 1 and payload["scenarios"] == 2 and payload["solved"] == 2
    rows = {r["name"]: r for r in payload["scenarios_table"]}
    assert rows["base"]["status"] == "optimal" and rows["boxed in"]["status"] == "infeasible"
    assert "land_pv_km2" in rows["boxed in"]["message"]
    html = (out / "report.html").read_text(encoding="utf-8")
    assert 'lang="ru"' in html and "Сценарии без плана" in html and "boxed in" in html
    assert not re.search(r"\bsweep\.[a-z_]+\.[a-z_]+", html)  # no untranslated key
    err = capsys.readouterr().err
    assert "1 failed" in err or "failed" in err
    # rerun: nothing is solved again, same exit status
    code2, stdout2 = _run(["sweep", str(spec), "--out", str(out), "--workers", "1", "--format", "json"])
    again = json.loads(stdout2)
    assert code2 == 1 and again["solved"] == 0 and again["skipped"] == 2
    # the report alone, in Kazakh
    assert main(["sweep-report", str(out), "--lang", "kk", "--out", str(tmp_path / "kk.html")]) == 0
    assert 'lang="kk"' in (tmp_path / "kk.html").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("base: {}\naxes: {capex_multiplier.wnd: [1, 2]}\n", "axes.capex_multiplier.wnd"),
        ("base: {hours: 48}\naxes: {discount_rate: [0.05, oops]}\n", "axes.discount_rate[1]"),
        ("base: {hours: 48}\nunknown_key: 1\n", "unknown_key"),
    ],
)
def test_bad_scenario_files_exit_2_naming_file_and_field(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                           text: str, field: str) -> None:
    spec = tmp_path / "bad.yaml"
    spec.write_text(text, encoding="utf-8")
    code = main(["sweep", str(spec), "--out", str(tmp_path / "o")])
    err = capsys.readouterr().err
    assert code == 2
    assert str(spec) in err and field in err and "Traceback" not in err
    assert not (tmp_path / "o" / "results.parquet").exists()


def test_duplicate_scenarios_are_refused_before_start(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = tmp_path / "dup.yaml"
    spec.write_text("base: {hours: 48, technologies: [pv_fixed, battery]}\ncombine: list\nscenarios:\n"
                    "  - {name: a}\n  - {name: b, capex_multiplier.wind: 3}\n", encoding="utf-8")
    code = main(["sweep", str(spec), "--out", str(tmp_path / "o")])
    err = capsys.readouterr().err
    assert code == 2 and "'a' and 'b'" in err
    assert not (tmp_path / "o").exists()


def test_sweep_report_on_a_directory_without_results(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sweep-report", str(tmp_path)]) == 2
    assert "results.parquet" in capsys.readouterr().err
