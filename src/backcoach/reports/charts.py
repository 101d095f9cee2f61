"""The report's charts, drawn with matplotlib's Agg renderer into PNG images.

Figures are built with the object API (``Figure`` + Agg canvas), never ``pyplot``: no global
state, no display needed, safe in a web server thread. Each chart is returned as PNG bytes and a
``data:`` URI so the HTML and PDF carry their images inline and never fetch anything.
"""

from __future__ import annotations

import base64
import io
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from backcoach.reports.summary import (
    DayAdherence,
    ExerciseSummary,
    PainPoint,
    PsfsRow,
    QualityPoint,
    ReportData,
)
from backcoach.reports.svgcharts import (
    PHONE,
    REPORT,
    REPORT_HALF,
    PainMark,
    RangeMark,
    range_chart,
)
from backcoach.reports.svgcharts import pain_chart as svg_pain_chart
from backcoach.reports.timeaxis import TimeAxis, time_axis

WIDTH_IN = 7.0
HEIGHT_IN = 2.6
DPI = 150
_COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#17becf")
_DONE = "#2e7d32"
_STOPPED = "#f9a825"
_SHARP = "#c62828"


@dataclass(frozen=True)
class Chart:
    """One drawn chart: ``alt`` describes it in words for screen readers and text extraction.
    ``png`` from matplotlib, or ``svg`` for the charts drawn exactly as on the web page."""

    key: str
    title: str
    alt: str
    png: bytes = b""
    svg: str | None = None
    phone_svg: str | None = None  # the same chart drawn for a phone (the HTML report on one)

    @property
    def data_uri(self) -> str:
        if self.svg is not None:
            return _svg_uri(self.svg)
        return "data:image/png;base64," + base64.b64encode(self.png).decode("ascii")

    @property
    def phone_uri(self) -> str:
        return _svg_uri(self.phone_svg) if self.phone_svg is not None else self.data_uri


def _svg_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def _figure(
    rows: int = 1, cols: int = 1, height_in: float = HEIGHT_IN
) -> tuple[Figure, list[Axes]]:
    figure = Figure(figsize=(WIDTH_IN, height_in), dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.subplots(rows, cols, squeeze=False)
    return figure, [ax for row in axes for ax in row]


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, facecolor="white")
    return buffer.getvalue()


def _style(ax: Axes, ylabel: str) -> None:
    ax.set_axisbelow(True)
    ax.set_ylabel(ylabel, fontsize=8)
    ax.tick_params(labelsize=7)
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    ax.spines[["top", "right"]].set_visible(False)


def _dates(ax: Axes, axis: TimeAxis) -> None:
    """The shared time axis (``reports.timeaxis``): the web page's range, grid and labels."""
    ax.set_xlim(_x([axis.start])[0], _x([axis.end])[0])
    ax.set_xticks(_x([t.at for t in axis.ticks]), minor=True)
    ax.set_xticks(_x([t.label_at for t in axis.ticks]), [t.label for t in axis.ticks])
    ax.tick_params(axis="x", which="major", length=0)
    ax.grid(axis="x", which="minor", color="#eeeeee", linewidth=0.6)


def _noon(day: date) -> datetime:
    """Values per day sit in the middle of their day, under the day's label."""
    return datetime.combine(day, datetime.min.time()).replace(hour=12)


Point = tuple[date | datetime, float]


def _x(values: Sequence[date | datetime]) -> np.ndarray:
    """Local dates/times as ``datetime64`` (naive: they are already in the person's zone)."""
    naive = [v.replace(tzinfo=None) if isinstance(v, datetime) else v for v in values]
    return np.array(naive, dtype="datetime64[s]")


_MARKERS = ("o", "s", "^", "D", "v", "P")


def _line(ax: Axes, points: Sequence[Point], colour: str, label: str, index: int = 0) -> None:
    """One series; later series get larger open markers around the earlier ones' dots, so a
    series that coincides with another still shows."""
    xs = _x([x for x, _ in points])
    ys = np.array([y for _, y in points], dtype=float)
    face = colour if index == 0 else "none"
    ax.plot(xs, ys, marker=_MARKERS[index % len(_MARKERS)], markersize=3.5 + 2.2 * index,
            markerfacecolor=face, markeredgewidth=1.2, linewidth=1, alpha=0.9,
            linestyle="-" if index == 0 else (0, (4, 2)), color=colour, label=label)


