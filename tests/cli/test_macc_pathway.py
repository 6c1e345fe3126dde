"""`jasyl macc` and `jasyl pathway`: output formats, files, languages, bad input; report sections."""

from __future__ import annotations

import json
import string
from pathlib import Path
from typing import Any

import pytest
import yaml

from jasyl.city import load_city
from jasyl.cli import main


def test_macc_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["macc", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    for key in ("measures", "total_abatement_t", "baseline_tco2e", "energy_baseline_tco2e", "not_effective"):
        assert key in data
    rows = data["measures"]
    assert {"name", "cost_usd_per_t", "abatement_t_per_year", "annualised_cost_usd", "investment_usd"} <= set(rows[0])
    costs = [r["cost_usd_per_t"] for r in rows]
    assert costs == sorted(costs) and costs[0] < 0
    assert sum(r["abatement_t_per_year"] for r in rows) == pytest.approx(data["total_abatement_t"], rel=1e-12)
    assert data["baseline_tco2e"] == pytest.approx(data["energy_baseline_tco2e"] + data["waste_tco2e"], rel=1e-12)


def test_macc_table_in_russian_and_out_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "macc"
    assert main(["macc", "--lang", "ru", "--out", str(out)]) == 0
    captured = capsys.readouterr()
    assert "Светодиодные лампы" in captured.out and "МАСС" in captured.out
    assert {p.name for p in out.iterdir()} == {"macc.json", "macc.csv", "macc.svg", "macc.png"}
    assert (out / "macc.svg").read_text(encoding="utf-8").lstrip().startswith("<?xml")
    assert (out / "macc.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    header = (out / "macc.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header.startswith("rank,id,label,name") and "cost_usd_per_t" in header


def test_pathway_json_and_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "path"
    assert (
        main(
            ["pathway", "--engine", "balance", "--start", "2026", "--milestones", "2030:0.5,2035:0"]
            + ["--format", "json", "--out", str(out)]
        )
        == 0
    )
    data = json.loads(capsys.readouterr().out)
    assert data["start_year"] == 2026 and data["target_year"] == 2035
    years = {y["year"]: y for y in data["years"]}
    assert years[2030]["co2_t"] <= 0.5 * data["start_co2_t"] * (1 + 1e-5)
    assert years[2035]["co2_t"] <= 1e-5 * data["start_co2_t"]
    assert data["total_investment_usd"] == pytest.approx(sum(y["investment_usd"] for y in data["years"]), rel=1e-12)
    assert {p.name for p in out.iterdir()} == {"pathway.json", "pathway.csv", "pathway.svg", "pathway.png"}


def test_pathway_table_kazakh(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["pathway", "--engine", "balance", "--start", "2026", "--lang", "kk"]) == 0
    out = capsys.readouterr().out
    assert "жолкартасы" in out and "2035" in out


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--milestones", "2030=0.5"], "--milestones"),
        (["--start", "2035", "--target-year", "2030"], "not after the start year"),
        (["--start", "2026", "--milestones", "2040:0.2"], "outside"),
        (["--growth", "2"], "--growth"),
        (["--lang", "de"], "unknown language"),
    ],
)
def test_pathway_bad_options_exit_2(
    args: list[str], words: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "o"
    assert main(["pathway", *args, "--out", str(out)]) == 2
    captured = capsys.readouterr()
    assert words in captured.err and "Traceback" not in captured.err and captured.out == ""
    assert not out.exists()


def test_user_measures_file_without_a_price_the_city_needs(tmp_path: Path) -> None:
    from jasyl.abatement import build_context
    from jasyl.errors import InputError
    from jasyl.measures import load_measures
    from tests.test_measures import MINIMAL

    path = tmp_path / "mine.yaml"
    path.write_text(MINIMAL, encoding="utf-8")
    with pytest.raises(InputError, match="no price for coal") as info:
        build_context(load_city(), load_measures(path, use_catalogue=False))
    assert info.value.file == str(path) and info.value.field == "prices.coal"
    # with the planner catalogue, missing prices are filled from it, the user's own prices are kept
    lib = load_measures(path)
    assert lib.prices["grid_electricity"].value == 100
    assert "coal" in lib.prices


def test_user_measures_file_round_trip(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A user may copy the embedded library, change it and bring it back."""
    from importlib import resources

    data = yaml.safe_load((resources.files("jasyl") / "data" / "measures.yaml").read_text(encoding="utf-8"))
    data["measures"] = [m for m in data["measures"] if m["id"] != "green_power_purchase"]
    path = tmp_path / "no_ppa.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert main(["macc", "--measures", str(path), "--format", "json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert "green_power_purchase" not in {r["id"] for r in result["measures"]}
    assert result["assumptions"]["measures_file"] == str(path)


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
def test_report_sections(lang: str, konaev_ctx: Any, konaev_macc: Any, konaev_pathway: Any) -> None:
    from jasyl.report.macc import macc_report_section
    from jasyl.report.pathway import pathway_report_section

    for section, fig_id in (
        (macc_report_section(konaev_macc, konaev_ctx.library, lang), "fig-macc"),
        (pathway_report_section(konaev_pathway, lang, konaev_ctx.library), "fig-pathway"),
    ):
        assert section.title and "<table" in section.html and "<script" not in section.html
        (fig,) = section.figures
        assert fig.id == fig_id and fig.svg.startswith("<svg")


def test_message_catalogues_have_the_same_keys() -> None:
    from importlib import resources

    keys = []
    for lang in ("en", "ru", "kk"):
        text = (resources.files("jasyl") / "i18n" / f"pathway.{lang}.yaml").read_text(encoding="utf-8")
        data = yaml.safe_load(text)
        assert all(k.startswith("pathway.") for k in data)
        keys.append(data)
    assert set(keys[0]) == set(keys[1]) == set(keys[2])
    fields = [{k: {n for _, n, _, _ in string.Formatter().parse(v) if n} for k, v in d.items()} for d in keys]
    assert fields[0] == fields[1] == fields[2]
    # every unit of the embedded library has a name in each language
    from jasyl.measures import load_measures
    from jasyl.report.macc import unit_label

    for m in load_measures(use_catalogue=False).measures:
        assert unit_label(m.unit, "ru") != m.unit or m.unit in ("km",), m.unit
