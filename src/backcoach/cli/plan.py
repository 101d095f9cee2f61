"""``backcoach plan``: today's plan, progress toward today's target, and why the plan is so."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from backcoach.cli.context import AppContext, get_context, utc_now
from backcoach.cli.render import disclaimer_line
from backcoach.cli.safety import current_decision, print_decision, print_next_step
from backcoach.core.plan import DailyPlan, describe_dose, load_progression_rules, plan_for_day
from backcoach.core.records import History
from backcoach.core.safety import SafetyDecision, load_screening

# Before these are settled there is no plan to show: a plan would read as a prescription.
_NO_PLAN_CODES = frozenset({
    "disclaimer_needed", "screening_needed", "screening_expired", "pain_rise_rescreen", "red_flag",
})

_RECENT_CHANGES = 5


def today_plan(app_ctx: AppContext, history: History) -> tuple[DailyPlan, SafetyDecision]:
    """Today's plan and the safety decision for starting a session now."""
    now = utc_now()
    rules = load_progression_rules()
    zone = app_ctx.zone()
    plan = plan_for_day(app_ctx.catalog(), history, rules, now.astimezone(zone).date(), zone)
    decision = current_decision(history, now, rules, zone)
    return plan, decision


def print_plan(console: Console, plan: DailyPlan) -> None:
    """The plan as a table: dose per exercise and sessions done today against the target."""
    table = Table(title=f"Plan for {plan.day:%A %d %B %Y}")
    table.add_column("exercise")
    table.add_column("dose")
    table.add_column("today", no_wrap=True)
    for item in plan.items:
        done, target = item.sessions_done_today, item.dose.sessions_per_day
        sides = " per side" if item.exercise.sided else ""
        bar = "■" * min(done, target) + "□" * max(0, target - done)
        table.add_row(
            escape(item.exercise.name),
            f"{item.dose.reps} x {item.dose.hold_s} s hold{sides}",
            f"{bar} {done}/{target}",
        )
    console.print(table)
    if plan.done_for_today:
        console.print("[green]Today's target is reached. Well done.[/green]")


def print_why(console: Console, plan: DailyPlan, history: History) -> None:
    """Show "why this plan": each exercise's latest reason, then the most recent plan changes."""
    console.print("[bold]Why this plan[/bold]")
    for item in plan.items:
        console.print(f"- {escape(item.exercise.name)}: {escape(item.why)}")
    recent = sorted(history.plan_changes, key=lambda c: c.at)[-_RECENT_CHANGES:]
    if recent:
        console.print("[bold]Recent plan changes[/bold]")
        for change in reversed(recent):
            console.print(
                f"  {change.at:%Y-%m-%d %H:%M} {change.exercise_id}: {change.reason_code} "
                f"-> {describe_dose(change.to_dose)}"
            )


def plan(ctx: typer.Context) -> None:
    """Show today's plan, how much of it is done, and why the plan is what it is."""
    app_ctx = get_context(ctx)
    console = app_ctx.console
    history = app_ctx.journal().history(app_ctx.profile)
    daily, decision = today_plan(app_ctx, history)
    if not decision.allowed:
        print_decision(console, decision, load_screening())
        print_next_step(console, decision)
        if decision.code in _NO_PLAN_CODES:
            console.print(disclaimer_line())
            raise typer.Exit(1)
    print_plan(console, daily)
    for line in daily.advice:
        console.print(f"[yellow]! {escape(line)}[/yellow]")
    if decision.code == "see_professional" and not daily.advice:
        print_decision(console, decision, load_screening())
    print_why(console, daily, history)
    if decision.allowed:
        console.print("Start a session with: [bold]backcoach session[/bold]")
    console.print(disclaimer_line())
