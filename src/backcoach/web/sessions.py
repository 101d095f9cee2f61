"""Guided sessions running on the server: ``core.session.GuidedSession`` plus the journal.

The browser only shows and asks; the state machine lives here so that a sharp-pain stop, a set
finished or a camera repetition is committed to the journal as it happens, whatever the page
does next. A session advances only while its page is seen (``core.attendance``): the page's
polls are heartbeats, and a page that is hidden or goes silent pauses its session at the last
sighting, so time away is never credited. Sessions are stored as they go (start, pain before,
each set, signs of life); a restart closes those left open as stopped, with their sets. All
methods run on the event loop thread (no locks needed).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING, Any

from backcoach.core.attendance import AttendedSession
from backcoach.core.plan import review_progression
from backcoach.core.records import SessionOutcome
from backcoach.core.safety import SafetyDecision
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
from backcoach.web.errors import InputError
from backcoach.web.gate import blocked_payload, stops_exercise

if TYPE_CHECKING:
    from backcoach.web.state import AppState

_KEPT_CUES = 8
#: Real seconds between the signs of life written to the journal while a page is seen.
_TOUCH_EVERY_S = 10.0
#: A session in progress whose last sign of life is older than this (real seconds) when the
#: server starts was left by a crash or a restart: it is closed as stopped.
ABANDONED_AFTER_S = 60.0


@dataclass
class LiveSession:
    """One session in progress (or just ended) and the cues the page has yet to show."""

    id: int
    profile: str
    attended: AttendedSession
    cues: list[tuple[int, str]] = field(default_factory=list)
    cue_seq: int = 0
    end_message: str | None = None
    camera_reps: int = 0
    safety_stop: SafetyDecision | None = None
    touched_at: datetime | None = None

    @property
    def guided(self) -> GuidedSession:
        return self.attended.guided

    @property
    def ended(self) -> bool:
        return self.guided.state is SessionState.DONE


def view_dict(view: StepView) -> dict[str, Any]:
    return {
        "state": view.state.value,
        "paused": view.paused,
        "prompt": view.prompt,
        "exercise_id": view.exercise_id,
        "exercise_name": view.exercise_name,
        "exercise_index": view.exercise_index,
        "exercise_count": view.exercise_count,
        "steps": list(view.steps),
        "cue": view.cue,
        "rep": view.rep,
        "reps": view.reps,
        "side": view.side.value if view.side else None,
        "hold_s": view.hold_s,
        "seconds_left": None if view.seconds_left is None else round(view.seconds_left, 2),
        "phase_s": view.phase_s,
        "outcome": view.outcome.value,
        "position": view.position,
        "session_left_s": view.session_left_s,
        "overdue_hint": view.overdue_hint,
        "grace_left_s": None if view.grace_left_s is None else round(view.grace_left_s, 1),
    }


def _progress_key(guided: GuidedSession, now: datetime) -> tuple[object, ...]:
    """Changes exactly when a repetition was counted (a wrong-side one changes nothing)."""
    view = guided.current(now)
    return (len(guided.record().sets), view.exercise_index, view.side, view.rep, view.state)


class SessionHub:
    """The live sessions of this server, at most one open per profile."""

    def __init__(self, state: AppState) -> None:
        self._state = state
        self._sessions: dict[int, LiveSession] = {}

    def _timeout(self) -> timedelta:
        """The heartbeat timeout on the session clock (which may run faster in tests)."""
        timeout_s = self._state.settings.heartbeat_timeout_s
        return timedelta(seconds=timeout_s * self._state.clock.scale)

    def close_abandoned(self) -> list[int]:
        """At start-up: close sessions a crash or restart left open (their sets are kept)."""
        cutoff = self._state.clock.now() - timedelta(
            seconds=ABANDONED_AFTER_S * self._state.clock.scale
        )
        return self._state.the_journal().close_abandoned_sessions(older_than=cutoff)

    def start(self, profile: str, camera: bool) -> LiveSession:
        """Start today's session; refused (409, with the advice) when the safety decision does
        not allow it."""
        now = self._state.clock.now()
        previous = self.open_for(profile)
        if previous is not None:
            self.apply(previous, previous.attended.catch_up(now) + previous.guided.stop(now))
        decision = self._state.decision(profile)
        if not decision.allowed:
            message = f"a session cannot start: {decision.message}"
            raise InputError(message, 409, {**blocked_payload(decision), "error": message})
        plan = self._state.plan(profile)
        zone = zone_name(self._state.zone(profile))
        guided = GuidedSession(plan, now, decision, camera=camera, time_zone=zone)
        session_id = self._state.the_journal().start_session(profile, guided.record())
        live = LiveSession(id=session_id, profile=profile,
                           attended=AttendedSession(guided, now, self._timeout()))
        self._sessions[session_id] = live
        self._push_cue(live, "How much does your back hurt right now, from 0 to 10?")
        return live

    def heartbeat(self, live: LiveSession, visible: bool) -> None:
        """The page's poll: a sighting when it is visible, else a report that it is hidden."""
        now = self._state.clock.now()
        if visible:
            self.apply(live, live.attended.seen(now))
            self._touch(live, now)
        else:
            self.apply(live, live.attended.hidden(now))

    def seen(self, live: LiveSession) -> None:
        """An action from the page is a sighting too (the person pressed something)."""
        self.apply(live, live.attended.seen(self._state.clock.now()))

    def _touch(self, live: LiveSession, now: datetime) -> None:
        every = timedelta(seconds=_TOUCH_EVERY_S * self._state.clock.scale)
        if live.ended or (live.touched_at is not None and now - live.touched_at < every):
            return
        session_id, journal = live.id, self._state.the_journal()
        self._state.the_writer().submit(lambda: journal.touch_session(session_id, now))
        live.touched_at = now

    def record_pain_before(self, live: LiveSession, effects: list[SessionEffect]) -> None:
        """Pain before is stored at once, not only when the session ends."""
        self.apply(live, effects)
        score = live.guided.record().pain_before
        if score is not None:
            now, session_id = self._state.clock.now(), live.id
            journal = self._state.the_journal()
            self._state.the_writer().submit(
                lambda: journal.touch_session(session_id, now, pain_before=score)
            )
            live.touched_at = now

    def get(self, session_id: int, profile: str) -> LiveSession:
        live = self._sessions.get(session_id)
        if live is None or live.profile != profile:
            raise InputError(f"no live session {session_id} for profile {profile!r}", 404)
        return live

    def open_for(self, profile: str) -> LiveSession | None:
        for live in self._sessions.values():
            if live.profile == profile and not live.ended:
                return live
        return None

    def safety_check(self, live: LiveSession) -> SafetyDecision | None:
        """Run the one safety check; if exercise must stop, end the session and say why.

        Called before every action, poll, camera attachment and camera repetition, so a red flag
        recorded while a session runs (e.g. on the welcome page in another tab) ends it at once:
        outcome ``STOPPED`` through ``GuidedSession.stop``, so sets already done are kept. The
        timers are not advanced first: nothing more is logged after the red flag. Returns the
        blocking decision (also for a session already ended), else ``None``. Which codes stop
        a session under way is decided in ``web.gate``.
        """
        decision = self._state.decision(live.profile)
        if not stops_exercise(decision):
            return None
        if not live.ended:
            now = self._state.clock.now()
            self.apply(live, live.attended.catch_up(now) + live.guided.stop(now))
            live.safety_stop = decision
            live.end_message = decision.message
            self._push_cue(live, decision.message)
        return decision


    def apply(self, live: LiveSession, effects: list[SessionEffect]) -> None:
        """Commit what the state machine asks for: sets at once, the ending with its review.

        The writes go to the journal writer (in order, retried while the journal is busy), so a
        locked database never holds the server and never loses a set or a sharp-pain stop.
        """
        writer, journal, session_id = self._state.the_writer(), self._state.the_journal(), live.id
        for effect in effects:
            if isinstance(effect, Cue):
                self._push_cue(live, effect.text)
            elif isinstance(effect, SetCompleted):
                writer.submit(partial(journal.add_set, session_id, effect.set))
            elif isinstance(effect, SessionEnded):
                at = effect.record.ended_at or self._state.clock.now()
                writer.submit(partial(journal.finish_session, session_id, effect.record))
                writer.submit(partial(self._review, live.profile, at))
                live.end_message = effect.message
                if effect.message:
                    self._push_cue(live, effect.message)

    def review_later(self, profile: str, at: datetime) -> None:
        """Queue the plan review after the writes already queued (e.g. a late sharp-pain stop)."""
        self._state.the_writer().submit(partial(self._review, profile, at))

    def _review(self, profile: str, at: datetime) -> None:
        """On the writer thread, after the session's end is stored: the plan changes."""
        state = self._state
        history = state.the_journal().history(profile)
        changes = review_progression(state.catalog, history, state.rules, at)
        if changes:
            state.the_journal().add_plan_changes(profile, changes)

    def _push_cue(self, live: LiveSession, text: str) -> None:
        live.cue_seq += 1
        live.cues = [*live.cues, (live.cue_seq, text)][-_KEPT_CUES:]

    def snapshot(self, live: LiveSession) -> dict[str, Any]:
        """The JSON the session page renders."""
        return {
            "id": live.id,
            "camera": live.guided.camera,
            "away": None if live.attended.away is None else live.attended.away.value,
            "view": view_dict(live.guided.current(self._state.clock.now())),
            "cues": [{"seq": seq, "text": text} for seq, text in live.cues],
            "end_message": live.end_message,
            "camera_reps": live.camera_reps,
            "safety_stop": None if live.safety_stop is None else {
                "code": live.safety_stop.code,
                "message": live.safety_stop.message,
                "advice": list(live.safety_stop.advice),
            },
            "sets": [
                {
                    "exercise_id": s.exercise_id,
                    "reps": s.reps,
                    "full_reps": s.counted_reps,
                    "hold_s": s.hold_s,
                    "side": s.side.value if s.side else None,
                    "source": s.source.value,
                    "range_deg": s.range_deg,
                }
                for s in live.guided.record().sets
            ],
        }

    def camera_rep(
        self, live: LiveSession, hold_s: float, side: str | None, quality: float | None,
        range_deg: float | None = None,
    ) -> None:
        """A repetition the camera counted; it fills the session log like a timed one (with
        the range of movement it reached, when the analyser measured one).

        Not counted when the safety check ends the session (see ``safety_check``).
        """
        if live.ended or not live.guided.camera or self.safety_check(live) is not None:
            return
        now = self._state.clock.now()
        self.seen(live)
        before = _progress_key(live.guided, now)
        effects = live.guided.camera_rep(hold_s, side, quality, now, range_deg=range_deg)
        if _progress_key(live.guided, now) != before:
            live.camera_reps += 1
        self.apply(live, effects)

    def stop_all(self, now: datetime) -> None:
        """On shutdown: stop what is still open so the journal does not keep it in progress
        (time since the page was last seen is not credited)."""
        for live in self._sessions.values():
            if not live.ended:
                self.apply(live, live.attended.catch_up(now) + live.guided.stop(now))

    def sharp_pain_for(self, profile: str) -> LiveSession | None:
        live = self.open_for(profile)
        if live is not None:
            now = self._state.clock.now()
            self.apply(live, live.attended.catch_up(now) + live.guided.sharp_pain(now))
        return live

    def recently_ended(self, profile: str, within: timedelta) -> LiveSession | None:
        """The profile's session that ended within ``within`` (for sharp pain just after)."""
        now = self._state.clock.now()
        ended = [
            live for live in self._sessions.values()
            if live.profile == profile and live.ended
            and now - (live.guided.record().ended_at or now) <= within
        ]  # fmt: skip
        return ended[-1] if ended else None

    def outcome(self, live: LiveSession) -> SessionOutcome:
        return live.guided.outcome
