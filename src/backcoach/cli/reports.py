"""``backcoach report``, ``remind`` and ``psfs``, and the FHIR branch of ``export``.

Thin shells: they read the journal and the data files, then hand plain values to
``backcoach.reports`` (report, FHIR, calendar) or ``backcoach.core.psfs``. Options are checked
before anything is read or written, so a typo costs nothing.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from backcoach.cli.context import AppContext, get_context, utc_now
from backcoach.cli.errors import InputError, Refused
from backcoach.cli.prompts import ask_text
from backcoach.cli.render import disclaimer_line
from backcoach.cli.terminal import KeyInput
from backcoach.core.psfs import (
    PsfsError,
    PsfsRecord,
    PsfsScale,
    load_psfs_scale,
    make_psfs_record,
    parse_psfs_answer,
    previous_activities,
    psfs_due,
)
from backcoach.reports.period import (
    ReportInputError,
    ReportPeriod,
    parse_period,
)

if TYPE_CHECKING:
    from backcoach.reports.calendar import ReminderItem
    from backcoach.reports.reminders import ReminderPrefs
    from backcoach.reports.summary import ReportSource


def report_source(app_ctx: AppContext, period: ReportPeriod, *,
                  whole: bool = False) -> ReportSource:
    """Everything reports and exports need, read from the journal and the data files."""
    from backcoach.reports.source import load_report_source

    return load_report_source(
        app_ctx.journal(), app_ctx.profile, app_ctx.catalog(), utc_now(), app_ctx.zone(), period,
        whole=whole,
    )


def report(
    ctx: typer.Context,
    out: Annotated[
        Path,
        typer.Option("--out", metavar="FILE", help="Where to write: FILE.pdf or FILE.html."),
    ],
    from_: Annotated[
        str | None,
        typer.Option("--from", metavar="DATE", help="First day, YYYY-MM-DD (default: the start)."),
    ] = None,
    to: Annotated[
        str | None,
        typer.Option("--to", metavar="DATE", help="Last day, YYYY-MM-DD (default: today)."),
    ] = None,
) -> None:
    """Write a progress report for your physiotherapist or doctor (PDF or HTML)."""
    from backcoach.reports.pdf import PdfRenderError
    from backcoach.reports.report import check_report_path, write_report

    app_ctx = get_context(ctx)
    try:
        period = parse_period(from_, to)
        check_report_path(out)
        data = write_report(report_source(app_ctx, period), out)
    except (ReportInputError, PdfRenderError) as exc:
        raise InputError(str(exc)) from None
    if data.is_empty:
        app_ctx.console.print("There is no data for this period yet; the report says so.")
    app_ctx.console.print(f"wrote {escape(str(out))}")


def export_fhir(app_ctx: AppContext, out: Path | None) -> None:
    """``backcoach export --format fhir``: the whole journal as a FHIR R4 Bundle (JSON)."""
    from backcoach.reports.fhir import bundle_json

    text = bundle_json(report_source(app_ctx, ReportPeriod(), whole=True))
    if out is None:
        typer.echo(text, nl=False)
        return
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot write {out}: {exc.strerror}") from None
    app_ctx.console.print(f"wrote {escape(str(out))}")


def _reminder_items(app_ctx: AppContext) -> tuple[tuple[ReminderItem, ...], int]:
    """Today's plan as reminder items, and its sessions per day; refused after a red flag."""
    from backcoach.core.plan import load_progression_rules, plan_for_day
    from backcoach.core.safety import uncleared_red_flags
    from backcoach.reports.calendar import reminder_items

    history = app_ctx.journal().history(app_ctx.profile)
    if uncleared_red_flags(history):
        raise Refused(
            "your screening found signs that need a professional's check first, so no "
            "exercise reminders are made. Once you are cleared, record it with backcoach clear."
        )
    plan = plan_for_day(app_ctx.catalog(), history, load_progression_rules(), utc_now().date())
    return reminder_items(plan)


