""""Too fast" is about the whole movement into (or out of) the position, not a band inside it.

Stick figures moving with the minimum-jerk profile of a smooth human movement: a genuinely fast
movement (0.4 s into the position, or back) is reported; calm ones (1.5 s and 3 s) never are,
although the band between the rest range and the target range is crossed in a fraction of that.
"""

from __future__ import annotations

from typing import Any

import pytest

from backcoach.core.catalog import load_catalog
from backcoach.core.motion.registry import analyse_frames, create_analyser
from backcoach.core.motion.types import AnalysisSummary, EventKind, PoseFrame

CATALOG = load_catalog()
FPS = 30.0  # the stick fixture's frame rate

# exercise -> (stick figure, resting angle, held angle)
POSES: dict[str, tuple[str, float, float]] = {
    "knee-to-chest": ("lying", 5.0, 120.0),
    "neck-flexion": ("seated", 3.0, 40.0),
    "hip-flexor-stretch": ("standing", 2.0, 42.0),
}


def _min_jerk(u: float) -> float:
    return u**3 * (10 - 15 * u + 6 * u**2)


def _track(rest: float, held: float, up_s: float, down_s: float, hold_s: float = 4.0,
           reps: int = 2) -> list[float]:
    """Rest, then ``reps`` smooth movements in (``up_s``), held, and back (``down_s``)."""
    out = [rest] * round(2.0 * FPS)
    for _ in range(reps):
        n_up, n_down = round(up_s * FPS), round(down_s * FPS)
        out += [rest + (held - rest) * _min_jerk(i / n_up) for i in range(1, n_up + 1)]
        out += [held] * round(hold_s * FPS)
        out += [held + (rest - held) * _min_jerk(i / n_down) for i in range(1, n_down + 1)]
        out += [rest] * round(3.0 * FPS)
    return out


def _frames(stick: dict[str, Any], exercise_id: str, up_s: float, down_s: float,
            t0: float = 0.0) -> list[PoseFrame]:
    pose, rest, held = POSES[exercise_id]
    track = _track(rest, held, up_s, down_s)
    return [PoseFrame(f.t + t0, f.landmarks)
            for f in stick["frames"]([stick[pose](a) for a in track], FPS)]


def _analyse(stick: dict[str, Any], exercise_id: str, up_s: float, down_s: float
             ) -> AnalysisSummary:
    return analyse_frames(CATALOG.get(exercise_id), _frames(stick, exercise_id, up_s, down_s))


def _too_fast(summary: AnalysisSummary) -> list[bool]:
    return ["too_fast" in rep.faults for rep in summary.rep_events]


@pytest.mark.parametrize("exercise_id", list(POSES))
@pytest.mark.parametrize("move_s", [1.5, 3.0])
def test_calm_movements_are_not_too_fast(stick: dict[str, Any], exercise_id: str,
                                         move_s: float) -> None:
    summary = _analyse(stick, exercise_id, move_s, move_s)
    assert summary.reps == 2
    assert _too_fast(summary) == [False, False]
    assert all(f.code != "too_fast" for f in summary.faults)


@pytest.mark.parametrize("exercise_id", list(POSES))
def test_a_fast_movement_into_the_position_is_too_fast(stick: dict[str, Any],
                                                       exercise_id: str) -> None:
    summary = _analyse(stick, exercise_id, 0.4, 3.0)
    assert summary.reps == 2
    assert _too_fast(summary) == [True, True]


@pytest.mark.parametrize("exercise_id", list(POSES))
def test_a_fast_way_back_is_too_fast(stick: dict[str, Any], exercise_id: str) -> None:
    """Timed as it passes 10 % on the way home: the counted repetition is then updated."""
    summary = _analyse(stick, exercise_id, 3.0, 0.4)
    assert summary.reps == 2
    assert _too_fast(summary) == [True, True]


def test_the_fault_event_names_the_repetition_it_belongs_to(stick: dict[str, Any]) -> None:
    analyser = create_analyser(CATALOG.get("neck-flexion"))
    events: list[Any] = []
    for frame in _frames(stick, "neck-flexion", 3.0, 0.4):
        events += analyser.update(frame)
    done = [e for e in events if e.kind == EventKind.REP_COMPLETED]
    fast = [e for e in events if e.kind == EventKind.FAULT and e.code == "too_fast"]
    assert [e.rep for e in done] == [1, 2]
    assert [e.rep for e in fast] == [1, 2]
    for completed, fault in zip(done, fast, strict=True):
        assert completed.t < fault.t < completed.t + 1.0  # decided a moment after counting


def test_frames_are_the_only_clock(stick: dict[str, Any]) -> None:
    """The same frames shifted in time give the same verdicts (nothing reads the wall clock)."""
    shifted = _frames(stick, "knee-to-chest", 0.4, 3.0, t0=100.0)
    summary = analyse_frames(CATALOG.get("knee-to-chest"), shifted)
    assert _too_fast(summary) == [True, True]


def test_an_unseen_movement_is_not_called_fast(stick: dict[str, Any]) -> None:
    """Out of view while moving in, found already in the position: its speed is unknown."""
    pose, rest, held = POSES["knee-to-chest"]
    n = round(FPS)
    back = [held + (rest - held) * _min_jerk(i / (3 * n)) for i in range(1, 3 * n + 1)]
    poses = ([stick[pose](rest)] * (2 * n) + [None] * (2 * n) + [stick[pose](held)] * (5 * n)
             + [stick[pose](a) for a in back] + [stick[pose](rest)] * (3 * n))
    summary = analyse_frames(CATALOG.get("knee-to-chest"), stick["frames"](poses, FPS))
    assert summary.reps == 1
    assert _too_fast(summary) == [False]
