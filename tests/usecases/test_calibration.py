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
