"""What the pages show about keeping going: the week's goal, the streak, and education cards.

Thin glue between the journal's per-profile settings and ``core.habits``; the routes call these
two functions and the templates ``_habits.html`` and ``_card.html`` draw the result.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

from backcoach.core.habits import Card, HabitView, habit_view, valid_goal
from backcoach.reports.reminders import GOAL_KEY
from backcoach.storage import StorageError
from backcoach.web.state import AppState

CARDS_SEEN_KEY = "cards_seen"
STREAK_WINDOW_DAYS = 370  # a streak is counted back at most this far


def habits_for(state: AppState, profile: str) -> HabitView:
    """The week, the streak and one fitting message for ``profile``, in its local time."""
    settings = state.the_journal().get_settings(profile)
    zone = state.zone(profile)
    today = state.today(profile)
    goal = valid_goal(settings.get(GOAL_KEY), state.habit_rules)
    # The week and a streak of up to a year need only the last year: read that window by
    # index, never the whole journal (``/today`` stays fast at any journal size).
    state.history_known(profile)
    if state.writer is not None:
        state.writer.wait_idle(0.5)
    since = state.clock.now() - timedelta(days=STREAK_WINDOW_DAYS)
    # Asked from the day's start, the same question all day, so the journal keeps its answer
    # until the next commit; then cut to the exact window.
    day_start = since.replace(hour=0, minute=0, second=0, microsecond=0)
    kept = state.the_journal().habit_history(profile, day_start)
    recent = replace(
        kept,
        sessions=tuple(s for s in kept.sessions if s.started_at >= since),
        checkins=tuple(c for c in kept.checkins if c.day >= since.date()),
        sharp_pain_events=tuple(e for e in kept.sharp_pain_events if e.at >= since),
    )
    return habit_view(recent, today, zone, goal, state.habit_rules)


def card_once(state: AppState, profile: str, *moments: str) -> Card | None:
    """The first card for one of ``moments`` this profile has not seen, now marked as seen (each
    card shows once; all stay on the Learn page)."""
    journal = state.the_journal()
    seen: Any = journal.get_settings(profile).get(CARDS_SEEN_KEY)
    seen_ids = {s for s in seen if isinstance(s, str)} if isinstance(seen, list) else set()
    for card in state.cards:
        if card.moment in moments and card.id not in seen_ids:
            try:
                journal.set_setting(profile, CARDS_SEEN_KEY, sorted(seen_ids | {card.id}))
            except StorageError:
                return None  # the journal is busy: no card now, it will show another time
            return card
    return None
