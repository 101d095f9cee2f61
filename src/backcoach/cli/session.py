"""``backcoach session``: the guided session in the terminal, a thin shell around the core.

``core.session.GuidedSession`` decides everything (what comes next, when a set is complete, what a
stop means); this module only reads keys, shows countdowns, plays cues, and commits each
completed set to the journal the moment the core reports it.

Keys: ``n`` next, ``p`` pause/resume, ``s`` stop, ``x`` or ``!`` sharp pain. From a pipe, send the
same letters one per line; a line with a number answers the next pain question.
"""

from __future__ import annotations

import contextlib
import dataclasses
import signal
import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from types import FrameType
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.panel import Panel
from rich.progress import BarColumn, Progress, TextColumn

from backcoach.cli.context import AppContext, get_context
from backcoach.cli.errors import InputError, Refused
from backcoach.cli.journal import print_plan_changes, review_and_store
from backcoach.cli.plan import print_plan, today_plan
from backcoach.cli.prompts import ask_pain
from backcoach.cli.render import disclaimer_line, print_exercise
from backcoach.cli.safety import ensure_ready, print_decision, rescreen_if_pain_rose
from backcoach.cli.terminal import Cues, KeyInput, ScaledClock
from backcoach.cli.voice import Listener, SpokenStop, VoiceInput, open_voice
from backcoach.core.plan import DailyPlan
from backcoach.core.records import SessionOutcome
from backcoach.core.safety import load_screening
from backcoach.core.session import (
    Cue,
    GuidedSession,
    SessionEffect,
    SessionEnded,
    SessionState,
    SetCompleted,
    StepView,
)
from backcoach.localtime import zone_name

_COMMANDS = frozenset({"n", "p", "r", "s", "x", "!"})
_SHARP = frozenset({"x", "!"})
_TICK_S = 0.1  # real seconds between screen updates
_MAX_SAFETY_PROMPTS = 3  # disclaimer, then screening: never loop forever
_KEYS_HELP = "Keys: n next, p pause/resume, s stop, x (or !) sharp pain."


#: A session left in progress for this long (a crash, a closed terminal) is closed as stopped.
_ABANDONED_AFTER = timedelta(hours=2)


