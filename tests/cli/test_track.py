"""``jasyl track`` and the land-and-water ``jasyl monitor`` commands, in-process, on a fresh SQLite store."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from jasyl.cli import main
from tests.tracking.test_compare import ACTUALS as LATER

#: the hand-made actuals moved to years that have begun (the CLI reads them on the real date)
ACTUALS = LATER.replace("\n2027,", "\n2024,")


@pytest.fixture
def db(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'store.sqlite'}"


def _json(capsys: pytest.CaptureFixture[str]) -> dict:  # type: ignore[type-arg]
    return json.loads(capsys.readouterr().out)


def test_template_import_and_bad_file(tmp_path: Path, db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["track", "template", "--out", str(tmp_path / "t.csv")]) == 0
    assert main(["track", "template", "--format", "xlsx", "--out", str(tmp_path / "t.xlsx")]) == 0
    assert (tmp_path / "t.xlsx").read_bytes()[:2] == b"PK"
    assert main(["track", "import", str(tmp_path / "t.xlsx"), "--db", db]) == 2   # blank template: nothing stored
    assert "no rows to import" in capsys.readouterr().err
    good = tmp_path / "good.csv"
    good.write_text(ACTUALS, encoding="utf-8")
    assert main(["track", "import", str(good), "--db", db, "--output", "json"]) == 0
    first = _json(capsys)
    assert first["rows_inserted"] == 7 and first["committed"] is True
    assert main(["track", "import", str(good), "--db", db, "--output", "json"]) == 0
    again = _json(capsys)
    assert again["rows_unchanged"] == 7 and again["committed"] is False
    bad = tmp_path / "bad.csv"
    bad.write_text(ACTUALS + "2026,,installed_capacity,,,pv,x,MW\n2026,,registered_vehicles,,electricity,tram,1,\n",
                   encoding="utf-8")
    assert main(["track", "import", str(bad), "--db", db]) == 2
    err = capsys.readouterr().err
    assert "line 9" in err and "line 10" in err and "nothing was stored" in err
    later = tmp_path / "later.csv"
    later.write_text(LATER, encoding="utf-8")                  # 2027 has not begun: refused, line by line
    assert main(["track", "import", str(later), "--db", db, "--partial"]) == 2
    err = capsys.readouterr().err
    assert all(f"line {n}: year '2027'" in err for n in (6, 7, 8)) and "has not begun" in err
    assert main(["track", "import", str(tmp_path / "missing.csv"), "--db", db]) == 2
    assert main(["track", "import", str(good), "--format", "pdf", "--db", db]) == 2


def test_status_json_keys_and_report(tmp_path: Path, db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["monitor", "init", "--db", db]) == 0          # labelled demo: actuals, register, violations
    capsys.readouterr()
    assert main(["track", "status", "--engine", "balance", "--format", "json", "--db", db]) == 0
    data = _json(capsys)
    assert list(data)[:3] == ["city", "pathway_engine", "indicators"]
    assert data["city"] == "Konaev" and data["pathway_engine"] == "balance" and data["actuals"]["demo"] is True
    for row in data["indicators"]:
        assert list(row)[:7] == ["name", "year", "unit", "planned", "actual", "deviation_pct", "status"]
        assert row["status"] in ("on_track", "behind", "ahead", "no_data")
    assert any(r["status"] != "no_data" for r in data["indicators"])
    assert data["inventory"]["2025"]["coverage_pct"]["energy"] > 90
    assert main(["track", "status", "--db", db, "--lang", "kk"]) == 0
    assert "Жоспардың орындалуы" in capsys.readouterr().out
    out = tmp_path / "report"
    assert main(["track", "report", "--lang", "ru", "--out", str(out), "--db", db]) == 0
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "ДЕМО" in html and "Перепланирование" in html and "<svg" in html
    assert not re.search(r"(src|href)=\"https?://", html)     # offline: nothing fetched from the network
    ids = re.findall(r'id="([^"]+)"', html)
    assert len(ids) == len(set(ids))


def test_damage_register_settings_water(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["monitor", "init", "--db", db]) == 0
    capsys.readouterr()
    assert main(["monitor", "damage", "--format", "json", "--db", db]) == 0
    dmg = _json(capsys)
    assert dmg["estimate"] is True and "not a legal assessment" in dmg["label"]
    keys = ["source", "pollutant", "tonnes", "rate_mrp_per_t", "mrp_kzt", "multiplier", "amount_kzt", "basis"]
    for r in dmg["rows"]:
        assert list(r)[:8] == keys
        assert r["amount_kzt"] == pytest.approx(r["tonnes"] * r["rate_mrp_per_t"] * r["mrp_kzt"] * r["multiplier"])
        assert "Art. 576" in r["basis"] and str(r["year"]) in r["basis"]
    total = dmg["total_kzt"]
    assert main(["monitor", "settings", "set", "damage.unauthorised_multiplier", "10", "--db", db]) == 0
    capsys.readouterr()
    assert main(["monitor", "damage", "--format", "json", "--year", "2025", "--db", db]) == 0
    (abat,) = _json(capsys)["rows"]
    assert abat["source"] == "Abat quarry" and abat["multiplier"] == 10
    assert abat["amount_kzt"] == pytest.approx(35 * 10 * 3932 * 10)
    assert main(["monitor", "settings", "set", "damage.unauthorised_multiplier", "-3", "--db", db]) == 2
    assert main(["monitor", "settings", "set", "no.such.key", "1", "--db", db]) == 2
    assert main(["monitor", "restoration", "list", "--late", "--format", "json", "--db", db]) == 0
    late = _json(capsys)["sources"]
    assert {r["source"] for r in late} <= {"Narynkol brick works", "Karaoy quarry", "Abat quarry"} and late
    assert all(r["late"] and r["days_late"] > 0 for r in late)
    # a status change needs its evidence, and follows illegal -> closed -> under_restoration -> restored
    assert main(["monitor", "restoration", "event", "Karaoy quarry", "--status", "restored", "--date",
                 "2026-10-01", "--evidence", "photo.jpg", "--db", db]) == 2
    assert main(["monitor", "restoration", "event", "Karaoy quarry", "--status", "under_restoration", "--date",
                 "2026-10-01", "--evidence", "", "--db", db]) == 2
    assert main(["monitor", "restoration", "event", "Karaoy quarry", "--status", "under_restoration", "--date",
                 "2026-10-01", "--evidence", "photo karaoy-2026-10.jpg", "--db", db]) == 0
    assert main(["monitor", "water-classes", "--format", "json", "--db", db]) == 0
    classes = {s["code"]: s for s in _json(capsys)["sites"]}
    assert classes["demo:kapchagay-konaev"]["class"] in ("III", "IV") and classes["demo:sorbulak"]["class"] is None
    assert classes["demo:kapchagay-konaev"]["label"] == "indicative class"
    assert total > 0


def test_a_lab_sample_is_classified_by_its_worst_indicator(tmp_path: Path, db: str,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    """Kapchagay, July 2025: sulphates 106 mg/L is class III under Order 111-НҚ (100 < 106 <= 500)."""
    lab = tmp_path / "lab.csv"
    lab.write_text("site_code,site_name,time,parameter,value,unit\n"
                   "kap-1,Kapchagay,2025-07-15T10:00:00+05:00,sulphate,106,mg/L\n"
                   "kap-1,Kapchagay,2025-07-15T10:00:00+05:00,bod5,1.9,mg/L\n"
                   "kap-1,Kapchagay,2025-07-15T10:00:00+05:00,oxygen_saturation,95,%\n", encoding="utf-8")
    assert main(["monitor", "ingest", str(lab), "--format", "csv", "--db", db]) == 0
    assert main(["monitor", "sites", "water-body", "kap-1", "reservoir", "--db", db]) == 0
    capsys.readouterr()
    assert main(["monitor", "water-classes", "--format", "json", "--db", db]) == 0
    (site,) = _json(capsys)["sites"]
    assert site["class"] == "III" and site["limiting"] == ["sulphate"] and site["in_scope"] is True
    assert site["samples"][0]["class"] == "III"
