"""What one running web app holds: settings, the loaded data files, the journal, live sessions.

Created by ``create_app`` and opened in the app's lifespan (never at import time). Route modules
reach it through ``app_state(request)``.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import unquote

from starlette.requests import HTTPConnection

from backcoach.core.catalog import Catalog, Exercise, UnknownExerciseError
from backcoach.core.habits import Card, HabitRules
from backcoach.core.plan import DailyPlan, ProgressionRules, plan_for_day
from backcoach.core.profiles import valid_profile_name
from backcoach.core.records import History
from backcoach.core.safety import Disclaimer, SafetyDecision, Screening, session_decision
from backcoach.localtime import ZONE_SETTING, parse_zone, profile_zone, zone_name
from backcoach.web.clock import ScaledClock
from backcoach.web.confirm import Confirmations
from backcoach.web.errors import InputError
from backcoach.web.settings import WebSettings

if TYPE_CHECKING:
    from backcoach.pose.backend import PoseBackend
    from backcoach.storage import Journal
    from backcoach.web.sessions import SessionHub
    from backcoach.web.writer import JournalWriter

PROFILE_COOKIE = "backcoach_profile"
ZONE_COOKIE = "backcoach_tz"  # the browser's IANA time zone, set by static/js/zone.js
_READ_WAIT_S = 0.5  # how long a read waits for session writes still queued
JournalFactory = Callable[[], "Journal"]
PoseFactory = Callable[[], "PoseBackend"]
_T = TypeVar("_T")


@dataclass
class AppState:
    settings: WebSettings
    catalog: Catalog
    screening: Screening
    disclaimer: Disclaimer
    rules: ProgressionRules
    clock: ScaledClock
    journal_factory: JournalFactory
    pose_factory: PoseFactory | None
    analyser_factory: Callable[..., Any]  # web.coach.AnalyserFactory
    habit_rules: HabitRules
    cards: tuple[Card, ...]
    journal: Journal | None = None
    sessions: SessionHub | None = None
    writer: JournalWriter | None = None
    camera_clients: int = 0
    _profiles_seen: set[str] = field(default_factory=set)
    confirmations: Confirmations = field(default_factory=Confirmations)
    _frame_pool: ThreadPoolExecutor | None = None
    _zones: dict[str, tzinfo] = field(default_factory=dict)

    def open(self) -> None:
        from backcoach.web.memory import limit_arenas
        from backcoach.web.sessions import SessionHub
        from backcoach.web.writer import JournalWriter

        limit_arenas()
        self.journal = self.journal_factory()
        self.writer = JournalWriter()
        self.writer.start()
        self.sessions = SessionHub(self)
        self.sessions.close_abandoned()
        self._frame_pool = ThreadPoolExecutor(
            max_workers=self.settings.max_frames_in_flight, thread_name_prefix="backcoach-frame"
        )

    async def run_frame(self, work: Callable[[Any], _T], frame: Any) -> _T:
        """Decode and pose one frame in the shared frame pool: at most ``max_frames_in_flight``
        frames (and their decoded pictures) exist at once, whatever the number of sockets."""
        if self._frame_pool is None:
            raise RuntimeError("the app's lifespan has not started")
        return await asyncio.get_running_loop().run_in_executor(self._frame_pool, work, frame)

    async def release_frame_memory(self) -> None:
        """After the last camera socket closes, give the frames' memory back to the system."""
        if self.camera_clients == 0 and self._frame_pool is not None:
            from backcoach.web.memory import release_memory

            with contextlib.suppress(RuntimeError):  # the pool is shut down: the app is ending
                await self.run_frame(lambda _: release_memory(), None)

    def close(self) -> None:
        if self._frame_pool is not None:
            self._frame_pool.shutdown(wait=False, cancel_futures=True)
            self._frame_pool = None
        if self.sessions is not None:
            self.sessions.stop_all(self.clock.now())
        if self.writer is not None:
            self.writer.close()
            self.writer = None
        if self.journal is not None:
            self.journal.close()
            self.journal = None

    def the_journal(self) -> Journal:
        if self.journal is None:
            raise RuntimeError("the journal is not open (the app's lifespan has not started)")
        return self.journal

    def hub(self) -> SessionHub:
        if self.sessions is None:
            raise RuntimeError("the app's lifespan has not started")
        return self.sessions

    def exercise(self, exercise_id: str) -> Exercise:
        try:
            return self.catalog.get(exercise_id)
        except UnknownExerciseError as exc:
            raise InputError(str(exc), 404) from None

    def the_writer(self) -> JournalWriter:
        if self.writer is None:
            raise RuntimeError("the app's lifespan has not started")
        return self.writer

    def history(self, profile: str) -> History:
        """The profile's records, with the session writes just made (waiting briefly for
        them; while another program holds the journal's lock, they follow later)."""
        if self.writer is not None:
            self.writer.wait_idle(_READ_WAIT_S)
        journal = self.the_journal()
        if profile not in self._profiles_seen:
            journal.ensure_profile(profile)
            self._profiles_seen.add(profile)
        return journal.history(profile)

    def forget_profile(self, profile: str) -> None:
        self.the_journal().forget(profile)
        self._profiles_seen.discard(profile)
        self._zones.pop(profile, None)

    def renamed_profile(self, old: str, new: str) -> None:
        self._profiles_seen.discard(old)
        self._zones.pop(old, None)

    # --- the person's local day ---------------------------------------------------------------

    def zone(self, profile: str) -> tzinfo:
        """The profile's time zone (learned from the browser), else this computer's."""
        if profile not in self._zones:
            self._zones[profile] = profile_zone(self.the_journal().get_settings(profile))
        return self._zones[profile]

    def remember_zone(self, profile: str, name: str) -> None:
        """Keep the browser's zone for this profile when it is valid and new."""
        zone = parse_zone(name)
        if zone is None or zone_name(self.zone(profile)) == name:
            return
        self.the_journal().set_setting(profile, ZONE_SETTING, name)
        self._zones[profile] = zone

    def today(self, profile: str) -> date:
        return self.clock.now().astimezone(self.zone(profile)).date()

    def recent_history(self, profile: str) -> History:
        """Enough of the journal for today's decision and plan (``Journal.recent_history``):
        the longest look-back of any rule (screening expiry, referral windows) plus two days,
        so the answer equals the one from the whole history, at any journal size. The start is
        rounded down to the hour: a slightly longer window changes no answer, and the same
        question all hour long lets the journal keep its answer until the next commit."""
        self.history_known(profile)
        referral = self.rules.referral
        days = max(self.screening.expires_after_days, referral.sharp_stops_window_days,
                   referral.worsening_window_days) + 2
        since = self.clock.now() - timedelta(days=days)
        return self.the_journal().recent_history(profile, _hour_start(since))

    def history_since(self, profile: str, since: datetime) -> History:
        """The records of the weeks since ``since`` (``Journal.recent_history``), with the
        session writes just made."""
        self.history_known(profile)
        if self.writer is not None:
            self.writer.wait_idle(_READ_WAIT_S)
        return self.the_journal().recent_history(profile, since)

    def history_known(self, profile: str) -> None:
        if profile not in self._profiles_seen:
            self.the_journal().ensure_profile(profile)
            self._profiles_seen.add(profile)

    def decision_and_plan(self, profile: str) -> tuple[SafetyDecision, DailyPlan]:
        """Both from one read of the journal (the ``/today`` page shows both)."""
        history = self.recent_history(profile)
        zone = self.zone(profile)
        decision = session_decision(history, self.screening, self.disclaimer, self.clock.now(),
                                    self.rules.referral, zone)
        return decision, plan_for_day(self.catalog, history, self.rules, self.today(profile), zone)

    def decision(self, profile: str) -> SafetyDecision:
        return session_decision(
            self.recent_history(profile),
            self.screening,
            self.disclaimer,
            self.clock.now(),
            self.rules.referral,
            self.zone(profile),
        )

    def plan(self, profile: str) -> DailyPlan:
        return plan_for_day(
            self.catalog,
            self.recent_history(profile),
            self.rules,
            self.today(profile),
            self.zone(profile),
        )


def _hour_start(moment: datetime) -> datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


def app_state(conn: HTTPConnection) -> AppState:
    state: AppState = conn.app.state.backcoach
    return state


def valid_profile(name: str) -> bool:
    return valid_profile_name(name)


def current_profile(conn: HTTPConnection) -> str:
    """The profile chosen on the settings page (a cookie), else the configured default."""
    chosen = conn.cookies.get(PROFILE_COOKIE, "")
    return chosen if valid_profile(chosen) else app_state(conn).settings.profile


def learn_zone(conn: HTTPConnection) -> None:
    """Remember the browser's time zone (its cookie) for the current profile."""
    name = unquote(conn.cookies.get(ZONE_COOKIE, ""))
    if name:
        app_state(conn).remember_zone(current_profile(conn), name)
