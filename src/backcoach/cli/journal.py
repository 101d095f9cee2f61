"""History, check-ins, notes, export, import, forget and profiles: the journal commands."""

from __future__ import annotations

import json
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Annotated, Literal

import typer
from rich.console import Console
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table

from backcoach.cli.context import AppContext, get_context, utc_now
from backcoach.cli.errors import InputError, UsageError
from backcoach.cli.prompts import ask_choice, ask_yes_no, parse_pain
from backcoach.cli.render import sparkline
from backcoach.cli.safety import current_decision, print_decision
from backcoach.cli.terminal import KeyInput
from backcoach.core.plan import describe_dose, load_progression_rules, review_progression
from backcoach.core.profiles import PROFILE_NAME_RULE, valid_profile_name
from backcoach.core.records import (
    History,
    PlanChange,
    SessionOutcome,
    SessionRecord,
    SharpPainEvent,
)
from backcoach.core.safety import SHARP_PAIN_ADVICE, load_screening
from backcoach.core.text import printable
from backcoach.usecases.checkin import FEELINGS, CheckinError, record_checkin
from backcoach.usecases.notes import NoteError, add_note

_OUTCOME_STYLE = {
    "completed": "green",
    "stopped": "yellow",
    "sharp_pain": "bold red",
    "in_progress": "dim",
}


def _local(at: datetime, zone: tzinfo) -> str:
    """A time in the person's own zone (the profile's, else this computer's), as everywhere."""
    return f"{at.astimezone(zone):%Y-%m-%d %H:%M}"


def _sets_text(record: SessionRecord) -> str:
    """``knee-to-chest 3x5s; hip-flexor-stretch L 2x10s R 2x10s``: sets grouped by exercise."""
    grouped: dict[str, list[str]] = {}
    for s in record.sets:
        side = f"{s.side.value[0].upper()} " if s.side else ""
        reached = "" if s.range_deg is None else f" ({s.range_deg:.0f} deg)"  # camera sets only
        grouped.setdefault(s.exercise_id, []).append(f"{side}{s.reps}x{s.hold_s:.0f}s{reached}")
    return "; ".join(f"{ex} {' '.join(parts)}" for ex, parts in grouped.items()) or "-"


def _outcome_text(record: SessionRecord, zone: tzinfo) -> str:
    outcome = record.outcome.value
    style = _OUTCOME_STYLE.get(outcome, "")
    text = f"[{style}]{outcome}[/{style}]"
    if record.stop_exercise_id:
        text += f" during {escape(record.stop_exercise_id)}"
    if record.stop_at is not None and record.outcome is not SessionOutcome.COMPLETED:
        text += f" at {record.stop_at.astimezone(zone):%H:%M:%S}"
    return text


def _pain_text(record: SessionRecord) -> str:
    before = "-" if record.pain_before is None else str(record.pain_before)
    after = "-" if record.pain_after is None else str(record.pain_after)
    return f"{before} -> {after}"


def print_history(console: Console, history: History, last: int, zone: tzinfo) -> None:
    """Sessions as a table (newest last), then a small trend of pain and repetitions, the latest
    check-ins, sharp-pain reports and notes; times in ``zone``."""
    sessions = history.sessions[-last:]
    if not sessions:
        console.print("No sessions yet. Start one with: backcoach session")
    else:
        table = Table(title=f"Sessions (last {len(sessions)} of {len(history.sessions)})")
        table.add_column("started", no_wrap=True)
        table.add_column("outcome")
        table.add_column("pain", no_wrap=True)
        table.add_column("sets", overflow="fold")
        for record in sessions:
            table.add_row(
                _local(record.started_at, zone), _outcome_text(record, zone), _pain_text(record),
                _sets_text(record),
            )  # fmt: skip
        console.print(table)
        _print_trend(console, sessions)
    for checkin in history.checkins[-5:]:
        pain = "" if checkin.pain is None else f", pain {checkin.pain}/10"
        console.print(f"Morning {checkin.day}: {checkin.feeling.value}{pain}")
    for event in history.sharp_pain_events[-5:]:
        pain = "" if event.pain is None else f", pain {event.pain}/10"
        said = "" if not event.note else f": {escape(printable(event.note))}"
        console.print(f"[bold red]Sharp pain[/bold red] {_local(event.at, zone)}{pain}{said}")
    for note in history.notes[-5:]:
        console.print(f"Note {_local(note.at, zone)}: {escape(printable(note.text))}")


