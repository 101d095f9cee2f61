"""``backcoach disclaimer``, ``screen`` and ``clear``: the safety steps before any exercise.

The disclaimer and the screening are also asked automatically (``ensure_ready``) when a session
would otherwise be refused for lack of them, so a first run of ``backcoach session`` just works.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, tzinfo
from typing import Annotated, cast

import typer
from rich.console import Console
from rich.markup import escape
from rich.panel import Panel

from backcoach.cli.context import AppContext, get_context, utc_now
from backcoach.cli.errors import InputError, Refused
from backcoach.cli.prompts import ask_text, ask_yes_no
from backcoach.cli.terminal import KeyInput
from backcoach.core.pain import sharp_pain_times
from backcoach.core.plan import ProgressionRules, load_progression_rules
from backcoach.core.records import DisclaimerAck, History, ProfessionalAdvice, ScreeningRecord
from backcoach.core.safety import (
    Disclaimer,
    SafetyDecision,
    Screening,
    evaluate_screening,
    flag_advice,
    load_disclaimer,
    load_screening,
    marked_pain_rise,
    needs_disclaimer,
    session_decision,
    uncleared_red_flags,
)

_RESCREEN_CODES = ("screening_needed", "screening_expired", "pain_rise_rescreen")

# What to do next when a decision refuses exercise, as a command the person can type.
NEXT_STEP = {
    "disclaimer_needed": "backcoach disclaimer",
    "screening_needed": "backcoach screen",
    "screening_expired": "backcoach screen",
    "pain_rise_rescreen": "backcoach screen",
    "red_flag": "backcoach clear (once a professional has cleared you)",
    "sharp_pain_referral": "backcoach clear (once a professional has advised you)",
    "checkin_needed": "backcoach checkin",
    "sharp_pain_rest": "rest today; backcoach note '...' to write down what happened",
}


def current_decision(
    history: History, now: datetime, rules: ProgressionRules, zone: tzinfo
) -> SafetyDecision:
    """The one safety decision every CLI command acts on, referral advice included; days are
    the person's local days in ``zone``."""
    return session_decision(
        history, load_screening(), load_disclaimer(), now, referral=rules.referral, zone=zone
    )


def require_exercise_allowed(app_ctx: AppContext, what: str) -> None:
    """Refuse ``what`` (exercising in front of the camera now) on the same gate as a session.

    Why: `analyze --camera` asks the person to move now; a red flag, a rest day
    after sharp pain or a missing disclaimer must stop them exactly as they stop a session.
    """
    # Looking creates no journal: without one, nothing is accepted yet.
    history = app_ctx.journal().history(app_ctx.profile) if app_ctx.has_journal() else History()
    decision = current_decision(history, utc_now(), load_progression_rules(), app_ctx.zone())
    if not decision.allowed:
        print_decision(app_ctx.console, decision, load_screening())
        print_next_step(app_ctx.console, decision)
        raise Refused(f"no {what} now (see the reason above)")


def print_next_step(console: Console, decision: SafetyDecision) -> None:
    """The one command that moves a refused person on, if there is one."""
    step = NEXT_STEP.get(decision.code)
    if step:
        console.print(f"Next step: [bold]{escape(step)}[/bold]")


def print_decision(console: Console, decision: SafetyDecision, screening: Screening) -> None:
    """Show a refusal (or a warning) with its advice; emergency advice stands out."""
    stopping = decision.code in ("red_flag", "sharp_pain_rest", "sharp_pain_referral")
    style = "bold red" if stopping else "yellow"
    console.print(f"[{style}]{escape(decision.message)}[/{style}]")
    emergency = {f.title for f in screening.flags.values() if f.urgency == "emergency"}
    for line in decision.advice:
        if decision.code == "disclaimer_needed":
            continue  # the advice is the whole disclaimer text; the prompt shows it
        urgent = any(line.startswith(title) for title in emergency)
        console.print(f"[bold red]! {escape(line)}[/bold red]" if urgent else f"- {escape(line)}")


def _show_disclaimer(console: Console, disclaimer: Disclaimer) -> None:
    console.print(Panel(escape(disclaimer.text), title=escape(disclaimer.title), expand=False))


def acknowledge_disclaimer(
    app_ctx: AppContext, keys: KeyInput, disclaimer: Disclaimer, *, accept: bool = False
) -> None:
    """Show the disclaimer and record the person's acknowledgement of this version."""
    console = app_ctx.console
    _show_disclaimer(console, disclaimer)
    if not accept and not ask_yes_no(
        keys, console, "Have you read this, and do you accept it?", "the disclaimer answer"
    ):
        raise InputError("the disclaimer was not accepted; backcoach cannot offer exercises")
    app_ctx.journal().add_disclaimer_ack(
        app_ctx.profile, DisclaimerAck(version=disclaimer.version, at=utc_now())
    )
    console.print("Thank you. Accepted.")


