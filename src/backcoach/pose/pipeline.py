"""From video frames to a stream of ``PoseFrame``s, fast enough to beat real time on 2 cores.

The steps stay visible: decode (own thread, downscaled) → choose the frames worth analysing →
turn the image so the body stands upright (optional) → pose model → landmarks back in the
original image's coordinates.

Why it is fast: the exercises are slow stretches and holds, so the model does not need every
frame. The movement analyser sets the pace (``pace``): 15 frames/s while the person moves,
10 while holding (the hold timer needs its edges), 5 at rest; without an analyser, the pipeline
measures how far the body moved and waits until it may have moved about ``motion_step`` torso
lengths again. MediaPipe keeps tracking the region around the last landmarks between calls, so
its detector rarely runs. Skipped frames are still decoded (later frames depend on them; their
times drive the clock) but are not converted to colour and never reach the model.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np

from backcoach.core.catalog import BLAZEPOSE_LANDMARKS
from backcoach.core.motion.types import PoseFrame
from backcoach.pose.backend import Landmarks, PoseBackend
from backcoach.pose.exposure import Brightener
from backcoach.pose.orientation import (
    ROTATIONS_DEG,
    rotate_image,
    trunk_direction_deg,
    unrotate_landmarks,
    upright_rotation,
)
from backcoach.pose.video import ThreadedVideoReader

BackendFactory = Callable[[], PoseBackend]
#: What the person is doing, as the movement analyser sees it (it sets the frame rate).
Activity = Literal["rest", "hold", "move"]

_MOTION_JOINTS = tuple(
    BLAZEPOSE_LANDMARKS.index(name)
    for name in (
        "nose", "left_ear", "right_ear", "left_shoulder", "right_shoulder", "left_hip", "right_hip",
        "left_knee", "right_knee", "left_ankle", "right_ankle", "left_wrist", "right_wrist",
    )
)  # fmt: skip
_L_SHOULDER = BLAZEPOSE_LANDMARKS.index("left_shoulder")
_R_SHOULDER = BLAZEPOSE_LANDMARKS.index("right_shoulder")
_L_HIP, _R_HIP = BLAZEPOSE_LANDMARKS.index("left_hip"), BLAZEPOSE_LANDMARKS.index("right_hip")
_VISIBLE = 0.5  # landmarks less visible than this do not set the pace
_SWITCH_AFTER = 2  # analysed frames a body must look sideways before the image is turned
_PROBE_AFTER = 3  # analysed frames without a person before another rotation is tried
_SEARCH_AFTER = 10  # the same while nobody has been found yet (the detector may need a moment)


@dataclass(frozen=True, slots=True)
class PipelineSettings:
    """How the video is turned into landmarks. The defaults are the measured fast settings;
    ``every_frame=True, max_side_px=0`` is the plain loop (every frame, full size)."""

    max_side_px: int = 640  # 0 = no downscaling
    every_frame: bool = False
    min_interval_s: float = 1.0 / 15.0  # moving
    hold_interval_s: float = 0.1  # holding
    max_interval_s: float = 0.2  # at rest (or still, when no analyser sets the pace)
    # No person in view: look again this often. The detector alone (no tracked region) finds a
    # person on some frames and not on others; searching on every 2nd frame found the demo's
    # man within 0.3 s where every 6th frame took 2 s (a no-person call costs ~2/3 of a call
    # with a person).
    search_interval_s: float = 1.0 / 15.0
    motion_step: float = 0.06  # torso lengths the body may move between analysed frames
    # Turn sideways (lying) bodies upright before inference: True always (and look for a
    # person at each quarter turn when none is found), False never (the default). None is True
    # until a body is seen upright in the unturned picture, and after a body was seen lying: a
    # person seated or standing is never turned nor looked for at quarter turns once seen. On
    # the rendered lying clips of benchmarks/video_accuracy.py (tuning split) None kept the
    # person found in more frames (75-99 % instead of 47-96 %), but on a real person's video
    # turned sideways it found them in 70 % of frames where the unturned picture gave >= 80 %
    # (tests/pose/test_mediapipe_backend.py), so it stays off unless asked for (the analysis of
    # an exercise done lying down asks for True: usecases.video_analysis.settings_for).
    upright: bool | None = False
    # Lift dark frames (mean grey below pose.exposure.DIM_BELOW) with a gamma curve before the
    # model sees them; the landmarks need no mapping back. On the rendered clips of
    # benchmarks/video_accuracy.py (seed 2026, a development set) it turned one miscounted
    # dark-floor clip right and changed no other count; a real person at a fifth of the light
    # is found in 45 % of frames instead of none (tests/pose/test_pipeline.py).
    brighten: bool = True
    keep_full: bool = False  # keep full-size frames (for an annotated video)


@dataclass(slots=True)
class PipelineStats:
    """Counts a summary or a benchmark can report."""

    frames_decoded: int = 0
    frames_analysed: int = 0
    frames_with_person: int = 0
    rotations_used: set[int] = field(default_factory=set)
    truncated: bool = False

    @property
    def person_ratio(self) -> float:
        return self.frames_with_person / self.frames_analysed if self.frames_analysed else 0.0


@dataclass(frozen=True, slots=True)
class VideoFrame:
    """One decoded frame. ``pose`` is set only on analysed frames (feed those to an analyser);
    ``landmarks`` is the latest known pose, held over skipped frames (for drawing)."""

    index: int
    t: float
    pose: PoseFrame | None
    landmarks: Landmarks | None
    image: np.ndarray | None


def _torso_length(landmarks: Sequence[Sequence[float]], width: int, height: int) -> float:
    sx = (landmarks[_L_SHOULDER][0] + landmarks[_R_SHOULDER][0]) / 2 * width
    sy = (landmarks[_L_SHOULDER][1] + landmarks[_R_SHOULDER][1]) / 2 * height
    hx = (landmarks[_L_HIP][0] + landmarks[_R_HIP][0]) / 2 * width
    hy = (landmarks[_L_HIP][1] + landmarks[_R_HIP][1]) / 2 * height
    return max(math.hypot(sx - hx, sy - hy), 1.0)


def motion_speed(
    before: Landmarks, after: Landmarks, dt_s: float, width: int, height: int
) -> float:
    """How fast the body moves between two poses, in torso lengths per second: the second
    fastest of the clearly visible key joints, so one glitching landmark cannot set the pace."""
    if dt_s <= 0:
        return 0.0
    a = np.asarray(before)[list(_MOTION_JOINTS)]
    b = np.asarray(after)[list(_MOTION_JOINTS)]
    visible = (a[:, 3] >= _VISIBLE) & (b[:, 3] >= _VISIBLE)
    if np.count_nonzero(visible) < 2:
        return 0.0
    steps = np.linalg.norm((b[visible, :2] - a[visible, :2]) * (width, height), axis=1)
    second_fastest = float(np.sort(steps)[-2])
    return second_fastest / _torso_length(after, width, height) / dt_s


class PoseTracker:
    """Decides which frames to analyse, keeps the body upright for the model, runs the backend.

    One tracker per stream (video file or camera); it owns one backend per image rotation used,
    so each keeps its own tracking state.
    """

    def __init__(
        self, backend_factory: BackendFactory, settings: PipelineSettings, *, paced: bool = False
    ) -> None:
        self._factory = backend_factory
        self._paced = paced
        self.settings = settings
        self._backends: dict[int, PoseBackend] = {}
        self.rotation_deg = 0
        self._sideways = 0
        self._misses = 0
        self._seen_lying = False  # a body seen sideways in the picture (see PipelineSettings)
        self._seen_upright = False  # a body seen upright in the unturned picture
        self._found_at: int | None = None  # the rotation of the last frame with a person
        self._failed: set[int] = set()  # rotations that lost a person seen before the turn
        self._next_t = -math.inf
        self._last: tuple[float, Landmarks] | None = None
        self._brightener = Brightener() if settings.brighten else None
        self.stats = PipelineStats()

    def _backend(self, rotation_deg: int) -> PoseBackend:
        if rotation_deg not in self._backends:
            self._backends[rotation_deg] = self._factory()
        return self._backends[rotation_deg]

    def wants(self, t: float, frame_interval_s: float) -> bool:
        """Whether the frame at ``t`` should go to the model."""
        return self.settings.every_frame or t >= self._next_t - frame_interval_s / 2

    def analyse(self, image: np.ndarray, t: float) -> Landmarks | None:
        """Run the model on ``image`` (already downscaled) and schedule the next analysed frame."""
        rotation = self.rotation_deg
        seen = image if self._brightener is None else self._brightener(image)
        found = self._backend(rotation).estimate(rotate_image(seen, rotation), t)
        landmarks = None if found is None else unrotate_landmarks(found, rotation)
        self.stats.frames_analysed += 1
        self.stats.rotations_used.add(rotation)
        height, width = image.shape[:2]
        self._schedule(t, landmarks, width, height)
        if self._paced and landmarks is not None:
            # until ``pace`` answers, assume the soonest next frame (the reader thread asks)
            self._next_t = t + self.settings.min_interval_s
        if self.settings.upright is not False:
            self._update_rotation(landmarks, width, height)
        if landmarks is not None:
            self.stats.frames_with_person += 1
            self._last = (t, landmarks)
        return landmarks

    def _schedule(self, t: float, landmarks: Landmarks | None, width: int, height: int) -> None:
        s = self.settings
        if landmarks is None:
            interval = s.search_interval_s if self._last is None else s.min_interval_s
            self._last = None
        elif self._last is None:
            interval = s.min_interval_s
        else:
            speed = motion_speed(self._last[1], landmarks, t - self._last[0], width, height)
            interval = s.max_interval_s if speed <= 0 else s.motion_step / speed
        self._next_t = t + min(max(interval, s.min_interval_s), s.max_interval_s)

    def pace(self, activity: Activity | None) -> None:
        """Let the movement analyser set the pace after the latest analysed frame: "rest" (the
        slowest rate), "hold" (a middle rate: the hold timer needs its edges), "move" (the
        fastest), or ``None`` to keep the pace measured from the landmarks."""
        if activity is None or self._last is None or self.settings.every_frame:
            return
        s = self.settings
        interval = {"rest": s.max_interval_s, "hold": s.hold_interval_s, "move": s.min_interval_s}
        self._next_t = self._last[0] + interval[activity]

    def _update_rotation(self, landmarks: Landmarks | None, width: int, height: int) -> None:
        if landmarks is None:
            if self.settings.upright is None and self._seen_upright and not self._seen_lying:
                return  # automatic: a person seen upright, none lying: keep the picture as it is
            self._misses += 1
            if self._misses >= (_PROBE_AFTER if self._found_at is not None else _SEARCH_AFTER):
                self._misses = 0
                found_at = self._found_at
                if found_at is not None and found_at != self.rotation_deg:
                    # Turned, and the model lost the person: it saw them before the turn, so
                    # go back and do not turn that way again in this stream.
                    self._failed.add(self.rotation_deg)
                    self.rotation_deg = found_at
                    return
                position = ROTATIONS_DEG.index(self.rotation_deg)
                self.rotation_deg = ROTATIONS_DEG[(position + 1) % len(ROTATIONS_DEG)]
            return
        self._misses = 0
        self._found_at = self.rotation_deg
        wanted = upright_rotation(trunk_direction_deg(landmarks, width, height))
        if wanted == 0 and self.rotation_deg == 0:
            self._seen_upright = True
        turn = wanted != self.rotation_deg and wanted not in self._failed
        self._sideways = self._sideways + 1 if turn else 0
        if self._sideways >= _SWITCH_AFTER:
            self._seen_lying = True  # (seated and standing bodies never get here)
            self.rotation_deg = wanted
            self._sideways = 0

    def close(self) -> None:
        for backend in self._backends.values():
            backend.close()
        self._backends.clear()


def run_video(
    path: Path,
    backend_factory: BackendFactory,
    settings: PipelineSettings | None = None,
    *,
    on_frame: Callable[[int, int], None] | None = None,
    pace: Callable[[], Activity | None] | None = None,
) -> tuple[PipelineStats, Iterator[VideoFrame]]:
    """Open ``path`` (raises ``VideoError`` at once if unusable) and stream its frames.

    ``on_frame(decoded, expected)`` is called for every decoded frame (a progress bar).
    ``pace()`` is asked after each analysed frame has been consumed (see ``PoseTracker.pace``):
    an analyser knows better than landmark motion whether the person rests, holds or moves.
    """
    settings = settings or PipelineSettings()
    max_side = settings.max_side_px or 1_000_000
    tracker = PoseTracker(backend_factory, settings, paced=pace is not None)
    reader = ThreadedVideoReader(path, max_side_px=max_side, keep_full=settings.keep_full,
                                 wanted=tracker.wants)
    return tracker.stats, _stream(reader, tracker, on_frame, pace)


def _stream(
    reader: ThreadedVideoReader,
    tracker: PoseTracker,
    on_frame: Callable[[int, int], None] | None,
    pace: Callable[[], Activity | None] | None,
) -> Iterator[VideoFrame]:
    frame_interval_s = 1.0 / reader.info.fps
    held: Landmarks | None = None
    try:
        with reader:
            for decoded in reader:
                pose = None
                if decoded.small is not None and tracker.wants(decoded.t, frame_interval_s):
                    held = tracker.analyse(decoded.small, decoded.t)
                    pose = PoseFrame(t=decoded.t, landmarks=held)
                tracker.stats.frames_decoded += 1
                if on_frame is not None:
                    on_frame(decoded.index + 1, reader.info.frame_count)
                yield VideoFrame(decoded.index, decoded.t, pose, held, decoded.full)
                if pose is not None and pace is not None:
                    tracker.pace(pace())
        tracker.stats.truncated = reader.truncated
    finally:
        tracker.close()
