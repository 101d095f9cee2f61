"""The fast pipeline's frame choice, checked without the model: a replay backend plays the
synthetic body's landmarks while a real (tiny) video file supplies the frames and their times."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from backcoach.core.catalog import Exercise, load_catalog
from backcoach.core.motion.registry import create_analyser
from backcoach.core.motion.types import AnalysisSummary, PoseFrame
from backcoach.pose.pipeline import PipelineSettings, motion_speed, run_video
from backcoach.pose.replay_backend import ReplayBackend
from backcoach.synthetic import generate, simple_spec
from backcoach.usecases.video_analysis import activity, default_backend


def _blank_video(make_video: Callable[..., Path], path: Path, frames: int) -> Path:
    return make_video(path, [np.zeros((36, 64, 3), np.uint8)] * frames)


def _analyse(
    path: Path, frames: list[PoseFrame], settings: PipelineSettings, exercise: Exercise
) -> tuple[int, AnalysisSummary]:
    """Run the pipeline with the analyser setting the pace, as ``analyze`` does."""
    analyser = create_analyser(exercise, aspect_ratio=16 / 9)
    stats, stream = run_video(path, lambda: ReplayBackend(frames), settings,
                              pace=lambda: activity(analyser))
    for frame in stream:
        if frame.pose is not None:
            analyser.update(frame.pose)
    return stats.frames_analysed, analyser.summary()


def _analysed(path: Path, frames: list[PoseFrame], settings: PipelineSettings) -> list[PoseFrame]:
    stats, stream = run_video(path, lambda: ReplayBackend(frames), settings)
    analysed = [frame.pose for frame in stream if frame.pose is not None]
    assert stats.frames_analysed == len(analysed)
    return analysed


@pytest.mark.parametrize("exercise_id", ["knee-to-chest", "neck-flexion", "hip-flexor-stretch"])
def test_adaptive_rate_counts_what_every_frame_counts_with_far_fewer_frames(
    tmp_path: Path, make_video: Callable[..., Path], exercise_id: str
) -> None:
    sequence = generate(simple_spec(exercise_id, reps=2, hold_s=4.0, partials=1), seed=5)
    video = _blank_video(make_video, tmp_path / "blank.mp4", len(sequence.frames))
    exercise = load_catalog().get(exercise_id)
    every_n, every = _analyse(video, sequence.frames, PipelineSettings(every_frame=True), exercise)
    fast_n, fast = _analyse(video, sequence.frames, PipelineSettings(), exercise)
    assert every_n == len(sequence.frames)
    assert fast_n < 0.3 * every_n
    assert every.reps == fast.reps == sequence.truth.count
    assert every.sides == fast.sides
    assert {f.code for f in every.faults} == {f.code for f in fast.faults}
    for a, b in zip(every.rep_events, fast.rep_events, strict=True):
        assert abs(a.hold_s - b.hold_s) < 0.5
        assert a.range_deg is not None and b.range_deg is not None
        # about the same range of movement from fewer frames (they smooth the peak differently)
        assert abs(a.range_deg - b.range_deg) <= 0.1 * max(a.range_deg, b.range_deg)


def test_a_still_body_is_analysed_five_times_a_second(
    tmp_path: Path, make_video: Callable[..., Path]
) -> None:
    pose = generate(simple_spec("neck-flexion", reps=1), seed=1).frames[0].landmarks
    assert pose is not None
    frames = [PoseFrame(i / 30, pose) for i in range(90)]
    video = _blank_video(make_video, tmp_path / "still.mp4", 90)
    analysed = _analysed(video, frames, PipelineSettings())
    assert 14 <= len(analysed) <= 17  # 3 s at 0.2 s


def test_motion_speed_is_in_torso_lengths_per_second() -> None:
    pose = generate(simple_spec("neck-flexion", reps=1), seed=1).frames[0].landmarks
    assert pose is not None
    before = [list(p) for p in pose]
    after = [[x + 0.01, y, z, v] for x, y, z, v in before]
    speed = motion_speed(before, after, 0.5, 1280, 720)
    shoulder_hip_px = np.hypot(
        (before[11][0] + before[12][0] - before[23][0] - before[24][0]) / 2 * 1280,
        (before[11][1] + before[12][1] - before[23][1] - before[24][1]) / 2 * 720,
    )
    assert speed == pytest.approx(12.8 / shoulder_hip_px / 0.5, rel=1e-6)


class _Scripted:
    """A backend that answers from a script: the landmarks to return per call (None: nobody).
    The backends of one stream (one per rotation) share the script's position."""

    def __init__(self, script: list[list[list[float]] | None], calls: list[int]) -> None:
        self._script = script
        self._calls = calls

    def estimate(self, image: np.ndarray, t: float) -> list[list[float]] | None:
        found = self._script[min(self._calls[0], len(self._script) - 1)]
        self._calls[0] += 1
        return found

    def close(self) -> None:
        pass


