"""Small text renderers shared by the commands: doses, exercises, sparklines, disclaimer line."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rich.console import Console
from rich.markup import escape

from backcoach.core.catalog import Dose, Exercise
from backcoach.core.records import DoseValue

#: Shown under every screen that prescribes exercise. The full text is ``backcoach disclaimer``.
DISCLAIMER_LINE = (
    "backcoach gives information, not medical advice. Stop at once if you feel sharp pain "
    "(full text: backcoach disclaimer)."
)

_SPARKS = "▁▂▃▄▅▆▇█"


def disclaimer_line() -> str:
    return f"[dim]{escape(DISCLAIMER_LINE)}[/dim]"


def dose_text(dose: Dose | DoseValue) -> str:
    """``3 x 10 s, 3/day``: repetitions, hold per repetition, sessions per day."""
    return f"{dose.reps} x {dose.hold_s} s, {dose.sessions_per_day}/day"


def sparkline(values: Sequence[float | None], top: float | None = None) -> str:
    """One character per value, scaled to ``top`` (the largest value by default); gaps as '·'."""
    present = [v for v in values if v is not None]
    if not present:
        return ""
    scale = top if top is not None else max(present)
    chars = []
    for value in values:
        if value is None:
            chars.append("·")
            continue
        level = 0 if scale <= 0 else round(value / scale * (len(_SPARKS) - 1))
        chars.append(_SPARKS[max(0, min(len(_SPARKS) - 1, level))])
    return "".join(chars)


def _numbered(console: Console, title: str, lines: Iterable[str]) -> None:
    console.print(f"[bold]{title}[/bold]")
    for number, line in enumerate(lines, start=1):
        console.print(f"  {number}. {escape(line)}")


def _bulleted(console: Console, title: str, lines: Iterable[str]) -> None:
    console.print(f"[bold]{title}[/bold]")
    for line in lines:
        console.print(f"  - {escape(line)}")


def print_exercise(console: Console, exercise: Exercise, *, brief: bool = False) -> None:
    """Print an exercise's description; ``brief`` keeps steps and cues (used in a session)."""
    console.print(f"[bold]{escape(exercise.name)}[/bold] ({exercise.id})")
    console.print(escape(exercise.summary))
    if exercise.sided and exercise.side_rule:
        console.print(f"Both sides. {escape(exercise.side_rule)}")
    if not brief:
        console.print(
            f"Position: {exercise.position}; equipment: {', '.join(exercise.equipment)}; "
            f"rest between repetitions: {exercise.rest_between_reps_s} s"
        )
    _numbered(console, "Steps", exercise.steps)
    _bulleted(console, "Cues", exercise.cues)
    if brief:
        return
    _bulleted(console, "Common mistakes", exercise.common_mistakes)
    _bulleted(console, "Precautions", exercise.precautions)
    console.print(
        f"Dose: starts at {dose_text(exercise.start)}; at most {dose_text(exercise.max)}; "
        f"each step adds {exercise.step.reps} rep(s) and {exercise.step.hold_s} s of hold."
    )