def remind(
    ctx: typer.Context,
    ics: Annotated[
        Path | None,
        typer.Option("--ics", metavar="FILE", help="The calendar file to write (.ics)."),
    ] = None,
    times: Annotated[
        str | None,
        typer.Option(
            "--times",
            metavar="HH:MM,...",
            help="Reminder times, e.g. 08:00,13:00,18:00 ('plan': one per planned session, "
            "spread over the day; the default unless you saved times).",
        ),
    ] = None,
    days: Annotated[
        str | None,
        typer.Option("--days", metavar="DAYS",
                     help="Days for reminders: mon,wed,fri, weekdays or daily (default daily)."),
    ] = None,
    goal: Annotated[
        int | None,
        typer.Option("--goal", min=1, max=7,
                     help="Weekly goal: days with at least one completed session."),
    ] = None,
    save: Annotated[
        bool, typer.Option("--save", help="Keep --times, --days and --goal for this profile "
                           "(the web app's Settings page shows and changes the same).")
    ] = False,
    alarm_before: Annotated[
        int,
        typer.Option("--alarm-before", min=0, max=120, help="Minutes of warning before each."),
    ] = 5,
) -> None:
    """Set your reminder times, days and weekly goal (--save), or write your sessions as
    recurring calendar events with alarms (--ics); with neither, show what is set."""
    from backcoach.core.habits import load_habit_rules, valid_goal
    from backcoach.reports.calendar import ReminderInputError
    from backcoach.reports.reminders import GOAL_KEY, describe, load_prefs

    app_ctx = get_context(ctx)
    journal = app_ctx.journal()
    stored = journal.get_settings(app_ctx.profile)
    try:
        prefs = _chosen_prefs(load_prefs(stored), times, days)
    except ReminderInputError as exc:
        raise InputError(str(exc)) from None
    if save:
        _save_prefs(app_ctx, prefs, goal)
        stored = journal.get_settings(app_ctx.profile)
    if ics is not None:
        _write_ics(app_ctx, ics, prefs, alarm_before)
    elif not save:
        chosen_goal = valid_goal(stored.get(GOAL_KEY), load_habit_rules())
        app_ctx.console.print(f"Reminders: {describe(load_prefs(stored))}.")
        app_ctx.console.print(f"Weekly goal: {chosen_goal} days with a completed session.")
        app_ctx.console.print("Change them with --times/--days/--goal --save; "
                              "write a calendar with --ics FILE.")


def _chosen_prefs(stored: ReminderPrefs, times: str | None, days: str | None) -> ReminderPrefs:
    from backcoach.reports.calendar import parse_times
    from backcoach.reports.reminders import parse_days

    chosen_times = stored.times
    if times is not None:
        chosen_times = None if times.strip().lower() == "plan" else parse_times(times)
    chosen_days = stored.days if days is None else parse_days(days)
    return replace(stored, times=chosen_times, days=chosen_days)


def _save_prefs(app_ctx: AppContext, prefs: ReminderPrefs, goal: int | None) -> None:
    from backcoach.reports.reminders import GOAL_KEY, describe, prefs_settings

    journal = app_ctx.journal()
    for key, value in prefs_settings(prefs).items():
        journal.set_setting(app_ctx.profile, key, value)
    if goal is not None:
        journal.set_setting(app_ctx.profile, GOAL_KEY, goal)
    app_ctx.console.print(f"saved reminders: {describe(prefs)}"
                          + (f"; weekly goal {goal} days" if goal is not None else "") + ".")