def _body(exercise_id: str) -> list[list[float]]:
    pose = generate(simple_spec(exercise_id, reps=1), seed=1).frames[0].landmarks
    assert pose is not None
    return [list(p) for p in pose]


def _rotations(settings: PipelineSettings, script: list[list[list[float]] | None]) -> list[int]:
    from backcoach.pose.pipeline import PoseTracker

    calls = [0]
    tracker = PoseTracker(lambda: _Scripted(script, calls), settings)
    image = np.zeros((36, 64, 3), np.uint8)
    seen = []
    for i in range(len(script)):
        tracker.analyse(image, i / 10)
        seen.append(tracker.rotation_deg)
    return seen


AUTO = PipelineSettings(upright=None)


def test_automatic_turning_turns_a_lying_body_upright_and_a_seated_one_never() -> None:
    lying = _body("knee-to-chest")
    turns = _rotations(AUTO, [lying] * 2)  # sideways twice: turned a quarter
    assert turns[0] == 0 and turns[1] in (90, 270)
    assert _rotations(PipelineSettings(), [lying] * 6) == [0] * 6  # off by default
    # Seen seated, then out of view: the picture is never turned to look for a lying person.
    seated = _body("neck-flexion")
    assert _rotations(AUTO, [seated] * 3 + [None] * 12) == [0] * 15


def test_a_turn_that_loses_the_person_is_undone_and_not_tried_again() -> None:
    lying = _body("knee-to-chest")
    turns = _rotations(AUTO, [lying] * 2 + [None] * 3 + [lying] * 4)
    assert turns[1] in (90, 270)
    assert turns[4:] == [0] * 5  # back where the person was found, and it stays there


def test_nobody_found_yet_is_looked_for_at_quarter_turns() -> None:
    # A person lying at an angle the model misses in the unturned picture may be found turned.
    turns = _rotations(AUTO, [None] * 40)
    assert turns[:9] == [0] * 9 and set(turns) == {0, 90, 180, 270}
    assert _rotations(PipelineSettings(), [None] * 40) == [0] * 40


def test_a_dim_room_is_brightened_for_the_model(
    tmp_path: Path, demo_video: Path, make_reencoded: Callable[..., Path]
) -> None:
    # A real person filmed in a room at a fifth of its light, with sensor noise: the model
    # finds nobody in the picture as it is, and finds them once it is brightened.
    rng = np.random.default_rng(0)

    def dim(frame: np.ndarray) -> np.ndarray:
        noisy = frame * 0.18 + rng.normal(0.0, 2.0, frame.shape)
        return np.clip(noisy, 0, 255).astype(np.uint8)

    video = make_reencoded(demo_video, tmp_path / "dim.mp4", seconds=7.0, width=640, transform=dim)
    found = {}
    for brighten in (False, True):
        stats, stream = run_video(video, default_backend, PipelineSettings(brighten=brighten))
        for _ in stream:
            pass
        found[brighten] = stats.person_ratio
    assert found[False] < 0.1
    assert found[True] > found[False] + 0.25
