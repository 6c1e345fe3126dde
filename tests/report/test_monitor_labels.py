"""Every standard, alert rule, parameter and demo name has a name in kk, ru and en: no key reaches a reader."""

from __future__ import annotations

import re

import pytest

from jasyl.monitoring.alerts import rules
from jasyl.monitoring.standards import air_standards, load_data, parameters, water_standards
from jasyl.report.monitor_labels import MonitorLabels, slug

#: Latin text allowed inside kk/ru names: chemical formulas, indices and proper abbreviations
ALLOWED_LATIN = re.compile(r"(?<![A-Za-z])(PM\d+(\.\d)?|NO|NO₂|NO₂⁻|NO₃⁻|NH₄⁺|NH₃|SO₂|CO|O₃|H₂S|PO₄|"
                           r"Cd|Pb|Cu|Zn|Hg|Cr|VI|Fe|pH|AQI|GPC|BASIC|UTC|CO₂)(?![A-Za-z])")
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


def latin_words(text: str) -> list[str]:
    return LATIN_WORD.findall(ALLOWED_LATIN.sub(" ", text))


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_standards_rules_parameters_are_named(lang: str) -> None:
    lab = MonitorLabels(lang)
    names = [lab.standard(s.id) for s in (*air_standards(), *water_standards())]
    names += [lab.rule(r.id) for r in rules()] + [lab.parameter(p) for p in parameters()]
    names += [lab.severity(r.severity) for r in rules()] + [lab.averaging(a) for a in ("sample", "1h", "8h", "24h",
                                                                                       "annual", "3h")]
    names += [lab.standard_status(s.status) for s in (*air_standards(), *water_standards())]
    for name in names:
        assert "_" not in name and "{" not in name, name
        if lang != "en":
            assert not latin_words(name), name
    assert len(set(lab.standard(s.id) for s in air_standards())) == len(air_standards())


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_demo_sites_and_sources_are_translated(lang: str) -> None:
    lab = MonitorLabels(lang)
    demo = load_data("demo_konaev.yaml")
    for src in demo["sources"]:
        assert lab.has(f"demo.source.{slug(src['name'])}.name"), src["name"]
        for text in (lab.source_name(src["name"], True), lab.source_notes(src["name"], src["notes"], True)):
            assert not latin_words(text), text
        # a real source keeps the name people gave it
        assert lab.source_name(src["name"], False) == src["name"]
    for site in demo["sites"]:
        assert not latin_words(lab.site_name(site["code"], site["name"], True))


def test_local_time_is_almaty() -> None:
    assert MonitorLabels("en").local_time("2024-12-15T05:00:00Z") == "15 Dec 2024, 10:00 (Almaty time, UTC+5)"
    assert "время Алматы" in MonitorLabels("ru").local_time("2024-12-15T05:00:00")