def _print_trend(console: Console, sessions: tuple[SessionRecord, ...]) -> None:
    before = [s.pain_before for s in sessions]
    after = [s.pain_after for s in sessions]
    reps = [sum(x.reps for x in s.sets) for s in sessions]
    console.print("[bold]Trend[/bold] (oldest to newest)")
    console.print(f"  pain before  {sparkline(before, top=10)}")
    console.print(f"  pain after   {sparkline(after, top=10)}")
    console.print(f"  repetitions  {sparkline(reps)}  (latest {reps[-1]})")


def history(
    ctx: typer.Context,
    last: Annotated[int, typer.Option("--last", min=1, help="How many sessions to show.")] = 20,
) -> None:
    """Show past sessions (pain before and after, sets, stops) and a small trend."""
    app_ctx = get_context(ctx)
    print_history(app_ctx.console, app_ctx.journal().history(app_ctx.profile), last,
                  app_ctx.zone())


def print_plan_changes(console: Console, changes: list[PlanChange]) -> None:
    """Plan changes just stored, each with its reason."""
    for change in changes:
        console.print(
            f"[bold]Plan[/bold] {change.exercise_id}: {describe_dose(change.to_dose)}. "
            f"{escape(change.reason)}"
        )


def review_and_store(app_ctx: AppContext, at: datetime) -> list[PlanChange]:
    """Apply the progression rule to the journal as it is now and store the changes."""
    journal = app_ctx.journal()
    history_now = journal.history(app_ctx.profile)
    changes = review_progression(app_ctx.catalog(), history_now, load_progression_rules(), at)
    if changes:
        journal.add_plan_changes(app_ctx.profile, changes)
    return changes


def checkin(
    ctx: typer.Context,
    feeling: Annotated[
        str | None,
        typer.Argument(help="How your back feels compared with yesterday: better, same or worse."),
    ] = None,
    pain: Annotated[
        int | None, typer.Option("--pain", help="Pain now, 0 (none) to 10 (worst).")
    ] = None,
) -> None:
    """Next-morning check-in: is your back better, the same or worse than yesterday?"""
    app_ctx = get_context(ctx)
    if pain is not None:
        pain = parse_pain(str(pain), "pain")
    ask_checkin(app_ctx, KeyInput(), feeling, pain)


def ask_checkin(
    app_ctx: AppContext, keys: KeyInput, feeling: str | None = None, pain: int | None = None
) -> None:
    """Ask (unless given) and record the check-in, then show the plan changes it led to (or,
    while a red flag blocks sessions, the block instead of doses)."""
    if feeling is None:
        feeling = ask_choice(
            keys, app_ctx.console, "Compared with yesterday, your back feels", FEELINGS,
            "the check-in answer",
        )  # fmt: skip
    try:
        result = record_checkin(
            app_ctx.journal(), app_ctx.profile, app_ctx.catalog(), load_progression_rules(),
            feeling, pain, utc_now(), app_ctx.zone(),
        )  # fmt: skip
    except CheckinError as exc:
        raise InputError(str(exc)) from None
    app_ctx.console.print(f"Check-in recorded: {result.checkin.feeling.value}.")
    journal = app_ctx.journal()
    decision = current_decision(
        journal.history(app_ctx.profile), utc_now(), load_progression_rules(), app_ctx.zone()
    )
    if decision.code == "red_flag":
        # Red flags always win: no doses while a professional has not cleared the person.
        print_decision(app_ctx.console, decision, load_screening())
        app_ctx.console.print("Next step: backcoach clear (once a professional has cleared you)")
        return
    print_plan_changes(app_ctx.console, result.plan_changes)


def note(
    ctx: typer.Context,
    text: Annotated[str, typer.Argument(help="What to remember, e.g. how a session felt.")],
) -> None:
    """Add a dated note to the journal (shown in history and kept in exports)."""
    app_ctx = get_context(ctx)
    try:
        add_note(app_ctx.journal(), app_ctx.profile, text, utc_now())
    except NoteError as exc:
        raise InputError(str(exc)) from None
    app_ctx.console.print("Note saved.")


