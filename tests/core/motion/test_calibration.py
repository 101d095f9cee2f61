"""Calibration: one comfortable repetition sets the person's own target (never a harder one)."""

from __future__ import annotations

import pytest

from backcoach.core.motion.calibration import (
    Calibration,
    CalibrationError,
    CalibrationRecorder,
    calibrate,
)
from backcoach.core.motion.registry import analyse_frames
from backcoach.core.motion.types import PoseFrame
from backcoach.synthetic import SequenceSpec, generate
from backcoach.synthetic.generate import exercise_for
from backcoach.synthetic.timeline import Attempt

KTC = exercise_for("knee-to-chest")


def _short_range(count: int, seed: int, reach: float = 0.85) -> SequenceSpec:
    """Knees brought up and held, but only ``reach`` of the way to the catalog's target (a
    stiff hip, or a camera that reads the hip angle low): the synthetic body's partial
    attempt, held as long as a repetition."""
    attempts = tuple(Attempt("partial", 4.0, 2.5, 2.5, 3.0, reach=reach) for _ in range(count))
    return SequenceSpec("knee-to-chest", attempts, fidgets_per_min=0.0)


def test_a_calibrated_short_range_counts_and_an_uncalibrated_one_does_not() -> None:
    calibration = calibrate(KTC, generate(_short_range(1, seed=1), seed=1).frames)
    assert 0 <= calibration.rest_deg < 20 and 70 < calibration.peak_deg < 95
    session = generate(_short_range(3, seed=2), seed=2).frames
    assert analyse_frames(KTC, session).reps == 0
    assert analyse_frames(KTC, session, calibration=calibration).reps == 3


def test_calibration_never_makes_the_target_harder_nor_lets_noise_count() -> None:
    wide = Calibration(rest_deg=5.0, peak_deg=150.0)
    catalog_enter = KTC.kinematics.target.min_deg
    assert wide.target_enter_deg(KTC, catalog_enter) == catalog_enter
    tiny = Calibration(rest_deg=5.0, peak_deg=8.0)
    assert tiny.target_enter_deg(KTC, catalog_enter) >= 5.0 + 2 * KTC.kinematics.hysteresis_deg
    resting = generate(SequenceSpec("knee-to-chest", (), lead_in_s=30.0, fidgets_per_min=8.0),
                       seed=3).frames  # fmt: skip
    own = Calibration(rest_deg=5.0, peak_deg=60.0)
    assert analyse_frames(KTC, resting, calibration=own).reps == 0


def test_a_recording_without_a_repetition_is_refused_and_stored_data_round_trips() -> None:
    still = generate(SequenceSpec("knee-to-chest", (), lead_in_s=8.0, fidgets_per_min=0.0),
                     seed=4).frames  # fmt: skip
    with pytest.raises(CalibrationError, match="no clear repetition"):
        calibrate(KTC, still)
    cal = Calibration(4.5, 88.25)
    assert Calibration.from_dict(cal.to_dict()) == cal
    with pytest.raises(CalibrationError):
        Calibration.from_dict({"rest_deg": 10})


def _live(recorder: CalibrationRecorder, frames: list[PoseFrame], offset_s: float = 0.0,
          ) -> list[str]:  # fmt: skip
    changes = []
    for frame in frames:
        if (status := recorder.add(PoseFrame(frame.t + offset_s, frame.landmarks))) is not None:
            changes.append(status)
    return changes


def test_the_live_recorder_waits_for_rest_then_measures_one_repetition() -> None:
    frames = list(generate(_short_range(1, seed=7), seed=7).frames)
    recorder = CalibrationRecorder(KTC)
    changes = _live(recorder, frames)
    assert changes[0] == "recording" and changes[-1] == "done"
    assert recorder.result is not None
    whole = calibrate(KTC, frames)
    # The recorder sees only the still second before the movement, where this body's legs lie
    # flatter than over the whole rest (the analyser's first second is a plain median): the
    # resting levels may differ by up to a hysteresis, the level a repetition counts from by
    # only a few degrees, and the held level hardly at all.
    hysteresis = KTC.kinematics.hysteresis_deg
    assert recorder.result.rest_deg == pytest.approx(whole.rest_deg, abs=hysteresis)
    enter = KTC.kinematics.target.min_deg
    assert recorder.result.target_enter_deg(KTC, enter) == pytest.approx(
        whole.target_enter_deg(KTC, enter), abs=3.0)
    assert recorder.result.peak_deg == pytest.approx(whole.peak_deg, abs=2.0)


def test_the_live_recorder_started_mid_hold_waits_for_the_real_rest() -> None:
    frames = list(generate(_short_range(1, seed=8), seed=8).frames)
    recorder = CalibrationRecorder(KTC)
    top = max(range(len(frames)), key=lambda i: _hip(frames[i]))
    # The person is holding the position when the recording starts, then the clip loops.
    tail = frames[top:]
    looped = tail + [PoseFrame(f.t + tail[-1].t - tail[0].t + 0.1, f.landmarks) for f in frames]
    changes = _live(recorder, looped, -tail[0].t)
    assert changes[-1] == "done" and "settling" in changes
    assert recorder.result is not None and recorder.result.rest_deg < 25


def test_the_live_recorder_gives_up_when_nothing_moves() -> None:
    still = list(generate(SequenceSpec("knee-to-chest", (), lead_in_s=12.0,
                                       fidgets_per_min=0.0), seed=9).frames)  # fmt: skip
    recorder = CalibrationRecorder(KTC, max_s=10.0)
    assert _live(recorder, still)[-1] == "failed"
    assert recorder.error is not None and "no clear repetition" in recorder.error


def _hip(frame: PoseFrame) -> float:
    from backcoach.core.motion.registry import create_analyser

    if frame.landmarks is None:
        return 0.0
    analyser = create_analyser(KTC)
    analyser.update(frame)
    return analyser.signals()[analyser.signal_name]
