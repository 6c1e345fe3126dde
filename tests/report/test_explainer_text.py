"""The explainer in sentences: every figure present, nothing left in English in kk/ru."""

from __future__ import annotations

import pytest

from jasyl.planning.explainer import explain_plan
from jasyl.report.explainer import explainer_sections
from tests.report.synthetic import synthetic_result
from tests.report.test_monitor_labels import latin_words


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_sections_read_in_the_language(konaev, konaev_inventory, lang: str) -> None:
    facts = explain_plan(konaev, konaev_inventory, synthetic_result(hours=48)).to_dict()
    sections = explainer_sections(facts, lang, konaev.names[lang])
    assert [s.id for s in sections] == ["tonne", "where", "builds", "actions"]
    text = " ".join(p for s in sections for p in [s.title, *s.paragraphs, *s.items])
    assert "{" not in text and "None" not in text and "nan" not in text.lower()
    if lang != "en":
        assert not latin_words(text), latin_words(text)
    # the per-person figure is the inventory's, in the language's number format
    per_person = f"{konaev_inventory.total_tco2e / konaev.population.value:.1f}"
    assert (per_person if lang == "en" else per_person.replace(".", ",")) in text


def test_without_a_plan_the_builds_say_so(konaev, konaev_inventory) -> None:
    facts = explain_plan(konaev, konaev_inventory).to_dict()
    builds = next(s for s in explainer_sections(facts, "ru", "Конаев") if s.id == "builds")
    assert builds.paragraphs and "рассчитывается" in builds.paragraphs[0]
