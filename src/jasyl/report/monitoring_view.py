"""The monitoring status as readers see it: every name, unit, averaging period and time in their
language (Asia/Almaty local time), numbers formatted for it. Shared by the web's "air and water now"
page and the static monitoring report. Formats only; the figures are :func:`jasyl.monitoring.status.status`'s.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from jasyl.i18n import translate
from jasyl.monitoring.history import MIN_DAYS_FOR_ANNUAL, ParameterHistory
from jasyl.monitoring.standards import parameters
from jasyl.report import air_charts as C
from jasyl.report.monitor_labels import MonitorLabels
from jasyl.report.vegalite import Chart

__all__ = ["site_views", "source_rows", "alert_rows", "history_summary", "history_charts", "aqi_pollutant_label"]


def _p(key: str, lang: str, **values: Any) -> str:
    return translate("pages.air." + key, lang, **values)


def aqi_pollutant_label(key: str | None, lab: MonitorLabels) -> str:
    """``pm25_24h`` -> ``PM2.5 (fine particles), 24-hour mean``."""
    if not key:
        return ""
    parameter, _, averaging = key.rpartition("_")
    return f"{lab.parameter(parameter)}, {lab.averaging(averaging)}"


def source_rows(status: Mapping[str, Any], lang: str) -> list[dict[str, Any]]:
    lab = MonitorLabels(lang)
    rows = []
    for s in status.get("sources", []):
        demo = bool(s.get("demo"))
        loc = None
        if s.get("latitude") is not None and s.get("longitude") is not None:
            loc = f"{lab.num(s['latitude'], 3)}, {lab.num(s['longitude'], 3)}"
        rows.append({"id": s.get("id"), "name": lab.source_name(str(s["name"]), demo),
                     "type": lab.source_type(str(s["type"])), "status": lab.source_status(str(s["status"])),
                     "status_id": s["status"], "operator": lab.operator(s.get("operator"), demo),
                     "notes": lab.source_notes(str(s["name"]), s.get("notes"), demo), "location": loc,
                     "approximate": bool(s.get("approximate_location")), "demo": demo})
    return rows


def alert_rows(site: Mapping[str, Any], lang: str, limit: int = 10) -> list[dict[str, Any]]:
    """A site's open alerts (newest first) with every name in ``lang`` and local times."""
    lab = MonitorLabels(lang)
    rows = []
    for a in list(site.get("open_alerts") or [])[:limit]:
        rows.append({"rule": lab.rule(str(a["rule"])), "severity": lab.severity(str(a["severity"])),
                     "parameter": lab.parameter(str(a["parameter"])), "averaging": lab.averaging(str(a["averaging"])),
                     "period": lab.local_time(a["period_start_utc"], with_zone=False),
                     "value": f"{lab.sig(a.get('value'))} {lab.unit(str(a.get('unit', '')))}",
                     "standard": lab.standard(str(a["standard"])), "ratio": lab.num(a.get("ratio"), 2)})
    return rows


def site_views(status: Mapping[str, Any], lang: str, site_ids: Mapping[str, int] | None = None) -> list[dict[str, Any]]:
    """One dict per site for a page: ``name``, ``kind``, ``latest`` rows, ``aqi``, ``kazhydromet``,
    ``water``, ``exceedances`` rows, ``open_alerts`` and flags (demo, approximate)."""
    lab = MonitorLabels(lang)
    out = []
    order = list(parameters())
    kinds = {"air_station": 0, "sensor": 1, "water_point": 2}
    sites = sorted(status.get("sites", []), key=lambda x: (kinds.get(str(x.get("kind")), 3), bool(x.get("demo"))))
    for s in sites:
        demo = bool(s.get("demo"))
        view: dict[str, Any] = {
            "code": s["code"], "id": (site_ids or {}).get(s["code"]),
            "name": lab.site_name(str(s["code"]), str(s["name"]), demo), "kind": lab.site_kind(str(s["kind"])),
            "kind_id": s["kind"], "demo": demo, "approximate": bool(s.get("approximate_location")),
            "open_alerts": int(s.get("open_alerts_total", 0) or 0), "latest": [], "exceedances": [],
            "alerts": alert_rows(s, lang)}
        latest = sorted(s.get("latest", []), key=lambda r: order.index(r["parameter"]) if r["parameter"] in order
                        else len(order))
        for r in latest:
            view["latest"].append({
                "parameter": lab.parameter(str(r["parameter"])), "parameter_id": r["parameter"],
                "value": lab.sig(r.get("value")), "unit": lab.unit(str(r.get("unit", ""))),
                "averaging": lab.period(int(r.get("period_s", 0))),
                "time": lab.local_time(r["time_utc"], with_zone=False),
                "mpc_ratio": lab.num(r["ratio_to_mpc"], 2) if r.get("ratio_to_mpc") is not None else "—",
                "over": bool(r.get("ratio_to_mpc") is not None and float(r["ratio_to_mpc"]) > 1.0)})
        aqi = s.get("aqi") or {}
        if aqi.get("index") is not None:
            view["aqi"] = {"index": aqi["index"], "category": lab.aqi_category(aqi.get("category")),
                           "category_id": aqi.get("category"),
                           "pollutant": aqi_pollutant_label(aqi.get("pollutant"), lab),
                           "basis": lab.t("aqi_basis", day=lab.local_date(aqi["day_local"]))}
        k = s.get("kazhydromet") or {}
        if k:
            items = []
            if k.get("si_max") is not None:
                items.append(_p("si", lang, value=lab.num(k["si_max"], 2), level=lab.level(k.get("si_level"))))
            if k.get("np_max") is not None:
                items.append(_p("np", lang, value=lab.num(k["np_max"], 1), level=lab.level(k.get("np_level"))))
            if k.get("iza5") is not None:
                items.append(_p("iza", lang, value=lab.num(k["iza5"], 2), level=lab.level(k.get("iza_level"))))
            view["kazhydromet"] = {"items": items, "basis": lab.t("kazhydromet_basis", days=k.get("window_days", 30))}
        w = (s.get("water") or {}).get("izv")
        if w:
            view["water"] = {"text": _p("izv", lang, value=lab.num(w["value"], 2), name=lab._or(f"izv.{w['name']}",
                                                                                                 str(w["name"])),
                                        klass=w["class"]), "basis": lab.t("izv_basis")}
        for x in s.get("exceedances", []):
            if not x.get("periods"):
                continue
            view["exceedances"].append({
                "standard": lab.standard(str(x["standard_id"])), "body": x.get("body"),
                "averaging": lab.averaging(str(x["averaging"])),
                "limit": f"{lab.sig(x['limit'])} {lab.unit(str(x['unit']))}",
                "count": f"{x['exceedances']} / {x['periods']}", "over": int(x["exceedances"]) > 0,
                "worst": f"{lab.sig(x.get('worst'))} ({lab.num(x.get('worst_ratio'), 2)}×)"
                if x.get("worst") is not None else "—",
                "status": lab.standard_status(str(x.get("status", "")))})
        out.append(view)
    return out


