"""The ``jasyl monitor`` commands in-process, and the demo data they load on request."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from sqlalchemy import func, select

from jasyl.cli import main
from jasyl.monitoring.setup import init_monitoring
from jasyl.store.engine import make_engine
from jasyl.store.models import Measurement, Site, Source


def test_demo_data_is_labelled_and_idempotent(db_url: str) -> None:
    engine = init_monitoring(db_url)
    with engine.connect() as conn:
        n1 = conn.scalar(select(func.count()).select_from(Measurement))
        assert conn.scalar(select(func.count()).select_from(Measurement).where(Measurement.demo.is_(False))) == 0
        approx = conn.execute(select(Source.approximate_location, Source.demo)).all()
        names = set(conn.scalars(select(Source.name)))
    assert n1 and n1 > 8000
    assert approx and all(a and d for a, d in approx)
    assert {"Narynkol brick works", "Besagash brick works", "Abat quarry", "Karaoy quarry",
            "Sorbulak wastewater storage lake"} <= names
    init_monitoring(db_url)
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(Measurement)) == n1


def test_status_json_on_fresh_install_shows_demo(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["monitor", "init"]) == 0  # the demo is loaded by this explicit step only (issue 10)
    capsys.readouterr()
    assert main(["monitor", "status", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["demo_data_present"] is True
    assert data["sites"] and all(s["demo"] and s["label"] == "DEMO" for s in data["sites"])
    air = next(s for s in data["sites"] if s["code"] == "demo:konaev-air")
    assert air["aqi"]["index"] is not None and air["kazhydromet"]["iza5"] is not None
    assert {a["label"] for a in air["open_alerts"]} == {"DEMO"}
    assert {r["label"] for r in air["latest"]} == {"DEMO"} and {e["label"] for e in air["exceedances"]} == {"DEMO"}
    water = next(s for s in data["sites"] if s["code"] == "demo:sorbulak")
    assert water["water"]["izv"]["class"] in ("IV", "V", "VI", "VII")


def test_status_table_labels_demo(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["monitor", "init"]) == 0
    assert main(["monitor", "status", "--site", "demo:konaev-air", "--lang", "ru"]) == 0
    out = capsys.readouterr().out
    assert "[DEMO]" in out and "ДЕМО" in out and "ИЗА5" in out and "PM2.5" in out
    assert main(["monitor", "status", "--site", "nowhere"]) == 2
    assert "unknown site" in capsys.readouterr().err


def test_ingest_cli_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "lab.csv"
    bad.write_text("site_code,time,parameter,value,unit\n"
                   "k1,2024-05-01T10:00+05:00,bod5,2.5,mg/L\n"
                   "k1,2024-05-01T10:00+05:00,cod,x,mg/L\n", encoding="utf-8")
    assert main(["monitor", "ingest", str(bad), "--format", "csv"]) == 2
    err = capsys.readouterr().err
    assert "line 3" in err and "not a number" in err and "Traceback" not in err
    assert main(["monitor", "ingest", str(bad), "--format", "csv", "--partial", "--output", "json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["rows_inserted"] == 1 and summary["rows_rejected"] == 1
    assert summary["rejected"] == [{"where": "line", "line": 3, "reason": "value 'x' is not a number"}]
    assert main(["monitor", "ingest", str(tmp_path / "missing.csv"), "--format", "csv"]) == 2
    assert main(["monitor", "ingest", str(bad), "--format", "xml"]) == 2


def test_sources_add_list_import(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["monitor", "init", "--no-demo"]) == 0
    assert main(["monitor", "sources", "add", "--name", "Boiler 3", "--type", "boiler_house", "--status",
                 "operating", "--lat", "43.86", "--lon", "77.06"]) == 0
    csv_file = tmp_path / "sources.csv"
    csv_file.write_text("name,type,status,latitude,longitude,approximate_location,operator,notes\n"
                        "Pit 7,quarry,illegal,43.6,77.0,yes,,seen 2025\n", encoding="utf-8")
    assert main(["monitor", "sources", "import", str(csv_file)]) == 0
    geo = tmp_path / "sources.geojson"
    geo.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [77.1, 43.8]},
         "properties": {"name": "Dump 1", "type": "landfill", "status": "closed"}}]}), encoding="utf-8")
    assert main(["monitor", "sources", "import", str(geo)]) == 0
    capsys.readouterr()
    assert main(["monitor", "sources", "list", "--format", "json"]) == 0
    rows = {r["name"]: r for r in json.loads(capsys.readouterr().out)["sources"]}
    assert set(rows) == {"Boiler 3", "Pit 7", "Dump 1"}
    assert rows["Pit 7"]["approximate_location"] is True and rows["Dump 1"]["longitude"] == 77.1
    bad = tmp_path / "bad.csv"
    bad.write_text("name,type,status\nX,factory,operating\n", encoding="utf-8")
    assert main(["monitor", "sources", "import", str(bad)]) == 2
    assert "type 'factory' is unknown" in capsys.readouterr().err


def test_remove_demo(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["monitor", "init"]) == 0
    assert main(["monitor", "init", "--remove-demo"]) == 0
    engine = make_engine()
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(Site)) == 0
        assert conn.scalar(select(func.count()).select_from(Measurement)) == 0


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
def test_report_is_offline_and_translated(lang: str, tmp_path: Path) -> None:
    assert main(["monitor", "init"]) == 0
    sites = [] if lang == "kk" else ["--site", "demo:sorbulak"]  # keep the suite fast: one full report
    assert main(["monitor", "report", "--lang", lang, "--out", str(tmp_path), *sites]) == 0
    page = (tmp_path / f"monitoring-report.{lang}.html").read_text(encoding="utf-8")
    assert page.count("<svg") >= (5 if lang == "kk" else 2)  # map + one time-series figure per site
    assert not re.search(r"(src|href)=['\"]https?://", page)  # nothing fetched from the network
    assert "DEMO" in page
    if lang == "kk":
        assert "Экологиялық мониторинг есебі" in page and "кірпіш зауыты" in page
    if lang == "ru":
        assert "ПДК" in page


def test_catalogues_have_the_same_keys() -> None:
    root = Path(__file__).resolve().parents[2] / "src" / "jasyl" / "i18n"
    keys = {lang: set(yaml.safe_load((root / f"monitor.{lang}.yaml").read_text(encoding="utf-8")))
            for lang in ("en", "ru", "kk")}
    assert keys["en"] == keys["ru"] == keys["kk"]


def test_bad_database_url_is_an_input_error(capsys: pytest.CaptureFixture[str],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JASYL_DB_URL", "postgresql+psycopg://nobody@127.0.0.1:1/none")
    assert main(["monitor", "status"]) == 2
    err = capsys.readouterr().err
    assert "JASYL_DB_URL" in err and "Traceback" not in err


def test_default_database_is_a_sqlite_file_in_the_user_data_dir(monkeypatch: pytest.MonkeyPatch,
                                                                 tmp_path: Path) -> None:
    from jasyl.store.engine import default_db_url

    monkeypatch.delenv("JASYL_DB_URL", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    url = default_db_url()
    assert url == f"sqlite:///{tmp_path / 'xdg' / 'jasyl' / 'monitoring.sqlite'}"
    assert main(["monitor", "init", "--no-demo"]) == 0
    assert (tmp_path / "xdg" / "jasyl" / "monitoring.sqlite").is_file()