def sharp_pain(
    ctx: typer.Context,
    pain: Annotated[
        int | None, typer.Option("--pain", help="How strong the pain is, 0 to 10 (optional).")
    ] = None,
    note_text: Annotated[
        str | None, typer.Option("--note", help="What you were doing (optional).")
    ] = None,
) -> None:
    """Record sharp pain felt outside a session: today becomes a rest day."""
    app_ctx = get_context(ctx)
    if pain is not None:
        pain = parse_pain(str(pain), "pain")
    text = None if note_text is None else note_text.strip()[:500] or None
    now = utc_now()
    app_ctx.journal().add_sharp_pain_event(
        app_ctx.profile, SharpPainEvent(at=now, place="cli", pain=pain, note=text)
    )
    app_ctx.console.print(
        Panel(escape(SHARP_PAIN_ADVICE), title="Stop", border_style="bold red", expand=False)
    )
    app_ctx.console.print(
        f"Recorded: sharp pain at {now.astimezone(app_ctx.zone()):%H:%M}. Today is a rest day."
    )


def export(
    ctx: typer.Context,
    fmt: Annotated[
        Literal["json", "csv", "fhir"],
        typer.Option("--format", help="json (complete), csv (tables) or fhir (HL7 FHIR R4)."),
    ] = "json",
    out: Annotated[
        Path | None,
        typer.Option("--out", help="JSON/FHIR: file to write (default: print). CSV: folder."),
    ] = None,
) -> None:
    """Export the profile's journal as JSON (complete; re-importable) or CSV files."""
    from backcoach.storage import export_csv, export_json

    app_ctx = get_context(ctx)
    if fmt == "fhir":
        from backcoach.cli.reports import export_fhir

        export_fhir(app_ctx, out)
        return
    journal = app_ctx.journal()
    if fmt == "csv":
        folder = out or Path(f"backcoach-{app_ctx.profile}-csv")
        for path in export_csv(journal, app_ctx.profile, folder):
            app_ctx.console.print(f"wrote {path}")
        return
    text = json.dumps(export_json(journal, app_ctx.profile), indent=2, ensure_ascii=False)
    if out is None:
        typer.echo(text)
        return
    try:
        out.write_text(text + "\n", encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot write {out}: {exc.strerror}") from None
    app_ctx.console.print(f"wrote {out}")


def import_(
    ctx: typer.Context,
    file: Annotated[
        Path, typer.Argument(metavar="FILE", help="A JSON file from backcoach export.")
    ],
    as_profile: Annotated[
        str | None, typer.Option("--as", help="Import under this profile name instead.")
    ] = None,
) -> None:
    """Import a JSON export as a new profile (the exact journal it was exported from)."""
    from backcoach.storage.errors import ImportFormatError
    from backcoach.storage.exchange import ImportNameError, import_file

    if as_profile is not None and not valid_profile_name(as_profile):
        raise UsageError(f"--as {as_profile!r}: {PROFILE_NAME_RULE}")
    app_ctx = get_context(ctx)
    try:
        name = import_file(app_ctx.journal(), file, as_profile, name_allowed=valid_profile_name)
    except ImportNameError as exc:
        raise UsageError(f"{exc}; import it with --as NAME. {PROFILE_NAME_RULE}") from None
    except ImportFormatError as exc:
        raise InputError(str(exc)) from None
    app_ctx.console.print(
        f"Imported profile {name!r}. Use it with: backcoach --profile {name} plan"
    )


def forget(
    ctx: typer.Context,
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
) -> None:
    """Delete everything recorded for the profile (asks first; cannot be undone)."""
    app_ctx = get_context(ctx)
    journal = app_ctx.journal()
    if app_ctx.profile not in journal.profiles():
        raise InputError(f"there is no profile named {app_ctx.profile!r}")
    question = (
        f"Delete every record of profile {app_ctx.profile!r}? This cannot be undone "
        "(backcoach export keeps a copy)"
    )
    if not yes and not ask_yes_no(KeyInput(), app_ctx.console, question, "a confirmation"):
        app_ctx.console.print("Nothing deleted.")
        return
    journal.forget(app_ctx.profile)
    app_ctx.console.print(f"Profile {app_ctx.profile!r} and all its records are deleted.")


def profiles(ctx: typer.Context) -> None:
    """List the profiles in this journal."""
    app_ctx = get_context(ctx)
    names = app_ctx.journal().profiles()
    if not names:
        app_ctx.console.print("No profiles yet.")
    for name in names:
        marker = " (current)" if name == app_ctx.profile else ""
        app_ctx.console.print(f"{escape(name)}{marker}")
