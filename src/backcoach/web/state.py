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
from datetime import timedelta
from typing import TYPE_CHECKING, Any, TypeVar

from starlette.requests import HTTPConnection

from backcoach.core.catalog import Catalog, Exercise, UnknownExerciseError
from backcoach.core.plan import DailyPlan, ProgressionRules, plan_for_day
from backcoach.core.profiles import valid_profile_name
from backcoach.core.records import History
from backcoach.core.safety import Disclaimer, SafetyDecision, Screening, session_decision
from backcoach.web.clock import ScaledClock
from backcoach.web.confirm import Confirmations
from backcoach.web.errors import InputError
from backcoach.web.settings import WebSettings

if TYPE_CHECKING:
    from backcoach.storage import Journal
    from backcoach.web.coach import PoseEstimator
    from backcoach.web.sessions import SessionHub

PROFILE_COOKIE = "backcoach_profile"
JournalFactory = Callable[[], "Journal"]
PoseFactory = Callable[[], "PoseEstimator"]
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
    analyser_factory: Callable[[Exercise], Any]
    journal: Journal | None = None
    sessions: SessionHub | None = None
    camera_clients: int = 0
    _profiles_seen: set[str] = field(default_factory=set)
    confirmations: Confirmations = field(default_factory=Confirmations)
    _frame_pool: ThreadPoolExecutor | None = None

    def open(self) -> None:
        from backcoach.web.memory import limit_arenas
        from backcoach.web.sessions import SessionHub

        limit_arenas()
        self.journal = self.journal_factory()
        self.sessions = SessionHub(self)
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

    def history(self, profile: str) -> History:
        journal = self.the_journal()
        if profile not in self._profiles_seen:
            journal.ensure_profile(profile)
            self._profiles_seen.add(profile)
        return journal.history(profile)

    def forget_profile(self, profile: str) -> None:
        self.the_journal().forget(profile)
        self._profiles_seen.discard(profile)

    def recent_history(self, profile: str) -> History:
        """Enough of the journal for today's decision and plan (``Journal.recent_history``):
        the longest look-back of any rule (screening expiry, referral windows) plus two days,
        so the answer equals the one from the whole history, at any journal size."""
        self.history_known(profile)
        referral = self.rules.referral
        days = max(self.screening.expires_after_days, referral.sharp_stops_window_days,
                   referral.worsening_window_days) + 2
        since = self.clock.now() - timedelta(days=days)
        return self.the_journal().recent_history(profile, since)

    def history_known(self, profile: str) -> None:
        if profile not in self._profiles_seen:
            self.the_journal().ensure_profile(profile)
            self._profiles_seen.add(profile)

    def decision_and_plan(self, profile: str) -> tuple[SafetyDecision, DailyPlan]:
        """Both from one read of the journal (the ``/today`` page shows both)."""
        history = self.recent_history(profile)
        now = self.clock.now()
        decision = session_decision(history, self.screening, self.disclaimer, now,
                                    self.rules.referral)
        return decision, plan_for_day(self.catalog, history, self.rules, now.date())

    def decision(self, profile: str) -> SafetyDecision:
        return session_decision(
            self.recent_history(profile),
            self.screening,
            self.disclaimer,
            self.clock.now(),
            self.rules.referral,
        )

    def plan(self, profile: str) -> DailyPlan:
        now = self.clock.now()
        return plan_for_day(self.catalog, self.recent_history(profile), self.rules, now.date())


def app_state(conn: HTTPConnection) -> AppState:
    state: AppState = conn.app.state.backcoach
    return state


def valid_profile(name: str) -> bool:
    return valid_profile_name(name)


def current_profile(conn: HTTPConnection) -> str:
    """The profile chosen on the settings page (a cookie), else the configured default."""
    chosen = conn.cookies.get(PROFILE_COOKIE, "")
    return chosen if valid_profile(chosen) else app_state(conn).settings.profile
