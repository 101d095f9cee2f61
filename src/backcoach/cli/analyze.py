"""``backcoach analyze FILE --exercise ID [--json]``: count, time and check an exercise recording.

A thin shell: the landmark file reader (``backcoach.pose.landmark_file``) feeds the same analyser
that live coaching uses (``backcoach.core.motion``). With ``--json`` exactly one JSON object goes
to standard output, in the shape of ``AnalysisSummary.to_dict`` (an external interface).
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from backcoach.cli.context import AppContext, get_context
from backcoach.cli.errors import InputError
from backcoach.core.catalog import Exercise
from backcoach.core.motion.calibration import Calibration, CalibrationError, calibrate
from backcoach.core.motion.range_of_movement import summary_range_deg
from backcoach.core.motion.registry import analyse_frames
from backcoach.core.motion.types import AnalysisSummary
from backcoach.pose.landmark_file import LandmarkFileError, read_landmark_file


def analyse_landmark_file(
    path: Path, exercise: Exercise, calibration: Calibration | None = None
) -> AnalysisSummary:
    """Analyse a landmark file (streamed, never loaded whole); errors name the line."""
    header, frames = read_landmark_file(path)
    return analyse_frames(exercise, frames, aspect_ratio=header.aspect_ratio,
                          calibration=calibration)  # fmt: skip


def calibration_key(exercise: Exercise) -> str:
    """The profile setting that holds the person's own range for ``exercise``."""
    return f"calibration.{exercise.id}"


def stored_calibration(app_ctx: AppContext, exercise: Exercise) -> Calibration | None:
    """The profile's calibration for ``exercise``, if a journal exists and holds one."""
    from backcoach.storage.database import DATABASE_FILENAME, resolve_data_dir

    if not (resolve_data_dir(app_ctx.data_dir) / DATABASE_FILENAME).exists():
        return None  # analysing needs no journal: never create one just to look
    value = app_ctx.journal().get_settings(app_ctx.profile).get(calibration_key(exercise))
    try:
        return Calibration.from_dict(value) if isinstance(value, dict) else None
    except CalibrationError:
        return None


def _calibrate(app_ctx: AppContext, file: Path, exercise: Exercise) -> None:
    """``--calibrate``: measure the person's range on ``file`` and store it for the profile."""
    from backcoach.cli import analyze_video

    if analyze_video.is_video_file(file):
        with tempfile.TemporaryDirectory() as folder:
            landmarks = Path(folder) / "calibration.jsonl"
            analyze_video.analyse_video(file, exercise, err_console=Console(stderr=True),
                                        save_landmarks=landmarks)  # fmt: skip
            calibration = _calibrate_file(landmarks, exercise)
    else:
        calibration = _calibrate_file(file, exercise)
    app_ctx.journal().set_setting(app_ctx.profile, calibration_key(exercise),
                                  calibration.to_dict())  # fmt: skip
    app_ctx.console.print(
        f"Calibrated {exercise.name} for {app_ctx.profile}: resting at "
        f"{calibration.rest_deg:.0f} deg, your comfortable position at "
        f"{calibration.peak_deg:.0f} deg. Later analyses count a repetition from "
        f"{calibration.target_enter_deg(exercise, exercise.kinematics.target.min_deg):.0f} deg."
    )


def _calibrate_file(path: Path, exercise: Exercise) -> Calibration:
    try:
        header, frames = read_landmark_file(path)
        return calibrate(exercise, frames, aspect_ratio=header.aspect_ratio)
    except (LandmarkFileError, CalibrationError) as exc:
        raise InputError(str(exc)) from None


