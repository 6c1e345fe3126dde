"""The monitoring report: a self-contained HTML page (opens offline) with a map of sites and sources,
time series, indices and alerts.

It draws from :func:`jasyl.monitoring.status.report_data` (read from the database before rendering;
nothing here touches the database). Plots are :class:`~matplotlib.figure.Figure` objects exported by
:mod:`jasyl.report.svg` (no pyplot state, unique ids per figure); the page is the Jinja2 template
``monitoring.html.j2``; all text comes from the ``monitor`` message catalogues.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

import matplotlib.dates as mdates
import pandas as pd
from matplotlib.axes import Axes

from jasyl.fileio import write_text_atomic
from jasyl.i18n import format_number, translate
from jasyl.monitoring.standards import DEFAULT_TZ, daily_means, find_standard, hourly_means, parameter_def
from jasyl.report.html import render
from jasyl.report.svg import new_figure, to_svg

__all__ = ["render_report", "write_report", "site_figure_id", "MAP_FIGURE_ID"]

MAP_FIGURE_ID = "fig-monitor-map"
_SOURCE_MARKERS = {"brick_works": "s", "quarry": "^", "sewage_outfall": "v", "boiler_house": "D",
                   "landfill": "X", "other": "o"}


def site_figure_id(code: str) -> str:
    """HTML id of a site's time-series figure (``fig-site-demo-konaev-air``)."""
    return "fig-site-" + re.sub(r"[^a-z0-9]+", "-", code.lower()).strip("-")


def _map(data: dict[str, Any], lang: str) -> str:
    fig, ax = new_figure(8.0, 6.0, layout="tight")
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
    ax.set_xlabel(translate("monitor.axis.longitude", lang))
    ax.set_ylabel(translate("monitor.axis.latitude", lang))
    ax.set_aspect(1.0 / math.cos(math.radians(43.9)))  # metres per degree at Konaev's latitude
    ax.grid(True, alpha=0.3)
    title = translate("monitor.report.map_title", lang)
    ax.set_title(title)
    return to_svg(fig, MAP_FIGURE_ID, title)


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
        fig.suptitle("DEMO", color="#b7950b", fontweight="bold")
    return to_svg(fig, site_figure_id(code), translate("monitor.report.timeseries", lang))


def _local(index: pd.DatetimeIndex) -> Any:
    """Naive UTC times as naive local times (plotting tz-aware times is much slower)."""
    return index.tz_localize("UTC").tz_convert(DEFAULT_TZ).tz_localize(None).to_numpy()


def _panel(ax: Axes, sub: pd.DataFrame, parameter: str, lang: str) -> None:
    pdef = parameter_def(parameter)
    if pdef.medium == "water":
        local = _local(pd.DatetimeIndex(pd.to_datetime(sub["time_utc"])))
        ax.plot(local, sub["value"].to_numpy(), "o-", ms=3, lw=1, label=pdef.label)
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
    ax.set_title(f"{pdef.label}, {pdef.unit}", fontsize=9, loc="left")
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

    return render("monitoring.html.j2", lang=lang, data=data, map_svg=_map(data, lang), site_svgs=site_svgs,
                  num=num, t=lambda key, **values: translate(key, lang, **values))


def write_report(data: dict[str, Any], out: Path, lang: str) -> Path:
    """Write ``OUT/monitoring-report.<lang>.html`` atomically (other languages' files are kept)."""
    return write_text_atomic(Path(out) / f"monitoring-report.{lang}.html", render_report(data, lang))
