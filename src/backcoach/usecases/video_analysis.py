"""Analysing a video file or a live camera: pixels → pose pipeline → the exercise's analyser.

Below both interfaces: ``backcoach analyze`` (``cli/analyze_video.py``) only shows what these
functions report (a progress bar, events as they happen, the summary), and the web app's setup
page uses the same camera check (``ViewCheck``) and calibration (``usecases.calibration``).
Every failure is a ``VideoAnalysisError`` whose message a person can act on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from backcoach.core.catalog import Exercise
from backcoach.core.motion.calibration import Calibration
from backcoach.core.motion.registry import analyse_frames, create_analyser
from backcoach.core.motion.types import AnalysisSummary, MotionEvent, PoseFrame
from backcoach.pose.annotate import AnnotatedVideoWriter, AnnotationError, OverlayState
from backcoach.pose.backend import PoseBackend, PoseBackendError
from backcoach.pose.camera_check import CameraCheck, CameraChecker
from backcoach.pose.landmark_file import LandmarkHeader, read_landmark_file, write_landmark_file
from backcoach.pose.pipeline import (
    Activity,
    PipelineSettings,
    PipelineStats,
    PoseTracker,
    run_video,
)
from backcoach.pose.plot import PlotError, hold_spans, plot_angles
from backcoach.pose.video import VideoError, is_video_file, probe_video

if TYPE_CHECKING:
    import numpy as np

BackendFactory = Callable[[], PoseBackend]
Progress = Callable[[int, int], None]  # (frames done, frames expected)

#: The camera check looks at the first seconds of a live analysis (and of the setup page's check).
CHECK_SECONDS = 3.0

__all__ = [
    "CHECK_SECONDS", "LandmarkResult", "VideoAnalysisError", "VideoResult", "ViewCheck",
    "activity", "analyse_camera", "analyse_landmark_file", "analyse_video", "default_backend",
    "is_video_file", "settings_for",
]  # fmt: skip


class VideoAnalysisError(ValueError):
    """A video, camera or output path that cannot be used; the message says what to do."""


def default_backend() -> PoseBackend:
    """MediaPipe BlazePose full, offline (imported lazily: it takes a second to load)."""
    from backcoach.pose.mediapipe_backend import MediaPipePoseBackend

    return MediaPipePoseBackend()


def settings_for(exercise: Exercise, *, keep_full: bool) -> PipelineSettings:
    """The pipeline settings for an exercise: for one done lying down, the picture is turned
    so the body stands upright for the model (``PipelineSettings.upright``). On the rendered
    lying clips of ``benchmarks/video_accuracy.py`` (seeds 2026 and 2027, the development
    sets) MediaPipe then found the person in more frames (a floor-level camera 0 -> 82 %, dark
    clothes 35 -> 84 %, 51 -> 82 %) and one more clip of 28 was counted right."""
    return PipelineSettings(keep_full=keep_full, upright=exercise.position == "lying")


def activity(analyser: object) -> Activity | None:
    """What the analyser sees the person doing (the pipeline sets its frame rate by it), or
    ``None`` if it cannot tell."""
    phase = getattr(analyser, "phase", None)
    if phase is None:
        return None
    if phase in ("rest", "hold"):
        return "rest" if phase == "rest" else "hold"
    return "move"


@dataclass
class VideoResult:
    """What a video analysis produced: the summary, how much was seen, the files written."""

    summary: AnalysisSummary
    stats: PipelineStats
    outputs: list[Path] = field(default_factory=list)


def _check_outputs(*outs: Path | None) -> None:
    for out in outs:
        if out is not None and not out.parent.is_dir():
            raise VideoAnalysisError(f"{out}: the folder {out.parent} does not exist")


def analyse_video(
    path: Path,
    exercise: Exercise,
    *,
    progress: Progress | None = None,
    save_landmarks: Path | None = None,
    annotate: Path | None = None,
    plot: Path | None = None,
    backend_factory: BackendFactory = default_backend,
    calibration: Calibration | None = None,
) -> VideoResult:
    """Analyse a video file end to end, optionally writing its landmarks, an annotated copy and
    an angle plot; raises ``VideoAnalysisError`` on bad input."""
    _check_outputs(save_landmarks, annotate, plot)
    try:
        info = probe_video(path)
        analyser = create_analyser(exercise, aspect_ratio=info.width / info.height,
                                   calibration=calibration)  # fmt: skip
        settings = settings_for(exercise, keep_full=annotate is not None)
        stats, stream = run_video(path, backend_factory, settings, pace=lambda: activity(analyser))
    except (VideoError, PoseBackendError) as exc:
        raise VideoAnalysisError(str(exc)) from None
    overlay = OverlayState(title=exercise.name)
    poses: list[PoseFrame] = []
    series: list[dict[str, float] | None] = []
    events: list[MotionEvent] = []
    writer = None
    try:
        if annotate is not None:
            writer = AnnotatedVideoWriter(annotate, info.fps, info.width, info.height)
        for frame in stream:
            if progress is not None:
                progress(frame.index + 1, info.frame_count)
            if frame.pose is not None:
                new = analyser.update(frame.pose)
                events.extend(new)
                overlay.update(frame.t, new)
                poses.append(frame.pose)
                series.append(analyser.signals() if frame.pose.landmarks else None)
            if writer is not None and frame.image is not None:
                signals = analyser.signals() if frame.landmarks is not None else {}
                writer.write(frame.image, frame.landmarks, overlay, signals, frame.t)
    except (VideoError, PoseBackendError, AnnotationError) as exc:
        raise VideoAnalysisError(str(exc)) from None
    finally:
        if writer is not None:
            writer.close()
    if stats.frames_decoded == 0:
        raise VideoAnalysisError(f"{path}: no frame could be decoded; the video may be damaged")
    result = VideoResult(analyser.summary(), stats)
    if writer is not None and annotate is not None:
        result.outputs.append(annotate)
    if save_landmarks is not None:
        header = LandmarkHeader(fps=info.fps, width=info.width, height=info.height)
        try:
            write_landmark_file(save_landmarks, header, poses)
        except OSError as exc:
            raise VideoAnalysisError(f"{save_landmarks}: cannot write: {exc.strerror}") from None
        result.outputs.append(save_landmarks)
    if plot is not None:
        try:
            plot_angles(plot, exercise, [p.t for p in poses], series, result.summary,
                        hold_spans(events))  # fmt: skip
        except PlotError as exc:
            raise VideoAnalysisError(str(exc)) from None
        result.outputs.append(plot)
    return result


@dataclass(frozen=True)
class LandmarkResult:
    """What a landmark file's analysis produced, and in how many frames a person was seen."""

    summary: AnalysisSummary
    frames_with_person: int


