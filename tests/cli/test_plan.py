"""``jasyl plan`` end to end: the real pipeline (inventory -> profiles -> optimiser -> report)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from jasyl.cli import main
from jasyl.errors import SolveError
from jasyl.report import FIGURE_IDS, OUTPUT_FILES

REQUIRED_KEYS = {
    "city", "target_co2_t", "co2_before_t", "co2_after_t", "total_annual_cost_usd", "cost_per_t_avoided_usd",
    "capacities", "energy_mwh", "solve_seconds",
}


@pytest.fixture(scope="module")
def plan_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, Path, str]:
    """One real reduced-horizon run (two weeks of January), JSON on stdout."""
    import contextlib
    import io

    out = tmp_path_factory.mktemp("plan-out")
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        code = main(["plan", "--hours", "336", "--out", str(out), "--format", "json"])
    return code, out, buffer.getvalue()


def test_real_plan_writes_every_file_and_key(plan_run: tuple[int, Path, str]) -> None:
    code, out, stdout = plan_run
    assert code == 0
    payload = json.loads(stdout)  # stdout is ONE JSON object (the HiGHS banner goes to stderr)
    assert REQUIRED_KEYS <= set(payload)
    directory = out / "konaev"
    assert payload["outputs"]["directory"] == str(directory)
    assert sorted(p.name for p in directory.iterdir()) == sorted(OUTPUT_FILES)
    summary = json.loads((directory / "summary.json").read_text(encoding="utf-8"))
    assert REQUIRED_KEYS <= set(summary)
    assert summary["city"] == "Konaev" and summary["hours"] == 336
    # the default mode is exact and says so, with the solver that ran (issue 16)
    assert summary["method"].startswith("exact hourly LP") and "HiGHS" in summary["method"]
    assert "within 0.1 % of the optimum" in summary["method"]
    # a zero-carbon plan: the cap holds and something is built
    assert summary["target_co2_t"] == 0.0
    assert summary["co2_after_t"] <= 1.0
    assert summary["co2_before_t"] > 100_000
    assert summary["total_annual_cost_usd"] > 0 and summary["solve_seconds"] > 0
    assert any(v > 1.0 for k, v in summary["capacities"].items() if k.startswith(("pv", "wind")))
    assert all(isinstance(v, float) for v in summary["energy_mwh"].values())
    # cost per tonne is (plan - baseline) / avoided, as the contract says
    expected = (summary["total_annual_cost_usd"] - summary["baseline_annual_cost_usd"]) / (
        summary["co2_before_t"] - summary["co2_after_t"])
    assert summary["cost_per_t_avoided_usd"] == pytest.approx(expected, rel=1e-6)


def test_real_plan_report_has_every_plot(plan_run: tuple[int, Path, str]) -> None:
    _, out, _ = plan_run
    html = (out / "konaev" / "report.html").read_text(encoding="utf-8")
    for fig_id in FIGURE_IDS:
        assert f'<figure id="{fig_id}"' in html, fig_id
    assert "<script" not in html and 'src="http' not in html
    # every technology of the real plan got a translated name (no raw snake_case in the build list)
    summary_block = html[html.index('id="summary"') : html.index('id="where"')]
    assert not re.search(r"<strong>[a-z]+_[a-z_]+</strong>", summary_block)


def test_real_plan_in_kazakh_with_table_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["plan", "--hours", "48", "--out", str(tmp_path), "--lang", "kk"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "Қонаев қаласының көміртексіз жоспары" in captured.out
    assert "Жоспарды оңтайландыру" in captured.err  # progress line of the optimisation stage
    # the table says which planner mode ran, in Kazakh, with the solver (issue 16)
    assert "Әдіс" in captured.out and "HiGHS" in captured.out
    html = (tmp_path / "konaev" / "report.html").read_text(encoding="utf-8")
    assert '<html lang="kk">' in html and "Жел электр станциясы" in html


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["--target-co2", "-5"], "--target-co2"),
        (["--hours", "10"], "--hours"),
        (["--weather", "/nonexistent/weather.epw"], "--weather"),
        (["--city", "/nonexistent/city.yaml"], None),
        (["--hours", "24", "--contract-mw", "5"], "--contract-mw"),  # a contract outside the ppa rule
        (["--hours", "24", "--price-basis", "cheap"], "--price-basis"),
        (["--hours", "24", "--grid-connection", "-1"], "--grid-connection"),
    ],
)
def test_bad_input_exits_2_without_output(tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str],
                                          field: str | None) -> None:
    code = main(["plan", "--out", str(tmp_path / "out"), *args])
    err = capsys.readouterr().err
    assert code == 2
    assert "Traceback" not in err
    if field:
        assert field in err
    assert not (tmp_path / "out" / "konaev").exists()


def test_unknown_language_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plan", "--lang", "de", "--out", str(tmp_path)]) == 2
    assert not (tmp_path / "konaev").exists()


def test_infeasible_plan_exits_2_and_keeps_the_previous_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    old = tmp_path / "konaev"
    old.mkdir()
    (old / "report.html").write_text("previous report", encoding="utf-8")

    def infeasible(*_args: object, **_kw: object) -> None:
        raise SolveError("no plan meets the CO2 cap: raise the land limit for PV")

    monkeypatch.setattr("jasyl.planning.run.solve_inputs", infeasible)
    code = main(["plan", "--hours", "48", "--out", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 2 and "raise the land limit" in err and "Traceback" not in err
    assert (old / "report.html").read_text(encoding="utf-8") == "previous report"


def test_internal_failure_exits_1_with_log_pointer_and_no_partial_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(*_args: object, **_kw: object) -> None:
        raise RuntimeError("figure backend exploded")

    monkeypatch.setattr("jasyl.report.outputs.summary_json", broken)
    # the pathway is not under test here: --no-pathway keeps it fast
    code = main(["plan", "--hours", "48", "--no-pathway", "--out", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 1
    assert "internal error" in err and "jasyl-error.log" in err
    assert list(tmp_path.iterdir()) == []  # nothing half-written


def _other_city(tmp_path: Path) -> Path:
    text = (Path(__file__).resolve().parents[2] / "src/jasyl/data/cities/konaev.yaml").read_text(encoding="utf-8")
    text = text.replace("name: Konaev", "name: Test Town", 1)
    text = text.replace('names: {kk: "Қонаев", ru: "Конаев", en: "Konaev"}', "names: {}", 1)
    path = tmp_path / "test_town.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_other_city_without_weather_is_a_clear_input_error(tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    city = _other_city(tmp_path)
    code = main(["plan", "--city", str(city), "--hours", "24", "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 2 and "weather" in err and "Traceback" not in err
    assert not (tmp_path / "out" / "test-town").exists()


def test_other_city_runs_from_its_own_files(tmp_path: Path, shared_dir: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    city = _other_city(tmp_path)
    weather = shared_dir / "data" / "weather" / "CHN_Xinjiang.Uygur.Urumqi.514630_CSWD.epw"
    code = main(["plan", "--city", str(city), "--weather", str(weather), "--hours", "24",
                 "--out", str(tmp_path / "out"), "--lang", "ru"])
    assert code == 0, capsys.readouterr().err
    summary = json.loads((tmp_path / "out" / "test-town" / "summary.json").read_text(encoding="utf-8"))
    assert summary["city"] == "Test Town" and summary["hours"] == 24 and summary["weather"] == str(weather)
    html = (tmp_path / "out" / "test-town" / "report.html").read_text(encoding="utf-8")
    assert "Test Town" in html and "Urumqi" in html  # the weather file is named among the sources


def test_method_option_reaches_the_optimiser(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    seen: list[str] = []

    def spy(inp: object, **kw: object) -> None:
        seen.append(str(kw.get("method")))
        raise SolveError("stop here")

    monkeypatch.setattr("jasyl.planning.run.solve_inputs", spy)
    assert main(["plan", "--hours", "24", "--method", "typical-days", "--out", str(tmp_path)]) == 2
    assert seen == ["typical_days"]
    assert main(["plan", "--method", "clever", "--out", str(tmp_path)]) == 2
    assert list(tmp_path.iterdir()) == []


def _without_timings(data: object) -> object:
    """The pathway JSON without the solver's wall-clock seconds (the only part that differs run to run)."""
    if isinstance(data, dict):
        return {k: _without_timings(v) for k, v in data.items() if k != "seconds"}
    if isinstance(data, list):
        return [_without_timings(v) for v in data]
    return data


