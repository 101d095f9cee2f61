"""The person's own range per exercise and profile: measure it, store it, read it, forget it.

``backcoach analyze FILE -e ID --calibrate`` and the web app's setup page
(``/exercises/<id>/setup``) both store here, and every analysis that counts for a profile (the
CLI's ``analyze``, the web app's practice and sessions) reads it back from here. The range is
measured by ``core.motion.calibration``, which only ever makes the target easier to reach than
the catalog's, never harder.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from backcoach.core.catalog import Exercise
from backcoach.core.motion.calibration import Calibration, CalibrationError, calibrate

if TYPE_CHECKING:
    from backcoach.storage import Journal

__all__ = [
    "Calibration", "CalibrationError", "CalibrationView", "calibrate_recording",
    "calibration_key", "catalog_enter_deg", "describe", "forget_calibration", "save_calibration",
    "stored_calibration",
]  # fmt: skip


def calibration_key(exercise: Exercise) -> str:
    """The profile setting that holds the person's own range for ``exercise``."""
    return f"calibration.{exercise.id}"


def catalog_enter_deg(exercise: Exercise) -> float:
    """Where a repetition counts without a calibration (the analyser's own rule)."""
    kin = exercise.kinematics
    return kin.target.min_deg - kin.limits.get("target_tolerance_deg", 0.0)


#: What the degrees measure, per analyser signal, in plain words (the page and the CLI say it).
_ANGLE_WORDS = {
    "hip_flexion": "the angle between your body and your thigh: about 0 with your legs flat on "
                   "the mat, about 90 with the thigh pointing straight up",
    "neck_flexion": "how far your head tips forward from the line of your back: about 0 looking "
                    "straight ahead, more as your chin drops toward your chest",
    "stride": "the angle between your two thighs: about 0 standing with your feet together, "
              "more the longer your step",
}  # fmt: skip
_SAME = 0.5  # degrees: a range this close to the usual target counts at the usual point


@dataclass(frozen=True)
class CalibrationView:
    """What to show about a stored range: its levels, where counting now starts, and the same
    in plain words (``summary``), the one wording of the web page and ``analyze --calibrate``."""

    rest_deg: float
    peak_deg: float
    counts_from_deg: float
    catalog_from_deg: float
    angle_words: str = "the angle the camera measures for this exercise"

    @property
    def reaches_target(self) -> bool:
        """The comfortable position reaches the usual target: counting is unchanged."""
        return self.counts_from_deg >= self.catalog_from_deg - _SAME

    def summary(self) -> str:
        rest, peak = round(self.rest_deg), round(self.peak_deg)
        usual, own = round(self.catalog_from_deg), round(self.counts_from_deg)
        if self.reaches_target:
            said = (f"Your comfortable position reaches this exercise's target, so repetitions "
                    f"count at the usual point ({usual} degrees): nothing needed to change. The "
                    f"coach never asks for more than that.")  # fmt: skip
        else:
            said = (f"A repetition now counts from {own} degrees instead of the usual {usual}: "
                    f"most of the way to your comfortable position, so a repetition a little "
                    f"smaller than the one you showed still counts.")  # fmt: skip
        return (f"{said} The degrees are {self.angle_words}. You started at {rest} degrees and "
                f"your comfortable position reached {peak}.")  # fmt: skip

    def to_dict(self) -> dict[str, Any]:
        values: dict[str, Any] = {key: round(getattr(self, key), 1) for key in
                                  ("rest_deg", "peak_deg", "counts_from_deg", "catalog_from_deg")}
        return {**values, "reaches_target": self.reaches_target, "summary": self.summary()}


def describe(exercise: Exercise, calibration: Calibration) -> CalibrationView:
    catalog = catalog_enter_deg(exercise)
    words = _ANGLE_WORDS.get(exercise.kinematics.signal)
    return CalibrationView(calibration.rest_deg, calibration.peak_deg,
                           calibration.target_enter_deg(exercise, catalog), catalog,
                           *([words] if words else []))  # fmt: skip


def stored_calibration(journal: Journal, profile: str, exercise: Exercise) -> Calibration | None:
    """The profile's range for ``exercise``, or ``None`` (never stored, forgotten, or damaged)."""
    return _parse(journal.get_settings(profile).get(calibration_key(exercise)))


def _parse(value: Any) -> Calibration | None:
    try:
        return Calibration.from_dict(value) if isinstance(value, dict) else None
    except CalibrationError:
        return None


def save_calibration(journal: Journal, profile: str, exercise: Exercise,
                     calibration: Calibration) -> CalibrationView:  # fmt: skip
    """Store a measured range (replacing any earlier one) and say what it means."""
    journal.set_setting(profile, calibration_key(exercise), calibration.to_dict())
    return describe(exercise, calibration)


def forget_calibration(journal: Journal, profile: str, exercise: Exercise) -> bool:
    """Remove the stored range (counting goes back to the catalog's); True if there was one."""
    had = calibration_key(exercise) in journal.get_settings(profile)
    if had:
        journal.set_setting(profile, calibration_key(exercise), None)
    return had


def calibrate_recording(path: Path, exercise: Exercise) -> Calibration:
    """Measure the range on a recording of one comfortable repetition: a video (through the
    full pose pipeline) or a landmark file. ``CalibrationError`` says what is wrong with it."""
    from backcoach.pose.landmark_file import LandmarkFileError, read_landmark_file
    from backcoach.usecases.video_analysis import VideoAnalysisError, is_video_file, video_poses

    try:
        if is_video_file(path):
            header, poses = video_poses(path, exercise)
            return calibrate(exercise, poses, aspect_ratio=header.aspect_ratio)
        header, frames = read_landmark_file(path)
        return calibrate(exercise, frames, aspect_ratio=header.aspect_ratio)
    except (LandmarkFileError, VideoAnalysisError) as exc:
        raise CalibrationError(str(exc)) from None
