"""The outcomes plot: pain NRS and the function score over time against the MCID band,
sessions marked, rendered server-side by matplotlib as an inline SVG.

Accessible and printable: the SVG has role="img", a <title> and a <desc> that summarise
it, text stays text (``svg.fonttype = none``), and the page puts a data table beside it.
matplotlib is driven through its object API (no pyplot state); ``preload`` imports it when a
worker starts, so no request pays for the import.

Drawing costs about 70 ms, so the markup is cached (Django's cache) under a hash of
everything it shows: a new response, session or baseline makes a new key, and views of an
unchanged chart cost a cache read.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import re
from typing import Any

from django.core.cache import cache
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from acuplan.outcomes.chart import Baseline, OutcomeChart

INK, BRAND, BAND, SESSION = "#1b1b1b", "#0b4f8a", "#1b5e20", "#4a4a4a"
WIDTH_INCHES, PANEL_INCHES = 6.5, 2.9
LEFT_INCHES, RIGHT_INCHES, TOP_INCHES, BOTTOM_INCHES, GAP_INCHES = 1.0, 0.2, 0.6, 0.4, 0.8
RANGES = {"nrs": (0.0, 10.0), "rmdq": (0.0, 24.0), "odi": (0.0, 100.0)}
_PROLOGUE = re.compile(r"\A.*?(?=<svg\b)", re.DOTALL)
_SIZE = re.compile(r'\s(?:width|height)="[^"]*"')
PLOT_VERSION = "2"
"""Part of every cache key: change it when the drawing code changes."""
CACHE_SECONDS = 30 * 24 * 3600


def render_svg(chart: OutcomeChart, *, element_id: str = "outcomes-plot") -> SafeString | None:
    """The plot as inline SVG markup, or None when there is nothing to plot yet."""
    panels = [(n, chart.series(n), chart.baselines.get(n)) for n in ("pain", "function")]
    panels = [p for p in panels if p[1]]
    if not panels:
        return None
    key = cache_key(chart, element_id)
    markup: object = cache.get(key)
    if not isinstance(markup, str):
        figure = _figure(chart, panels)
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None})
        markup = _accessible(buffer.getvalue(), element_id, _title(chart), describe(chart))
        cache.set(key, str(markup), CACHE_SECONDS)
    return mark_safe(markup)  # noqa: S308 (our own drawing, its text escaped in _accessible)


def cache_key(chart: OutcomeChart, element_id: str) -> str:
    """A hash of everything the plot shows (never the patient's identity)."""
    shown = {
        "version": PLOT_VERSION,
        "id": element_id,
        "function": chart.function_instrument,
        "pain": chart.series("pain"),
        "score": chart.series("function"),
        "sessions": chart.session_days,
        "baselines": {
            k: [b.instrument, b.label, b.value, b.needed] for k, b in chart.baselines.items()
        },
    }
    digest = hashlib.sha256(json.dumps(shown, default=str, sort_keys=True).encode())
    return f"acuplan.plot.{digest.hexdigest()}"


def preload() -> None:
    """Import matplotlib and its SVG backend now (when a worker starts)."""
    _figure_modules()


def _figure_modules() -> tuple[Any, Any, Any]:
    import matplotlib as mpl
    from matplotlib import dates as mdates
    from matplotlib.backends.backend_svg import FigureCanvasSVG
    from matplotlib.figure import Figure

    # Constant for the process (so setting them globally is thread-safe): text stays text,
    # and element ids are deterministic.
    mpl.rcParams.update({"svg.fonttype": "none", "svg.hashsalt": "acuplan"})
    return mdates, FigureCanvasSVG, Figure


def _figure(chart: OutcomeChart, panels: list[Any]) -> Any:
    mdates, FigureCanvasSVG, Figure = _figure_modules()  # noqa: N806 (classes)
    # Small and with large type: on a phone the SVG shrinks to the screen's width. Fixed
    # margins (in inches) instead of a layout engine: one draw instead of two, half the time.
    n = len(panels)
    height = PANEL_INCHES * n + 0.2
    figure = Figure(figsize=(WIDTH_INCHES, height), dpi=72)
    axis = (height - TOP_INCHES - BOTTOM_INCHES - GAP_INCHES * (n - 1)) / n
    figure.subplots_adjust(
        left=LEFT_INCHES / WIDTH_INCHES,
        right=1 - RIGHT_INCHES / WIDTH_INCHES,
        top=1 - TOP_INCHES / height,
        bottom=BOTTOM_INCHES / height,
        hspace=GAP_INCHES / axis,
    )
    FigureCanvasSVG(figure)
    axes = figure.subplots(len(panels), 1, sharex=True, squeeze=False)[:, 0]
    for ax, (name, series, baseline) in zip(axes, panels, strict=True):
        _panel(ax, chart, name, series, baseline)
    _fit_dates(axes[-1], chart, panels)
    locator = mdates.AutoDateLocator(minticks=3, maxticks=8)
    axes[-1].xaxis.set_major_locator(locator)
    formatter = mdates.ConciseDateFormatter(locator)
    axes[-1].xaxis.set_major_formatter(formatter)
    figure.align_ylabels(axes)
    return figure


#: The shortest stretch of time the date axis shows, centred on the data: one score (or a
#: few on the same days) must not make matplotlib widen the axis by years either side.
MIN_SPAN = dt.timedelta(days=28)


def _fit_dates(ax: Any, chart: OutcomeChart, panels: list[Any]) -> None:
    days = [d for _, series, _ in panels for d, _ in series] + list(chart.session_days)
    first, last = min(days), max(days)
    if last - first >= MIN_SPAN:
        return
    pad = (MIN_SPAN - (last - first)) / 2
    ax.set_xlim(first - pad, last + pad)


def _panel(ax: Any, chart: OutcomeChart, name: str, series: Any, baseline: Baseline | None) -> None:
    instrument = "nrs" if name == "pain" else chart.function_instrument
    low, high = RANGES[instrument]
    days = [d for d, _ in series]
    values = [v for _, v in series]
    if baseline is not None and baseline.needed:
        ax.axhspan(
            max(low, baseline.value - baseline.needed),
            baseline.value,
            color=BAND,
            alpha=0.14,
            linewidth=0,
            label=f"MCID band: within {baseline.needed:g} of baseline",
        )
    if baseline is not None:
        ax.axhline(baseline.value, color=BAND, linestyle="--", linewidth=1.2, label="Baseline")
    ax.plot(days, values, color=BRAND, marker="o", markersize=5, linewidth=1.8, label="Score")
    if chart.session_days:
        ax.plot(
            chart.session_days,
            [0.03] * len(chart.session_days),
            transform=ax.get_xaxis_transform(),
            linestyle="none",
            marker="|",
            markersize=12,
            markeredgewidth=1.4,
            color=SESSION,
            label="Session",
        )
    ax.set_ylim(low, high)
    label = baseline.label if baseline else instrument
    ax.set_ylabel(f"{label}\nlower is better", color=INK, fontsize=11)
    ax.tick_params(labelsize=10.5)
    ax.grid(axis="y", color="#d0d4d9", linewidth=0.6)
    ax.spines[["top", "right"]].set_visible(False)
    # Above the plotting area, so it never hides a score.
    ax.legend(
        loc="lower left",
        bbox_to_anchor=(0.0, 1.0),
        fontsize=10,
        frameon=False,
        ncols=2,
        borderaxespad=0.2,
        handlelength=1.6,
        columnspacing=1.2,
    )


def _title(chart: OutcomeChart) -> str:
    return "Pain and function over time against the MCID band"


def describe(chart: OutcomeChart) -> str:
    """One plain sentence per panel, for the SVG <desc> (and so for screen readers)."""
    parts = []
    for name in ("pain", "function"):
        series, base = chart.series(name), chart.baselines.get(name)
        if not series or base is None:
            continue
        (first_day, _), (last_day, last) = series[0], series[-1]
        text = (
            f"{base.label}: {len(series)} scores from {first_day.isoformat()}, baseline "
            f"{base.value:g}, latest {last:g} on {last_day.isoformat()}"
        )
        if base.needed:
            text += (
                f"; the shaded MCID band runs from {max(0.0, base.value - base.needed):g} "
                f"to {base.value:g}, and a score below it is a clinically important improvement"
            )
        parts.append(text + ".")
    days = chart.session_days
    if len(days) == 1:
        parts.append(f"1 session is marked along the bottom, on {days[0].isoformat()}.")
    elif days:
        parts.append(
            f"{len(days)} sessions are marked along the bottom, from {days[0].isoformat()} "
            f"to {days[-1].isoformat()}."
        )
    parts.append("The table below lists the values.")
    return " ".join(parts)


def _accessible(svg: str, element_id: str, title: str, desc: str) -> SafeString:
    """Strip the XML prologue, let the SVG scale, and give it a role, title and desc."""
    svg = _PROLOGUE.sub("", svg, count=1)
    head, rest = svg.split(">", 1)
    head = _SIZE.sub("", head, count=2)
    head += (
        f' role="img" id="{element_id}" aria-labelledby="{element_id}-title {element_id}-desc"'
        ' class="outcomes-plot" focusable="false"'
    )
    labels = (
        f'<title id="{element_id}-title">{escape(title)}</title>'
        f'<desc id="{element_id}-desc">{escape(desc)}</desc>'
    )
    return mark_safe(head + ">" + labels + rest)  # noqa: S308  (matplotlib's own markup; text escaped)
