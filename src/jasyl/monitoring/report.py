"""Self-contained HTML report (opens offline): map of sites and sources, time series, indices, alerts.

Plots are matplotlib SVG embedded in the page; the map is a lon/lat scatter (no tiles, no network).
All text comes from the ``monitor`` message catalogues; numbers are formatted for the language.
"""

from __future__ import annotations

import html
import io
import math
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import Engine

from jasyl.fileio import write_text_atomic
from jasyl.i18n import format_number
from jasyl.i18n import translate as t
from jasyl.monitoring.standards import DEFAULT_TZ, daily_means, find_standard, hourly_means, parameter_def
from jasyl.monitoring.status import site_frame, status

__all__ = ["render_report", "write_report"]

_SOURCE_MARKERS = {"brick_works": "s", "quarry": "^", "sewage_outfall": "v", "boiler_house": "D",
                   "landfill": "X", "other": "o"}


def _svg(fig: Any) -> str:
    import matplotlib
    import matplotlib.pyplot as plt

    buf = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none"}):  # text stays text: smaller and faster
        fig.savefig(buf, format="svg")
    plt.close(fig)
    text = buf.getvalue()
    return text[text.find("<svg"):]


def _map(data: dict[str, Any], lang: str) -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 6))
    for s in data["sources"]:
        if s["latitude"] is None or s["longitude"] is None:
            continue
        ax.scatter(s["longitude"], s["latitude"], marker=_SOURCE_MARKERS.get(s["type"], "o"),
                   c="#b03a2e" if s["status"] in ("operating", "illegal") else "#7f8c8d", s=60, zorder=3)
        label = s["name"] + (" (DEMO)" if s["demo"] else "") + (" ~" if s["approximate_location"] else "")
        ax.annotate(label, (s["longitude"], s["latitude"]), fontsize=7, xytext=(4, 4), textcoords="offset points")
    for s in data["sites"]:
        if s["latitude"] is None or s["longitude"] is None:
            continue
        ax.scatter(s["longitude"], s["latitude"], marker="o", facecolors="none",
                   edgecolors="#1f618d" if s["kind"] != "water_point" else "#17a589", s=90, linewidths=2, zorder=4)
        label = s["name"] + (" ~" if s["approximate_location"] else "")
        ax.annotate(label, (s["longitude"], s["latitude"]), fontsize=7, color="#1f618d", xytext=(4, -10),
                    textcoords="offset points")
    ax.set_xlabel(t("monitor.axis.longitude", lang))
    ax.set_ylabel(t("monitor.axis.latitude", lang))
    ax.set_aspect(1.0 / math.cos(math.radians(43.9)))  # metres per degree at Konaev's latitude
    ax.grid(True, alpha=0.3)
    ax.set_title(t("monitor.report.map_title", lang))
    fig.tight_layout()
    return _svg(fig)


