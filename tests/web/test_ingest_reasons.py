"""Rejections of measurement files appear in the page's language on the inspector pages (the readers of
``jasyl monitor ingest`` word them in English)."""

from __future__ import annotations

import html
import re

import pytest

from jasyl.i18n import catalogue
from jasyl.report.ingest_reasons import PATTERNS, reason_text, rejected_summary
from tests.web.conftest import WebEnv

#: one message of each kind, as the readers write them
SAMPLES = [
    "no site code", "site codes starting with 'demo:' are reserved for the demonstration data",
    "latitude '99' is not a number in -90..90", "longitude 'x' is not a number in -180..180",
    "unknown parameter 'pm7'", "value 'abc' is not a number", "negative value -3 (sensor error code?)",
    "time '2024-01-01 10:00' has no UTC offset (write it as 2024-01-31T14:00:00+05:00 or 2024-01-31T09:00:00Z)",
    "time 'yesterday' is not an ISO 8601 date-time", "time 2031-01-01 00:00:00+00:00 is in the future",
    "no unit given (parameter pm25)", "unit 'mg/L': 'no3' cannot be expressed as N (parameter no3)",
    "unit 'mg' is not a pH unit (parameter ph)", "unknown unit 'zz' (parameter pm25)",
    "unit 'ppm' is a mixing ratio, but PM2.5 is not a gas (parameter pm25)",
    "unit 'K' cannot be converted to µg/m³ for PM2.5 (parameter pm25)",
    "same site, parameter and time as line 4 but a different value",
    "already stored with value 12.5 pm25 (kept); this file has 13", "wrong number of fields (expected 6, saw 7)",
    "malformed record: Expecting value", "no measured value in value, pm25",
    "site_kind 'lake' is not one of air_station, water_point",
    "averaging '2d' is not sample, 1h, 24h or a number of seconds",
]


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_every_reader_message_is_translated(lang: str) -> None:
    assert len(SAMPLES) == len(PATTERNS)
    for sample in SAMPLES:
        text = reason_text(sample, lang)
        assert text != sample, sample
        assert not re.search(r"\b(is not|unknown|given|same site|already|wrong|malformed|measured)\b", text), text
    joined = reason_text("value 'abc' is not a number; unknown parameter 'pm7'", lang)
    assert joined.count("; ") == 1 and "abc" in joined and "pm7" in joined
    assert reason_text("a message nobody knows", lang) == "a message nobody knows"  # never hidden
    assert "7" in rejected_summary("3 of 7 rows rejected, nothing was committed:\n  line 2: x\n", lang)
    assert set(catalogue(lang)) >= {k for k in catalogue("en") if k.startswith("ingestmsg.")}


def test_inspector_sees_rejections_in_kazakh(web: WebEnv) -> None:
    client = web.client("inspector")
    body = (b"site,parameter,time,value,unit,period\n"
            b"web:t,pm25,2025-01-01T00:00:00Z,abc,ug/m3,1h\n"
            b"web:t,pm7,2025-01-01T01:00:00Z,3,ug/m3,1h\n")
    response = client.post("/konaev/inspect/measurements?lang=kk",
                           data={"csrf_token": web.csrf(client), "format": "csv", "site": "", "partial": ""},
                           files={"file": ("bad.csv", body, "text/csv")})
    assert response.status_code == 400
    text = html.unescape(response.text)
    assert "мән 'abc' — сан емес" in text and "белгісіз көрсеткіш 'pm7'" in text, text[-4000:]
    assert "is not a number" not in text and "rows rejected" not in text
    assert "жолы қабылданбады" in text