def _ask_answers(console: Console, keys: KeyInput, screening: Screening) -> dict[str, bool]:
    console.print("[bold]Safety questions[/bold]: answer each with y (yes) or n (no).")
    answers = {}
    for number, question in enumerate(screening.questions, start=1):
        answers[question.id] = ask_yes_no(
            keys, console, f"{number}. {question.text}", f"an answer to question {question.id!r}"
        )
    return answers


def _scripted_answers(
    screening: Screening, answers_json: str | None, no_to_all: bool
) -> dict[str, bool]:
    answers: dict[str, object] = {q.id: False for q in screening.questions} if no_to_all else {}
    if answers_json is not None:
        try:
            given = json.loads(answers_json)
        except json.JSONDecodeError as exc:
            raise InputError(f"--answers is not valid JSON: {exc}") from None
        if not isinstance(given, dict):
            raise InputError('--answers must be a JSON object, e.g. {"fever": false, ...}')
        answers.update(given)
    return cast(dict[str, bool], answers)  # evaluate_screening rejects non-bool values


def record_screening(
    app_ctx: AppContext, screening: Screening, answers: dict[str, bool]
) -> ScreeningRecord:
    """Evaluate and store one screening, then show the outcome and any flag's advice."""
    record = evaluate_screening(screening, answers, utc_now())
    app_ctx.journal().add_screening(app_ctx.profile, record)
    console = app_ctx.console
    if not record.positive_flags:
        console.print(
            f"[green]No warning signs.[/green] The answers are valid for "
            f"{screening.expires_after_days} days."
        )
        if uncleared_red_flags(app_ctx.journal().history(app_ctx.profile)):
            console.print(
                "[bold red]An earlier warning sign still needs a professional's clearance:"
                "[/bold red] sessions stay blocked until a professional has cleared you; then "
                "record it with: backcoach clear --note 'who cleared you and what they said'"
            )
        return record
    console.print(
        "[bold red]Please do not exercise for now.[/bold red] Your answers show signs that a "
        "professional should check first. This is not a diagnosis."
    )
    emergency = {f.id for f in screening.flags.values() if f.urgency == "emergency"}
    for flag_id in record.positive_flags:
        (advice,) = flag_advice(screening, (flag_id,))
        if flag_id in emergency:
            console.print(f"[bold red]! {escape(advice)}[/bold red]")
        else:
            console.print(f"- {escape(advice)}")
    console.print(
        "Sessions stay blocked until a professional has cleared you; then record it with: "
        "backcoach clear --note 'who cleared you and what they said'"
    )
    return record


def ensure_ready(
    app_ctx: AppContext, keys: KeyInput, history: History, decision: SafetyDecision
) -> bool:
    """Ask the disclaimer or the screening when that is all that stands before a session.

    Returns True when something was asked (the caller re-reads the history and decides again).
    """
    if decision.code == "disclaimer_needed":
        acknowledge_disclaimer(app_ctx, keys, load_disclaimer())
        return True
    if decision.code in _RESCREEN_CODES:
        app_ctx.console.print(escape(decision.message))
        screening = load_screening()
        record_screening(app_ctx, screening, _ask_answers(app_ctx.console, keys, screening))
        return True
    if decision.code == "checkin_needed":
        from backcoach.cli.journal import ask_checkin  # the journal commands import this module

        app_ctx.console.print(escape(decision.message))
        ask_checkin(app_ctx, keys)
        return True
    return False


def rescreen_if_pain_rose(app_ctx: AppContext, keys: KeyInput, pain_before: int) -> None:
    """Before a session starts: a marked pain rise asks the safety questions again first.

    Raises ``Refused`` when the new answers raise a red flag (its advice is shown).
    """
    screening = load_screening()
    history = app_ctx.journal().history(app_ctx.profile)
    scores = [s.pain_before for s in history.sessions if s.pain_before is not None]
    previous = scores[-1] if scores else None
    if not marked_pain_rise(pain_before, previous, screening.rescreen):
        return
    app_ctx.console.print(
        "[yellow]Your pain is markedly higher than before, so the safety questions come "
        "first.[/yellow]"
    )
    record = record_screening(app_ctx, screening, _ask_answers(app_ctx.console, keys, screening))
    if record.positive_flags:
        raise Refused("no session today: a red flag was raised; see the advice above")


def disclaimer(
    ctx: typer.Context,
    accept: Annotated[
        bool, typer.Option("--accept", help="Accept without being asked (for scripts).")
    ] = False,
) -> None:
    """Show the disclaimer and accept it (asked again whenever its text changes)."""
    app_ctx = get_context(ctx)
    text = load_disclaimer()
    history = app_ctx.journal().history(app_ctx.profile)
    if needs_disclaimer(history, text):
        acknowledge_disclaimer(app_ctx, KeyInput(), text, accept=accept)
        return
    _show_disclaimer(app_ctx.console, text)
    when = max(a.at for a in history.disclaimer_acks if a.version == text.version)
    app_ctx.console.print(f"You accepted this text on {when:%Y-%m-%d}.")


