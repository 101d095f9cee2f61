"""Range of movement: how far a person moved above their own resting level.

Range of movement over weeks is an outcome people and clinicians follow. The analysers already
judge every repetition against the person's own resting level (``analyser.py``: the resting
level is learned from the person's posture, whatever it is), so the range of a repetition is the
peak of the exercise's analysed signal above that level, in the signal's degrees. The range of a
set is the furthest any of its counted repetitions went. Without a camera there is no
measurement, and the answer is ``None``, never zero: a chart shows no point for such a set.
"""

from __future__ import annotations

from collections.abc import Iterable

from backcoach.core.motion.types import AnalysisSummary

#: Ranges are stored to a tenth of a degree: finer digits are pose-model noise.
_DECIMALS = 1


def repetition_range_deg(peak_deg: float, rest_deg: float) -> float:
    """The peak of one repetition above the resting level it started from (never negative)."""
    return round(max(0.0, peak_deg - rest_deg), _DECIMALS)


def set_range_deg(repetition_ranges: Iterable[float | None]) -> float | None:
    """The range reached in a set: the largest of its repetitions' ranges.

    Repetitions without a measurement (timed by the clock, not seen by a camera) are left out;
    ``None`` when none was measured.
    """
    measured = [r for r in repetition_ranges if r is not None]
    return round(max(measured), _DECIMALS) if measured else None


def summary_range_deg(summary: AnalysisSummary) -> float | None:
    """The range reached over an analysed recording (``backcoach analyze``)."""
    return set_range_deg(rep.range_deg for rep in summary.rep_events)
