"""The HTML report and its parts, built from a synthetic, balanced PlanResult."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest

from jasyl.city import City
from jasyl.inventory import Inventory
from jasyl.report import (
    FIGURE_IDS,
    OUTPUT_FILES,
    ReportFigure,
    ReportSection,
    build_report,
    plan_sections,
    write_outputs,
)
from jasyl.report.figures import annual_balance, pick_week
from jasyl.report.locator import bundled_cities, country_outlines, scale_bar_km
from jasyl.report.summary import build_list, summary_json
from tests.report.conftest import make_context

REQUIRED_SUMMARY_KEYS = {
    "city", "target_co2_t", "co2_before_t", "co2_after_t", "total_annual_cost_usd", "cost_per_t_avoided_usd",
    "capacities", "energy_mwh", "solve_seconds",
}


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
def test_report_has_every_figure_and_no_leftover_placeholders(reports: dict[str, str], lang: str) -> None:
    html = reports[lang]
    for fig_id in FIGURE_IDS:
        assert f'<figure id="{fig_id}"' in html, fig_id
        # each figure carries an inline SVG
        start = html.index(f'<figure id="{fig_id}"')
        assert "<svg" in html[start : html.index("</figure>", start)]
    assert f'<html lang="{lang}">' in html
    text = re.sub(r"<svg.*?</svg>", "", html, flags=re.S)
    assert not re.search(r"\{[a-z_]+\}", text), "unfilled {placeholder} in the report"
    leaked = re.findall(r"\bplan\.[a-z_]+\.[a-z_.]+", re.sub(r"<code>.*?</code>", "", text))
    assert not leaked, f"raw message keys in the report: {leaked}"


def test_report_is_self_contained(reports: dict[str, str]) -> None:
    html = reports["en"]
    assert "<script" not in html
    assert not re.search(r'<link[^>]+href="https?:', html)
    assert not re.search(r'src="https?:', html)
    assert "url(http" not in html
    # the only online reference is the optional OpenStreetMap link
    assert set(re.findall(r'href="(https?://[^/"]+)', html)) <= {"https://www.openstreetmap.org"}
    # SVG ids are unique across figures (several inline SVGs share one document)
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids))


def test_russian_and_kazakh_reports_use_locale_numbers_and_their_own_words(reports: dict[str, str]) -> None:
    en, ru, kk = reports["en"], reports["ru"], reports["kk"]
    assert "250.0" in en and "250,0" in ru and "250,0" in kk  # CO2 today, thousand t, locale decimal sign
    assert "Солнечная электростанция" in ru and "Ветровая электростанция" in ru
    assert "Күн электр станциясы" in kk and "Жел электр станциясы" in kk and "жылу сорғы" in kk.lower()
    assert "Қонаев" in kk and "Конаев" in ru
    assert "января" in ru and "қаңтар" in kk  # Babel dates


def test_summary_first_then_plots_then_sources(reports: dict[str, str]) -> None:
    html = reports["en"]
    order = [html.index(f'id="{x}"') for x in ("summary", "fig-locator", "inventory", "fig-emissions", "sources")]
    assert order == sorted(order)


def test_extra_sections_plug_in_before_sources(ctx) -> None:  # noqa: ANN001
    extra = ReportSection(id="macc", title="Marginal abatement cost curve", html="<p>MACC body</p>",
                          figures=[ReportFigure(id="fig-macc", title="MACC", svg="<svg></svg>", caption="c")])
    html = build_report(ctx, [extra])
    assert html.index('id="fig-costs"') < html.index('<section id="macc"') < html.index('<section id="sources"')
    assert "<p>MACC body</p>" in html and '<figure id="fig-macc"' in html
    assert 'href="#macc"' in html  # listed in the contents


def test_macc_and_pathway_sections_follow_the_plots_with_unique_ids(ctx, konaev_ctx, konaev_macc,  # noqa: ANN001
                                                                   konaev_pathway) -> None:  # noqa: ANN001
    """Issue 10: one report with the MACC and pathway figures has no duplicate element id (parsed HTML)."""
    from html.parser import HTMLParser

    ctx.macc, ctx.measures, ctx.pathway = konaev_macc, konaev_ctx.library, konaev_pathway
    assert [s.id for s in plan_sections(ctx)] == ["macc", "pathway"]
    html = build_report(ctx)
    assert html.index('id="fig-costs"') < html.index('<section id="macc"') < html.index('<section id="pathway"')
    assert html.index('<section id="pathway"') < html.index('<section id="sources"')

    class Ids(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.ids: list[str] = []

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            self.ids += [v for k, v in attrs if k == "id" and v is not None]

    parser = Ids()
    parser.feed(html)
    assert {"fig-macc", "fig-pathway"} <= set(parser.ids)
    duplicates = sorted({i for i in parser.ids if parser.ids.count(i) > 1})
    assert duplicates == []
    # every internal reference points at an element of the page
    refs = set(re.findall(r'(?:href="#|url\(#)([^")]+)', html))
    assert refs <= set(parser.ids)


def test_annual_balance_closes_for_a_balanced_dispatch(ctx) -> None:  # noqa: ANN001
    balance = annual_balance(ctx.result.dispatch)
    assert set(balance) == {"electricity", "heat"}
    for supply, use in balance.values():
        assert sum(supply.values()) == pytest.approx(sum(use.values()), rel=1e-9)
    supply, use = balance["electricity"]
    assert supply["wind"] > 0 and use["demand:electricity"] > 0 and use["curtailment"] > 0
    # scaled to a year: 336 h of a 15 MW mean demand -> 8760 h of it
    assert use["demand:electricity"] == pytest.approx(15.0 * 8760, rel=0.02)


def test_pick_week_takes_mid_january_and_mid_july_at_local_midnight() -> None:
    index = pd.date_range("2025-01-01", periods=8760, freq="h", tz="UTC").tz_convert("Asia/Almaty")
    for season, month in (("winter", 1), ("summer", 7)):
        start, stop, found = pick_week(index, season)
        assert found and stop - start == 168
        assert index[start].month == month and index[start].hour == 0 and 13 <= index[start].day <= 20
    short = index[:336]
    assert pick_week(short, "summer") == (168, 336, False)
    assert pick_week(short, "winter")[2] is True


def test_dispatch_figure_axis_is_local_time(konaev: City, konaev_inventory: Inventory) -> None:
    ctx = make_context(konaev, konaev_inventory, "en", hours=8760)
    html = build_report(ctx)
    start = html.index('<figure id="fig-dispatch-summer"')
    fig = html[start : html.index("</figure>", start)]
    assert "Jul" in fig and "UTC+5" in fig and "Asia/Almaty" in fig
    assert "no summer hours" not in fig


def test_locator_data_and_scale_bar() -> None:
    cities = bundled_cities()
    assert {"almaty", "astana", "bishkek", "taldykorgan"} <= {c.id for c in cities}
    for c in cities:
        assert 35 < c.latitude < 57 and 44 < c.longitude < 92, c.id
        assert all(c.names[lang] for lang in ("en", "ru", "kk"))
    almaty = next(c for c in cities if c.id == "almaty")
    assert almaty.latitude == pytest.approx(43.24, abs=0.1) and almaty.longitude == pytest.approx(76.9, abs=0.1)
    outlines = country_outlines()
    assert "Natural Earth" in outlines["source"]
    assert "KAZ" in {f["properties"]["iso_a3"] for f in outlines["features"]}
    # 3.8 degrees of longitude at 43.9 N is about 305 km: a fifth is ~61 km -> a 100 km bar
    assert scale_bar_km(3.8, 43.9) == 100.0
    assert scale_bar_km(42.0, 46.0) == 1000.0


def test_build_list_is_new_capacity_only(ctx) -> None:  # noqa: ANN001
    items = {i.tech: i for i in build_list(ctx.result)}
    assert "district_boilers" not in items  # existing, nothing new to build
    assert "ev_bus" not in items  # shares are listed apart
    assert items["wind"].new == 300.0 and items["battery_energy"].unit == "MWh"


def test_write_outputs_files_and_summary_keys(ctx, tmp_path) -> None:  # noqa: ANN001
    out, summary = write_outputs(ctx, tmp_path / "konaev")
    assert sorted(p.name for p in out.iterdir()) == sorted(OUTPUT_FILES)
    data = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert REQUIRED_SUMMARY_KEYS <= set(data)
    assert data == json.loads(json.dumps(summary))
    assert data["capacities"]["wind"] == 300.0 and data["energy_mwh"]["wind"] > 0
    assert data["inventory"]["total_tco2e"] == pytest.approx(ctx.inventory.total_tco2e)
    dispatch = pd.read_csv(out / "dispatch.csv", index_col=0)
    assert len(dispatch) == 336 and "electricity:wind" in dispatch
    np.testing.assert_allclose(dispatch.sum(axis=1), 0.0, atol=1e-3)  # the hourly balance survives the CSV
    emissions = pd.read_csv(out / "emissions.csv")
    assert emissions.loc[emissions["sector"] == "total", "co2_before_t"].item() == 250_000.0


def test_failed_write_leaves_the_previous_report(ctx, tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    target = tmp_path / "konaev"
    write_outputs(ctx, target)
    before = (target / "report.html").read_text(encoding="utf-8")

    def boom(self):  # noqa: ANN001, ANN202
        raise RuntimeError("disk full")

    monkeypatch.setattr(type(ctx.result), "tables", boom)
    ctx.labels = type(ctx.labels)("ru")
    with pytest.raises(RuntimeError):
        write_outputs(ctx, target)
    assert (target / "report.html").read_text(encoding="utf-8") == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["konaev"]  # no staging directory left


def test_summary_json_handles_nan_cost_per_tonne(ctx) -> None:  # noqa: ANN001
    ctx.result.cost_per_t_avoided_usd = float("nan")
    data = summary_json(ctx.result, city_slug="konaev", population=65900.0, inventory={})
    assert data["cost_per_t_avoided_usd"] is None
    json.dumps(data, allow_nan=False)
    assert "—" in build_report(ctx)
