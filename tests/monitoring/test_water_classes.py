"""Water classes of Order 111-НҚ (shipped) and of a user table (override): worst indicator wins."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from jasyl.errors import InputError
from jasyl.monitoring.water_classes import (
    INDICATIVE_LABEL,
    classify_sample,
    classify_site,
    classify_value,
    load_table,
    official_table,
)


def test_shipped_table_is_order_111_with_source_status_and_scope() -> None:
    t = official_table()
    assert t.classes == ("I", "II", "III", "IV", "V", "VI")
    assert "111-НҚ" in t.act and "4 June 2025" in t.act
    assert t.valid_from == "2025-06-10"
    assert "cawater" in t.source.lower() and t.status == "transcription"
    assert "Kapchagay" in t.scope and "not lakes or seas".lower() in t.scope.lower()
    prov = t.provenance()
    assert prov["label"] == INDICATIVE_LABEL and prov["table"] == "shipped"
    # a few cells as printed (research notes section 1.2)
    assert [b.value for b in t.indicators["bod5"].bounds] == [2.1, 2.1, 3.0, 5.0, 6.0]
    assert [b.value for b in t.indicators["copper"].bounds] == [0.002, 0.002, 2.0, 2.0, 2.4]
    assert t.indicators["sulphate"].bounds[0].strict and not t.indicators["sulphate"].bounds[1].strict


def test_one_class_5_indicator_makes_the_sample_class_5() -> None:
    t = official_table()
    # every indicator class I except ammonium 2.5 mg/L: 2.0 < 2.5 <= 2.6 -> class V
    sample = {"bod5": 1.5, "cod": 10.0, "dissolved_oxygen": 9.0, "ph": 7.5, "nitrate": 5.0, "ammonium": 2.5,
              "copper": 0.001}
    res = classify_sample(t, sample)
    assert res.klass == "V"
    assert res.limiting == ["ammonium"]
    assert res.by_indicator["ammonium"].klass == "V" and res.by_indicator["bod5"].klass == "I"
    assert res.to_dict()["label"] == INDICATIVE_LABEL


@pytest.mark.parametrize(
    ("parameter", "value", "expected"),
    [
        ("bod5", 2.1, "I"),          # inclusive upper bound
        ("bod5", 2.11, "III"),       # I and II share 2.1: II can never come from BOD5 alone
        ("bod5", 6.0, "V"),
        ("bod5", 6.01, "VI"),        # above the class-V bound
        ("sulphate", 100.0, "II"),   # printed "<100" for class I: strict
        ("sulphate", 99.9, "I"),
        ("sulphate", 106.0, "III"),  # Kapchagay, July 2025 (research notes section 4.1)
        ("copper", 0.00205, "III"),  # Ili, January 2025
        ("dissolved_oxygen", 6.0, "I"),   # a minimum
        ("dissolved_oxygen", 5.0, "II"),
        ("dissolved_oxygen", 3.5, "VI"),  # between the printed 3 and 4: no class I-V is met
        ("oxygen_saturation", 90.0, "II"),  # ">90" strict for class I
        ("oxygen_saturation", 30.0, "V"),
        ("oxygen_saturation", 20.0, "VI"),
        ("ph", 7.0, "I"),
        ("ph", 8.8, "III"),
        ("ph", 9.5, "VI"),
        ("ph", 5.5, "VI"),
    ],
)
def test_indicator_classes_follow_the_printed_bounds(parameter: str, value: float, expected: str) -> None:
    res = classify_value(official_table(), parameter, value)
    assert res is not None and res.klass == expected


def test_suspended_solids_need_the_background() -> None:
    t = official_table()
    with pytest.raises(ValueError, match="background"):
        classify_value(t, "suspended_solids", 12.0)
    res = classify_value(t, "suspended_solids", 12.0, background=10.0)   # 10 + 1.0 < 12 <= 10 + 5.0
    assert res is not None and res.klass == "IV"
    sample = classify_sample(t, {"suspended_solids": 12.0, "bod5": 1.0})
    assert sample.klass == "I" and "suspended_solids" in sample.unclassified


def test_site_class_uses_the_mean_or_the_worst_value() -> None:
    t = official_table()
    samples = pd.DataFrame({"parameter": ["bod5", "bod5", "dissolved_oxygen", "dissolved_oxygen"],
                            "value": [2.0, 4.0, 7.0, 4.5]})
    mean = classify_site(t, samples)                     # BOD5 mean 3.0 -> III, DO mean 5.75 -> II
    assert mean.klass == "III" and mean.limiting == ["bod5"]
    worst = classify_site(t, samples, statistic="max")   # BOD5 4.0 -> IV, DO lowest 4.5 -> II
    assert worst.klass == "IV"
    assert classify_site(t, samples.iloc[0:0]).klass is None


def test_user_table_overrides_the_shipped_one(tmp_path: Path) -> None:
    path = tmp_path / "classes.yaml"
    path.write_text(
        "act: test act\nsource: tests\nclasses: [A, B, C]\n"
        "indicators:\n  bod5: {upper_limits: [1.0, 3.0]}\n  dissolved_oxygen: {lower_limits: [8.0, 5.0]}\n",
        encoding="utf-8")
    t = load_table(path)
    assert t.provenance()["table"].startswith("user table")
    res = classify_sample(t, {"bod5": 2.0, "dissolved_oxygen": 9.0, "ammonium": 3.0})
    assert res.klass == "B" and res.unclassified == {"ammonium": "not in the class table"}


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("act: a\nclasses: [A, B]\nindicators: {bod5: {upper: [1]}}\n", "source"),
        ("act: a\nsource: s\nclasses: [A, B]\nindicators: {bod5: {upper: [1, 2]}}\n", "indicators.bod5.upper"),
        ("act: a\nsource: s\nclasses: [A, B, C]\nindicators: {bod5: {upper: [3, 2]}}\n", "indicators.bod5.upper"),
        ("act: a\nsource: s\nclasses: [A, B]\nindicators: {bod5: {upper: [x]}}\n", "indicators.bod5.upper[0]"),
        ("act: a\nsource: s\nclasses: [A, B]\nindicators: {bod5: {upper: [1], lower: [1]}}\n", "indicators.bod5"),
    ],
)
def test_bad_tables_name_the_field(tmp_path: Path, text: str, field: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_table(path)
    assert err.value.field == field and err.value.file == str(path)


def test_every_indicator_of_the_order_can_be_ingested_in_its_unit() -> None:
    from jasyl.monitoring.standards import parameters

    params = parameters()
    for name, rule in official_table().indicators.items():
        if name == "saprobity_index":   # a biological index, not a laboratory concentration
            continue
        assert name in params and params[name].medium == "water", name
        assert params[name].unit == rule.unit, (name, params[name].unit, rule.unit)
