"""Report, FHIR and calendar downloads, and the weekly PSFS form, over HTTP on a real server."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from fhir.resources.R4B.bundle import Bundle
from icalendar import Calendar
from pypdf import PdfReader

from backcoach.core.psfs import make_psfs_record
from backcoach.core.records import (
    History,
    ScreeningRecord,
    SessionOutcome,
    SessionRecord,
    SetRecord,
)
from backcoach.core.safety import load_screening
from backcoach.storage import Journal, add_psfs, psfs_records
from backcoach.web.server import BackgroundServer
from backcoach.web.settings import WebSettings

Screen = Callable[..., httpx.Response]


def _session(at: datetime, pain_before: int, pain_after: int) -> SessionRecord:
    one = SetRecord("knee-to-chest", 5, 10.0, at + timedelta(minutes=1), at + timedelta(minutes=3))
    return SessionRecord(
        started_at=at,
        outcome=SessionOutcome.COMPLETED,
        pain_before=pain_before,
        pain_after=pain_after,
        ended_at=at + timedelta(minutes=10),
        sets=(one,),
    )


def _history(now: datetime) -> History:
    answers = {q.id: False for q in load_screening().questions}
    start = now - timedelta(days=3)
    return History(
        screenings=(ScreeningRecord(start - timedelta(hours=1), answers, ()),),
        sessions=(_session(start, 5, 4), _session(start + timedelta(days=1), 4, 3)),
    )


@pytest.fixture
def seeded(settings: WebSettings,
           open_client: Callable[..., httpx.Client]) -> Iterator[httpx.Client]:
    """A server over a journal with a clear screening, two sessions and a PSFS."""
    now = datetime.now(UTC)
    with Journal.open(settings.data_dir) as journal:
        journal.add_history(settings.profile, _history(now))
        record = make_psfs_record(now - timedelta(days=2), [("Putting on socks", 4)])
        add_psfs(journal, settings.profile, record)
    with BackgroundServer(settings) as server, open_client(server.url, timeout=60) as c:
        yield c


def _attachment(response: httpx.Response, content_type: str, filename: str) -> None:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(content_type)
    assert response.headers["content-disposition"] == f'attachment; filename="{filename}"'


def test_history_links_to_every_download(seeded: httpx.Client) -> None:
    page = seeded.get("/history").text
    for href in ('action="/reports/report.pdf"', 'formaction="/reports/report.html"',
                 'href="/reports/fhir.json"', 'href="/reports/reminders.ics"',
                 'href="/function"'):  # fmt: skip
        assert href in page


def test_pdf_report_has_the_sessions_as_text(seeded: httpx.Client) -> None:
    response = seeded.get("/reports/report.pdf")
    _attachment(response, "application/pdf", "backcoach-report-default.pdf")
    assert response.content.startswith(b"%PDF")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Knee-to-chest stretch" in text
    assert "Putting on socks" in text
    assert "No data" not in text


def test_html_report_respects_the_date_range(seeded: httpx.Client) -> None:
    whole = seeded.get("/reports/report.html")
    _attachment(whole, "text/html", "backcoach-report-default.html")
    assert "At a glance" in whole.text and "No data" not in whole.text
    before = seeded.get("/reports/report.html", params={"from": "2020-01-01", "to": "2020-01-31"})
    assert before.status_code == 200
    assert "No data" in before.text


def test_empty_journal_gives_a_report_that_says_so(client: httpx.Client) -> None:
    response = client.get("/reports/report.html", params={"from": "", "to": ""})
    _attachment(response, "text/html", "backcoach-report-default.html")
    assert "No data" in response.text


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"from": "2026-13-01"}, "is not a date: use YYYY-MM-DD"),
        ({"to": "yesterday"}, "is not a date: use YYYY-MM-DD"),
        ({"from": "2026-03-10", "to": "2026-03-01"}, "the dates run backwards"),
    ],
)
def test_bad_dates_are_a_400_with_a_message(
    client: httpx.Client, params: dict[str, str], message: str
) -> None:
    response = client.get("/reports/report.pdf", params=params)
    assert response.status_code == 400
    assert message in response.text
    assert client.get("/reports/report.docx").status_code == 404


def test_fhir_bundle_validates(seeded: httpx.Client) -> None:
    response = seeded.get("/reports/fhir.json")
    _attachment(response, "application/fhir+json", "backcoach-default-fhir.json")
    bundle = Bundle.model_validate_json(response.content)
    kinds = [e.resource.get_resource_type() for e in bundle.entry or [] if e.resource is not None]
    assert kinds.count("Procedure") == 2
    assert "Patient" in kinds and "QuestionnaireResponse" in kinds


def test_calendar_has_daily_events_with_alarms(seeded: httpx.Client) -> None:
    response = seeded.get("/reports/reminders.ics", params={"times": "07:30,19:00"})
    _attachment(response, "text/calendar", "backcoach-default-reminders.ics")
    events = Calendar.from_ical(response.content).walk("VEVENT")
    assert [e["DTSTART"].to_ical()[-7:] for e in events] == [b"T073000", b"T190000"]
    for event in events:
        assert event["RRULE"].to_ical() == b"FREQ=DAILY"
        assert len(event.walk("VALARM")) == 1
    bad = seeded.get("/reports/reminders.ics", params={"times": "7pm"})
    assert bad.status_code == 400 and "HH:MM" in bad.text


def test_no_reminders_while_a_red_flag_is_uncleared(client: httpx.Client, screen: Screen) -> None:
    screen(client, red_flag=load_screening().questions[0].id)
    response = client.get("/reports/reminders.ics")
    assert response.status_code == 409
    assert "professional" in response.text


def test_psfs_form_stores_ratings_and_offers_them_again(
    seeded: httpx.Client, settings: WebSettings
) -> None:
    page = seeded.get("/function")
    assert page.status_code == 200
    assert 'value="Putting on socks"' in page.text  # last week's activity offered
    saved = seeded.post(
        "/function",
        data={"activity_1": "Putting on socks", "score_1": "6",
              "activity_2": "Sitting an hour", "score_2": "3", "activity_3": "", "score_3": ""},
    )  # fmt: skip
    assert saved.status_code == 303 and saved.headers["location"] == "/function?saved=1"
    after = seeded.get("/function?saved=1").text
    assert 'id="psfs-saved"' in after and "Sitting an hour: 3" in after
    with Journal.open(settings.data_dir) as journal:
        latest = psfs_records(journal, settings.profile)[-1]
    assert [(a.name, a.score) for a in latest.activities] == [
        ("Putting on socks", 6),
        ("Sitting an hour", 3),
    ]


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"activity_1": "", "score_1": ""}, "name at least one activity"),
        ({"activity_1": "Socks", "score_1": "11"}, "whole number from 0"),
        ({"activity_1": "Socks", "score_1": "x"}, "whole number from 0"),
        ({"activity_1": "", "score_1": "4"}, "no activity"),
        ({"activity_1": "Socks", "score_1": "4", "activity_2": "socks", "score_2": "5"},
         "named twice"),
    ],
)  # fmt: skip
def test_bad_psfs_answers_are_refused_and_nothing_is_saved(
    client: httpx.Client, settings: WebSettings, form: dict[str, str], message: str
) -> None:
    response = client.post("/function", data=form)
    assert response.status_code == 422
    assert "Nothing was saved" in response.text and message in response.text
    assert psfs_records_of(settings) == ()


def psfs_records_of(settings: WebSettings) -> tuple[object, ...]:
    with Journal.open(settings.data_dir) as journal:
        return psfs_records(journal, settings.profile)


def test_bad_reminder_times_get_a_web_message_that_does_not_echo_it_all(
    client: httpx.Client, screen: Screen
) -> None:
    screen(client)
    bad = client.get("/reports/reminders.ics", params={"times": "25:00"})
    assert bad.status_code == 400
    assert "--times" not in bad.text and "times=08:00" in bad.text and "25:00" in bad.text
    huge = client.get("/reports/reminders.ics", params={"times": "9" * 18_000},
                      headers={"Accept": "application/json"})
    assert huge.status_code == 400
    message = huge.json()["error"]
    assert "9" * 40 in message and "9" * 41 not in message and "--times" not in message
