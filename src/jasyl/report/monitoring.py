"""The monitoring report: a self-contained HTML page (opens offline) with a map of sites and sources
(numbered markers over the offline Natural Earth base), time series, indices and alerts; every name
(standards, rules, parameters, demo sites and sources) in the reader's language, times in local time.

It draws from :func:`jasyl.monitoring.status.report_data` (read from the database before rendering;
nothing here touches the database). Plots are :class:`~matplotlib.figure.Figure` objects exported by
:mod:`jasyl.report.svg` (no pyplot state, unique ids per figure); the page is the Jinja2 template
``monitoring.html.j2``; all text comes from the ``monitor`` message catalogues.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import matplotlib.dates as mdates
import pandas as pd
from matplotlib.axes import Axes

from jasyl.fileio import write_text_atomic
from jasyl.i18n import format_number, translate
from jasyl.monitoring.standards import DEFAULT_TZ, daily_means, find_standard, hourly_means, parameter_def
from jasyl.report.air_charts import monitoring_map_chart
from jasyl.report.geojson import base_geojson, monitoring_geojson
from jasyl.report.html import render
from jasyl.report.monitor_labels import MonitorLabels
from jasyl.report.monitoring_view import site_views, source_rows
from jasyl.report.svg import new_figure, to_svg
from jasyl.report.vegalite import chart_svg

__all__ = ["render_report", "write_report", "site_figure_id", "MAP_FIGURE_ID"]

MAP_FIGURE_ID = "fig-monitor-map"


def site_figure_id(code: str) -> str:
    """HTML id of a site's time-series figure (``fig-site-demo-konaev-air``)."""
    return "fig-site-" + re.sub(r"[^a-z0-9]+", "-", code.lower()).strip("-")


def _map(data: dict[str, Any], lang: str) -> tuple[str, list[dict[str, Any]]]:
    """A map of sites and sources over the offline Natural Earth base (Vega-Lite, rendered to SVG),
    with numbered markers, and the table of numbers (so labels never overlap)."""
    layer = monitoring_geojson(data, lang)
    chart = monitoring_map_chart(layer, base_geojson(lang), lang=lang,
                                 title=translate("monitor.report.map_title", lang),
                                 chart_id=MAP_FIGURE_ID)
    lab = MonitorLabels(lang)
    legend = [{"number": int(r.number), "name": r.name, "what": r.kind, "status": r.status,
               "layer": r.layer, "demo": bool(r.demo), "approximate": bool(r.approximate),
               "where": f"{lab.num(r.latitude, 3)}, {lab.num(r.longitude, 3)}"} for r in chart.data.itertuples()]
    return chart_svg(chart.spec, MAP_FIGURE_ID, title=chart.title), legend


def _site_plot(code: str, df: pd.DataFrame, params: list[str], lang: str, demo: bool) -> str:
    """One figure per site: a panel per parameter (hourly and 24-hour means or samples vs the MPC)."""
    ncols = 2 if len(params) > 4 else 1
    nrows = -(-len(params) // ncols)
    fig, axes = new_figure(9.0, 1.9 * nrows + 0.4, nrows=nrows, ncols=ncols, squeeze=False, sharex=True,
                           layout="tight")
    for ax, parameter in zip(axes.flat, params, strict=False):
        _panel(ax, df[df["parameter"] == parameter], parameter, lang)
    for ax in list(axes.flat)[len(params):]:
        ax.set_visible(False)
    if demo:
        fig.suptitle(translate("monitor.demo_tag", lang), color="#b7950b", fontweight="bold")
    return to_svg(fig, site_figure_id(code), translate("monitor.report.timeseries", lang))


def _local(index: pd.DatetimeIndex) -> Any:
    """Naive UTC times as naive local times (plotting tz-aware times is much slower)."""
    return index.tz_localize("UTC").tz_convert(DEFAULT_TZ).tz_localize(None).to_numpy()


def _panel(ax: Axes, sub: pd.DataFrame, parameter: str, lang: str) -> None:
    pdef = parameter_def(parameter)
    if pdef.medium == "water":
        local = _local(pd.DatetimeIndex(pd.to_datetime(sub["time_utc"])))
        ax.plot(local, sub["value"].to_numpy(), "o-", ms=3, lw=1,
                label=MonitorLabels(lang).averaging("sample"))
        std = find_standard(parameter, "fishery_mpc")
        if std:
            ax.axhline(std.value, color="#c0392b", ls="--", lw=1, label=translate("monitor.legend.fishery_mpc", lang))
    else:
        hourly = hourly_means(sub)
        idx = _local(pd.DatetimeIndex(hourly.index))
        ax.plot(idx, hourly.to_numpy(), lw=0.5, color="#85929e", label=translate("monitor.legend.hourly", lang))
        daily = daily_means(sub)
        if not daily.empty:
            didx = pd.DatetimeIndex([pd.Timestamp(d) + pd.Timedelta(hours=12) for d in daily.index])
            ax.step(didx.to_numpy(), daily.to_numpy(), where="mid", color="#1f618d", lw=1.4,
                    label=translate("monitor.legend.daily", lang))
        for kind, color in (("mpc_one_off", "#c0392b"), ("mpc_daily", "#e67e22")):
            std = find_standard(parameter, kind)
            if std:
                ax.axhline(std.value, color=color, ls="--", lw=1, label=translate(f"monitor.legend.{kind}", lang))
    locator = mdates.AutoDateLocator(minticks=3, maxticks=6)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    lab = MonitorLabels(lang)
    ax.set_title(f"{lab.parameter(parameter)}, {lab.unit(pdef.unit)}", fontsize=9, loc="left")
    ax.tick_params(labelsize=7)
    ax.legend(fontsize=6, loc="upper right")
    ax.grid(True, alpha=0.3)


def render_report(data: dict[str, Any], lang: str) -> str:
    """The HTML page of ``data`` (from :func:`jasyl.monitoring.status.report_data`) in ``lang``."""
    site_svgs: dict[str, str] = {}
    for site in data["sites"]:
        df = data["frames"].get(site["code"])
        if not site["latest"] or df is None or df.empty:
            continue
        params = [p for p in sorted(df["parameter"].unique()) if parameter_def(p).medium in ("air", "water")]
        if params:
            site_svgs[site["code"]] = _site_plot(site["code"], df, params, lang, site["demo"])

    def num(x: Any, digits: int = 2) -> str:
        return "-" if x is None else format_number(float(x), lang, digits)

    map_svg, map_legend = _map(data, lang)
    lab = MonitorLabels(lang)
    return render("monitoring.html.j2", lang=lang, data=data, map_svg=map_svg, map_legend=map_legend,
                  site_svgs=site_svgs, sites=site_views(data, lang), sources=source_rows(data, lang),
                  zone=lab.zone_text(), demo_tag=lab.demo_tag(), num=num,
                  t=lambda key, **values: translate(key, lang, **values))


def write_report(data: dict[str, Any], out: Path, lang: str) -> Path:
    """Write ``OUT/monitoring-report.<lang>.html`` atomically (other languages' files are kept)."""
    return write_text_atomic(Path(out) / f"monitoring-report.{lang}.html", render_report(data, lang))
