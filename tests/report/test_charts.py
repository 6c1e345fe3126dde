"""Vega-Lite chart specs: data behind each chart adds up to the figures given, words in the language,
one SVG per spec without a browser."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from jasyl.report import air_charts as A
from jasyl.report import charts as C
from jasyl.report import dispatch_charts as D
from tests.report.synthetic import synthetic_result

LANGS = ("kk", "ru", "en")


def _texts(svg: str) -> list[str]:
    return re.findall(r"<text[^>]*>([^<]*)</text>", svg)


@pytest.mark.parametrize("lang", LANGS)
def test_inventory_chart_adds_up_and_is_translated(konaev_inventory, lang: str) -> None:
    chart = C.inventory_chart(konaev_inventory.sectors(), lang=lang, city="X", year=konaev_inventory.year)
    assert chart.data["tco2e"].sum() == pytest.approx(konaev_inventory.total_tco2e, rel=1e-9)
    assert chart.data["share_percent"].sum() == pytest.approx(100.0)
    assert chart.spec["config"]["locale"]["number"]["decimal"] == ("." if lang == "en" else ",")
    svg = chart.svg()
    words = " ".join(_texts(svg))
    if lang != "en":
        assert "Residential" not in words and not re.search(r"\b(sector|thousand)\b", words)
    assert chart.csv().count("\n") == len(chart.data) + 1


def test_capacity_chart_splits_existing_and_new() -> None:
    res = synthetic_result(hours=48)
    caps = {"wind": 300.0, "pv_fixed": 200.0, "battery_energy": 40.0, "district_boilers": 50.0, "ev_bus": 1.0}
    units = {"battery_energy": "MWh", "district_boilers": "MW_th", "ev_bus": "share"}
    chart = C.capacity_chart(caps, {"district_boilers": 80.0, "wind": 10.0}, units, lang="ru")
    data = chart.data.set_index("technology_id")
    assert "ev_bus" not in data.index  # a share is not a capacity
    assert data.loc["district_boilers", "existing"] == 50.0 and data.loc["district_boilers", "new"] == 0.0
    assert data.loc["wind", "new"] == 290.0
    assert (data["existing"] + data["new"] - data["capacity"]).abs().max() < 1e-9
    assert "Ветров" in " ".join(data["technology"])
    assert res is not None


def test_dispatch_and_duration_charts_from_a_balanced_result() -> None:
    res = synthetic_result(hours=24 * 10)
    chart = D.dispatch_chart(res.dispatch, lang="kk", tz="Asia/Almaty")
    # the CSV keeps every hour and each supply column; supply minus use closes every hour (synthetic is balanced)
    assert len(chart.data) == 240 and chart.data["time_local"].iloc[0] == "2025-01-01 05:00"
    assert {"wind_mw", "pv_fixed_mw", "demand_mw"} <= set(chart.data.columns)
    zoom = [p for p in chart.spec["params"] if p["name"] == "zoom"][0]
    lo, hi = zoom["value"]["x"]
    assert hi - lo == 7 * 86_400_000
    svg = chart.svg()
    assert "Жел электр станциясы" in " ".join(_texts(svg))
    dur = D.duration_chart(res.dispatch, lang="en", points=50)
    wind = dur.data[dur.data["technology_id"] == "wind"]
    assert wind["mw"].is_monotonic_decreasing
    assert wind["mw"].iloc[0] == pytest.approx(res.dispatch["electricity:wind"].max())
    assert wind["mw"].iloc[-1] == pytest.approx(res.dispatch["electricity:wind"].min())


def test_tradeoff_chart_keeps_every_point() -> None:
    points = [{"reduction": r, "co2_t": 100 * (1 - r), "total_annual_cost_usd": 1e6 * (1 + r * r),
               "average_cost_per_t_usd": 10 + r, "marginal_cost_per_t_usd": 20 + 100 * r,
               "capacities": {"wind": 100 * r, "battery_energy": 50 * r}} for r in (0.5, 0.9, 1.0)]
    chart = C.tradeoff_chart(points, lang="ru", accounting="annual-net", knee=0.9)
    assert list(chart.data["reduction_percent"]) == [50.0, 90.0, 100.0]
    assert "wind_mw" in chart.data and "battery_energy_mw" not in chart.data
    assert "годовой нетто-учёт" in chart.title
    chart.svg()


def test_air_charts_label_demo_and_state_averaging() -> None:
    daily = pd.DataFrame({"date": pd.date_range("2025-01-01", periods=40).date, "value": range(40)})
    chart = A.air_daily_chart(daily, lang="kk", parameter_label="PM2.5", unit_label="мкг/м³",
                              limits=[{"label": "ДДСҰ", "value": 15.0}], demo=True)
    assert set(chart.data["label"]) == {"DEMO"} and "тәуліктік" in chart.data["averaging"].iloc[0].lower()
    assert "ДЕМО" in chart.title
    empty = A.air_year_chart(pd.DataFrame(columns=["month", "mean", "days"]), lang="en", parameter_label="PM2.5",
                             unit_label="µg/m³", annual_mean=None, guideline=5.0, guideline_label="WHO")
    assert empty.data.empty and "No measurements" in empty.svg()


def test_empty_inputs_give_a_chart_that_says_so() -> None:
    for chart in (C.emissions_chart({}, {}, lang="ru"), C.pathway_chart([], lang="kk"),
                  C.tradeoff_chart([], lang="en")):
        assert chart.data.empty
        assert chart.svg().startswith("<svg")
