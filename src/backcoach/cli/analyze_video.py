"""Video and camera input for ``backcoach analyze``: pixels → pose pipeline → the same analyser.

``analyze.py`` decides which input it was given; this module runs a video file (with a progress
bar on stderr, and optional landmark file, annotated video and plot) or a live camera (events
printed as they happen). Every failure becomes an ``InputError`` with a message a person can act
on; the summary is the same ``AnalysisSummary`` a landmark file gives.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

from backcoach.cli.errors import InputError
from backcoach.core.catalog import Exercise
from backcoach.core.motion.calibration import Calibration
from backcoach.core.motion.registry import create_analyser
from backcoach.core.motion.types import AnalysisSummary, EventKind, MotionEvent, PoseFrame
from backcoach.pose.annotate import AnnotatedVideoWriter, AnnotationError, OverlayState
from backcoach.pose.backend import PoseBackend, PoseBackendError
from backcoach.pose.camera_check import CameraCheck, CameraChecker, placement_advice
from backcoach.pose.landmark_file import LandmarkHeader, write_landmark_file
from backcoach.pose.pipeline import (
    Activity,
    PipelineSettings,
    PipelineStats,
    PoseTracker,
    run_video,
)
from backcoach.pose.plot import PlotError, hold_spans, plot_angles
from backcoach.pose.video import VideoError, is_video_file, probe_video

BackendFactory = Callable[[], PoseBackend]
__all__ = ["analyse_camera", "analyse_video", "is_video_file", "run"]


def default_backend() -> PoseBackend:
    """MediaPipe BlazePose full, offline (imported lazily: it takes a second to load)."""
    from backcoach.pose.mediapipe_backend import MediaPipePoseBackend

    return MediaPipePoseBackend()


def settings_for(exercise: Exercise, *, keep_full: bool) -> PipelineSettings:
    """The pipeline settings for an exercise (turning lying bodies upright did not measurably
    help in ``benchmarks/lying_detection.py``, so it stays off)."""
    del exercise
    return PipelineSettings(keep_full=keep_full)


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
    """What a video analysis produced, for the summary lines."""

    summary: AnalysisSummary
    stats: PipelineStats
    outputs: list[Path] = field(default_factory=list)


@contextmanager
def _progress(console: Console, label: str, total: int) -> Iterator[Callable[[int, int], None]]:
    progress = Progress(
        TextColumn("[bold]{task.description}"), BarColumn(), TextColumn("{task.completed}/"
        "{task.total} frames"), TimeRemainingColumn(), console=console, transient=True,
        disable=not console.is_terminal,
    )
    with progress:
        task = progress.add_task(label, total=total)

        def update(done: int, expected: int) -> None:
            if done % 5 == 0 or done >= expected:
                progress.update(task, completed=done, total=max(expected, done))

        yield update


def analyse_video(
    path: Path,
    exercise: Exercise,
    *,
    err_console: Console,
    save_landmarks: Path | None = None,
    annotate: Path | None = None,
    plot: Path | None = None,
    backend_factory: BackendFactory = default_backend,
    calibration: Calibration | None = None,
) -> VideoResult:
    """Analyse a video file end to end; raises ``InputError`` with a clear message on bad input."""
    for out in (save_landmarks, annotate, plot):
        if out is not None and not out.parent.is_dir():
            raise InputError(f"{out}: the folder {out.parent} does not exist")
    try:
        info = probe_video(path)
        analyser = create_analyser(exercise, aspect_ratio=info.width / info.height,
                                   calibration=calibration)  # fmt: skip
        settings = settings_for(exercise, keep_full=annotate is not None)
        stats, stream = run_video(path, backend_factory, settings, pace=lambda: activity(analyser))
    except (VideoError, PoseBackendError) as exc:
        raise InputError(str(exc)) from None
    overlay = OverlayState(title=exercise.name)
    poses: list[PoseFrame] = []
    series: list[dict[str, float] | None] = []
    events: list[MotionEvent] = []
    writer = None
    try:
        if annotate is not None:
            writer = AnnotatedVideoWriter(annotate, info.fps, info.width, info.height)
        with _progress(err_console, f"Analysing {path.name}", info.frame_count) as on_frame:
            for frame in stream:
                on_frame(frame.index + 1, info.frame_count)
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
        raise InputError(str(exc)) from None
    finally:
        if writer is not None:
            writer.close()
    if stats.frames_decoded == 0:
        raise InputError(f"{path}: no frame could be decoded; the video may be damaged")
    summary = analyser.summary()
    result = VideoResult(summary, stats)
    if writer is not None and annotate is not None:
        result.outputs.append(annotate)
    if save_landmarks is not None:
        header = LandmarkHeader(fps=info.fps, width=info.width, height=info.height)
        try:
            write_landmark_file(save_landmarks, header, poses)
        except OSError as exc:
            raise InputError(f"{save_landmarks}: cannot write: {exc.strerror}") from None
        result.outputs.append(save_landmarks)
    if plot is not None:
        try:
            plot_angles(plot, exercise, [p.t for p in poses], series, summary, hold_spans(events))
        except PlotError as exc:
            raise InputError(str(exc)) from None
        result.outputs.append(plot)
    return result


def print_video_notes(console: Console, path: Path, result: VideoResult) -> None:
    """Lines that only a video has: how much was analysed, whether a person was seen."""
    stats = result.stats
    if stats.frames_with_person == 0:
        console.print(f"No person was found in {path.name}: film the whole body, well lit.")
    else:
        console.print(
            f"Person found on {stats.person_ratio:.0%} of the {stats.frames_analysed} analysed "
            f"frames ({stats.frames_decoded} decoded)."
        )
    if stats.truncated:
        console.print("The video ended early (damaged or cut off): the summary covers what was "
                      "decoded.")
    for out in result.outputs:
        console.print(f"Wrote {out}")


def _describe(event: MotionEvent) -> str | None:
    if event.kind is EventKind.REP_STARTED:
        return f"repetition {event.rep} started"
    if event.kind is EventKind.REP_COMPLETED:
        side = f" ({event.side})" if event.side else ""
        return f"repetition {event.rep} done{side}: held {event.hold_s or 0:.1f} s"
    if event.kind is EventKind.FAULT:
        return event.message
    if event.kind is EventKind.PERSON_LOST:
        return "person out of view"
    if event.kind is EventKind.PERSON_FOUND:
        return "person back in view"
    return None


def analyse_camera(
    index: int | str,
    exercise: Exercise,
    *,
    console: Console,
    backend_factory: BackendFactory = default_backend,
    max_seconds: float | None = None,
    calibration: Calibration | None = None,
) -> AnalysisSummary:
    """Run the analyser live on camera ``index`` until Ctrl+C (or ``max_seconds``), printing
    events as they happen; returns the summary."""
    from backcoach.pose.camera import CameraError, LatestFrameCamera
    from backcoach.pose.video import downscale

    try:
        camera = LatestFrameCamera(index)
    except CameraError as exc:
        raise InputError(str(exc)) from None
    settings = settings_for(exercise, keep_full=False)
    tracker = PoseTracker(backend_factory, settings)
    analyser = None
    checker: CameraChecker | None = None
    console.print(f"Watching camera {index} for {exercise.name}; press Ctrl+C to stop.")
    console.print(f"Checking the camera view for {CHECK_SECONDS:.0f} s: "
                  f"{placement_advice(exercise)}")  # fmt: skip
    try:
        for t, image in camera.frames():
            if max_seconds is not None and t > max_seconds:
                break
            if analyser is None:
                height, width = image.shape[:2]
                analyser = create_analyser(exercise, aspect_ratio=width / height,
                                           calibration=calibration)  # fmt: skip
                checker = CameraChecker(exercise, width, height)
            if not tracker.wants(t, 0.0):
                continue
            small = downscale(image, settings.max_side_px)
            landmarks = tracker.analyse(small, t)
            if checker is not None:
                if t < CHECK_SECONDS:
                    checker.add(landmarks, small)
                else:
                    _print_check(console, checker.result())
                    checker = None
            for event in analyser.update(PoseFrame(t, landmarks)):
                text = _describe(event)
                if text:
                    console.print(f"{t:7.1f} s  {text}")
            tracker.pace(activity(analyser))
        if checker is not None:  # the stream ended within the check's seconds
            _print_check(console, checker.result())
    except KeyboardInterrupt:
        console.print("Stopped.")
    except (CameraError, PoseBackendError) as exc:
        raise InputError(str(exc)) from None
    finally:
        camera.close()
        tracker.close()
    if analyser is None:
        raise InputError(f"camera {index}: no frame was received")
    return analyser.summary()


CHECK_SECONDS = 3.0  # the camera check looks at the first seconds of a live analysis


def _print_check(console: Console, check: CameraCheck) -> None:
    if check.ok:
        console.print("Camera check: the view is good.")
        return
    console.print("Camera check: " + " ".join(check.instructions()))


def run(
    console: Console,
    file: Path | None,
    exercise: Exercise,
    *,
    json_output: bool,
    camera: int | None,
    save_landmarks: Path | None,
    annotate: Path | None,
    plot: Path | None,
    calibration: Calibration | None = None,
) -> None:
    """``backcoach analyze`` for a video file or ``--camera N``: print the summary or JSON."""
    from backcoach.cli.analyze import print_summary

    err = Console(stderr=True, highlight=False)
    if camera is not None:
        if file is not None or save_landmarks or annotate or plot:
            raise InputError("--camera analyses live: give no FILE, --save-landmarks, "
                             "--annotate or --plot with it")
        summary = analyse_camera(camera, exercise, console=err if json_output else console,
                                 calibration=calibration)  # fmt: skip
        _emit(console, exercise, summary, json_output, print_summary)
        return
    assert file is not None
    result = analyse_video(file, exercise, err_console=err, save_landmarks=save_landmarks,
                           annotate=annotate, plot=plot, calibration=calibration)
    if json_output:
        if result.stats.frames_with_person == 0:
            err.print(f"backcoach: no person was found in {file}")
        typer.echo(json.dumps(result.summary.to_dict(), ensure_ascii=False))
        return
    print_summary(console, exercise, result.summary)
    print_video_notes(console, file, result)


def _emit(
    console: Console,
    exercise: Exercise,
    summary: AnalysisSummary,
    json_output: bool,
    printer: Callable[[Console, Exercise, AnalysisSummary], None],
) -> None:
    if json_output:
        typer.echo(json.dumps(summary.to_dict(), ensure_ascii=False))
    else:
        printer(console, exercise, summary)
