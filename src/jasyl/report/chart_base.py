"""What every Vega-Lite chart of jasyl shares: colours, width, words, the finishing step (locale,
schema, description) and the "no data" chart. See :mod:`jasyl.report.charts` for the charts."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import altair as alt
import pandas as pd

from jasyl.i18n import catalogue, translate
from jasyl.report.vegalite import Chart, with_locale

__all__ = ["CHART_IDS", "TECH_COLORS", "SECTOR_COLORS", "WIDTH", "t", "base_tech", "color_of", "color_scale",
           "finish", "empty_chart", "epoch_ms", "has_key", "number"]

CHART_IDS: tuple[str, ...] = (
    "chart-inventory",
    "chart-emissions",
    "chart-capacity",
    "chart-pathway",
    "chart-tradeoff",
    "chart-air-daily",
    "chart-air-year",
    "chart-dispatch",
    "chart-duration",
)

TECH_COLORS: dict[str, str] = {
    "pv_fixed": "#f2b705", "pv_tracking": "#e08e0b", "pv_rooftop": "#ffd966", "wind": "#3f88c5",
    "battery": "#8e6bbf", "heat_storage": "#d17fb8", "pit_storage": "#b5589a", "grid_import": "#7f7f7f",
    "grid_export": "#bdbdbd", "heat_pump_individual": "#38b28d", "heat_pump_district": "#1b7f6a",
    "electric_boiler_district": "#e07b39", "electric_boiler_industry": "#b8512a", "district_boilers": "#6d5c4f",
    "building_stoves": "#3d3d3d", "industry_boilers": "#9c7f6b", "ev": "#56b870", "fuel": "#a0522d",
    "hydro": "#2b8cbe", "hydro_contract": "#2b8cbe", "curtailment": "#e6e6e6",
}
SECTOR_COLORS: dict[str, str] = {
    "stationary_energy": "#c0504d", "transport": "#4f81bd", "waste": "#9bbb59", "ippu": "#8064a2",
    "afolu": "#f79646", "electricity": "#4f81bd", "district_heat": "#c0504d", "individual_heat": "#8064a2",
    "industry_heat": "#f79646",
}
_FALLBACK = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf"]
_SUFFIXES = ("energy", "power", "charge", "discharge")
WIDTH = 620


def t(key: str, lang: str, **values: Any) -> str:
    return translate("charts." + key, lang, **values)


def base_tech(name: str) -> str:
    for prefix in ("ev_", "fuel_"):
        if name.startswith(prefix):
            return prefix[:-1]
    for suffix in _SUFFIXES:
        if name.endswith("_" + suffix):
            return name[: -len(suffix) - 1]
    return name


def color_of(name: str, palette: Mapping[str, str] = TECH_COLORS) -> str:
    if name in palette:
        return palette[name]
    base = base_tech(name)
    if base in palette:
        return palette[base]
    return _FALLBACK[sum(map(ord, base)) % len(_FALLBACK)]


def color_scale(names: Sequence[str], labels: Sequence[str], palette: Mapping[str, str] = TECH_COLORS) -> alt.Scale:
    """A colour scale over translated ``labels`` keeping each technology's colour."""
    seen: dict[str, str] = {}
    for n, lab in zip(names, labels, strict=True):
        seen.setdefault(lab, color_of(n, palette))
    return alt.Scale(domain=list(seen), range=list(seen.values()))


def finish(chart: alt.TopLevelMixin, chart_id: str, title: str, data: pd.DataFrame, lang: str,
            sources: Sequence[str] = (), caption: str = "") -> Chart:
    spec = chart.to_dict(validate=True)
    spec.pop("$schema", None)
    spec["$schema"] = "https://vega.github.io/schema/vega-lite/v6.json"
    spec["description"] = title
    return Chart(id=chart_id, title=title, spec=with_locale(spec, lang), data=data, sources=list(sources),
                 caption=caption, lang=lang)


def empty_chart(chart_id: str, title: str, lang: str, text: str, columns: Sequence[str]) -> Chart:
    chart = alt.Chart(alt.Data(values=[{"text": text}])).mark_text(fontSize=13, color="#666666").encode(
        text="text:N").properties(width=WIDTH, height=60, title=title)
    return finish(chart, chart_id, title, pd.DataFrame(columns=list(columns)), lang)


def epoch_ms(moment: pd.Timestamp) -> int:
    """Epoch milliseconds of a naive timestamp (whatever its resolution)."""
    return int((moment - pd.Timestamp("1970-01-01")) // pd.Timedelta(milliseconds=1))


def has_key(key: str, lang: str) -> bool:
    return "charts." + key in catalogue(lang)


def number(x: Any) -> float:
    try:
        v = float(x)
    except (TypeError, ValueError):
        return float("nan")
    return v if math.isfinite(v) else float("nan")

