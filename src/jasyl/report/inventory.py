"""Files of ``jasyl inventory``: the sector table as CSV, the detail rows and the JSON."""

from __future__ import annotations

import json
from pathlib import Path

from jasyl.fileio import write_text_atomic
from jasyl.inventory import Inventory
from jasyl.report.tables import csv_text

__all__ = ["inventory_csv", "inventory_json", "write_inventory_files"]


def inventory_csv(inventory: Inventory) -> str:
    """The sector table (one row per GPC reference), with the city and year in front."""
    frame = inventory.sectors()
    frame.insert(0, "city", inventory.city)
    frame.insert(1, "year", inventory.year)
    return csv_text(frame, float_format=None)


def inventory_json(inventory: Inventory) -> str:
    """The inventory's JSON object (``jasyl inventory --format json``)."""
    return json.dumps(inventory.to_dict(), ensure_ascii=False, indent=2, default=str)


def write_inventory_files(out: Path, inventory: Inventory) -> list[Path]:
    """Write inventory.json, inventory.csv and inventory_detail.csv into ``out`` (each atomically)."""
    return [
        write_text_atomic(out / "inventory.json", inventory_json(inventory) + "\n"),
        write_text_atomic(out / "inventory.csv", inventory_csv(inventory)),
        write_text_atomic(out / "inventory_detail.csv", csv_text(inventory.rows, float_format=None)),
    ]
