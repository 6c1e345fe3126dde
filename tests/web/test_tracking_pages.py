"""The progress and register pages with a plan adopted and the demo actuals: every language renders, the
charts are Vega-Lite specs, an upload names its bad lines, a register change is recorded and audited."""

from __future__ import annotations

import pytest

from jasyl.i18n import catalogue
from jasyl.tracking.actuals import read_actuals
from jasyl.tracking.demo import load_demo_actuals
from jasyl.tracking.run import TrackOptions, adopt_plan
from tests.web.conftest import CITY


@pytest.fixture
def tracked(web):  # type: ignore[no-untyped-def]
    adopt_plan(web.engine, TrackOptions(city=CITY, engine="balance"))
    load_demo_actuals(web.engine)
    return web


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_progress_page_in_every_language(tracked, lang: str) -> None:  # type: ignore[no-untyped-def]
    client = tracked.client(None)
    page = client.get(f"/{CITY}/progress?lang={lang}")
    assert page.status_code == 200
    cat = catalogue(lang)
    assert cat["track.verdicts.title"] in page.text and cat["track.demo_banner"] in page.text
    assert "track.ind." not in page.text and "track.status." not in page.text   # no untranslated key
    spec = client.get(f"/{CITY}/progress/charts/capacity.json?lang={lang}").json()
    assert spec["$schema"].startswith("https://vega.github.io/schema/vega-lite/")
    data = client.get(f"/api/v1/{CITY}/progress").json()
    assert data["pathway_engine"] == "balance" and data["indicators"]
    assert client.get(f"/{CITY}/register?lang={lang}").status_code == 200


def test_upload_names_bad_lines_and_register_event(tracked) -> None:  # type: ignore[no-untyped-def]
    analyst = tracked.client("analyst")
    analyst.get(f"/{CITY}/progress?lang=en")             # the language cookie: English messages
    bad = b"year,quantity,item,value,unit\n2025,installed_capacity,pv,x,MW\n2025,installed_capacity,sun,1,MW\n"
    page = tracked.post(analyst, f"/{CITY}/progress/actuals", {"partial": ""},
                        files={"file": ("bad.csv", bad, "text/csv")})
    assert page.status_code == 400 and "line 2" in page.text and "line 3" in page.text
    inspector = tracked.client("inspector")
    done = tracked.post(inspector, f"/{CITY}/register/events", {"source": "Abat quarry", "status": "restored",
                                                                 "when": "2026-10-01", "evidence": "act 12",
                                                                 "note": ""})
    assert done.status_code in (200, 303)
    reg = tracked.client(None).get(f"/api/v1/{CITY}/register").json()
    abat = next(r for r in reg["sources"] if r["source"] == "Abat quarry")
    assert abat["status"] == "restored" and abat["history"][-1]["evidence"] == "act 12"


def test_template_downloads_and_reads_back_empty(web, tmp_path) -> None:  # type: ignore[no-untyped-def]
    client = web.client(None)
    xlsx = client.get(f"/{CITY}/progress/template.xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert "actuals_template.xlsx" in xlsx.headers["content-disposition"]
    csv = client.get(f"/{CITY}/progress/template.csv")
    assert csv.status_code == 200 and csv.text.startswith("year,month,quantity")
    assert client.get(f"/{CITY}/progress/template.pdf").status_code == 404
    path = tmp_path / "t.xlsx"
    path.write_bytes(xlsx.content)
    assert read_actuals(path).rows == []                 # the blank template imports nothing
