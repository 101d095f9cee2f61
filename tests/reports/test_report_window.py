"""A report reads only its (clamped) period of the journal, yet equals the report made from the
whole history, for any period."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from backcoach.core.catalog import load_catalog
from backcoach.reports.period import MAX_PERIOD_DAYS, ReportPeriod
from backcoach.reports.source import load_report_source
from backcoach.reports.summary import build_report
from backcoach.storage import Journal
from backcoach.storage.sample import sample_history

NOW = datetime(2026, 11, 30, 18, tzinfo=UTC)


@pytest.mark.parametrize("period", [
    ReportPeriod(),
    ReportPeriod(start=date(2026, 11, 1)),
    ReportPeriod(start=date(2025, 3, 1), end=date(2025, 6, 30)),
    ReportPeriod(start=date(1, 1, 1)),
    ReportPeriod(end=date(2025, 1, 15)),
], ids=["all", "this-month", "a-spring", "year-1", "until-2025"])
def test_the_window_makes_the_same_report_as_everything(tmp_path: Path,
                                                         period: ReportPeriod) -> None:
    catalog = load_catalog()
    with Journal.open(tmp_path) as journal:
        journal.add_history("p", sample_history(2400, NOW, seed=8, per_day=2))
        windowed = load_report_source(journal, "p", catalog, NOW, UTC, period)
        whole = replace(windowed, history=journal.history("p"))
    assert len(windowed.history.sessions) <= len(whole.history.sessions)
    assert build_report(windowed) == build_report(whole)


def test_a_report_never_spans_more_than_the_limit(tmp_path: Path) -> None:
    with Journal.open(tmp_path) as journal:
        journal.add_history("p", sample_history(2400, NOW, seed=8, per_day=2))
        source = load_report_source(journal, "p", load_catalog(), NOW, UTC,
                                    ReportPeriod(start=date(1, 1, 1)))
        everything = journal.history("p")
    assert len(source.history.sessions) < len(everything.sessions)  # only the window is read
    assert source.period.start is not None
    assert (NOW.date() - source.period.start).days < MAX_PERIOD_DAYS
