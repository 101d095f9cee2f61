"""The shared state machine on exact stick figures: counting, holds, hysteresis, gaps, events."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backcoach.core.catalog import Exercise, load_catalog
from backcoach.core.motion.analyser import RepetitionAnalyser
from backcoach.core.motion.registry import analyse_frames, create_analyser
from backcoach.core.motion.types import EventKind, PoseFrame

CATALOG = load_catalog()
KTC = CATALOG.get("knee-to-chest")


def _lying_frames(stick: dict[str, Any], track: list[float], direction: float = 1.0
                  ) -> list[PoseFrame]:
    return stick["frames"]([stick["lying"](a, direction) for a in track])


def test_counts_held_repetitions_and_times_holds(stick: dict[str, Any]) -> None:
    track = stick["rep_track"](5, 120, reps=3, hold_s=4.0, move_s=2.5)
    summary = analyse_frames(KTC, _lying_frames(stick, track))
    assert summary.reps == 3
    # The hold runs from arriving (hold_fraction of the way there) to starting back: the pause
    # plus the top of each (linear, 2.5 s) ramp.
    top_s = (1.0 - RepetitionAnalyser.hold_fraction) * 2.5
    for rep in summary.rep_events:
        assert rep.hold_s == pytest.approx(4.0 + 2 * top_s, abs=0.2)
        assert rep.start < rep.end
        assert 0.0 <= rep.quality <= 1.0
        assert rep.side is None
    assert summary.frames == len(track)


@pytest.mark.parametrize("direction", [1.0, -1.0])
def test_head_at_either_end_of_the_image(stick: dict[str, Any], direction: float) -> None:
    track = stick["rep_track"](5, 115, reps=2, hold_s=3.0)
    assert analyse_frames(KTC, _lying_frames(stick, track, direction)).reps == 2


def test_a_short_hold_is_not_a_repetition(stick: dict[str, Any]) -> None:
    track = stick["rep_track"](5, 120, reps=2, hold_s=KTC.kinematics.min_hold_s - 1.2)
    assert analyse_frames(KTC, _lying_frames(stick, track)).reps == 0


def test_partial_movement_is_not_counted_but_noted(stick: dict[str, Any]) -> None:
    track = stick["rep_track"](5, 80, reps=2, hold_s=3.0)
    summary = analyse_frames(KTC, _lying_frames(stick, track))
    assert summary.reps == 0
    assert [f.code for f in summary.faults] == ["knees_not_to_chest"] * 2


def test_fidgets_are_ignored(stick: dict[str, Any]) -> None:
    track = stick["ramp"]([(0, 5), (1, 5), (0.3, 30), (0.3, 5), (1, 5), (0.2, 45), (0.4, 5),
                           (2, 5)])
    summary = analyse_frames(KTC, _lying_frames(stick, track))
    assert summary.reps == 0


def test_jitter_at_the_target_edge_does_not_double_count(stick: dict[str, Any]) -> None:
    target = KTC.kinematics.target.min_deg
    steps = [(0, 5), (2, 5), (2.5, target + 2)]
    for _ in range(20):  # wobble across the target threshold during the hold
        steps += [(0.15, target - 3), (0.15, target + 3)]
    steps += [(2.5, 5), (2, 5)]
    summary = analyse_frames(KTC, _lying_frames(stick, stick["ramp"](steps)))
    assert summary.reps == 1


def test_short_dropouts_are_bridged(stick: dict[str, Any]) -> None:
    track = stick["rep_track"](5, 120, reps=2, hold_s=4.0)
    poses: list[Any] = [stick["lying"](a) for a in track]
    for start in range(30, len(poses) - 12, 45):
        for i in range(start, start + 10):  # 1/3 s gaps all through, including holds
            poses[i] = None
    analyser = create_analyser(KTC)
    events = [e for f in stick["frames"](poses) for e in analyser.update(f)]
    assert analyser.summary().reps == 2
    assert not any(e.kind == EventKind.PERSON_LOST for e in events)


def test_leaving_the_view_pauses_and_reports(stick: dict[str, Any]) -> None:
    rep = stick["rep_track"](5, 120, reps=1, hold_s=4.0)
    away = [None] * 90  # three seconds out of view, then a further repetition
    poses = [stick["lying"](a) for a in rep] + away + [stick["lying"](a) for a in rep]
    analyser = create_analyser(KTC)
    kinds = [e.kind for f in stick["frames"](poses) for e in analyser.update(f)]
    assert kinds.count(EventKind.PERSON_LOST) == 1
    assert kinds.count(EventKind.PERSON_FOUND) == 2  # first seen, then back in view
    assert kinds[0] is EventKind.PERSON_FOUND
    assert kinds.index(EventKind.PERSON_LOST) < len(kinds) - 1 - kinds[::-1].index(
        EventKind.PERSON_FOUND
    )
    assert kinds.count(EventKind.REP_COMPLETED) == 2
    assert analyser.summary().reps == 2


def test_coming_back_in_the_hold_counts_only_what_is_seen(stick: dict[str, Any]) -> None:
    start = [stick["lying"](5.0)] * 60
    held = [stick["lying"](a) for a in stick["ramp"]([(0, 120), (4, 120), (2.5, 5), (2, 5)])]
    short = [stick["lying"](a) for a in stick["ramp"]([(0, 120), (1, 120), (2.5, 5), (2, 5)])]
    summary = analyse_frames(KTC, stick["frames"](start + [None] * 60 + held))
    assert summary.reps == 1
    assert summary.rep_events[0].hold_s < 4.0 + 1.0  # the time out of view is not held time
    assert analyse_frames(KTC, stick["frames"](start + [None] * 60 + short)).reps == 0


def test_coming_back_mid_movement_without_a_hold_is_nothing(stick: dict[str, Any]) -> None:
    start = [stick["lying"](5.0)] * 60
    back = [stick["lying"](a) for a in stick["ramp"]([(0, 70), (1.5, 5), (2, 5)])]
    summary = analyse_frames(KTC, stick["frames"](start + [None] * 60 + back))
    assert summary.reps == 0


def test_events_follow_the_phases(stick: dict[str, Any]) -> None:
    track = stick["rep_track"](5, 120, reps=1, hold_s=3.0)
    analyser = create_analyser(KTC)
    events = [e for f in _lying_frames(stick, track) for e in analyser.update(f)]
    kinds = [e.kind for e in events]
    assert kinds[:2] == [EventKind.PERSON_FOUND, EventKind.REP_STARTED]
    assert EventKind.HOLD_PROGRESS in kinds
    assert kinds[-1] == EventKind.REP_COMPLETED
    done = events[-1]
    assert done.rep == 1 and done.hold_s is not None and done.hold_s > 3.0
    progress = [e.hold_s for e in events if e.kind == EventKind.HOLD_PROGRESS]
    assert progress == sorted(progress)
    assert "hip_flexion" in analyser.signals()


def test_summary_mid_stream_counts_a_qualified_hold(stick: dict[str, Any]) -> None:
    track = stick["ramp"]([(0, 5), (2, 5), (2.5, 120), (4, 120)])
    summary = analyse_frames(KTC, _lying_frames(stick, track))
    assert summary.reps == 1
    assert summary.rep_events[0].hold_s > KTC.kinematics.min_hold_s


def test_the_same_frames_give_the_same_result_live_and_batch(stick: dict[str, Any]) -> None:
    frames = _lying_frames(stick, stick["rep_track"](5, 110, reps=2, hold_s=3.0))
    live = create_analyser(KTC)
    for frame in frames:
        live.update(frame)
    assert live.summary() == analyse_frames(KTC, iter(frames))


def test_thresholds_are_data(stick: dict[str, Any]) -> None:
    """Raising the target in the data makes the same movement a partial one."""
    kin = KTC.kinematics.model_copy(update={"target": KTC.kinematics.target.model_copy(
        update={"min_deg": 130.0})})
    stricter = Exercise.model_validate({**KTC.model_dump(), "kinematics": kin.model_dump()})
    frames = _lying_frames(stick, stick["rep_track"](5, 120, reps=2, hold_s=3.0))
    assert analyse_frames(KTC, frames).reps == 2
    assert analyse_frames(stricter, frames).reps == 0


def test_rejects_a_bad_aspect_ratio() -> None:
    with pytest.raises(ValueError, match="aspect_ratio"):
        create_analyser(KTC, aspect_ratio=0.0)


_segments = st.lists(
    st.tuples(st.floats(0.05, 4.0), st.floats(0.0, 150.0), st.booleans()), min_size=1,
    max_size=14,
)


@settings(max_examples=40, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(segments=_segments)
def test_count_never_decreases_and_every_rep_has_a_hold(
    stick: dict[str, Any], segments: list[tuple[float, float, bool]]
) -> None:
    lying, ramp = stick["lying"], stick["ramp"]
    steps = [(0.0, 5.0)] + [(d, a) for d, a, _ in segments]
    track = ramp(steps)
    gaps = {i for i, (_, _, gap) in enumerate(segments) if gap}
    analyser = create_analyser(KTC)
    last = 0
    for i, angle in enumerate(track):
        hidden = (i // 20) in gaps
        analyser.update(PoseFrame(i / 30.0, None if hidden else lying(angle)))
        summary = analyser.summary()
        assert summary.reps >= last
        last = summary.reps
        for rep in summary.rep_events:
            assert rep.hold_s >= KTC.kinematics.min_hold_s
            assert rep.start <= rep.end


def test_a_way_back_read_short_still_ends_the_repetition(stick: dict[str, Any]) -> None:
    # The pose model reads the return from 120 degrees only down to 42 (above the rest range,
    # 35): the repetition is still home, and the next one is a repetition of its own.
    track = stick["ramp"]([(0, 5), (2, 5), (2.5, 120), (4, 120), (2.5, 42), (1, 42),
                           (2.5, 120), (4, 120), (2.5, 5), (2, 5)])  # fmt: skip
    analyser = create_analyser(KTC)
    events = [e for f in _lying_frames(stick, track) for e in analyser.update(f)]
    assert analyser.summary().reps == 2
    assert [e.kind for e in events].count(EventKind.REP_STARTED) == 2  # none on the way down


def test_a_dip_in_the_hold_is_not_the_way_back(stick: dict[str, Any]) -> None:
    # A wobble a third of the way down during the hold does not end the repetition.
    track = stick["ramp"]([(0, 5), (2, 5), (2.5, 120), (2, 120), (0.5, 85), (0.5, 120),
                           (2, 120), (2.5, 5), (2, 5)])  # fmt: skip
    assert analyse_frames(KTC, _lying_frames(stick, track)).reps == 1


def test_a_slow_start_does_not_lift_the_resting_level_the_tip_is_judged_from(
    stick: dict[str, Any],
) -> None:
    # A head carried forward (30 degrees at rest) tipped 8 degrees further over 5 s: the first
    # degrees of the movement, still inside the rest range, must not raise the level the
    # neck's excursion is measured from.
    neck = load_catalog().get("neck-flexion")
    track = stick["ramp"]([(0, 30), (3, 30), (5, 38), (4, 38), (3, 30), (3, 30)])
    assert analyse_frames(neck, stick["frames"]([stick["seated"](a) for a in track])).reps == 1
    # ... while a drift of 3 degrees is no repetition
    still = stick["ramp"]([(0, 30), (3, 30), (5, 33), (4, 33), (3, 30), (3, 30)])
    assert analyse_frames(neck, stick["frames"]([stick["seated"](a) for a in still])).reps == 0