class _Runner:
    """Drives one ``GuidedSession``: input, display, cues and journal writes."""

    def __init__(
        self, app_ctx: AppContext, guided: GuidedSession, keys: KeyInput, clock: ScaledClock,
        cues: Cues,
    ) -> None:  # fmt: skip
        self.app_ctx = app_ctx
        self.console = app_ctx.console
        self.guided = guided
        self.keys = keys
        self.clock = clock
        self.cues = cues
        self.session_id: int | None = None
        self._shown_exercise: int | None = None
        self.voice: VoiceInput | None = None  # set by ``session --voice``

    # --- effects ------------------------------------------------------------------------------

    def apply(self, effects: list[SessionEffect]) -> None:
        """Act on the core's effects: commit sets at once, show and speak cues, store the end."""
        for effect in effects:
            if isinstance(effect, SetCompleted):
                self._save_set(effect)
            elif isinstance(effect, Cue):
                self._announce(self.guided.current(self.clock.now()))
                self.console.print(f"[cyan]» {escape(effect.text)}[/cyan]")
                self.cues.say(effect.text)
            elif isinstance(effect, SessionEnded):
                self._save_end(effect)

    def _save_set(self, effect: SetCompleted) -> None:
        done = effect.set
        assert self.session_id is not None  # sets exist only after pain before started it
        self.app_ctx.journal().add_set(self.session_id, done)
        side = f", {done.side.value} side" if done.side else ""
        self.console.print(
            f"[green]✓ Set saved:[/green] {done.exercise_id}{side}, {done.reps} repetition(s), "
            f"{done.hold_s:g} s hold on average."
        )

    def _save_end(self, effect: SessionEnded) -> None:
        if self.session_id is not None:
            self.app_ctx.journal().finish_session(self.session_id, effect.record)
        record = effect.record
        if record.outcome is SessionOutcome.SHARP_PAIN and record.stop_at is not None:
            where = f" during {record.stop_exercise_id}" if record.stop_exercise_id else ""
            self.console.print(
                f"[bold red]Sharp-pain stop recorded{where} at "
                f"{record.stop_at.astimezone():%H:%M:%S}.[/bold red]"
            )
        if effect.message:
            self.console.print(
                Panel(escape(effect.message), title="Stop", border_style="bold red", expand=False)
            )

    # --- the timed part -----------------------------------------------------------------------

    def run_exercises(self) -> None:
        """Countdowns for every exercise, until the pain-after question or a stop."""
        with self.keys.keys():
            while self.guided.state not in (SessionState.PAIN_AFTER, SessionState.DONE):
                self._one_phase()

    def _one_phase(self) -> None:
        """Show one countdown (get ready, hold, rest, switch side) with a progress bar."""
        view = self.guided.current(self.clock.now())
        self._announce(view)
        total = view.phase_s or 0.0
        progress = Progress(
            TextColumn("{task.description}"), BarColumn(), TextColumn("{task.fields[left]}"),
            console=self.console, transient=True, disable=not self.console.is_terminal,
        )  # fmt: skip
        with progress:
            task = progress.add_task(_describe(view), total=total or 1.0, left="")
            while True:
                command = self.keys.poll(self._wait_s(), _COMMANDS)
                now = self.clock.now()
                if command is not None:
                    self._command(command)
                elif self.voice and (heard := self.voice.take(now)):
                    self.apply(heard)
                else:
                    before = self.guided.state
                    effects = self.guided.tick(now)
                    if effects and before is not SessionState.PAUSED:
                        self.cues.beep()
                    self.apply(effects)
                current = self.guided.current(now)
                if _phase_changed(view, current):
                    return
                left = current.seconds_left or 0.0
                paused = " (paused: p to carry on)" if current.paused else ""
                progress.update(task, completed=total - left, left=f"{left:4.0f} s{paused}")

    def _wait_s(self) -> float:
        view = self.guided.current(self.clock.now())
        if view.paused or view.seconds_left is None:
            return _TICK_S
        return min(_TICK_S, self.clock.real_seconds(view.seconds_left))

    def _announce(self, view: StepView) -> None:
        """Show an exercise's steps once, when it begins."""
        if view.exercise_id is None or view.exercise_index == self._shown_exercise:
            return
        self._shown_exercise = view.exercise_index
        exercise = self.app_ctx.catalog().get(view.exercise_id)
        self.console.rule(f"Exercise {view.exercise_index + 1} of {view.exercise_count}")
        print_exercise(self.console, exercise, brief=True)

    def _command(self, command: str) -> None:
        now = self.clock.now()
        if command in _SHARP:
            self.apply(self.guided.sharp_pain(now))
        elif command == "s":
            self.console.print("Stopping the session.")
            self.apply(self.guided.stop(now))
        elif command == "n":
            self.apply(self.guided.next(now))
        elif command in ("p", "r"):
            resuming = self.guided.state is SessionState.PAUSED
            self.apply(self.guided.resume(now) if resuming else self.guided.pause(now))

    # --- pain questions -----------------------------------------------------------------------

    def ask_pain(self, question: str, what: str) -> int:
        """A typed score, or with ``--voice`` a spoken one ("zero" .. "ten"); "stop" or "sharp
        pain" said meanwhile end the session at once (``SpokenStop``, already applied)."""
        voice = self.voice
        if voice is None:
            return ask_pain(self.keys, self.console, question, what)
        try:
            return ask_pain(self.keys, self.console, question, what,
                            lambda: voice.answer(self.clock.now()))  # fmt: skip
        except SpokenStop as stop:
            if self.session_id is None and self.guided.outcome is SessionOutcome.SHARP_PAIN:
                # before the first exercise: stored all the same, like the web's SHARP PAIN
                self.session_id = self.app_ctx.journal().start_session(
                    self.app_ctx.profile, self.guided.record()
                )
            self.apply(stop.effects)
            raise

    def pain_after(self) -> None:
        """Ask pain after; if input ends first, the session is kept as stopped."""
        try:
            score = self.ask_pain("How much does your back hurt now?", "pain after")
        except SpokenStop:
            return
        except (InputError, KeyboardInterrupt):
            self.apply(self.guided.stop(self.clock.now()))
            raise InputError(
                "no pain-after score was given; the session and its sets are saved as stopped"
            ) from None
        self.apply(self.guided.record_pain_after(score, self.clock.now()))


def _describe(view: StepView) -> str:
    if view.exercise_name is None:
        return view.prompt
    side = f" {view.side.value}" if view.side else ""
    if view.state is SessionState.HOLD:
        return f"{view.prompt}{side} {view.rep}/{view.reps}"
    return f"{view.prompt}{side}"


def _phase_changed(before: StepView, after: StepView) -> bool:
    """A new countdown began (or the timed part ended); pausing is not a new phase."""
    if after.state in (SessionState.PAIN_AFTER, SessionState.DONE):
        return True
    key_before = (before.exercise_index, before.side, before.rep, before.phase_s)
    key_after = (after.exercise_index, after.side, after.rep, after.phase_s)
    active_before = before.state
    active_after = after.state
    if SessionState.PAUSED in (active_before, active_after):
        return key_before != key_after
    return key_before != key_after or active_before is not active_after


def _todays_items(plan: DailyPlan) -> DailyPlan:
    """Only the exercises with sessions still to do today."""
    return dataclasses.replace(
        plan, items=tuple(item for item in plan.items if item.sessions_left_today > 0)
    )


