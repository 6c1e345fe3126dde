"""Water-quality classes from a per-class limit table (jasyl.monitoring.water_quality).

jasyl ships no per-class limits (they could not be sourced, see water_quality.yaml), so these tests load
a table written here. ITS NUMBERS ARE SYNTHETIC TEST VALUES, chosen to exercise the rules (they are not
the limits of any Kazakh act and must never be copied into the data files).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml

from jasyl.errors import InputError
from jasyl.monitoring.standards import load_data
from jasyl.monitoring.water_quality import ClassTable, indicator_class, load_class_table, sample_class, site_class

SYNTHETIC = {
    "act": "SYNTHETIC test table (not a legal text)",
    "source": "tests/monitoring/test_water_quality.py",
    "classes": ["I", "II", "III", "IV", "V", "VI"],
    "indicators": {
        "ammonium": {"upper_limits": [0.1, 0.5, 1.0, 2.0, 4.0]},
        "bod5": {"upper_limits": [1.0, 2.0, 3.0, 5.0, 10.0]},
        "copper": {"upper_limits": [0.001, 0.002, 0.005, 0.01, 0.05]},
        "dissolved_oxygen": {"lower_limits": [8.0, 7.0, 6.0, 5.0, 4.0]},
    },
}


def _write(tmp_path: Path, data: object, name: str = "classes.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture
def table(tmp_path: Path) -> ClassTable:
    return load_class_table(_write(tmp_path, SYNTHETIC))


def test_no_embedded_table_is_shipped_and_the_error_says_what_to_do() -> None:
    assert load_data("water_quality.yaml")["classification"]["class_limits"] is None
    with pytest.raises(InputError) as exc:
        load_class_table()
    assert exc.value.field == "classification.class_limits"
    assert "could not be sourced" in exc.value.message and exc.value.fix


@pytest.mark.parametrize(("value", "expected"), [
    (0.0, "I"), (0.1, "I"), (0.1001, "II"), (0.5, "II"), (1.0, "III"), (3.9, "V"), (4.0, "V"), (4.01, "VI"),
    (50.0, "VI"),
])
def test_upper_limits_bound_each_class_inclusively(table: ClassTable, value: float, expected: str) -> None:
    assert indicator_class(table, "ammonium", value) == expected


@pytest.mark.parametrize(("value", "expected"), [
    (9.5, "I"), (8.0, "I"), (7.99, "II"), (6.0, "III"), (4.0, "V"), (3.9, "VI"), (0.0, "VI"),
])
def test_dissolved_oxygen_is_a_minimum(table: ClassTable, value: float, expected: str) -> None:
    assert indicator_class(table, "dissolved_oxygen", value) == expected


def test_sample_takes_the_worst_indicator_class(table: ClassTable) -> None:
    res = sample_class(table, {"ammonium": 0.3, "bod5": 4.2, "copper": 0.004, "dissolved_oxygen": 9.0,
                               "nitrate": 12.0})
    assert res.by_indicator == {"ammonium": "II", "bod5": "IV", "copper": "III", "dissolved_oxygen": "I"}
    assert res.klass == "IV" and res.limiting == ["bod5"]
    assert res.unclassified == ["nitrate"]  # no limits in the table: reported, never guessed
    # against a background class II, every indicator worse than II is limiting, worst first
    assert sample_class(table, {"bod5": 4.2, "copper": 0.004}, background_class="II").limiting == ["bod5", "copper"]
    assert sample_class(table, {"nitrate": 12.0}).klass is None
    with pytest.raises(InputError, match="background class 'VII'"):
        sample_class(table, {"bod5": 1.0}, background_class="VII")
    with pytest.raises(ValueError, match="not a concentration"):
        sample_class(table, {"bod5": -1.0})


def test_site_class_from_mean_or_maximum(table: ClassTable) -> None:
    samples = pd.DataFrame({
        "parameter": ["ammonium"] * 4 + ["dissolved_oxygen"] * 2,
        "value": [0.2, 0.4, 0.3, 1.5, 7.5, 5.5],  # NH4 mean 0.6 (III), max 1.5 (IV); DO mean 6.5 (III), max 7.5
    })
    mean = site_class(table, samples)
    assert mean.values["ammonium"] == pytest.approx(0.6)
    assert (mean.klass, mean.by_indicator) == ("III", {"ammonium": "III", "dissolved_oxygen": "III"})
    assert mean.limiting == ["ammonium", "dissolved_oxygen"]
    worst = site_class(table, samples, statistic="max")
    assert worst.klass == "IV" and worst.limiting == ["ammonium"]
    assert site_class(table, samples.iloc[0:0]).klass is None
    with pytest.raises(InputError, match="statistic"):
        site_class(table, samples, statistic="median")
    with pytest.raises(InputError, match="column"):
        site_class(table, samples.rename(columns={"value": "v"}))


@pytest.mark.parametrize(("patch", "field", "words"), [
    ({"source": ""}, "source", "source"),
    ({"classes": ["I"]}, "classes", "at least two"),
    ({"indicators": {"unobtainium": {"upper_limits": [1, 2, 3, 4, 5]}}}, "indicators.unobtainium", "unknown"),
    ({"indicators": {"bod5": {"upper_limits": [1, 2, 3]}}}, "indicators.bod5.upper_limits", "list of 5"),
    ({"indicators": {"bod5": {"upper_limits": [1, 3, 2, 4, 5]}}}, "indicators.bod5.upper_limits", "increasing"),
    ({"indicators": {"dissolved_oxygen": {"lower_limits": [4, 5, 6, 7, 8]}}},
     "indicators.dissolved_oxygen.lower_limits", "decreasing"),
    ({"indicators": {"bod5": {"upper_limits": [1, 2, "x", 4, 5]}}}, "indicators.bod5.upper_limits", "not a number"),
    ({"indicators": {"bod5": {}}}, "indicators.bod5", "exactly one"),
])
def test_bad_tables_name_file_and_field(tmp_path: Path, patch: dict, field: str, words: str) -> None:
    path = _write(tmp_path, {**SYNTHETIC, **patch})
    with pytest.raises(InputError) as exc:
        load_class_table(path)
    assert exc.value.file == str(path) and exc.value.field == field
    assert words in exc.value.message and exc.value.fix


def test_unreadable_or_invalid_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read"):
        load_class_table(tmp_path / "missing.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("act: [unclosed\n", encoding="utf-8")
    with pytest.raises(InputError, match="not valid YAML"):
        load_class_table(bad)