def adherence_chart(days: Sequence[DayAdherence], axis: TimeAxis) -> Chart:
    """Sessions done (completed, stopped early) per day against the plan's sessions per day."""
    figure, (ax,) = _figure()
    when = _x([_noon(d.day) for d in days])
    done = np.array([d.completed for d in days])
    stopped = np.array([d.stopped for d in days])
    planned = np.array([d.planned for d in days])
    ax.bar(when, done, color=_DONE, label="completed", width=0.8)
    ax.bar(when, stopped, bottom=done, color=_STOPPED, label="stopped early", width=0.8)
    half_day = np.timedelta64(10, "h")
    ax.hlines(
        planned,
        when - half_day,
        when + half_day,
        colors="#333333",
        linewidth=1.4,
        linestyles="--",
        label="planned",
    )
    top = max([*planned, *(done + stopped), 1])
    ax.set_ylim(0, top + 0.5)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    _style(ax, "sessions per day")
    _dates(ax, axis)
    ax.legend(fontsize=7, loc="upper left", ncols=3, frameon=False)
    alt = f"Sessions per day: {done.sum()} completed of {planned.sum()} planned."
    return Chart("adherence", "Sessions done against the plan", alt, _png(figure))


@dataclass(frozen=True)
class Axes3:
    """One time range with ticks spaced for each drawing: a phone's, the report's full width and
    half of it (``svgcharts.Canvas``), so labels fit each and every chart shares the range."""

    phone: TimeAxis
    wide: TimeAxis
    half: TimeAxis


def session_axes(times: Sequence[datetime], first: date, last: date) -> Axes3:
    """The axes for sessions at their local ``times`` over ``first``..``last``."""
    return Axes3(PHONE.axis(times, first, last), REPORT.axis(times, first, last),
                 REPORT_HALF.axis(times, first, last))  # fmt: skip


def pain_chart(points: Sequence[PainPoint], axes: Axes3) -> Chart:
    """Pain (0-10) before and after each session at its local time, sharp-pain stops marked:
    the very chart of the web's History page (``reports.svgcharts``), as an SVG image drawn at
    the report's own width (``REPORT``), and at a phone's for the HTML report on a phone."""
    marks = [PainMark(p.at, p.before, p.after, p.sharp_stop) for p in points]
    svg = svg_pain_chart(marks, axes.wide, REPORT) or ""
    phone = svg_pain_chart(marks, axes.phone, PHONE)
    stops = sum(1 for p in points if p.sharp_stop)
    alt = f"Pain before and after {len(points)} sessions; {stops} sharp-pain stops."
    return Chart("pain", "Pain before and after sessions", alt, svg=svg, phone_svg=phone)


def range_charts(marks: Sequence[RangeMark], names: Sequence[tuple[str, str]],
                 axes: Axes3) -> dict[str, Chart]:  # fmt: skip
    """Each exercise's range of movement (camera sessions only), keyed ``range-<exercise id>``:
    the History page's SVG charts, on the pain chart's time axis."""
    charts: dict[str, Chart] = {}
    for exercise_id, name in names:
        mine = [m for m in marks if m.exercise_id == exercise_id]
        svg = range_chart(name, mine, axes.half, REPORT_HALF)
        phone = range_chart(name, mine, axes.phone, PHONE)
        if svg is not None:
            title = f"Range of movement: {name}"
            alt = (f"{title}, degrees above the resting position, in "
                   f"{len({m.at for m in mine})} camera sessions.")
            charts[f"range-{exercise_id}"] = Chart(f"range-{exercise_id}", title, alt, svg=svg,
                                                   phone_svg=phone)  # fmt: skip
    return charts


