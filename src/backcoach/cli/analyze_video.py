"""Video and camera input for ``backcoach analyze``: the display of ``usecases.video_analysis``.

``analyze.py`` decides which input it was given; the use case runs the pose pipeline and the
analyser, and this module only shows it: a progress bar on stderr for a video, events as they
happen for a live camera, the camera check, and the summary. Every failure becomes an
``InputError`` with the use case's message.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

from backcoach.cli.errors import InputError
from backcoach.core.catalog import Exercise
from backcoach.core.motion.calibration import Calibration
from backcoach.core.motion.types import AnalysisSummary, EventKind, MotionEvent
from backcoach.pose.camera_check import CameraCheck, placement_advice
from backcoach.usecases import video_analysis
from backcoach.usecases.video_analysis import (
    CHECK_SECONDS,
    BackendFactory,
    VideoAnalysisError,
    VideoResult,
    default_backend,
    is_video_file,
)

__all__ = ["analyse_camera", "is_video_file", "run"]


@contextmanager
def _progress(console: Console, label: str) -> Iterator[Callable[[int, int], None]]:
    progress = Progress(
        TextColumn("[bold]{task.description}"), BarColumn(), TextColumn("{task.completed}/"
        "{task.total} frames"), TimeRemainingColumn(), console=console, transient=True,
        disable=not console.is_terminal,
    )
    with progress:
        task = progress.add_task(label, total=None)

        def update(done: int, expected: int) -> None:
            if done % 5 == 0 or done >= expected:
                progress.update(task, completed=done, total=max(expected, done))

        yield update


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
    """Analyse camera ``index`` live (``usecases.video_analysis.analyse_camera``), printing the
    camera check and events as they happen, until Ctrl+C; returns the summary."""

    def on_events(t: float, events: list[MotionEvent]) -> None:
        for event in events:
            if text := _describe(event):
                console.print(f"{t:7.1f} s  {text}")

    console.print(f"Watching camera {index} for {exercise.name}; press Ctrl+C to stop.")
    console.print(f"Checking the camera view for {CHECK_SECONDS:.0f} s: "
                  f"{placement_advice(exercise)}")  # fmt: skip
    try:
        return video_analysis.analyse_camera(
            index, exercise, on_events=on_events, on_check=lambda c: _print_check(console, c),
            on_interrupt=lambda: console.print("Stopped."), backend_factory=backend_factory,
            max_seconds=max_seconds, calibration=calibration,
        )  # fmt: skip
    except VideoAnalysisError as exc:
        raise InputError(str(exc)) from None


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
    from backcoach.cli.analyze import print_summary, suggest_calibration

    err = Console(stderr=True, highlight=False)
    if camera is not None:
        if file is not None or save_landmarks or annotate or plot:
            raise InputError("--camera analyses live: give no FILE, --save-landmarks, "
                             "--annotate or --plot with it")
        summary = analyse_camera(camera, exercise, console=err if json_output else console,
                                 calibration=calibration)  # fmt: skip
        if json_output:
            typer.echo(json.dumps(summary.to_dict(), ensure_ascii=False))
        else:
            print_summary(console, exercise, summary)
        return
    assert file is not None
    try:
        with _progress(err, f"Analysing {file.name}") as on_frame:
            result = video_analysis.analyse_video(
                file, exercise, progress=on_frame, save_landmarks=save_landmarks,
                annotate=annotate, plot=plot, calibration=calibration,
            )  # fmt: skip
    except VideoAnalysisError as exc:
        raise InputError(str(exc)) from None
    if json_output:
        if result.stats.frames_with_person == 0:
            err.print(f"backcoach: no person was found in {file}")
        typer.echo(json.dumps(result.summary.to_dict(), ensure_ascii=False))
        return
    print_summary(console, exercise, result.summary)
    print_video_notes(console, file, result)
    if result.summary.reps == 0 and result.stats.frames_with_person > 0:
        suggest_calibration(console, file, exercise, calibration)