def analyse_landmark_file(path: Path, exercise: Exercise,
                          calibration: Calibration | None = None) -> LandmarkResult:  # fmt: skip
    """Analyse a landmark file, streamed (never loaded whole); ``LandmarkFileError`` names the
    line of a bad one."""
    header, frames = read_landmark_file(path)
    seen = 0

    def counted() -> Iterator[PoseFrame]:
        nonlocal seen
        for frame in frames:
            seen += frame.landmarks is not None
            yield frame

    summary = analyse_frames(exercise, counted(), aspect_ratio=header.aspect_ratio,
                             calibration=calibration)  # fmt: skip
    return LandmarkResult(summary, seen)


def video_poses(path: Path, exercise: Exercise,
                backend_factory: BackendFactory = default_backend,
                ) -> tuple[LandmarkHeader, list[PoseFrame]]:  # fmt: skip
    """The landmarks of a whole video (for calibration), with the header that says its size."""
    try:
        info = probe_video(path)
        analyser = create_analyser(exercise, aspect_ratio=info.width / info.height)
        stats, stream = run_video(path, backend_factory, settings_for(exercise, keep_full=False),
                                  pace=lambda: activity(analyser))  # fmt: skip
        poses = []
        for frame in stream:
            if frame.pose is not None:
                analyser.update(frame.pose)
                poses.append(frame.pose)
    except (VideoError, PoseBackendError) as exc:
        raise VideoAnalysisError(str(exc)) from None
    if stats.frames_decoded == 0:
        raise VideoAnalysisError(f"{path}: no frame could be decoded; the video may be damaged")
    return LandmarkHeader(fps=info.fps, width=info.width, height=info.height), poses