def analyze(
    ctx: typer.Context,
    file: Annotated[
        Path | None,
        typer.Argument(metavar="FILE", help="A video, or a landmark file (.jsonl, see docs)."),
    ] = None,
    exercise: Annotated[
        str, typer.Option("--exercise", "-e", metavar="ID", help="Exercise id, e.g. knee-to-chest.")
    ] = "",
    json_output: Annotated[
        bool, typer.Option("--json", help="Print one JSON object instead of a summary.")
    ] = False,
    save_landmarks: Annotated[
        Path | None, typer.Option("--save-landmarks", metavar="FILE",
                                  help="Video: also write the landmarks as a landmark file.")
    ] = None,
    annotate: Annotated[
        Path | None, typer.Option("--annotate", metavar="OUT.mp4",
                                  help="Video: write a copy with skeleton, angles, counter, cue.")
    ] = None,
    plot: Annotated[
        Path | None, typer.Option("--plot", metavar="OUT.png",
                                  help="Video: plot the joint angles with repetitions marked.")
    ] = None,
    camera: Annotated[
        int | None, typer.Option("--camera", metavar="N",
                                 help="Analyse camera N live instead of a file (Ctrl+C stops).")
    ] = None,
    calibrate_: Annotated[
        bool, typer.Option("--calibrate", help="The recording shows one comfortable repetition: "
                           "store your own range for this exercise (per profile).")
    ] = False,
) -> None:
    """Count repetitions, time holds, tell sides and spot form faults in a recording."""
    app_ctx = get_context(ctx)
    if not exercise:
        raise InputError("say which exercise: --exercise ID (see `backcoach exercises`)")
    chosen = app_ctx.catalog().get(exercise)
    if calibrate_:
        if file is None:
            raise InputError("--calibrate needs a recording FILE of one comfortable repetition")
        _calibrate(app_ctx, file, chosen)
        return
    calibration = stored_calibration(app_ctx, chosen)
    from backcoach.cli import analyze_video  # deferred: OpenCV and matplotlib load slowly

    if camera is not None or (file is not None and analyze_video.is_video_file(file)):
        analyze_video.run(app_ctx.console, file, chosen, json_output=json_output, camera=camera,
                          save_landmarks=save_landmarks, annotate=annotate, plot=plot,
                          calibration=calibration)
        return
    if file is None:
        raise InputError("give a FILE (a video or a landmark file) or --camera N")
    if save_landmarks or annotate or plot:
        raise InputError("--save-landmarks, --annotate and --plot need a video file")
    try:
        summary = analyse_landmark_file(file, chosen, calibration)
    except LandmarkFileError as exc:
        raise InputError(str(exc)) from None
    if json_output:
        typer.echo(json.dumps(summary.to_dict(), ensure_ascii=False))
        return
    print_summary(app_ctx.console, chosen, summary)


def print_summary(console: Console, exercise: Exercise, summary: AnalysisSummary) -> None:
    """The readable summary: repetitions with hold, side, quality and faults, then advice."""
    console.print(
        f"[bold]{exercise.name}[/bold]: {summary.reps} repetition(s) in "
        f"{summary.duration_s:.1f} s ({summary.frames} frames)"
    )
    if exercise.sided:
        console.print(f"Sides: left {summary.sides['left']}, right {summary.sides['right']}")
    if summary.rep_events:
        table = Table()
        for column in ("#", "start s", "end s", "hold s", "side", "range °", "quality", "faults"):
            table.add_column(column)
        for number, rep in enumerate(summary.rep_events, start=1):
            table.add_row(
                str(number), f"{rep.start:.1f}", f"{rep.end:.1f}", f"{rep.hold_s:.1f}",
                rep.side or "-", "-" if rep.range_deg is None else f"{rep.range_deg:.0f}",
                f"{rep.quality:.2f}", ", ".join(rep.faults) or "-",
            )
        console.print(table)
        reached = summary_range_deg(summary)
        if reached is not None:
            console.print(f"Range of movement: {reached:.0f}° above your resting position")
    else:
        console.print("No repetition reached and held the target position.")
    if summary.faults:
        console.print("[bold]Form notes[/bold]")
        seen: set[str] = set()
        for fault in summary.faults:
            if fault.code not in seen:
                seen.add(fault.code)
                console.print(f"- {fault.message} ({fault.code}, first at {fault.t:.1f} s)")
