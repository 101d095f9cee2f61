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

from backcoach.cli.context import get_context
from backcoach.cli.errors import InputError
from backcoach.core.catalog import Exercise
from backcoach.core.motion.registry import analyse_frames
from backcoach.core.motion.types import AnalysisSummary
from backcoach.pose.landmark_file import LandmarkFileError, read_landmark_file


def analyse_landmark_file(path: Path, exercise: Exercise) -> AnalysisSummary:
    """Analyse a landmark file (streamed, never loaded whole); errors name the line."""
    header, frames = read_landmark_file(path)
    return analyse_frames(exercise, frames, aspect_ratio=header.aspect_ratio)


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
) -> None:
    """Count repetitions, time holds, tell sides and spot form faults in a recording."""
    app_ctx = get_context(ctx)
    if not exercise:
        raise InputError("say which exercise: --exercise ID (see `backcoach exercises`)")
    chosen = app_ctx.catalog().get(exercise)
    from backcoach.cli import analyze_video  # deferred: OpenCV and matplotlib load slowly

    if camera is not None or (file is not None and analyze_video.is_video_file(file)):
        analyze_video.run(app_ctx.console, file, chosen, json_output=json_output, camera=camera,
                          save_landmarks=save_landmarks, annotate=annotate, plot=plot)
        return
    if file is None:
        raise InputError("give a FILE (a video or a landmark file) or --camera N")
    if save_landmarks or annotate or plot:
        raise InputError("--save-landmarks, --annotate and --plot need a video file")
    try:
        summary = analyse_landmark_file(file, chosen)
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
        for column in ("#", "start s", "end s", "hold s", "side", "quality", "faults"):
            table.add_column(column)
        for number, rep in enumerate(summary.rep_events, start=1):
            table.add_row(
                str(number), f"{rep.start:.1f}", f"{rep.end:.1f}", f"{rep.hold_s:.1f}",
                rep.side or "-", f"{rep.quality:.2f}", ", ".join(rep.faults) or "-",
            )
        console.print(table)
    else:
        console.print("No repetition reached and held the target position.")
    if summary.faults:
        console.print("[bold]Form notes[/bold]")
        seen: set[str] = set()
        for fault in summary.faults:
            if fault.code not in seen:
                seen.add(fault.code)
                console.print(f"- {fault.message} ({fault.code}, first at {fault.t:.1f} s)")
