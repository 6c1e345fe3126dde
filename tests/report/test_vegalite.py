"""The Vega-Lite helper: one spec gives SVG with ids unique per figure, CSV of its data, kk/ru/en locales."""

from __future__ import annotations

import json
import re
from collections import Counter

import pandas as pd
import pytest

from jasyl.report.vegalite import (
    Chart,
    chart_csv,
    chart_svg,
    d3_number_locale,
    d3_time_locale,
    month_label,
    spec_json,
    wallclock_ms,
    with_locale,
)


def _bars(values: list[float], lang: str, clip: bool = True) -> dict:
    spec = {
        "data": {"values": [{"x": f"k{i}", "y": v} for i, v in enumerate(values)]},
        "mark": {"type": "bar", "clip": clip},
        "encoding": {"x": {"field": "x", "type": "nominal"}, "y": {"field": "y", "type": "quantitative",
                                                                     "axis": {"format": ",.1f", "values": [1234.5]}}},
        "title": "A <b> & \"quoted\" title",
    }
    return with_locale(spec, lang)


def test_ids_are_unique_per_figure_and_references_follow() -> None:
    first = chart_svg(_bars([1.5, 2.5], "en"), "fig-a")
    second = chart_svg(_bars([3.5, 4.5], "en"), "fig-b")
    page = first + second
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert ids, "a clipped bar chart has clip paths with ids"
    assert not [i for i, n in Counter(ids).items() if n > 1]
    assert all(i.startswith(("fig-a-", "fig-b-")) for i in ids)
    for ref in re.findall(r"url\(#([^)]+)\)", page):
        assert ref in ids
    assert not first.lstrip().startswith("<?xml")
    # the title is an attribute, escaped
    assert 'aria-label="A &lt;b&gt; &amp; &quot;quoted&quot; title"' in first
    assert first.count(' class="') >= 1 and re.search(r"<svg[^>]*class=\"plot vega-svg\"", first)


def test_bad_figure_id_is_refused() -> None:
    with pytest.raises(ValueError):
        chart_svg(_bars([1], "en"), "1 bad id")


@pytest.mark.parametrize(("lang", "text"), [("en", "1,234.5"), ("ru", "1\u00a0234,5"), ("kk", "1\u00a0234,5")])
def test_numbers_are_formatted_in_the_language(lang: str, text: str) -> None:
    svg = chart_svg(_bars([1234.5, 10.0], lang), "fig-n")
    labels = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    assert text in labels


def test_time_locale_has_kazakh_and_russian_month_names() -> None:
    kk, ru = d3_time_locale("kk"), d3_time_locale("ru")
    assert kk["months"][0] == "қаңтар" and len(kk["shortMonths"]) == 12 and len(kk["days"]) == 7
    assert ru["shortDays"][0] == "вс"  # d3 counts from Sunday
    assert all(m == m.lower() for m in kk["shortMonths"] + ru["shortMonths"])
    assert d3_number_locale("en")["decimal"] == "."
    assert month_label("2025-01-01", "kk") == "қаң 2025"


def test_wallclock_is_local_time_read_as_utc() -> None:
    ms = wallclock_ms(pd.to_datetime(["2025-01-01T00:00:00Z", "2025-07-01T12:00:00Z"]), "Asia/Almaty")
    assert ms[0] == int(pd.Timestamp("2025-01-01T05:00:00Z").timestamp() * 1000)
    assert ms[1] - ms[0] == int((pd.Timestamp("2025-07-01T17:00") - pd.Timestamp("2025-01-01T05:00")).total_seconds()
                                * 1000)
    # second resolution input gives the same milliseconds
    again = wallclock_ms(pd.to_datetime(["2025-01-01T00:00:00"]).as_unit("s"), "Asia/Almaty")
    assert again[0] == ms[0]


def test_csv_and_json() -> None:
    data = pd.DataFrame({"a": [1.0, float("nan")], "b": ["x", "<y>"]})
    text = chart_csv(data)
    assert text.splitlines() == ["a,b", "1,x", ",<y>"]
    chart = Chart(id="fig-x", title="t", spec=_bars([1], "en"), data=data)
    assert chart.csv() == text
    raw = spec_json({"title": "</script><script>alert(1)</script>"})
    assert "<" not in raw and json.loads(raw)["title"].startswith("</script>")
