"""``backcoach analyze FILE --exercise ID [--json]``: count, time and check an exercise recording.

A thin shell: the landmark file reader (``backcoach.pose.landmark_file``) feeds the same analyser
that live coaching uses (``backcoach.core.motion``). With ``--json`` exactly one JSON object goes
to standard output, in the shape of ``AnalysisSummary.to_dict`` (an external interface).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from backcoach.cli.context import AppContext, get_context
from backcoach.cli.errors import InputError
from backcoach.cli.safety import require_exercise_allowed
from backcoach.core.catalog import Exercise
from backcoach.core.motion.calibration import Calibration, CalibrationError
from backcoach.core.motion.range_of_movement import summary_range_deg
from backcoach.core.motion.types import AnalysisSummary
from backcoach.pose.landmark_file import LandmarkFileError
from backcoach.usecases import calibration as own_range


def suggest_calibration(console: Console, file: Path, exercise: Exercise,
                        calibration: Calibration | None) -> None:  # fmt: skip
    """Re-offer calibration: a person was seen but nothing counted."""
    again = " again" if calibration is not None else ""
    console.print(
        f"A person was seen but no repetition counted. If you move through a smaller range than "
        f"this exercise's target, show one comfortable repetition{again}: "
        f"backcoach analyze {file.name} -e {exercise.id} --calibrate (on a recording of that "
        f"one repetition), or use the exercise's setup page in the web app.",
        highlight=False, soft_wrap=True,
    )


def stored_calibration(app_ctx: AppContext, exercise: Exercise) -> Calibration | None:
    """The profile's calibration for ``exercise``, if a journal exists and holds one."""
    if not app_ctx.has_journal():
        return None  # analysing needs no journal: never create one just to look
    return own_range.stored_calibration(app_ctx.journal(), app_ctx.profile, exercise)


def _calibrate(app_ctx: AppContext, file: Path, exercise: Exercise) -> None:
    """``--calibrate``: measure the person's range on ``file`` and store it for the profile."""
    try:
        measured = own_range.calibrate_recording(file, exercise)
    except CalibrationError as exc:
        raise InputError(str(exc)) from None
    view = own_range.save_calibration(app_ctx.journal(), app_ctx.profile, exercise, measured)
    # The same words as the web app's setup page (usecases.calibration).
    app_ctx.console.print(f"Calibrated {exercise.name} for {app_ctx.profile}. {view.summary()}",
                          markup=False, highlight=False)  # fmt: skip


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
    if camera is not None:
        require_exercise_allowed(app_ctx, "camera exercise")
    calibration = stored_calibration(app_ctx, chosen)
    from backcoach.cli import analyze_video  # deferred: OpenCV and matplotlib load slowly
    from backcoach.usecases import video_analysis

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
        result = video_analysis.analyse_landmark_file(file, chosen, calibration)
    except LandmarkFileError as exc:
        raise InputError(str(exc)) from None
    summary = result.summary
    if json_output:
        typer.echo(json.dumps(summary.to_dict(), ensure_ascii=False))
        return
    print_summary(app_ctx.console, chosen, summary)
    if summary.reps == 0 and result.frames_with_person:
        suggest_calibration(app_ctx.console, file, chosen, calibration)


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
