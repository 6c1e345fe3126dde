"""Fixtures of the report tests: the embedded Konaev city and inventory with a synthetic plan."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from jasyl.city import City, load_city
from jasyl.inventory import Inventory, compute_inventory
from jasyl.report import Labels, ReportContext
from tests.report.synthetic import synthetic_result


@pytest.fixture(scope="session")
def konaev() -> City:
    return load_city(None)


@pytest.fixture(scope="session")
def konaev_inventory(konaev: City) -> Inventory:
    return compute_inventory(konaev)


def make_context(city: City, inventory: Inventory, lang: str = "en", hours: int = 336,
                 start: str = "2025-01-01") -> ReportContext:
    return ReportContext(
        city=city,
        inventory=inventory,
        result=synthetic_result(hours, start),
        labels=Labels(lang),
        generated_utc=datetime(2026, 1, 15, 9, 30, tzinfo=UTC),
        options={"weather_source": "test weather", "weather_synthetic": True},
    )


@pytest.fixture(scope="session")
def reports(konaev: City, konaev_inventory: Inventory) -> dict[str, str]:
    """The report of the synthetic plan in each language, built once for the read-only tests."""
    from jasyl.report import build_report

    return {lang: build_report(make_context(konaev, konaev_inventory, lang)) for lang in ("en", "ru", "kk")}


@pytest.fixture
def ctx(konaev: City, konaev_inventory: Inventory) -> ReportContext:
    return make_context(konaev, konaev_inventory)
