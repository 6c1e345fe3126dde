"""The tracking report's text: every key it uses exists in kk, ru and en, and the Kazakh and Russian pages
carry no English sentence of the track catalogue."""

from __future__ import annotations

import re
from importlib import resources

import pytest

from jasyl.i18n import catalogue
from jasyl.monitoring.fees import fee_schedule
from jasyl.report.tracking import render_track_report, verdicts
from jasyl.tracking.compare import INDICATORS, STATUSES

TEMPLATE = resources.files("jasyl.report") / "templates" / "tracking.html.j2"


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
def test_every_key_of_the_page_and_the_indicators_exists(lang: str) -> None:
    cat = catalogue(lang)
    keys = set(re.findall(r"""\bt\(\s*'([a-z0-9_.]+)'""", TEMPLATE.read_text(encoding="utf-8")))
    keys |= {f"track.ind.{d.name}" for d in INDICATORS} | {f"track.status.{s}" for s in STATUSES}
    keys |= {f"track.verdict.{s}" for s in STATUSES} | {"track.verdict.no_percentage"}
    for domain in ("register", "damage", "water_class"):
        keys |= {k for k in catalogue("en") if k.startswith(domain + ".")}
    keys |= {f"damage.pollutant.{p}" for p in fee_schedule().rates}   # every pollutant with a rate has its name
    keys = {k for k in keys if not k.endswith('.')}  # prefixes of keys built at run time (checked above)
    assert len(keys) > 60
    missing = sorted(k for k in keys if k not in cat)
    assert not missing, missing
    if lang != "en":
        same = [k for k in keys if k.startswith(("track.", "damage.")) and cat[k] == catalogue("en")[k]
                and len(cat[k]) > 12]
        assert not same, same


def _data() -> dict:  # type: ignore[type-arg]
    rows = [
        {"name": "pv_mw", "year": 2026, "unit": "MW", "planned": 10.0, "actual": 9.6, "deviation_pct": -4.0,
         "status": "on_track", "direction": "higher_better", "actual_basis": "year"},
        {"name": "battery_mwh", "year": 2026, "unit": "MWh", "planned": 20.0, "actual": None, "deviation_pct": None,
         "status": "no_data", "direction": "higher_better", "actual_basis": "no actual value reported"},
    ]
    status = {"city": "Testtown", "pathway_engine": "balance", "indicators": rows, "tolerance_pct": 5.0,
              "plan": {"adopted_at": "2026-01-01T00:00:00", "start_year": 2025, "target_year": 2030,
                       "target_co2_t": 0.0}, "inventory": {}, "actuals": {"demo": False, "rows": 1, "years": [2026]},
              "counts": {"year": 2026, "on_track": 1, "ahead": 0, "behind": 0, "no_data": 1}}
    return {"status": status, "planned": {"pv_mw": {2025: 0.0, 2026: 10.0}, "battery_mwh": {2025: 0.0, 2026: 20.0}},
            "monthly": {}, "city_names": {}, "generated": "2026-11-28", "replan": {"computed": False,
                                                                                  "reason": "not asked for"}}


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
def test_page_renders_with_verdicts_and_unique_ids(lang: str) -> None:
    html = render_track_report(_data(), lang)
    assert "<svg" in html and "Testtown" in html
    ids = re.findall(r'id="([^"]+)"', html)
    assert len(ids) == len(set(ids))
    v = verdicts(_data()["status"], lang)
    assert [x["status"] for x in v] == ["on_track", "no_data"]
    assert "2026" in v[0]["text"] and "9,6" in v[0]["text"] if lang != "en" else "9.6" in v[0]["text"]