def history_summary(history: ParameterHistory, lang: str) -> list[str]:
    """Sentences under a site's 12-month charts (mean vs the WHO annual guideline, days above limits)."""
    lab = MonitorLabels(lang)
    unit = lab.unit(history.unit)
    out: list[str] = []
    if history.medium != "air":
        return [_p("water_samples", lang)]
    if history.twelve_month_mean is not None:
        who_y = history.standard("WHO", "annual")
        if who_y is not None:
            out.append(_p("twelve_month_text", lang, days=history.twelve_month_days,
                          mean=lab.sig(history.twelve_month_mean), unit=unit, who=lab.sig(who_y.value),
                          ratio=lab.num(history.twelve_month_mean / who_y.value, 1)))
        else:
            out.append(_p("twelve_month_no_who", lang, days=history.twelve_month_days,
                          mean=lab.sig(history.twelve_month_mean), unit=unit))
        if history.twelve_month_days < MIN_DAYS_FOR_ANNUAL:
            out.append(_p("twelve_month_incomplete", lang))
    total = len(history.daily)
    who_d = history.standard("WHO", "24h")
    if total and who_d is not None:
        out.append(_p("days_above", lang, n=history.days_above(who_d.value), total=total, who=lab.sig(who_d.value),
                      unit=unit))
    mpc_d = next((s for s in history.standards if s.kind == "mpc_daily"), None)
    if total and mpc_d is not None:
        out.append(_p("days_above_mpc", lang, n=history.days_above(mpc_d.value), total=total, mpc=lab.sig(mpc_d.value),
                      unit=unit))
    return out


def history_charts(history: ParameterHistory, lang: str, *, demo: bool, site_key: str,
                   sources: Sequence[str] = ()) -> dict[str, Chart]:
    """``daily`` (24-hour means or water samples against their limits) and, for air, ``year`` (monthly
    means against the WHO annual guideline) of one site and parameter."""
    lab = MonitorLabels(lang)
    label = lab.parameter(history.parameter)
    unit = lab.unit(history.unit)
    src = [translate("charts.source.measurements", lang), *sources]
    charts: dict[str, Chart] = {}
    if history.medium == "air":
        limits = []
        who_d = history.standard("WHO", "24h")
        if who_d is not None:
            limits.append({"label": _p("limit.who_24h", lang), "value": who_d.value, "color": "#c0392b"})
        mpc_d = next((s for s in history.standards if s.kind == "mpc_daily"), None)
        if mpc_d is not None:
            limits.append({"label": _p("limit.mpc_daily", lang), "value": mpc_d.value, "color": "#e67e22"})
        std_src = [translate("charts.source.who", lang), translate("charts.source.mpc", lang)]
        charts["daily"] = C.air_daily_chart(history.daily, lang=lang, parameter_label=label, unit_label=unit,
                                            limits=limits, demo=demo, sources=[*src, *std_src],
                                            chart_id=f"chart-{site_key}-{history.parameter}-daily")
        who_y = history.standard("WHO", "annual")
        charts["year"] = C.air_year_chart(history.monthly, lang=lang, parameter_label=label, unit_label=unit,
                                          annual_mean=history.twelve_month_mean,
                                          guideline=who_y.value if who_y else None,
                                          guideline_label=_p("limit.who_annual", lang), demo=demo,
                                          sources=[*src, translate("charts.source.who", lang)],
                                          chart_id=f"chart-{site_key}-{history.parameter}-year")
    else:
        samples = history.samples
        local = pd.to_datetime(samples["time_utc"]).dt.tz_localize("UTC").dt.tz_convert(lab.tz) if not samples.empty \
            else pd.Series(dtype=object)
        dates = [str(d) for d in local.dt.date] if not samples.empty else []
        table = pd.DataFrame({"date": dates, "value": samples["value"] if not samples.empty else []})
        fishery = next((s for s in history.standards if s.kind == "fishery_mpc"), None)
        limits = [{"label": _p("limit.fishery", lang), "value": fishery.value, "color": "#c0392b"}] if fishery else []
        charts["daily"] = C.air_daily_chart(table, lang=lang, parameter_label=label, unit_label=unit, limits=limits,
                                            demo=demo, sources=[*src, translate("charts.source.fishery", lang)],
                                            chart_id=f"chart-{site_key}-{history.parameter}-daily",
                                            title=_p("samples_title", lang, parameter=label),
                                            averaging=lab.averaging("sample"))
    return charts