def _decide(app_ctx: AppContext, keys: KeyInput) -> tuple[DailyPlan, object]:
    """Today's plan and an allowed decision, asking the disclaimer/screening when due."""
    for _ in range(_MAX_SAFETY_PROMPTS):
        history = app_ctx.journal().history(app_ctx.profile)
        daily, decision = today_plan(app_ctx, history)
        if decision.allowed or not ensure_ready(app_ctx, keys, history, decision):
            break
    if not decision.allowed:
        print_decision(app_ctx.console, decision, load_screening())
        raise Refused(f"no session today: {decision.message}")
    if decision.code == "see_professional":
        print_decision(app_ctx.console, decision, load_screening())
    return daily, decision


def session(
    ctx: typer.Context,
    sound: Annotated[
        bool, typer.Option("--sound/--quiet", help="Bell and spoken cues (espeak-ng if installed).")
    ] = True,
    speed: Annotated[
        float,
        typer.Option("--speed", min=0.01, max=10000, hidden=True, help="Time factor (tests)."),
    ] = 1.0,
    voice: Annotated[
        bool,
        typer.Option(
            "--voice",
            help='Voice commands from the default microphone: "stop", "sharp pain", "next", '
            '"pause", "resume", "repeat", "undo", and pain scores "zero" to "ten" '
            "(offline; keys keep working).",
        ),
    ] = False,
    voice_file: Annotated[
        Path | None,
        typer.Option("--voice-file", hidden=True, help="A WAV played as the microphone (tests)."),
    ] = None,
) -> None:
    """A guided session of today's plan: steps, countdowns, cues, and pain before and after."""
    app_ctx = get_context(ctx)
    console: Console = app_ctx.console
    with contextlib.ExitStack() as stack:
        listening = voice or voice_file is not None
        listener = stack.enter_context(open_voice(voice_file)) if listening else None
        _session(app_ctx, console, sound, speed, listener)


def _session(
    app_ctx: AppContext, console: Console, sound: bool, speed: float, listener: Listener | None
) -> None:
    keys = KeyInput()
    daily, decision = _decide(app_ctx, keys)
    clock = ScaledClock(speed)
    print_plan_changes(console, review_and_store(app_ctx, clock.now()))
    history = app_ctx.journal().history(app_ctx.profile)
    daily, decision = today_plan(app_ctx, history)
    todo = _todays_items(daily)
    if not todo.items:
        console.print("[green]Today's target is reached.[/green] Rest now; see you tomorrow.")
        return
    print_plan(console, todo)
    console.print(disclaimer_line())
    journal = app_ctx.journal()
    journal.close_abandoned_sessions(older_than=clock.now() - _ABANDONED_AFTER)
    guided = GuidedSession(todo, clock.now(), decision, time_zone=zone_name(app_ctx.zone()))
    cues = Cues(console, sound=sound and speed <= 1.0)
    runner = _Runner(app_ctx, guided, keys, clock, cues)
    if listener is not None:
        runner.voice = VoiceInput(listener, guided, console, cues)
    try:
        with _sigterm_as_interrupt():
            _run(runner, guided, console)
    finally:
        cues.close()


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


@contextlib.contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """Treat SIGTERM (a closed terminal, ``kill``) like Ctrl-C: stop the session, keep its sets.

    The previous handler comes back afterwards. Outside the main thread signals cannot be
    handled, so there nothing changes.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _run(runner: _Runner, guided: GuidedSession, console: Console) -> None:
    app_ctx, clock = runner.app_ctx, runner.clock
    try:
        before = runner.ask_pain("How much does your back hurt right now?", "pain before")
    except SpokenStop:
        if runner.session_id is None:
            console.print("Stopped before the first exercise: nothing was stored.")
            return
    else:
        _exercise(runner, guided, before)
    print_plan_changes(console, review_and_store(app_ctx, clock.now()))
    outcome = guided.outcome
    if outcome is SessionOutcome.COMPLETED:
        console.print("[green]Session complete and saved.[/green] See it with: backcoach history")
    elif outcome is SessionOutcome.STOPPED:
        console.print("Session stopped and saved (what you did is kept).")
    console.print("Tomorrow morning, tell backcoach how your back feels: backcoach checkin")


def _exercise(runner: _Runner, guided: GuidedSession, before: int) -> None:
    """From the pain-before score to the pain-after answer (or a stop)."""
    app_ctx, clock, console = runner.app_ctx, runner.clock, runner.console
    rescreen_if_pain_rose(app_ctx, runner.keys, before)
    console.print(_KEYS_HELP)
    effects = guided.record_pain_before(before, clock.now())
    runner.session_id = app_ctx.journal().start_session(app_ctx.profile, guided.record())
    runner.apply(effects)
    try:
        runner.run_exercises()
    except KeyboardInterrupt:
        console.print("Stopping the session.")
        runner.apply(guided.stop(clock.now()))
    if guided.state is SessionState.PAIN_AFTER:
        runner.pain_after()
