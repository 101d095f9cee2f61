"""History over a year in real Chromium at 390x844 and 1366x768: about 420 sessions (some days
two, sharp-pain stops close together, the camera every third session) must give a pain chart whose
before and after marks do not cover each other, sharp-pain marks that do not pile up, a page of
bounded height, and "Older"/"Newer" links that keep the chosen period.

Slow: a real browser against a real server on a seeded journal. Screenshots go to
``BACKCOACH_SCREENSHOT_DIR`` (e.g. out/) when set.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from backcoach.core.records import (
    DisclaimerAck,
    ScreeningRecord,
    SessionOutcome,
    SessionRecord,
    SetRecord,
    SetSource,
)
from backcoach.core.safety import load_disclaimer, load_screening
from backcoach.storage import Journal
from backcoach.web.routes.history import PAGE_SIZE
from backcoach.web.server import BackgroundServer
from backcoach.web.settings import WebSettings

pytestmark = pytest.mark.slow

SIZES = {"phone-390": (390, 844), "laptop": (1366, 768)}
NOW = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
#: Before/after marks may share at most this part of the smaller one's box (anti-aliasing).
OVERLAP_TOLERANCE = 0.1
#: The History page for a year on a phone, in px: charts, one page of 30 session cards (about
#: 215 px each), downloads; listing the year at once was about 80,000 px.
MAX_PAGE_HEIGHT = 11000


def _sessions() -> list[SessionRecord]:
    sessions = []
    for day in range(1, 365):
        starts = [NOW - timedelta(days=day, hours=3)]
        if day % 5 == 0:
            starts.append(NOW - timedelta(days=day, hours=9))
        for at in starts:
            before = 3 + (day * 7) % 4
            sharp = day % 40 in (0, 2, 4) and day < 350  # three within five days, every 40
            camera = day % 3 == 0
            one = SetRecord("knee-to-chest", 5, 5.0, at, at + timedelta(minutes=2),
                            source=SetSource.CAMERA if camera else SetSource.MANUAL,
                            range_deg=40.0 + day % 20 if camera else None)  # fmt: skip
            sessions.append(SessionRecord(
                at, SessionOutcome.SHARP_PAIN if sharp else SessionOutcome.COMPLETED, before,
                before + 3 if sharp else max(0, before - 1), at + timedelta(minutes=6),
                sets=(one,), stop_exercise_id="knee-to-chest" if sharp else None))  # fmt: skip
    return sorted(sessions, key=lambda s: s.started_at)


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BackgroundServer]:
    data = tmp_path_factory.mktemp("year") / "data"
    with Journal.open(data) as journal:
        journal.add_disclaimer_ack("default", DisclaimerAck(load_disclaimer().version, NOW))
        answers = {q.id: False for q in load_screening().questions}
        journal.add_screening("default", ScreeningRecord(NOW - timedelta(days=366), answers, ()))
        for record in _sessions():
            journal.add_session("default", record)
    with BackgroundServer(WebSettings(data_dir=data, pose_backend="none")) as running:
        yield running


def _shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("BACKCOACH_SCREENSHOT_DIR", tmp_path / "shots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _boxes(page: Page, selector: str) -> list[list[float]]:
    return list(page.evaluate("""(selector) => [...document.querySelectorAll(selector)].map(e => {
        const r = e.getBoundingClientRect();
        return [r.left, r.top, r.right, r.bottom];
    })""", selector))  # fmt: skip


def _shared(a: list[float], b: list[float]) -> float:
    """The part of the smaller box that the two boxes share."""
    wide = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    high = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    smaller = min((a[2] - a[0]) * (a[3] - a[1]), (b[2] - b[0]) * (b[3] - b[1]))
    return wide * high / smaller if smaller > 0 else 0.0


@pytest.mark.parametrize("size", list(SIZES))
def test_a_year_of_sessions_stays_readable(browser: Browser, seeded: BackgroundServer,
                                           size: str, tmp_path: Path) -> None:  # fmt: skip
    width, height = SIZES[size]
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(seeded.url + "/history?range=year")
    pain = "#pain-before-and-after-sessions"
    before = _boxes(page, f"{pain} [data-series='before']")
    after = _boxes(page, f"{pain} [data-series='after']")
    assert 8 <= len(before) <= 60 and len(after) == len(before)  # summaries, not 420 marks
    worst = max(_shared(a, b) for a in before for b in after)
    assert worst <= OVERLAP_TOLERANCE, (size, worst)
    smallest = min(min(b[2] - b[0], b[3] - b[1]) for b in before + after)
    assert smallest >= 3.5, (size, smallest)  # still a mark a person can see
    sharp = _boxes(page, f"{pain} rect.sharp")
    stops = sum(s.outcome is SessionOutcome.SHARP_PAIN for s in _sessions())
    assert 1 <= len(sharp) < stops  # merged where they would collide
    assert all(_shared(a, b) == 0 for i, a in enumerate(sharp) for b in sharp[i + 1:])
    counts = page.locator(f"{pain} text[font-weight='700']").all_text_contents()
    assert sum(1 if t == "!" else int(t.rstrip("!")) for t in counts) == stops
    # the y axis's "0" clear of every date label
    zero = [b for b, t in zip(_boxes(page, f"{pain} text.y-tick"),
                              page.locator(f"{pain} text.y-tick").all_text_contents(),
                              strict=True) if t == "0"]  # fmt: skip
    assert zero and all(_shared(zero[0], b) == 0 for b in _boxes(page, f"{pain} text.tick"))
    # the range of movement and repetitions charts are summarised the same way, not a smear
    for chart in ("svg.chart[id^='range-of-movement']", "#repetitions-per-session"):
        marks = _boxes(page, f"{chart} .mark")
        assert 8 <= len(marks) <= 60, chart
        assert all(_shared(a, b) <= OVERLAP_TOLERANCE for i, a in enumerate(marks)
                   for b in marks[i + 1:]), chart  # fmt: skip
    total = page.evaluate("document.documentElement.scrollHeight")
    assert total <= MAX_PAGE_HEIGHT, total
    assert page.locator("#sessions-table tbody tr").count() == PAGE_SIZE
    page.screenshot(path=_shots(tmp_path) / f"{size}_history_year.png", full_page=True)
    page.close()


def test_older_and_newer_pages_keep_the_period(browser: Browser,
                                               seeded: BackgroundServer) -> None:  # fmt: skip
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(seeded.url + "/history?range=year")
    assert page.locator(".pager a[rel='prev']").count() == 0  # the first page is the newest
    first_page = page.locator("#sessions-table tbody tr td[data-label='When']").all_inner_texts()
    page.locator(".pager a[rel='next']").first.click()
    page.wait_for_url("**page=2**")
    assert "range=year" in page.url
    second = page.locator("#sessions-table tbody tr td[data-label='When']").all_inner_texts()
    assert len(second) == PAGE_SIZE and not set(first_page) & set(second)
    oldest_first = datetime.strptime(first_page[-1], "%a %d %b %Y, %H:%M")
    assert datetime.strptime(second[0], "%a %d %b %Y, %H:%M") <= oldest_first
    # the charts still cover the whole year on every page
    assert page.locator("#pain-before-and-after-sessions").get_attribute("data-unit") == "month"
    page.locator(".pager a[rel='prev']").first.click()
    page.wait_for_url("**page=1**")
    again = page.locator("#sessions-table tbody tr td[data-label='When']").all_inner_texts()
    assert again == first_page
    page.goto(seeded.url + "/history?range=year&page=999")  # past the end: the last page
    last = page.locator("#sessions-table tbody tr").count()
    assert 1 <= last <= PAGE_SIZE and page.locator(".pager a[rel='next']").count() == 0
    page.goto(seeded.url + "/history?range=week&page=abc")  # nonsense: the first page
    assert page.locator("#sessions-table tbody tr").count() >= 5
    assert page.locator(".pager").count() == 0  # a week fits one page
    page.close()
