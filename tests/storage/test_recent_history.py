"""``Journal.recent_history`` reads a window of the journal, yet today's safety decision and
plan computed from it are exactly those computed from the whole history, at any moment."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from backcoach.core.catalog import load_catalog
from backcoach.core.plan import load_progression_rules, plan_for_day
from backcoach.core.safety import load_disclaimer, load_screening, session_decision
from backcoach.storage import Journal
from backcoach.storage.sample import sample_history

END = datetime(2026, 11, 30, 12, tzinfo=UTC)


def test_decision_and_plan_from_the_window_equal_those_from_everything(tmp_path: Path) -> None:
    catalog, rules = load_catalog(), load_progression_rules()
    screening, disclaimer = load_screening(), load_disclaimer()
    days = max(screening.expires_after_days, rules.referral.sharp_stops_window_days,
               rules.referral.worsening_window_days) + 2
    with Journal.open(tmp_path) as journal:
        journal.add_history("p", sample_history(600, END, seed=5, per_day=2))
        full = journal.history("p")
        moments = [END - timedelta(days=d, hours=h) for d in range(0, 320, 15) for h in (0, 5)]
        for now in moments:
            recent = journal.recent_history("p", now - timedelta(days=days))
            if now == END:  # only the window is read
                assert len(recent.sessions) <= 2 * (days + 1) + 1 < len(full.sessions)
            assert session_decision(recent, screening, disclaimer, now, rules.referral) == \
                session_decision(full, screening, disclaimer, now, rules.referral), now
            assert plan_for_day(catalog, recent, rules, now.date()) == \
                plan_for_day(catalog, full, rules, now.date()), now


def test_an_unknown_profile_has_an_empty_window(tmp_path: Path) -> None:
    with Journal.open(tmp_path) as journal:
        assert journal.recent_history("nobody", END).sessions == ()