def screen(
    ctx: typer.Context,
    answers: Annotated[
        str | None,
        typer.Option(
            "--answers",
            help="Answers as JSON, e.g. '{\"fever\": true}' (with --no-to-all: the yes answers).",
        ),
    ] = None,
    no_to_all: Annotated[
        bool, typer.Option("--no-to-all", help="Answer no to every question (for scripts).")
    ] = False,
) -> None:
    """Answer the red-flag safety questions (before the first session, then every 4 weeks)."""
    app_ctx = get_context(ctx)
    keys = KeyInput()
    history = app_ctx.journal().history(app_ctx.profile)
    notice = load_disclaimer()
    if needs_disclaimer(history, notice):
        acknowledge_disclaimer(app_ctx, keys, notice)
    screening = load_screening()
    if answers is None and not no_to_all:
        given = _ask_answers(app_ctx.console, keys, screening)
    else:
        given = _scripted_answers(screening, answers, no_to_all)
    record_screening(app_ctx, screening, given)


def _seen_on(on: str | None, earliest: datetime, zone: tzinfo) -> date:
    """The day the professional saw the person: today by default, never in the future, never
    before the block began."""
    today = utc_now().astimezone(zone).date()
    if on is None:
        return today
    try:
        day = date.fromisoformat(on)
    except ValueError:
        raise InputError(f"--date {on!r} is not a date like 2026-11-24") from None
    if day > today:
        raise InputError(f"--date {on} is in the future")
    first = earliest.astimezone(zone).date()
    if day < first:
        raise InputError(f"--date {on} is before sessions were blocked ({first:%Y-%m-%d})")
    return day


def _cleared_at(day: date, earliest: datetime) -> datetime:
    now = utc_now()
    return min(now, max(earliest, datetime.combine(day, time(12), tzinfo=UTC)))


def _ask_field(keys: KeyInput, console: Console, value: str | None, question: str,
               what: str, max_len: int) -> str:
    if value is None:
        value = ask_text(keys, console, question, what)
    value = value.strip()
    if not value:
        raise InputError(f"please give {what}")
    if len(value) > max_len:
        raise InputError(f"{what} is longer than {max_len} characters")
    return value


def clear(
    ctx: typer.Context,
    by: Annotated[
        str | None,
        typer.Option("--by", help="Who checked you, e.g. 'Dr Lee, GP' (asked if not given)."),
    ] = None,
    note: Annotated[
        str | None,
        typer.Option("--note", help="What they said (asked if not given)."),
    ] = None,
    on: Annotated[
        str | None, typer.Option("--date", help="The day they saw you (default: today).")
    ] = None,
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
) -> None:
    """Record that a doctor or physiotherapist has checked you: it clears a red flag, or lifts
    the hold after repeated sharp pain."""
    app_ctx = get_context(ctx)
    console = app_ctx.console
    journal = app_ctx.journal()
    history = journal.history(app_ctx.profile)
    zone = app_ctx.zone()
    flagged = uncleared_red_flags(history)
    rules = load_progression_rules()
    on_hold = current_decision(history, utc_now(), rules, zone).code == "sharp_pain_referral"
    if not flagged and not on_hold:
        console.print("There is no red flag to clear and no hold after sharp pain: nothing to "
                      "record.")
        return
    keys = KeyInput()
    who = _ask_field(keys, console, by, "Who checked you?", "who checked you (--by)", 200)
    said = _ask_field(keys, console, note, "What did they say?", "what they said (--note)", 500)
    earliest = (min(r.taken_at for r in flagged) if flagged
                else sharp_pain_times(history)[-1])
    day = _seen_on(on, earliest, zone)
    console.print(f"Who: {escape(who)}\nWhen: {day:%d %B %Y}\nWhat they said: {escape(said)}")
    if not yes and not ask_yes_no(
        keys, console, "Is this right, and has a professional said you may do these exercises?"
    ):
        raise InputError("nothing recorded: sessions stay blocked until a professional clears you")
    if not flagged:
        journal.add_professional_advice(
            app_ctx.profile, ProfessionalAdvice(at=utc_now(), by=who, on=day, said=said)
        )
        console.print("[green]Recorded.[/green] The hold after sharp pain is lifted.")
        return
    for record in flagged:
        assert record.id is not None  # records read from the journal carry their id
        journal.clear_screening(
            app_ctx.profile, record.id, _cleared_at(day, record.taken_at), said, by=who, on=day
        )
    console.print("[green]Recorded.[/green] Sessions are no longer blocked by the screening.")