class ViewCheck:
    """The camera check over the first ``seconds`` of a live stream (``pose.camera_check``):
    feed it every frame; it answers once, when the time is up (or on ``finish``)."""

    def __init__(self, exercise: Exercise, width: int, height: int,
                 seconds: float = CHECK_SECONDS) -> None:  # fmt: skip
        self._checker: CameraChecker | None = CameraChecker(exercise, width, height)
        self.seconds = seconds
        self._start_t: float | None = None

    @property
    def done(self) -> bool:
        return self._checker is None

    def add(self, t: float, landmarks: Sequence[Sequence[float]] | None,
            image: np.ndarray | None = None) -> CameraCheck | None:  # fmt: skip
        """Take one frame; the verdict on the frame that ends the check, else ``None``."""
        if self._checker is None:
            return None
        if self._start_t is None:
            self._start_t = t
        if t - self._start_t < self.seconds:
            self._checker.add(landmarks, image)
            return None
        return self.finish()

    def finish(self) -> CameraCheck | None:
        """The verdict on the frames so far (the stream ended early); ``None`` if given already."""
        if self._checker is None:
            return None
        check, self._checker = self._checker.result(), None
        return check


def analyse_camera(
    index: int | str,
    exercise: Exercise,
    *,
    on_events: Callable[[float, list[MotionEvent]], None],
    on_check: Callable[[CameraCheck], None],
    on_interrupt: Callable[[], None] = lambda: None,
    backend_factory: BackendFactory = default_backend,
    max_seconds: float | None = None,
    calibration: Calibration | None = None,
) -> AnalysisSummary:
    """Run the analyser live on camera ``index`` until Ctrl+C (then ``on_interrupt``) or
    ``max_seconds``; the first seconds also run the camera check. Returns the summary;
    ``VideoAnalysisError`` for a missing camera or a failing pose backend."""
    from backcoach.pose.camera import CameraError, LatestFrameCamera
    from backcoach.pose.video import downscale

    try:
        camera = LatestFrameCamera(index)
    except CameraError as exc:
        raise VideoAnalysisError(str(exc)) from None
    settings = settings_for(exercise, keep_full=False)
    tracker = PoseTracker(backend_factory, settings)
    analyser: Any = None
    view: ViewCheck | None = None
    try:
        for t, image in camera.frames():
            if max_seconds is not None and t > max_seconds:
                break
            if analyser is None:
                height, width = image.shape[:2]
                analyser = create_analyser(exercise, aspect_ratio=width / height,
                                           calibration=calibration)  # fmt: skip
                view = ViewCheck(exercise, width, height)
            if not tracker.wants(t, 0.0):
                continue
            small = downscale(image, settings.max_side_px)
            landmarks = tracker.analyse(small, t)
            if view is not None and (check := view.add(t, landmarks, small)) is not None:
                on_check(check)
            on_events(t, analyser.update(PoseFrame(t, landmarks)))
            tracker.pace(activity(analyser))
        if view is not None and (check := view.finish()) is not None:
            on_check(check)  # the stream ended within the check's seconds
    except KeyboardInterrupt:
        on_interrupt()
    except (CameraError, PoseBackendError) as exc:
        raise VideoAnalysisError(str(exc)) from None
    finally:
        camera.close()
        tracker.close()
    if analyser is None:
        raise VideoAnalysisError(f"camera {index}: no frame was received")
    summary: AnalysisSummary = analyser.summary()
    return summary
