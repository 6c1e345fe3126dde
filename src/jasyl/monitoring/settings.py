"""Labelled settings kept in the store (``settings`` table), with their defaults, status and meaning.

Each setting has a default from the data files (where no official figure was found, the default is the
neutral value and the status says so). ``jasyl monitor settings`` lists them, ``set``/``unset`` change them;
the web platform's admin pages do the same. Every output that depends on a setting names the value used.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

import yaml
from sqlalchemy import Connection, Engine, delete, select
from sqlalchemy.dialects import postgresql, sqlite

from jasyl.errors import InputError
from jasyl.monitoring.air_limits import check_variant, setting_keys, variant_data, variant_names
from jasyl.monitoring.fees import fee_schedule
from jasyl.monitoring.water_classes import load_table, parse_table
from jasyl.store.engine import utcnow
from jasyl.store.tracking import Setting

__all__ = ["SettingDef", "definitions", "get_settings", "read_settings", "set_setting", "unset_setting",
           "list_settings", "class_table_from_settings"]


@dataclass(frozen=True)
class SettingDef:
    key: str
    default: str
    status: str
    note: str
    check: Callable[[str], str]


def _number(key: str, low: float, high: float) -> Callable[[str], str]:
    def check(value: str) -> str:
        try:
            x = float(value)
        except ValueError:
            raise InputError(f"'{value}' is not a number", field=key, fix=f"a number in {low:g}..{high:g}") from None
        if not math.isfinite(x) or not low <= x <= high:
            raise InputError(f"{value} is out of range", field=key, fix=f"a number in {low:g}..{high:g}")
        return f"{x:g}"
    return check


def _class_table(value: str) -> str:
    """A user class table is stored as its YAML text (checked here); empty = the shipped Order 111-НҚ table."""
    if value.strip() == "":
        return ""
    try:
        data = yaml.safe_load(value)
    except yaml.YAMLError as exc:
        raise InputError(f"the class table is not valid YAML: {exc}", field="water.class_table",
                         fix="give a YAML table (see docs/monitoring.md)") from None
    parse_table(data, "water.class_table")
    return value


def definitions() -> dict[str, SettingDef]:
    air = variant_data()
    out: dict[str, SettingDef] = {}
    for key in setting_keys():
        base = key == air["setting"]
        out[key] = SettingDef(
            key=key, default=str(air["default"]) if base else "",
            status="sources conflict (" + ", ".join(f"{v}: {air['variants'][v]['status']}" for v in variant_names())
                   + ")",
            note=("Kazakh daily MPC variant for NO2, O3 and NH3: " + "; ".join(
                f"{v} = {air['variants'][v]['label']}" for v in variant_names())) if base
            else f"variant for {key.rsplit('.', 1)[1].upper()} only (empty: follow {air['setting']})",
            check=partial(check_variant, key))
    for key, spec in fee_schedule().settings.items():
        out[key] = SettingDef(key=key, default=f"{float(spec['default']):g}", status=str(spec["status"]),
                              note=str(spec["note"]), check=_number(key, 1e-6, 1e6))
    out["tracking.tolerance_pct"] = SettingDef(
        key="tracking.tolerance_pct", default="5", status="jasyl convention",
        note="an indicator within +- this many per cent of its planned value is on track", check=_number(
            "tracking.tolerance_pct", 0.0, 100.0))
    out["tracking.min_coverage_pct"] = SettingDef(
        key="tracking.min_coverage_pct", default="50", status="jasyl convention",
        note="an emissions indicator is compared only when at least this share of its CO2e rests on reported "
             "figures (the rest comes from the city file)", check=_number("tracking.min_coverage_pct", 0.0, 100.0))
    out["water.class_table"] = SettingDef(
        key="water.class_table", default="", status="override",
        note="a user-loaded water class table (YAML text) that replaces the shipped Order 111-НҚ table; empty: "
             "the shipped table", check=_class_table)
    return out


def read_settings(conn: Connection) -> dict[str, str]:
    """Every setting's value in force (stored, else the default), read on an open connection."""
    defs = definitions()
    values = {k: d.default for k, d in defs.items()}
    for key, value in conn.execute(select(Setting.key, Setting.value)):
        if key in defs:
            values[key] = value
    return values


def get_settings(engine: Engine) -> dict[str, str]:
    """Every setting's value in force (stored, else the default)."""
    with engine.connect() as conn:
        return read_settings(conn)


def _check_key(key: str) -> SettingDef:
    defs = definitions()
    if key not in defs:
        raise InputError(f"unknown setting '{key}'", field="key", fix="use one of " + ", ".join(defs))
    return defs[key]


def set_setting(engine: Engine, key: str, value: str) -> str:
    """Store ``value`` for ``key`` (checked); returns the stored text."""
    checked = _check_key(key).check(value)
    row = {"key": key, "value": checked, "updated_at": utcnow()}
    with engine.begin() as conn:
        table: Any = Setting.__table__
        ins: Any = sqlite.insert(table) if conn.dialect.name == "sqlite" else postgresql.insert(table)
        conn.execute(ins.on_conflict_do_update(index_elements=["key"],
                                               set_={"value": checked, "updated_at": row["updated_at"]}), [row])
    return checked


def unset_setting(engine: Engine, key: str) -> None:
    """Back to the default."""
    _check_key(key)
    with engine.begin() as conn:
        conn.execute(delete(Setting).where(Setting.key == key))


def list_settings(engine: Engine) -> list[dict[str, Any]]:
    defs = definitions()
    values = get_settings(engine)
    return [{"key": k, "value": values[k], "default": d.default, "is_default": values[k] == d.default,
             "status": d.status, "note": d.note} for k, d in defs.items()]


def class_table_from_settings(settings: dict[str, str]) -> Any:
    """The water class table in force: the user's (setting ``water.class_table``) or the shipped one."""
    text = settings.get("water.class_table", "")
    if not text.strip():
        return load_table()
    return parse_table(yaml.safe_load(text), "water.class_table (user table)")
