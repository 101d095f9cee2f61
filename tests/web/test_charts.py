"""The history charts: inline SVG drawn from the journal's records."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

from backcoach.core.records import History, SessionOutcome, SessionRecord, SetRecord
from backcoach.web.charts import daily_totals, pain_chart, reps_chart

DAY0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _session(day: int, pain: tuple[int | None, int | None], reps: int,
             outcome: SessionOutcome = SessionOutcome.COMPLETED) -> SessionRecord:
    start = DAY0 + timedelta(days=day)
    sets = (SetRecord("knee-to-chest", reps, 5.0, start, start + timedelta(minutes=2)),)
    return SessionRecord(start, outcome, pain[0], pain[1], start + timedelta(minutes=5), sets=sets)


def test_no_sessions_no_charts() -> None:
    assert pain_chart(History()) is None
    assert reps_chart(History()) is None


def test_reps_are_summed_per_day_and_sharp_pain_stops_counted() -> None:
    history = History(sessions=(
        _session(0, (3, 2), 4), _session(0, (2, 2), 5),
        _session(2, (5, None), 1, SessionOutcome.SHARP_PAIN),
    ))  # fmt: skip
    totals = daily_totals(history)
    assert [(t.day.day, t.reps, t.sessions, t.sharp_pain_stops) for t in totals] == [
        (2, 9, 2, 0), (4, 1, 1, 1)
    ]


def test_charts_are_valid_svg_with_one_mark_per_value() -> None:
    history = History(sessions=(
        _session(0, (3, 2), 4), _session(1, (4, 3), 6),
        _session(2, (5, None), 1, SessionOutcome.SHARP_PAIN),
    ))  # fmt: skip
    ns = {"svg": "http://www.w3.org/2000/svg"}
    pain = ET.fromstring(pain_chart(history) or "")
    assert len(pain.findall("svg:circle", ns)) == 5  # 3 before + 2 after
    assert any(t.text == "!" for t in pain.findall("svg:text", ns))  # the sharp-pain stop
    reps = ET.fromstring(reps_chart(history) or "")
    bars = [r for r in reps.findall("svg:rect", ns) if r.find("svg:title", ns) is not None]
    heights = [float(b.get("height", 0)) for b in bars]
    assert len(bars) == 3
    assert heights[1] > heights[0] > heights[2] > 0
    assert reps.find("svg:title", ns) is not None  # a text title for screen readers