def _write_ics(app_ctx: AppContext, ics: Path, prefs: ReminderPrefs, alarm_before: int) -> None:
    from backcoach.core.safety import load_disclaimer
    from backcoach.reports.calendar import ReminderInputError, build_calendar, suggested_times
    from backcoach.reports.reminders import describe

    try:
        items, per_day = _reminder_items(app_ctx)
        at_times = prefs.times or suggested_times(per_day)
        first_day = utc_now().astimezone(app_ctx.zone()).date()
        ics_bytes = build_calendar(
            app_ctx.profile,
            items,
            at_times,
            first_day,
            utc_now(),
            load_disclaimer().text.split("\n")[0],
            alarm_before,
            prefs.days,
        )
    except ReminderInputError as exc:
        raise InputError(str(exc)) from None
    try:
        ics.write_bytes(ics_bytes)
    except OSError as exc:
        raise InputError(f"cannot write {ics}: {exc.strerror}") from None
    shown = describe(replace(prefs, times=at_times)).replace(", every day", "")
    app_ctx.console.print(f"wrote {escape(str(ics))}: reminders at {shown}"
                          + ("" if len(prefs.days) < 7 else ", daily") + ".")
    if len(at_times) != per_day:
        app_ctx.console.print(f"Note: your plan has {per_day} sessions a day.")
    app_ctx.console.print(disclaimer_line())


def _ask_psfs(app_ctx: AppContext, scale: PsfsScale, previous: tuple[str, ...]) -> list[str]:
    """Ask up to three activities and their ratings; returns ``activity=score`` answers."""
    keys = KeyInput()
    console = app_ctx.console
    console.print(f"[bold]{escape(scale.name)}[/bold]")
    console.print(escape(f"{scale.activity_prompt} Leave empty to finish."))
    answers: list[str] = []
    for number in range(1, scale.max_activities + 1):
        suggestion = previous[number - 1] if number <= len(previous) else ""
        hint = f" [Enter: {suggestion}]" if suggestion else ""
        name = ask_text(keys, console, f"Activity {number}{hint}:", "an activity").strip()
        name = name or suggestion
        if not name:
            break
        answers.append(f"{name}={_ask_score(keys, app_ctx, scale, name)}")
    return answers


def _ask_score(keys: KeyInput, app_ctx: AppContext, scale: PsfsScale, name: str) -> int:
    while True:
        text = ask_text(keys, app_ctx.console, f"{name}: {scale.rating_prompt}", "a rating")
        try:
            return parse_psfs_answer(f"{name}={text}")[1]
        except PsfsError as exc:
            app_ctx.console.print(escape(str(exc)))


def _print_psfs(app_ctx: AppContext, records: tuple[PsfsRecord, ...]) -> None:
    if not records:
        app_ctx.console.print("No functional scale recorded yet.")
    for record in records:
        scores = "; ".join(f"{a.name}: {a.score}" for a in record.activities)
        when = record.at.astimezone(app_ctx.zone())
        app_ctx.console.print(f"{when:%Y-%m-%d}  {escape(scores)}  (mean {record.mean_score:.1f})")


def psfs(
    ctx: typer.Context,
    activity: Annotated[
        list[str] | None,
        typer.Option(
            "--activity",
            "-a",
            metavar="'ACTIVITY=SCORE'",
            help="An activity and its rating 0-10, up to three times (skips the questions).",
        ),
    ] = None,
    show: Annotated[
        bool, typer.Option("--show", help="List the recorded ratings instead of asking.")
    ] = False,
) -> None:
    """Weekly function check: rate up to three activities your back makes hard (0-10)."""
    from backcoach.storage.psfs import add_psfs, psfs_records

    app_ctx = get_context(ctx)
    scale = load_psfs_scale()
    journal = app_ctx.journal()
    records = psfs_records(journal, app_ctx.profile)
    if show:
        _print_psfs(app_ctx, records)
        app_ctx.console.print(f"[dim]{escape(scale.attribution)}[/dim]")
        return
    now = utc_now()
    try:
        answers = activity or _ask_psfs(app_ctx, scale, previous_activities(records))
        record = make_psfs_record(now, [parse_psfs_answer(a) for a in answers])
    except PsfsError as exc:
        raise InputError(str(exc)) from None
    if not psfs_due(records, now, scale.interval_days):
        app_ctx.console.print(
            f"Note: the scale is meant weekly; the last one was less than "
            f"{scale.interval_days} days ago. Recorded anyway."
        )
    add_psfs(journal, app_ctx.profile, record)
    app_ctx.console.print(f"Recorded: mean {record.mean_score:.1f} of 10.")
    app_ctx.console.print(f"[dim]{escape(scale.attribution)}[/dim]")
