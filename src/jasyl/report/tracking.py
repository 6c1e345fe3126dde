"""The tracking report: a self-contained HTML page (opens offline) of actuals against the adopted plan.

It draws from :func:`jasyl.tracking.run.track_report_data` (computed before rendering; nothing here touches
the database): planned against actual charts, a plain-language verdict per indicator, the table of every
indicator and year, the GHG inventory recomputed from the actuals, the monthly figures and the re-plan from
today. All text comes from the ``track`` message catalogues; numbers are formatted for the language.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path
from typing import Any

import altair as alt
import pandas as pd

from jasyl.fileio import write_text_atomic
from jasyl.i18n import catalogue, format_number, translate
from jasyl.report.chart_base import empty_chart, finish
from jasyl.report.html import render
from jasyl.report.svg import new_figure, to_svg
from jasyl.report.vegalite import Chart, records
from jasyl.tracking.compare import EMISSION_SECTORS, INDICATOR_BY_NAME

__all__ = ["render_track_report", "write_track_report", "verdicts", "FIGURE_IDS", "progress_chart",
           "PROGRESS_GROUPS", "basis_label", "unit_label"]

FIGURE_IDS = ("fig-track-emissions", "fig-track-capacity", "fig-track-vehicles", "fig-track-monthly",
              "fig-track-replan")
_CAPACITY = ("pv_mw", "wind_mw", "heat_pump_mw_th", "battery_mwh")


def _num(value: float | None, lang: str) -> str:
    if value is None:
        return "-"
    digits = 0 if abs(value) >= 100 or value == 0 else (1 if abs(value) >= 1 else 2)
    return format_number(value, lang, digits)


_BASIS = (
    (re.compile(r"^year$"), "track.basis.year"),
    (re.compile(r"^12 months$"), "track.basis.months12"),
    (re.compile(r"^month (?P<month>\d+) \(latest\)$"), "track.basis.latest_month"),
    (re.compile(r"^months (?P<months>[\d,-]+) only$"), "track.basis.months_only"),
    (re.compile(r"^recomputed inventory \((?P<coverage>\d+) % of it from reported figures\)$"),
     "track.basis.inventory"),
    (re.compile(r"^reported emissions"), "track.basis.reported"),
    (re.compile(r"^no actual value reported$"), "track.basis.none"),
    (re.compile(r"^only (?P<coverage>\d+) % of it rests on reported figures \(minimum (?P<minimum>[\d.]+) %"),
     "track.basis.coverage_low"),
    (re.compile(r"^incomplete year"), "track.basis.incomplete"),
)


def basis_label(text: str, lang: str) -> str:
    """Where an actual value comes from, in ``lang`` (the domain writes it in English for the JSON)."""
    parts = []
    for piece in [p.strip() for p in re.split(r";\s*(?=only \d|year$|12 months|month \d|months )", text or "")
                  if p.strip()]:
        for pattern, key in _BASIS:
            m = pattern.search(piece)
            if m:
                label = translate(key, lang, **m.groupdict())
                if label not in parts:
                    parts.append(label)
                break
        else:
            parts.append(piece)
    return "; ".join(parts)


def unit_label(unit: str, lang: str) -> str:
    key = f"track.unit.{unit}"
    return translate(key, lang) if key in catalogue(lang) else unit


def verdicts(status: dict[str, Any], lang: str) -> list[dict[str, Any]]:
    """One plain sentence per indicator: its latest year with an actual value (else its latest year)."""
    by_name: dict[str, list[dict[str, Any]]] = {}
    for r in status["indicators"]:
        by_name.setdefault(r["name"], []).append(r)
    out = []
    for name, rows in by_name.items():
        with_actual = [r for r in rows if r["actual"] is not None]
        r = max(with_actual or rows, key=lambda x: x["year"])
        dev = r["deviation_pct"]
        deviation = translate("track.verdict.no_percentage", lang) if dev is None else \
            f"{'+' if dev >= 0 else '−'}{format_number(abs(dev), lang, 1)} %"
        text = translate(f"track.verdict.{r['status']}", lang, indicator=translate(f"track.ind.{name}", lang),
                         year=r["year"], actual=_num(r["actual"], lang), planned=_num(r["planned"], lang),
                         unit=unit_label(r["unit"], lang), deviation=deviation)
        out.append({"name": name, "status": r["status"], "text": text,
                    "basis": basis_label(r.get("actual_basis", ""), lang)})
    return out


def _series(data: dict[str, Any], name: str) -> tuple[list[int], list[float], list[int], list[float]]:
    planned = data["planned"].get(name, {})
    py = sorted(int(y) for y in planned)
    pv = [float(planned[y] if y in planned else planned[str(y)]) for y in py]
    act = [r for r in data["status"]["indicators"] if r["name"] == name and r["actual"] is not None]
    return py, pv, [r["year"] for r in act], [float(r["actual"]) for r in act]


def _grid(data: dict[str, Any], names: list[str], lang: str, fig_id: str, title_key: str,
          scale: float = 1.0, unit: str | None = None) -> str:
    if not names:
        return ""
    cols = min(3, len(names))
    rows = -(-len(names) // cols)
    fig, axes = new_figure(3.3 * cols, 2.6 * rows, nrows=rows, ncols=cols, squeeze=False)
    for i, ax in enumerate(axes.flat):
        if i >= len(names):
            ax.set_visible(False)
            continue
        name = names[i]
        py, pv, ay, av = _series(data, name)
        ax.plot(py, [v / scale for v in pv], color="#4e79a7", label=translate("track.chart.planned", lang))
        ax.plot(ay, [v / scale for v in av], "o", color="#e15759", label=translate("track.chart.actual", lang))
        ax.set_title(textwrap.fill(translate(f"track.ind.{name}", lang), 38), fontsize=7)
        ax.set_ylabel(unit or unit_label(INDICATOR_BY_NAME[name].unit, lang), fontsize=8)
        ax.tick_params(labelsize=7)
        ax.set_ylim(bottom=0)
        if i == 0:
            ax.legend(fontsize=7)
    title = translate(title_key, lang)
    fig.suptitle(title, fontsize=10)
    return to_svg(fig, fig_id, title)


def _monthly(data: dict[str, Any], lang: str) -> str:
    series = data["monthly"]
    if not series:
        return ""
    names = sorted(series)[:4]
    fig, axes = new_figure(4.5 * min(2, len(names)), 3.0 * (-(-len(names) // 2)), nrows=-(-len(names) // 2),
                           ncols=min(2, len(names)), squeeze=False)
    for i, ax in enumerate(axes.flat):
        if i >= len(names):
            ax.set_visible(False)
            continue
        for year, months in sorted(series[names[i]].items()):
            ms = sorted(int(m) for m in months)
            ax.plot(ms, [months[m] if m in months else months[str(m)] for m in ms], marker="o", label=str(year))
        ax.set_title(names[i].replace("_", " "), fontsize=8)
        ax.set_xlabel(translate("track.chart.month", lang), fontsize=8)
        ax.set_ylabel("MWh", fontsize=8)
        ax.set_xticks(range(1, 13))
        ax.tick_params(labelsize=7)
        ax.legend(fontsize=7)
    title = translate("track.chart.monthly", lang)
    fig.suptitle(title, fontsize=10)
    return to_svg(fig, "fig-track-monthly", title)


def _replan_figure(rp: dict[str, Any], lang: str) -> str:
    if not rp.get("computed"):
        return ""
    fig, ax = new_figure(8.0, 3.5)
    old = {int(k): v for k, v in rp["adopted_co2_t"].items()}
    new = {int(k): v for k, v in rp["replan_co2_t"].items()}
    ax.plot(sorted(old), [old[y] / 1000 for y in sorted(old)], color="#4e79a7",
            label=translate("track.chart.planned", lang))
    ax.plot(sorted(new), [new[y] / 1000 for y in sorted(new)], color="#59a14f", linestyle="--",
            label=translate("track.replan.title", lang))
    ax.set_ylabel(translate("track.chart.kt", lang))
    ax.set_ylim(bottom=0)
    ax.legend()
    title = translate("track.replan.title", lang)
    ax.set_title(title)
    return to_svg(fig, "fig-track-replan", title)


def render_track_report(data: dict[str, Any], lang: str) -> str:
    """The HTML page of :func:`jasyl.tracking.run.track_report_data` output in ``lang``."""
    status = data["status"]
    present = {r["name"] for r in status["indicators"]}
    emissions = [n for n in ("energy_co2e_t", *(f"co2e_{s}_t" for s in EMISSION_SECTORS)) if n in present]
    capacity = [n for n in _CAPACITY if n in present]
    vehicles = [n for n in INDICATOR_BY_NAME if n.startswith("ev_") and n in present]
    figures = {
        "emissions": _grid(data, emissions, lang, "fig-track-emissions", "track.chart.emissions", 1000.0,
                           translate("track.chart.kt", lang)),
        "capacity": _grid(data, capacity, lang, "fig-track-capacity", "track.chart.capacity"),
        "vehicles": _grid(data, vehicles, lang, "fig-track-vehicles", "track.chart.vehicles"),
        "monthly": _monthly(data, lang),
        "replan": _replan_figure(data.get("replan", {}), lang),
    }
    city = data["city_names"].get(lang, status["city"])
    rp = data.get("replan", {})
    return render("tracking.html.j2", lang=lang, data=data, status=status, city=city, figures=figures,
                  verdicts=verdicts(status, lang), rp=rp, t=lambda key, **v: translate(key, lang, **v),
                  num=lambda v: _num(v, lang), musd=lambda v: format_number(v / 1e6, lang, 1),
                  basis=lambda text: basis_label(text, lang), unit=lambda u: unit_label(u, lang),
                  signed=lambda v, d=1: ("+" if v >= 0 else "−") + format_number(abs(v), lang, d))


def write_track_report(data: dict[str, Any], out: str | Path, lang: str) -> Path:
    """Write ``report.html`` (self-contained) into ``out`` atomically; returns its path."""
    return write_text_atomic(Path(out) / "report.html", render_track_report(data, lang))


# ------------------------------------------------------------------------------------------ web charts

PROGRESS_GROUPS: dict[str, tuple[str, ...]] = {
    "emissions": ("energy_co2e_t", *(f"co2e_{s}_t" for s in EMISSION_SECTORS)),
    "capacity": _CAPACITY + ("battery_mw",),
    "vehicles": tuple(n for n in INDICATOR_BY_NAME if n.startswith("ev_")),
}


def progress_chart(status: dict[str, Any], planned: dict[str, Any], group: str, lang: str) -> Chart:
    """Vega-Lite chart of one indicator group: planned (line, every plan year) and actual (points)."""
    if group not in PROGRESS_GROUPS:
        raise KeyError(group)
    title = translate(f"track.chart.{group}", lang)
    present = {r["name"] for r in status.get("indicators", [])}
    names = [n for n in PROGRESS_GROUPS[group] if n in present]
    rows: list[dict[str, Any]] = []
    scale = 1000.0 if group == "emissions" else 1.0
    for name in names:
        label = translate(f"track.ind.{name}", lang)
        for year, value in sorted((int(y), float(v)) for y, v in planned.get(name, {}).items()):
            rows.append({"indicator": label, "year": year, "kind": translate("track.chart.planned", lang),
                         "value": value / scale, "unit": unit_label(INDICATOR_BY_NAME[name].unit, lang)})
        for r in status["indicators"]:
            if r["name"] == name and r["actual"] is not None:
                rows.append({"indicator": label, "year": int(r["year"]), "kind": translate("track.chart.actual", lang),
                             "value": float(r["actual"]) / scale,
                             "unit": unit_label(INDICATOR_BY_NAME[name].unit, lang)})
    data = pd.DataFrame(rows, columns=["indicator", "year", "kind", "value", "unit"])
    if data.empty:
        return empty_chart(f"chart-progress-{group}", title, lang, translate("track.summary.nothing", lang),
                           list(data.columns))
    src = alt.Data(values=records(data))
    y_title = translate("track.chart.kt", lang) if group == "emissions" else translate("track.col.actual", lang)
    base = alt.Chart(src).encode(x=alt.X("year:O", title=translate("track.chart.year", lang)),
                                 y=alt.Y("value:Q", title=y_title),
                                 tooltip=["indicator:N", "year:O", "kind:N", alt.Tooltip("value:Q", format=",.1f"),
                                          "unit:N"])
    line = base.transform_filter(alt.datum.kind == translate("track.chart.planned", lang)).mark_line(
        color="#4e79a7")
    points = base.transform_filter(alt.datum.kind == translate("track.chart.actual", lang)).mark_point(
        color="#e15759", filled=True, size=70)
    chart = alt.layer(line, points).properties(width=260, height=150).facet(
        facet=alt.Facet("indicator:N", title=None), columns=2).resolve_scale(y="independent").properties(
        title=title)
    return finish(chart, f"chart-progress-{group}", title, data, lang)
