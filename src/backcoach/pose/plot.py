"""The joint-angle plot: each angle signal over time, with repetitions and holds marked.

Rendered with matplotlib's Agg backend (no display needed) to a PNG a person can read: the
target zone of the primary signal as a green band, each counted repetition as a shaded span with
its hold drawn as a thick bar and labelled.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
from matplotlib import pyplot as plt

from backcoach.core.catalog import Exercise
from backcoach.core.motion.types import AnalysisSummary, EventKind, MotionEvent

WIDTH_PX = 1200
HEIGHT_PX = 500
_DPI = 100


class PlotError(Exception):
    """The plot cannot be written."""


def plot_angles(
    path: Path,
    exercise: Exercise,
    times_s: Sequence[float],
    signals: Sequence[Mapping[str, float] | None],
    summary: AnalysisSummary,
    holds: Sequence[tuple[float, float]] = (),
) -> None:
    """Write a ``WIDTH_PX``×``HEIGHT_PX`` PNG of the signals (``None`` = no person at that time).

    ``holds`` are (start, end) times of the holds seen live (see :func:`hold_spans`).
    """
    if not path.parent.is_dir():
        raise PlotError(f"{path}: the folder {path.parent} does not exist")
    names = sorted({name for values in signals if values for name in values})
    fig, ax = plt.subplots(figsize=(WIDTH_PX / _DPI, HEIGHT_PX / _DPI), dpi=_DPI)
    try:
        kin = exercise.kinematics
        ax.axhspan(kin.target.min_deg, kin.target.max_deg, color="tab:green", alpha=0.12,
                   label="target zone")
        ax.axhspan(kin.rest.min_deg, kin.rest.max_deg, color="tab:gray", alpha=0.10,
                   label="rest zone")
        ratio_ax = None
        for name in names:
            ys = [float("nan") if not v or name not in v else v[name] for v in signals]
            if name.endswith("_ratio"):  # a length ratio, not an angle: its own axis
                ratio_ax = ratio_ax or ax.twinx()
                ratio_ax.plot(times_s, ys, linestyle="--", linewidth=1.2,
                              label=name.removesuffix("_ratio").replace("_", " ") + " (ratio)")
                continue
            ax.plot(times_s, ys, label=name.replace("_", " "), linewidth=1.6)
        if ratio_ax is not None:
            ratio_ax.set_ylabel("length ratio (dashed)")
            ratio_ax.legend(loc="upper left", fontsize=8)
        for number, rep in enumerate(summary.rep_events, start=1):
            ax.axvspan(rep.start, rep.end, color="tab:blue", alpha=0.08)
            side = f" ({rep.side})" if rep.side else ""
            ax.annotate(f"rep {number}: hold {rep.hold_s:.1f} s{side}", xy=(rep.start, 1.0),
                        xycoords=("data", "axes fraction"), xytext=(2, -12),
                        textcoords="offset points", fontsize=8)
        for i, (start, end) in enumerate(holds):
            ax.axvspan(start, end, ymin=0.0, ymax=0.03, color="tab:red",
                       label="hold" if i == 0 else None)
        ax.set_xlabel("time (s)")
        ax.set_ylabel("angle (degrees)")
        ax.set_title(f"{exercise.name}: {summary.reps} repetition(s) counted")
        if times_s:
            ax.set_xlim(min(times_s), max(max(times_s), min(times_s) + 1.0))
        ax.legend(loc="upper right", fontsize=8)
        ax.grid(alpha=0.3)
        fig.tight_layout()
        try:
            fig.savefig(path, dpi=_DPI, format="png")
        except OSError as exc:
            raise PlotError(f"{path}: cannot write the plot: {exc}") from None
    finally:
        plt.close(fig)


def hold_spans(events: Iterable[MotionEvent]) -> list[tuple[float, float]]:
    """(start, end) of each counted repetition's hold, from the analyser's hold-progress events.

    Holds of attempts that never became a repetition are left out: the plot marks only what was
    counted, so a person is not told they held a position the count does not show.
    """
    spans: dict[int, tuple[float, float]] = {}
    completed: set[int] = set()
    for event in events:
        if event.kind is EventKind.HOLD_PROGRESS and event.hold_s is not None:
            rep = event.rep or 0
            start = spans.get(rep, (event.t - event.hold_s, event.t))[0]
            spans[rep] = (start, event.t)
        elif event.kind is EventKind.REP_COMPLETED and event.rep in spans and event.hold_s:
            start = spans[event.rep][0]
            spans[event.rep] = (start, start + event.hold_s)
            completed.add(event.rep)
    return [spans[rep] for rep in sorted(completed)]
