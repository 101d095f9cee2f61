"""Property: whatever valid history is stored, history() and the JSON export round-trip exactly."""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backcoach.core.records import (
    History,
    MorningCheckin,
    MorningFeeling,
    Note,
    ScreeningRecord,
    SessionOutcome,
    SessionRecord,
    SetRecord,
    SetSource,
    Side,
)
from backcoach.storage import Journal, export_json, import_json

_names = (f"p{n}" for n in itertools.count())

times = st.datetimes(
    min_value=datetime(1970, 1, 2),
    max_value=datetime(2200, 1, 1),
    timezones=st.sampled_from([UTC, timezone(timedelta(hours=-7)), timezone(timedelta(hours=9))]),
)
ids = st.text(alphabet="abcdefghijklmnopqrstuvwxyz-_", min_size=1, max_size=20)
pain = st.none() | st.integers(0, 10)
texts = st.text(max_size=40)

sets = st.builds(
    SetRecord,
    exercise_id=ids,
    reps=st.integers(0, 1000),
    hold_s=st.floats(0, 1e6, allow_nan=False, allow_infinity=False),
    started_at=times,
    ended_at=times,
    side=st.none() | st.sampled_from(Side),
    source=st.sampled_from(SetSource),
    quality=st.none() | st.floats(0, 1),
    range_deg=st.none() | st.floats(0, 360),
)
sessions = st.builds(
    SessionRecord,
    started_at=times,
    outcome=st.sampled_from(SessionOutcome),
    pain_before=pain,
    pain_after=pain,
    ended_at=st.none() | times,
    stop_exercise_id=st.none() | ids,
    stop_at=st.none() | times,
    sets=st.lists(sets, max_size=3).map(tuple),
    note=st.none() | texts,
)
screenings = st.builds(
    ScreeningRecord,
    taken_at=times,
    answers=st.dictionaries(ids, st.booleans(), max_size=4),
    positive_flags=st.lists(ids, max_size=2).map(tuple),
    cleared_at=st.none() | times,
    cleared_note=st.none() | texts,
)
checkins = st.builds(
    MorningCheckin,
    day=st.dates(),
    feeling=st.sampled_from(MorningFeeling),
    pain=pain,
    at=st.none() | times,
)
histories = st.builds(
    History,
    sessions=st.lists(sessions, max_size=3).map(tuple),
    checkins=st.lists(checkins, max_size=2).map(tuple),
    screenings=st.lists(screenings, max_size=2).map(tuple),
    notes=st.lists(st.builds(Note, at=times, text=texts), max_size=2).map(tuple),
)


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Journal]:
    with Journal.open(Path(tmp_path_factory.mktemp("prop"))) as journal:
        yield journal


def _oldest_first(history: History) -> History:
    """What history() promises: each tuple in time order, ties in the order stored."""
    return History(
        sessions=tuple(sorted(history.sessions, key=lambda s: s.started_at)),
        checkins=tuple(sorted(history.checkins, key=lambda c: c.day)),
        screenings=tuple(sorted(history.screenings, key=lambda s: s.taken_at)),
        plan_changes=tuple(sorted(history.plan_changes, key=lambda p: p.at)),
        disclaimer_acks=tuple(sorted(history.disclaimer_acks, key=lambda a: a.at)),
        notes=tuple(sorted(history.notes, key=lambda n: n.at)),
    )


@settings(
    max_examples=30,
    deadline=None,
    # without_ids is a pure function: sharing it across examples is safe
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(history=histories)
def test_any_history_round_trips_through_the_database_and_json(
    shared: Journal, history: History, without_ids: Callable[[History], History]
) -> None:
    name = next(_names)
    shared.add_history(name, history)
    stored = shared.history(name)
    # Equal aware datetimes compare as instants, so this also checks the times survive exactly.
    assert without_ids(stored) == _oldest_first(history)
    assert all(s.started_at.tzinfo is UTC for s in stored.sessions)
    exported = export_json(shared, name)
    copy = import_json(shared, json.loads(json.dumps(exported)), as_profile=name + "-copy")
    assert export_json(shared, copy) == {**exported, "profile": copy}
