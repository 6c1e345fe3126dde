"""DEMO actuals for Konaev (``data/tracking/demo_konaev_actuals.csv``): invented figures, labelled DEMO in every
output, so that a fresh install shows progress tracking. Loaded by ``jasyl monitor init`` (with the rest of
the demo), removed by ``jasyl monitor init --remove-demo``."""

from __future__ import annotations

import hashlib
from datetime import date
from importlib import resources

from sqlalchemy import Engine

from jasyl.tracking.actuals import read_actuals
from jasyl.tracking.store import remove_demo_actuals, store_rows

__all__ = ["load_demo_actuals", "remove_demo_actuals", "DEMO_CITY", "DEMO_FILE"]

DEMO_CITY = "konaev"
DEMO_FILE = "demo_konaev_actuals.csv"


def load_demo_actuals(engine: Engine) -> int:
    """Store the demo actuals (idempotent); returns the rows inserted or changed."""
    ref = resources.files("jasyl") / "data" / "tracking" / DEMO_FILE
    with resources.as_file(ref) as path:
        result = read_actuals(path, today=date.max)  # invented figures: no date check
        if result.errors:  # pragma: no cover - the shipped file is checked by the tests
            raise ValueError(f"{DEMO_FILE}: {result.errors[0]}")
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        ins, upd, _ = store_rows(engine, result.rows, city=DEMO_CITY, file=f"DEMO: data/tracking/{DEMO_FILE}",
                                 sha256=digest, fmt="csv", rows_read=result.rows_read, rows_rejected=0, demo=True)
    return ins + upd
