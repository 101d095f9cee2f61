"""The calibration use case: measured on a real rendered video or a landmark file, stored per
profile in a real journal, read back, forgotten."""

from __future__ import annotations

from pathlib import Path

import pytest

from backcoach.core.catalog import load_catalog
from backcoach.core.motion.calibration import Calibration, CalibrationError
from backcoach.pose.landmark_file import LandmarkHeader, write_landmark_file
from backcoach.storage import Journal
from backcoach.synthetic import generate, simple_spec
from backcoach.usecases.calibration import (
    calibrate_recording,
    calibration_key,
    catalog_enter_deg,
    describe,
    forget_calibration,
    save_calibration,
    stored_calibration,
)

CATALOG = load_catalog()
KTC = CATALOG.get("knee-to-chest")
AVATAR = Path(__file__).resolve().parents[1] / "fixtures" / "avatar"


def test_stored_per_profile_read_back_and_forgotten(tmp_path: Path) -> None:
    journal = Journal.open(tmp_path)
    try:
        view = save_calibration(journal, "anna", KTC, Calibration(40.0, 100.0))
        assert view.counts_from_deg == pytest.approx(82.0)  # 40 + 0.7 * 60, under the catalog's
        assert view.catalog_from_deg == pytest.approx(87.0)
        assert stored_calibration(journal, "anna", KTC) == Calibration(40.0, 100.0)
        assert stored_calibration(journal, "ben", KTC) is None
        assert stored_calibration(journal, "anna", CATALOG.get("neck-flexion")) is None
        journal.set_setting("ben", calibration_key(KTC), {"rest_deg": 50, "peak_deg": 20})
        assert stored_calibration(journal, "ben", KTC) is None  # damaged: as if none
        assert forget_calibration(journal, "anna", KTC) is True
        assert stored_calibration(journal, "anna", KTC) is None
        assert forget_calibration(journal, "anna", KTC) is False
    finally:
        journal.close()


@pytest.mark.slow
def test_a_rendered_video_calibrates_through_the_pose_model() -> None:
    calibration = calibrate_recording(AVATAR / "knee-to-chest-hook-lying.mp4", KTC)
    assert 35 < calibration.rest_deg < 60 and 100 < calibration.peak_deg < 130  # hook lying
    with pytest.raises(CalibrationError, match="upright"):
        calibrate_recording(AVATAR / "neck-flexion-forward-head.mp4", KTC)


def test_bad_recordings_are_refused_with_a_message(tmp_path: Path) -> None:
    empty = tmp_path / "empty.mp4"
    empty.write_bytes(b"")
    with pytest.raises(CalibrationError):
        calibrate_recording(empty, KTC)
    text = tmp_path / "notes.jsonl"
    text.write_text("hello\n", encoding="utf-8")
    with pytest.raises(CalibrationError):
        calibrate_recording(text, KTC)
    seq = generate(simple_spec("knee-to-chest", reps=1), seed=2)
    one = tmp_path / "one.jsonl"
    write_landmark_file(one, LandmarkHeader(seq.fps, seq.width, seq.height), seq.frames)
    assert calibrate_recording(one, KTC).peak_deg > 90


def test_a_range_beyond_the_target_is_explained_not_silently_unchanged() -> None:
    """The QA case: a comfortable position past the target leaves counting at the usual point,
    and the words say so (rather than "from 87 degrees ... without your range: 87")."""
    usual = catalog_enter_deg(KTC)
    beyond = describe(KTC, Calibration(rest_deg=10.0, peak_deg=usual + 60))
    assert beyond.reaches_target and beyond.counts_from_deg == usual
    text = beyond.summary()
    assert "reaches this exercise's target" in text
    assert f"count at the usual point ({round(usual)} degrees)" in text
    assert "angle between your body and your thigh" in text  # what the degrees are
    short = describe(KTC, Calibration(rest_deg=10.0, peak_deg=usual - 20))
    assert not short.reaches_target and short.counts_from_deg < usual
    assert f"now counts from {round(short.counts_from_deg)} degrees instead of the usual " \
        f"{round(usual)}" in short.summary()
    assert short.to_dict()["summary"] == short.summary()
    for exercise in CATALOG:  # every exercise's degrees are explained in plain words
        view = describe(exercise, Calibration(rest_deg=5.0, peak_deg=80.0))
        assert "the angle the camera measures" not in view.summary(), exercise.id