def test_plan_report_pathway_is_the_default_pathway_command(plan_run: tuple[int, Path, str],
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 10: the report shows the pathway that `jasyl pathway` gives by default (planner engine) for the
    same city and options (here: the same horizon), computed afresh by the command (no cache)."""
    code, out, _ = plan_run
    assert code == 0
    summary = json.loads((out / "konaev" / "summary.json").read_text(encoding="utf-8"))
    capsys.readouterr()
    assert main(["pathway", "--planner-hours", "336", "--format", "json", "--no-cache"]) == 0
    command = json.loads(capsys.readouterr().out)
    assert command["engine"] == "planner" and summary["pathway"]["engine"] == "planner"
    assert _without_timings(summary["pathway"]) == _without_timings(command)
    # and the report's table shows those years and emissions
    html = (out / "konaev" / "report.html").read_text(encoding="utf-8")
    section = html[html.index('<section id="pathway"'):html.index("</section>", html.index('<section id="pathway"'))]
    years = [int(y) for y in re.findall(r"<tr><td>(\d{4})</td>", section)]
    assert years == [y["year"] for y in command["years"]]
    assert "fig-pathway" in section


def test_ppa_contract_from_the_command_line_enters_the_plan(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["plan", "--out", str(tmp_path), "--hours", "48", "--no-pathway", "--no-tradeoff", "--format", "json",
                 "--accounting", "ppa", "--contract-mw", "5", "--contract-mwh", "20000", "--contract-price", "60",
                 "--contract-source", "test hydro"])
    assert code == 0
    s = json.loads(capsys.readouterr().out)
    assert s["accounting"] == "ppa"
    contract = {a["name"]: a for a in s["assumptions"] if a["name"].startswith("contract.")}
    assert contract["contract.firm_mw"]["value"] == 5.0 and contract["contract.source"]["source"] == "test hydro"
    delivered = [v for k, v in s["energy_mwh"].items() if k.startswith("contract_")]
    assert delivered and 0 < delivered[0] <= 20000 * (1 + 1e-6)  # per year, at most the contracted volume
