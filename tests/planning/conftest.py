"""Fixtures of the planning tests: the embedded Konaev city and its inventory."""

from __future__ import annotations

import pytest

from jasyl.city import City, load_city
from jasyl.inventory import Inventory, compute_inventory


@pytest.fixture(scope="session")
def konaev() -> City:
    return load_city(None)


@pytest.fixture(scope="session")
def konaev_inventory(konaev: City) -> Inventory:
    return compute_inventory(konaev)
