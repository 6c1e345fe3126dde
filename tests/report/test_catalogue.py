"""The plan catalogues: same keys and placeholders in en, ru and kk; every key the code uses exists."""

from __future__ import annotations

import re
import string
from importlib import resources
from pathlib import Path

import pytest
import yaml

from jasyl.city import VEHICLE_CLASSES
from jasyl.i18n import catalogue
from jasyl.inventory import GPC_REFERENCES
from jasyl.report import Labels
from jasyl.technologies import load_catalogue

SRC = Path(__file__).resolve().parents[2] / "src" / "jasyl"
LANGS = ("en", "ru", "kk")


def _catalogue(lang: str) -> dict[str, str]:
    """The plan report's messages: ``plan.<lang>.yaml`` and ``tradeoff.<lang>.yaml`` (its trade-off section)."""
    out: dict[str, str] = {}
    for domain in ("plan", "tradeoff"):
        text = resources.files("jasyl.i18n").joinpath(f"{domain}.{lang}.yaml").read_text(encoding="utf-8")
        out.update({str(k): str(v) for k, v in yaml.safe_load(text).items()})
    return out


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_same_keys_and_placeholders_as_english(lang: str) -> None:
    en, other = _catalogue("en"), _catalogue(lang)
    assert set(other) == set(en), f"missing: {sorted(set(en) - set(other))}, extra: {sorted(set(other) - set(en))}"
    for key, text in en.items():
        assert _placeholders(other[key]) == _placeholders(text), key
        assert other[key].strip(), key


def test_keys_are_in_the_plan_domain() -> None:
    assert all(k.startswith("plan.") for k in _catalogue("en"))


def test_kazakh_is_cyrillic_and_not_a_copy_of_russian() -> None:
    kk, ru, en = _catalogue("kk"), _catalogue("ru"), _catalogue("en")
    kazakh_letters = set("әғқңөұүһіӘҒҚҢӨҰҮҺІ")
    assert sum(any(ch in kazakh_letters for ch in v) for v in kk.values()) > 0.4 * len(kk)
    latin_words = re.compile(r"\b[A-Za-z]{4,}\b")
    allowed = {"GPC", "BASIC", "jasyl", "inventory", "Natural", "Earth", "Asia", "Almaty", "USD", "HiGHS", "IPCC",
               "weather", "plan", "target", "hours", "data", "geo", "cities"}
    for key, raw in kk.items():
        text = re.sub(r"\{[^}]*\}", "", raw)
        stray = {w for w in latin_words.findall(text) if w not in allowed and f"--{w}" not in text}
        assert not stray, f"{key}: Latin words {stray} in the Kazakh text"
    same_as_ru = [k for k in kk if kk[k] == ru[k] and kk[k] != en[k]]
    assert len(same_as_ru) < 0.1 * len(kk), same_as_ru


def _literal_keys() -> set[str]:
    """Keys written literally in the code (t("...")) and in the templates (t('...'))."""
    keys: set[str] = set()
    # monitor_labels / monitoring_view speak the monitor domain (``monitor.`` keys, tests/report/test_monitor_labels.py)
    other_domains = {"monitor_labels.py", "monitoring_view.py"}
    files = [p for p in (SRC / "report").glob("*.py") if p.name not in other_domains]
    files += [SRC / "cli" / "plan.py", SRC / "cli" / "_console.py"]
    for path in files:
        keys |= set(re.findall(r"""\.t\(\s*["']([a-z0-9_.]+)["']""", path.read_text(encoding="utf-8")))
    for path in (SRC / "report" / "templates").glob("*.j2"):
        if path.name in ("monitoring.html.j2", "tracking.html.j2", "sweep.html.j2"):
            continue  # the monitor, track and sweep domains' pages: their keys are checked with their domains
        keys |= set(re.findall(r"""\bt\(\s*'([a-z0-9_.]+)'""", path.read_text(encoding="utf-8")))
    return {k for k in keys if not k.endswith(".")}  # prefixes of dynamic keys are checked below


def test_every_literal_key_exists_in_every_language() -> None:
    keys = _literal_keys()
    assert len(keys) > 100  # the scan finds the keys (guards against a broken regex)
    for lang in LANGS:
        cat = _catalogue(lang)
        missing = sorted(k for k in keys if f"plan.{k}" not in cat)
        assert not missing, f"{lang}: {missing}"


def _dynamic_keys() -> set[str]:
    """Keys built at run time from domain names."""
    cat = load_catalogue()
    techs = set(cat.generators) | set(cat.storage) | set(cat.converters)
    techs |= {"grid_import", "grid_export", "district_boilers", "building_stoves", "industry_boilers", "demand",
              "curtailment", "ev", "fuel", "ev_vehicles", "fuel_vehicles"}
    sectors = {sec for sec, _, _ in GPC_REFERENCES.values()} | {sub for _, sub, _ in GPC_REFERENCES.values()}
    sectors |= {"electricity", "district_heat", "individual_heat", "industry_heat", "transport", "heat",
                "heat_district", "heat_individual", "heat_industry"}
    keys = {f"tech.{t}" for t in techs} | {f"sector.{s}" for s in sectors}
    keys |= {f"vehicle.{v}" for v in VEHICLE_CLASSES}
    keys |= {f"tech.suffix.{s}" for s in ("energy", "power", "charge", "discharge")}
    keys |= {f"cli.stage.{s}" for s in ("inventory", "profiles", "optimise", "report", "done")}
    keys |= {f"fig.dispatch.{s}" for s in ("winter", "summer", "not_in_horizon_winter", "not_in_horizon_summer")}
    keys |= {f"sources.group.{g}" for g in ("plan", "inventory")}
    keys |= {f"unit.{u}" for u in ("MW", "MW_th", "MWh", "share")}
    keys |= {f"fig.energy.demand.{b}" for b in ("electricity", "heat_district", "heat_individual", "heat_industry")}
    return keys


def test_every_dynamic_key_exists_in_every_language() -> None:
    for lang in LANGS:
        cat = _catalogue(lang)
        missing = sorted(k for k in _dynamic_keys() if f"plan.{k}" not in cat)
        assert not missing, f"{lang}: {missing}"


@pytest.mark.parametrize("lang", LANGS)
def test_composed_technology_names(lang: str) -> None:
    lab = Labels(lang)
    for name in ("battery_energy", "heat_storage_power", "battery_charge", "ev_bus", "fuel_heavy_truck",
                 "ev_passenger_car", "pv_fixed"):
        text = lab.tech(name)
        assert text != name.replace("_", " ") and "{" not in text, (lang, name, text)
    assert lab.tech("pv_fixed") != Labels("en").tech("pv_fixed") or lang == "en"


def test_monitoring_template_keys_exist_in_every_language() -> None:
    text = (SRC / "report" / "templates" / "monitoring.html.j2").read_text(encoding="utf-8")
    keys = {k for k in re.findall(r"""\bt\(\s*'([a-z0-9_.]+)'""", text) if not k.endswith(".")}
    assert len(keys) > 10
    for lang in LANGS:
        missing = sorted(k for k in keys if k not in catalogue(lang))
        assert not missing, f"{lang}: {missing}"