def exercise_chart(exercises: Sequence[ExerciseSummary], axis: TimeAxis) -> Chart:
    """Repetitions per day and mean hold per repetition, one line per exercise."""
    figure, (reps_ax, hold_ax) = _figure(1, 2, height_in=2.4)
    for index, (colour, exercise) in enumerate(zip(_COLOURS * 3, exercises, strict=False)):
        reps = [(_noon(d.day), d.reps) for d in exercise.days]
        holds = [(_noon(d.day), d.mean_hold_s) for d in exercise.days]
        _line(reps_ax, reps, colour, exercise.name, index)
        _line(hold_ax, holds, colour, exercise.name, index)
    for ax, label in ((reps_ax, "repetitions per day"), (hold_ax, "mean hold (s)")):
        ax.set_ylim(bottom=0)
        _style(ax, label)
        _dates(ax, axis)
    handles, labels = reps_ax.get_legend_handles_labels()
    figure.legend(handles, labels, loc="outside lower center", ncols=3, fontsize=7, frameon=False)
    names = ", ".join(e.name for e in exercises)
    alt = f"Repetitions per day and mean hold time for: {names}."
    return Chart("exercises", "Repetitions and hold times", alt, _png(figure))


def quality_chart(points: Sequence[QualityPoint], axis: TimeAxis) -> Chart:
    """Form quality (0-100 %) of camera-checked sets over time, per exercise."""
    figure, (ax,) = _figure()
    series: dict[str, list[Point]] = defaultdict(list)
    for point in points:
        series[point.exercise].append((point.at, point.quality * 100))
    for index, (colour, (name, values)) in enumerate(
        zip(_COLOURS * 3, series.items(), strict=False)
    ):
        _line(ax, values, colour, name, index)
    ax.set_ylim(0, 105)
    _style(ax, "form quality (%)")
    _dates(ax, axis)
    ax.legend(fontsize=7, loc="lower left", ncols=3, frameon=False)
    alt = f"Form quality from the camera for {len(points)} sets."
    return Chart("quality", "Form quality (camera)", alt, _png(figure))


def psfs_chart(rows: Sequence[PsfsRow], axis: TimeAxis) -> Chart:
    """Each named activity's PSFS rating (0-10) week by week, and their mean."""
    figure, (ax,) = _figure()
    series: dict[str, list[Point]] = defaultdict(list)
    for row in rows:
        for name, score in row.scores:
            series[name].append((_noon(row.at.date()), score))
    for index, (colour, (name, values)) in enumerate(
        zip(_COLOURS * 3, series.items(), strict=False)
    ):
        _line(ax, values, colour, name, index)
    ax.plot(
        _x([_noon(r.at.date()) for r in rows]),
        np.array([r.mean for r in rows]),
        color="#333333",
        linestyle="--",
        linewidth=1.2,
        label="mean",
    )
    ax.set_ylim(-0.3, 10.3)
    ax.set_yticks(range(0, 11, 2))
    _style(ax, "able to do (0-10)")
    _dates(ax, axis)
    handles, labels = ax.get_legend_handles_labels()
    figure.legend(handles, labels, loc="outside lower center", ncols=4, fontsize=7, frameon=False)
    alt = f"Patient-Specific Functional Scale ratings at {len(rows)} weekly check-ins."
    return Chart("psfs", "Function: Patient-Specific Functional Scale", alt, _png(figure))


def report_charts(data: ReportData) -> dict[str, Chart]:
    """Every chart the data supports, keyed by section; sections without data get none."""
    charts: dict[str, Chart] = {}
    times = [p.at for p in data.pain] + [q.at for q in data.quality] + [r.at for r in data.ranges]
    first = data.first_day or (min(times).date() if times else None)
    if first is None:
        return charts
    last = data.last_day or first
    moments = time_axis(times, first, last)  # sessions at their time: hours for one day
    days = time_axis([], first, last, daily=True)  # values per day
    axes = session_axes(times, first, last)  # the SVG charts, as on the History page
    if data.sessions_planned or data.pain:
        charts["adherence"] = adherence_chart(data.adherence, days)
    if any(p.before is not None or p.after is not None for p in data.pain):
        charts["pain"] = pain_chart(data.pain, axes)
    names = [(e.exercise_id, e.name) for e in data.exercises]
    charts.update(range_charts(data.ranges, names, axes))
    if any(e.days for e in data.exercises):
        charts["exercises"] = exercise_chart(data.exercises, days)
    if data.quality:
        charts["quality"] = quality_chart(data.quality, moments)
    if data.psfs:
        charts["psfs"] = psfs_chart(data.psfs, days)
    return charts