def _site_plot(df: pd.DataFrame, params: list[str], lang: str, demo: bool) -> str:
    """One figure per site: a panel per parameter (hourly and 24-hour means or samples vs the MPC)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ncols = 2 if len(params) > 4 else 1
    nrows = -(-len(params) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(9, 1.9 * nrows + 0.4), squeeze=False, sharex=True)
    for ax, parameter in zip(axes.flat, params, strict=False):
        _panel(ax, df[df["parameter"] == parameter], parameter, lang)
    for ax in list(axes.flat)[len(params):]:
        ax.set_visible(False)
    if demo:
        fig.suptitle("DEMO", color="#b7950b", fontweight="bold")
    fig.tight_layout()
    return _svg(fig)


def _local(index: pd.DatetimeIndex) -> Any:
    """Naive UTC times as naive local times (plotting tz-aware times is much slower)."""
    return index.tz_localize("UTC").tz_convert(DEFAULT_TZ).tz_localize(None).to_numpy()


def _panel(ax: Any, sub: pd.DataFrame, parameter: str, lang: str) -> None:
    import matplotlib.dates as mdates

    pdef = parameter_def(parameter)
    if pdef.medium == "water":
        local = _local(pd.DatetimeIndex(pd.to_datetime(sub["time_utc"])))
        ax.plot(local, sub["value"].to_numpy(), "o-", ms=3, lw=1, label=pdef.label)
        std = find_standard(parameter, "fishery_mpc")
        if std:
            ax.axhline(std.value, color="#c0392b", ls="--", lw=1, label=t("monitor.legend.fishery_mpc", lang))
    else:
        hourly = hourly_means(sub)
        idx = _local(pd.DatetimeIndex(hourly.index))
        ax.plot(idx, hourly.to_numpy(), lw=0.5, color="#85929e", label=t("monitor.legend.hourly", lang))
        daily = daily_means(sub)
        if not daily.empty:
            didx = pd.DatetimeIndex([pd.Timestamp(d) + pd.Timedelta(hours=12) for d in daily.index])
            ax.step(didx.to_numpy(), daily.to_numpy(), where="mid", color="#1f618d", lw=1.4,
                    label=t("monitor.legend.daily", lang))
        for kind, color in (("mpc_one_off", "#c0392b"), ("mpc_daily", "#e67e22")):
            std = find_standard(parameter, kind)
            if std:
                ax.axhline(std.value, color=color, ls="--", lw=1, label=t(f"monitor.legend.{kind}", lang))
    locator = mdates.AutoDateLocator(minticks=3, maxticks=6)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    ax.set_title(f"{pdef.label}, {pdef.unit}", fontsize=9, loc="left")
    ax.tick_params(labelsize=7)
    ax.legend(fontsize=6, loc="upper right")
    ax.grid(True, alpha=0.3)


def _num(x: Any, lang: str, digits: int = 2) -> str:
    return "-" if x is None else format_number(float(x), lang, digits)


def render_report(engine: Engine, lang: str, site_codes: list[str] | None = None) -> str:
    data = status(engine, site_codes)
    e = html.escape
    parts = [f"<!DOCTYPE html><html lang='{lang}'><head><meta charset='utf-8'>",
             f"<title>{e(t('monitor.report.title', lang))}</title><style>",
             "body{font-family:sans-serif;max-width:1000px;margin:auto;padding:1em;color:#222}",
             "table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:2px 6px;"
             "font-size:90%}th{background:#eee}.demo{background:#fff3cd;border:2px solid #e0a800;padding:.5em;"
             "font-weight:bold}.tag{background:#e0a800;color:#000;padding:0 4px;border-radius:3px}"
             "svg{max-width:100%;height:auto}</style></head><body>",
             f"<h1>{e(t('monitor.report.title', lang))}</h1>",
             f"<p>{e(t('monitor.report.database', lang))}: {e(data['database'])}</p>"]
    if data["demo_data_present"]:
        parts.append(f"<p class='demo'>{e(t('monitor.demo_banner', lang))}</p>")
    parts.append(f"<h2>{e(t('monitor.report.map_title', lang))}</h2>")
    parts.append(_map(data, lang))
    parts.append(f"<p>{e(t('monitor.report.map_note', lang))}</p>")
    # sources table
    parts.append(f"<h2>{e(t('monitor.report.sources', lang))}</h2><table><tr>")
    for key in ("name", "type", "status", "location", "notes"):
        parts.append(f"<th>{e(t('monitor.col.' + key, lang))}</th>")
    parts.append("</tr>")
    for s in data["sources"]:
        loc = "-" if s["latitude"] is None else (
            f"{_num(s['latitude'], lang, 3)}, {_num(s['longitude'], lang, 3)}"
            + (f" ({t('monitor.approximate', lang)})" if s["approximate_location"] else ""))
        tag = "<span class='tag'>DEMO</span> " if s["demo"] else ""
        parts.append(f"<tr><td>{tag}{e(s['name'])}</td><td>{e(t('monitor.source_type.' + s['type'], lang))}</td>"
                     f"<td>{e(t('monitor.source_status.' + s['status'], lang))}</td><td>{e(loc)}</td>"
                     f"<td>{e(s['notes'] or '')}</td></tr>")
    parts.append("</table>")
    # sites
    for s in data["sites"]:
        tag = "<span class='tag'>DEMO</span> " if s["demo"] else ""
        parts.append(f"<h2>{tag}{e(s['name'])} <small>({e(s['code'])})</small></h2>")
        parts.append(f"<p>{e(t('monitor.site_kind.' + s['kind'], lang))}</p>")
        if not s["latest"]:
            parts.append(f"<p>{e(t('monitor.report.no_data', lang))}</p>")
            continue
        parts.append("<table><tr>")
        for key in ("parameter", "time", "value", "unit", "mpc_ratio"):
            parts.append(f"<th>{e(t('monitor.col.' + key, lang))}</th>")
        parts.append("</tr>")
        for r in s["latest"]:
            parts.append(f"<tr><td>{e(r['parameter_label'])}</td><td>{e(r['time_utc'][:16].replace('T', ' '))} UTC</td>"
                         f"<td>{_num(r['value'], lang, 3)}</td><td>{e(r['unit'])}</td>"
                         f"<td>{_num(r['ratio_to_mpc'], lang)}</td></tr>")
        parts.append("</table>")
        a = s.get("aqi")
        if a and a.get("index") is not None:
            parts.append(f"<p><b>{e(t('monitor.aqi', lang))}</b>: {a['index']} "
                         f"({e(t('monitor.aqi_cat.' + a['category'], lang))}, {e(a['pollutant'])}, "
                         f"{e(a['day_local'])})</p>")
        k = s.get("kazhydromet")
        if k:
            items = []
            for idx, key in (("si", "si_max"), ("np", "np_max"), ("iza", "iza5")):
                if k.get(key) is not None:
                    items.append(f"{e(t('monitor.index.' + idx, lang))}: {_num(k[key], lang)} "
                                 f"({e(t('monitor.level.' + k[idx + '_level'], lang))})")
            parts.append(f"<p><b>{e(t('monitor.kazhydromet', lang))}</b> "
                         f"({e(t('monitor.report.window', lang, days=k['window_days']))}): {'; '.join(items)}</p>")
        w = s.get("water", {}).get("izv")
        if w:
            parts.append(f"<p><b>{e(t('monitor.index.izv', lang))}</b>: {_num(w['value'], lang)} "
                         f"({e(t('monitor.izv.' + w['name'], lang))}, {e(w['class'])})</p>")
        over = [x for x in s["exceedances"] if x["exceedances"]]
        if over:
            parts.append(f"<h3>{e(t('monitor.exceedances', lang))}</h3><table><tr>")
            for key in ("standard", "averaging", "limit", "count", "worst"):
                parts.append(f"<th>{e(t('monitor.col.' + key, lang))}</th>")
            parts.append("</tr>")
            for x in over:
                parts.append(f"<tr><td>{e(x['standard_id'])}</td><td>{e(x['averaging'])}</td>"
                             f"<td>{_num(x['limit'], lang, 3)} {e(x['unit'])}</td>"
                             f"<td>{x['exceedances']} / {x['periods']}</td>"
                             f"<td>{_num(x['worst'], lang, 3)} ({_num(x['worst_ratio'], lang)}x)</td></tr>")
            parts.append("</table>")
        parts.append(f"<p><b>{e(t('monitor.open_alerts', lang))}</b>: {s.get('open_alerts_total', 0)}</p>")
        if s["open_alerts"]:
            parts.append("<table><tr>")
            for key in ("rule", "parameter", "period", "value", "standard", "ratio"):
                parts.append(f"<th>{e(t('monitor.col.' + key, lang))}</th>")
            parts.append("</tr>")
            for al in s["open_alerts"][:10]:
                parts.append(f"<tr><td>{e(al['rule'])}</td><td>{e(al['parameter'])}</td>"
                             f"<td>{e(al['period_start_utc'][:16])}</td><td>{_num(al['value'], lang, 3)} "
                             f"{e(al['unit'])}</td><td>{e(al['standard'])}</td><td>{_num(al['ratio'], lang)}</td></tr>")
            parts.append("</table>")
        site_id = _site_id(engine, s["code"])
        df = site_frame(engine, site_id)
        if not df.empty:
            end = df["time_utc"].max()
            df = df[df["time_utc"] > end - pd.Timedelta(days=365)]
            params = [p for p in sorted(df["parameter"].unique()) if parameter_def(p).medium in ("air", "water")]
            if params:
                parts.append(f"<h3>{e(t('monitor.report.timeseries', lang))}</h3>")
                parts.append(_site_plot(df, params, lang, s["demo"]))
    parts.append(f"<h2>{e(t('monitor.report.notes', lang))}</h2><ul>")
    for key in ("demo", "legal", "mpc_one_off", "water_gap", "times"):
        parts.append(f"<li>{e(t('monitor.note.' + key, lang))}</li>")
    parts.append("</ul></body></html>")
    return "\n".join(parts)


def _site_id(engine: Engine, code: str) -> int:
    from sqlalchemy import select

    from jasyl.monitoring.models import Site

    with engine.connect() as conn:
        return int(conn.scalar(select(Site.id).where(Site.code == code)) or 0)


def write_report(engine: Engine, out: Path, lang: str, site_codes: list[str] | None = None) -> Path:
    """Write ``OUT/monitoring-report.<lang>.html`` atomically (other languages' files are kept)."""
    text = render_report(engine, lang, site_codes)
    return write_text_atomic(Path(out) / f"monitoring-report.{lang}.html", text)
