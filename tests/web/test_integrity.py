"""Session integrity and safety follow-through through the HTTP API (issue 9).

The journal records only what was done (a page away from its session credits nothing, pain
before is stored at once, sessions left open by a crash are closed at start), and the app
follows its own advice (sharp pain anywhere is recorded and means rest).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from backcoach.core.records import (
    MorningCheckin,
    MorningFeeling,
    SessionOutcome,
    SessionRecord,
    SharpPainEvent,
)
from backcoach.storage import Journal
from backcoach.web.server import BackgroundServer, browser_client
from backcoach.web.settings import WebSettings

Screen = Callable[..., httpx.Response]


@pytest.fixture
def settings(tmp_path: Path) -> WebSettings:
    # Timers 400 times faster; a page silent for 0.5 s real is away (200 s of session time).
    return WebSettings(data_dir=tmp_path / "data", pose_backend="none", time_scale=400.0,
                       heartbeat_timeout_s=0.5)


def _journal(settings: WebSettings) -> Journal:
    return Journal.open(settings.data_dir)


def _start(client: httpx.Client, pain: int = 3) -> int:
    session_id = int(client.post("/api/sessions", json={}).json()["id"])
    act = f"/api/sessions/{session_id}/actions"
    assert client.post(act, json={"action": "pain_before", "score": pain}).status_code == 200
    return session_id


def test_a_silent_page_pauses_its_session_and_credits_nothing(
    onboarded: httpx.Client, settings: WebSettings
) -> None:
    session_id = _start(onboarded)
    onboarded.get(f"/api/sessions/{session_id}")
    time.sleep(1.0)  # 400 s of session time: every exercise would have been "done"
    data = onboarded.get(f"/api/sessions/{session_id}").json()
    assert data["view"]["paused"] and data["away"] == "silent"
    assert data["sets"] == []
    time.sleep(0.3)
    assert onboarded.get(f"/api/sessions/{session_id}").json()["sets"] == []
    resumed = onboarded.post(f"/api/sessions/{session_id}/actions", json={"action": "resume"})
    assert resumed.json()["away"] is None and not resumed.json()["view"]["paused"]


def test_a_hidden_page_pauses_at_once(onboarded: httpx.Client) -> None:
    session_id = _start(onboarded)
    data = onboarded.get(f"/api/sessions/{session_id}?visible=0").json()
    assert data["view"]["paused"] and data["away"] == "hidden"
    for _ in range(10):
        time.sleep(0.05)
        assert onboarded.get(f"/api/sessions/{session_id}?visible=1").json()["sets"] == []


def test_pain_before_is_stored_at_once(onboarded: httpx.Client, settings: WebSettings) -> None:
    session_id = _start(onboarded, pain=6)
    deadline = time.monotonic() + 2
    with _journal(settings) as journal:
        while True:  # written by the journal writer within moments of the answer
            (stored,) = journal.history("default").sessions
            if stored.pain_before is not None or time.monotonic() > deadline:
                break
            time.sleep(0.02)
    assert (stored.id, stored.outcome, stored.pain_before) == (
        session_id, SessionOutcome.IN_PROGRESS, 6)


def test_a_locked_journal_never_loses_a_sharp_pain_stop(
    onboarded: httpx.Client, settings: WebSettings
) -> None:
    import sqlite3

    session_id = _start(onboarded)
    assert settings.data_dir is not None
    holder = sqlite3.connect(settings.data_dir / "journal.sqlite3", timeout=0.1)
    holder.execute("BEGIN IMMEDIATE")  # another program holds the write lock
    try:
        began = time.monotonic()
        answer = onboarded.post(f"/api/sessions/{session_id}/actions",
                                json={"action": "sharp_pain"})
        assert answer.status_code == 200 and time.monotonic() - began < 2
        assert "sharp pain" in answer.json()["end_message"].lower()
        assert onboarded.get("/today").status_code == 200  # the server keeps answering
        outside = onboarded.post("/api/sharp-pain", json={"where": "history"})
        assert outside.status_code == 200 and "busy" in outside.json()["recorded"]
        time.sleep(6)  # longer than SQLite's busy timeout: the writer keeps trying
    finally:
        holder.rollback()
        holder.close()
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        exported = onboarded.get("/settings/export.json").json()
        if exported["sessions"][0]["outcome"] != "in_progress" and exported["sharp_pain_events"]:
            break
        time.sleep(0.1)
    assert exported["sessions"][0]["outcome"] == "sharp_pain"
    assert len(exported["sharp_pain_events"]) == 1


def test_sessions_left_open_by_a_crash_are_closed_at_start(tmp_path: Path) -> None:
    settings = WebSettings(data_dir=tmp_path / "data", pose_backend="none")
    long_ago = datetime.now(UTC) - timedelta(hours=3)
    with Journal.open(settings.data_dir) as journal:
        journal.start_session("default", SessionRecord(
            started_at=long_ago, outcome=SessionOutcome.IN_PROGRESS, pain_before=4))
    with BackgroundServer(settings):
        pass
    with Journal.open(settings.data_dir) as journal:
        (closed,) = journal.history("default").sessions
    assert closed.outcome is SessionOutcome.STOPPED and closed.pain_before == 4
    assert closed.ended_at == long_ago


def test_a_hold_cut_short_is_stored_with_its_length_and_does_not_count(
    settings: WebSettings, screen: Screen
) -> None:
    with BackgroundServer(replace(settings, time_scale=1.0)) as server, browser_client(
        server.url, timeout=10
    ) as client:
        screen(client)
        session_id = _start(client)
        act = f"/api/sessions/{session_id}/actions"
        sets: list[dict[str, object]] = []
        for _ in range(12):  # skip getting ready, cut every hold short, until a set is saved
            sets = client.post(act, json={"action": "next"}).json()["sets"]
            if sets:
                break
        assert sets and sets[0]["reps"] == 2 and sets[0]["full_reps"] == 0
        assert float(str(sets[0]["hold_s"])) < 1.0  # its real length, not the dose's 10 s
        client.post(act, json={"action": "stop"})
        today = client.get("/today").text
        assert "Completed sessions today: <strong>0 of" in today


def test_sharp_pain_outside_a_session_is_recorded_and_means_rest(
    onboarded: httpx.Client, settings: WebSettings
) -> None:
    answer = onboarded.post("/api/sharp-pain", json={"where": "history", "pain": 7}).json()
    assert answer["stopped_session"] is None and answer["event_id"]
    assert "No session was running" in answer["recorded"]
    page = onboarded.get(f"/sharp-pain?event={answer['event_id']}").text
    assert 'id="sharp-pain-recorded"' in page and "pain 7 out of 10" in page
    details = onboarded.post(f"/sharp-pain/{answer['event_id']}",
                             data={"pain": "8", "note": "lifting a box"})
    assert details.status_code == 303
    refused = onboarded.post("/api/sessions", json={})
    assert refused.status_code == 409
    assert refused.json()["code"] == "sharp_pain_rest" and "rest day" in refused.json()["error"]
    today = onboarded.get("/today").text
    assert 'data-code="sharp_pain_rest"' in today and 'id="start-session"' not in today
    assert 'id="start-button"' not in onboarded.get("/session").text
    practice = onboarded.get("/exercises/knee-to-chest/practice").text
    assert 'data-code="sharp_pain_rest"' in practice
    exported = onboarded.get("/settings/export.json").json()
    assert exported["sharp_pain_events"][0] | {"at": None} == {
        "at": None, "place": "history", "pain": 8, "note": "lifting a box"}
    fhir = json.dumps(onboarded.get("/reports/fhir.json").json())
    assert "Sharp pain reported outside a session: lifting a box" in fhir
    report = onboarded.get("/reports/report.html").text
    assert "outside a session" in report and "lifting a box" in report
    assert "lifting a box" in onboarded.get("/history").text


def test_sharp_pain_just_after_a_session_is_attached_to_it(
    onboarded: httpx.Client, settings: WebSettings
) -> None:
    session_id = _start(onboarded)
    onboarded.post(f"/api/sessions/{session_id}/actions", json={"action": "stop"})
    answer = onboarded.post("/api/sharp-pain", json={"where": "session"}).json()
    assert "just after your session" in answer["recorded"]
    with _journal(settings) as journal:
        (event,) = journal.history("default").sharp_pain_events
    assert (event.session_id, event.place) == (session_id, "after_session")


def test_two_sharp_pains_in_a_week_hold_sessions_until_advice(
    onboarded: httpx.Client, settings: WebSettings
) -> None:
    now = datetime.now(UTC)
    with _journal(settings) as journal:
        for days in (3, 2):
            journal.add_sharp_pain_event("default", SharpPainEvent(
                at=now - timedelta(days=days), place="cli"))
        journal.add_checkin("default", MorningCheckin(
            day=now.date(), feeling=MorningFeeling.SAME, at=now - timedelta(hours=1)))
    refused = onboarded.post("/api/sessions", json={})
    assert refused.status_code == 409 and refused.json()["code"] == "sharp_pain_referral"
    assert "2 times" in refused.json()["error"] and refused.json()["advice"]
    form = onboarded.get("/welcome/cleared").text
    assert "sharp pain more than once" in form
    fields = {"by": "Ms Chen, physiotherapist", "on": (now - timedelta(days=1)).date().isoformat(),
              "said": "Carry on gently, fewer repetitions"}
    confirm = onboarded.post("/welcome/cleared", data=fields)
    assert 'id="confirm-clearance"' in confirm.text
    done = onboarded.post("/welcome/cleared/confirm", data={**fields, "confirm": "yes"})
    assert done.status_code == 303
    assert onboarded.post("/api/sessions", json={}).status_code == 201
    assert "Ms Chen, physiotherapist" in onboarded.get("/history").text


def test_the_first_session_after_sharp_pain_asks_the_check_in(
    onboarded: httpx.Client, settings: WebSettings
) -> None:
    with _journal(settings) as journal:
        journal.add_sharp_pain_event("default", SharpPainEvent(
            at=datetime.now(UTC) - timedelta(days=2), place="cli"))
    refused = onboarded.post("/api/sessions", json={})
    assert refused.json()["code"] == "checkin_needed"
    assert 'href="/checkin"' in onboarded.get("/today").text
    assert onboarded.post("/checkin", data={"feeling": "maybe"}).status_code == 422
    saved = onboarded.post("/checkin", data={"feeling": "better", "pain": "2"})
    assert saved.status_code == 200 and 'id="checkin-saved"' in saved.text
    assert onboarded.post("/api/sessions", json={}).status_code == 201


def test_notes_in_the_web_app_use_the_journal(
    onboarded: httpx.Client, settings: WebSettings
) -> None:
    assert onboarded.post("/notes", data={"text": "   "}).status_code == 422
    assert onboarded.post("/notes", data={"text": "stiff after driving"}).status_code == 303
    assert "stiff after driving" in onboarded.get("/notes").text
    with _journal(settings) as journal:
        assert [n.text for n in journal.history("default").notes] == ["stiff after driving"]


@pytest.fixture
def two_zones(tmp_path: Path) -> Iterator[WebSettings]:
    yield WebSettings(data_dir=tmp_path / "data", pose_backend="none")


@pytest.mark.parametrize("zone", ["America/Los_Angeles", "Pacific/Tongatapu"])
def test_today_is_the_browser_s_local_day(two_zones: WebSettings, zone: str,
                                          screen: Screen) -> None:
    from zoneinfo import ZoneInfo

    with BackgroundServer(two_zones) as server, browser_client(
        server.url, cookies={"backcoach_tz": zone.replace("/", "%2F")}
    ) as client:
        screen(client)
        local_midnight = datetime.now(ZoneInfo(zone)).replace(hour=0, minute=0, second=0,
                                                             microsecond=0)
        with Journal.open(two_zones.data_dir) as journal:
            for start in (local_midnight + timedelta(minutes=1),
                          local_midnight - timedelta(minutes=1)):
                record = SessionRecord(started_at=start.astimezone(UTC),
                                       outcome=SessionOutcome.COMPLETED, pain_before=2,
                                       pain_after=2, ended_at=start.astimezone(UTC))
                session_id = journal.add_session("default", record)
                from backcoach.core.records import SetRecord

                journal.add_set(session_id, SetRecord(
                    exercise_id="neck-flexion", reps=3, hold_s=5.0,
                    started_at=start.astimezone(UTC), ended_at=start.astimezone(UTC)))
        today = client.get("/today").text
        assert 'id="progress-neck-flexion">Completed sessions today: <strong>1 of' in today
        with Journal.open(two_zones.data_dir) as journal:
            assert journal.get_settings("default")["time_zone"] == zone
