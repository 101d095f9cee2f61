"""History, habits, Learn and the mobile layout in real Chromium at 360x740, 390x844 and 1366x768.

Slow: a real browser against a real server whose journal is seeded with a realistic history
(three sessions on one day, sessions stopped before any exercise, a sharp-pain stop).
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from icalendar import Calendar
from playwright.sync_api import Browser, Page

from backcoach.core.catalog import load_catalog
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
from backcoach.web.server import BackgroundServer
from backcoach.web.settings import WebSettings

pytestmark = pytest.mark.slow

SIZES = {"phone-360": (360, 740), "phone-390": (390, 844), "laptop": (1366, 768)}
PAGES = ["/today", "/exercises", "/exercises/knee-to-chest", "/history", "/settings", "/learn",
         "/lan", "/session", "/function", "/welcome"]  # fmt: skip
NOW = datetime.now(UTC)


def _session(at: datetime, reps: int, outcome: SessionOutcome = SessionOutcome.COMPLETED,
             pain: tuple[int | None, int | None] = (3, 2),
             range_deg: float | None = None) -> SessionRecord:
    """A session of knee-to-chest; ``range_deg``: counted by the camera, which measured it."""
    camera = SetSource.CAMERA if range_deg is not None else SetSource.MANUAL
    sets = (SetRecord("knee-to-chest", reps, 5.0, at, at + timedelta(minutes=2), source=camera,
                      range_deg=range_deg),) if reps else ()  # fmt: skip
    return SessionRecord(at, outcome, pain[0], pain[1], at + timedelta(minutes=6), sets=sets,
                         stop_exercise_id="knee-to-chest" if outcome == "sharp_pain" else None)


def seed(data_dir: Path, profile: str = "default") -> None:
    """Onboarded, three weeks of sessions, three on yesterday, two stopped at the start; every
    other session of the three weeks with the camera, its range of movement growing."""
    screening = load_screening()
    yesterday = (NOW - timedelta(days=1)).replace(hour=7, minute=0, second=0, microsecond=0)
    sessions = [_session(NOW - timedelta(days=d, hours=1), 4 + d % 3, pain=(3 + d % 2, 2),
                         range_deg=70.0 - d if d % 4 == 0 else None)
                for d in range(2, 21, 2)]  # fmt: skip
    sessions += [_session(yesterday + timedelta(hours=h), 5, pain=(4, 4)) for h in (0, 5, 10)]
    sessions.append(_session(NOW - timedelta(days=5), 0, SessionOutcome.STOPPED, (3, None)))
    sessions.append(_session(NOW - timedelta(days=3), 0, SessionOutcome.STOPPED, (None, None)))
    sessions.append(_session(NOW - timedelta(days=9), 2, SessionOutcome.SHARP_PAIN, (4, 7)))
    with Journal.open(data_dir) as journal:
        journal.add_disclaimer_ack(profile, DisclaimerAck(load_disclaimer().version, NOW))
        answers = {q.id: False for q in screening.questions}
        journal.add_screening(profile, ScreeningRecord(NOW - timedelta(days=21), answers, ()))
        for record in sorted(sessions, key=lambda s: s.started_at):
            journal.add_session(profile, record)


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BackgroundServer]:
    data = tmp_path_factory.mktemp("layout") / "data"
    seed(data)
    settings = WebSettings(data_dir=data, pose_backend="none")
    with BackgroundServer(settings) as running:
        yield running


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("BACKCOACH_SCREENSHOT_DIR", tmp_path / "shots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _page(browser: Browser, size: str) -> Page:
    width, height = SIZES[size]
    page = browser.new_page(viewport={"width": width, "height": height})
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.set_default_timeout(15_000)
    page.js_errors = errors  # type: ignore[attr-defined]
    return page


def _no_horizontal_scroll(page: Page) -> None:
    wide = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert wide <= 0, f"{page.url} scrolls sideways by {wide}px"


def _small_targets(page: Page) -> list[str]:
    """Controls (not links inside running text) smaller than 44 px in either direction."""
    return list(page.evaluate("""() => {
        const small = [];
        const items = document.querySelectorAll(
          'button, input:not([type=hidden]):not([type=checkbox]):not([type=radio]), select, ' +
          'nav a, .button, .range-tabs a, label.choice, summary, .settings-link, ' +
          'a.skip, a.brand, h1 > a, h2 > a, h3 > a, #habits a');
        for (const el of items) {
          const r = el.getBoundingClientRect();
          if (r.width === 0 && r.height === 0) continue;  // hidden
          if (r.height < 44 || r.width < 44) {
            small.push(`${el.tagName}#${el.id}:${r.width}x${r.height}`);
          }
        }
        return small;
    }"""))


@pytest.mark.parametrize("size", list(SIZES))
def test_pages_fit_the_screen_with_big_touch_targets(
    browser: Browser, seeded: BackgroundServer, size: str, shots: Path
) -> None:
    page = _page(browser, size)
    phone = size != "laptop"
    for path in PAGES:
        page.goto(seeded.url + path)
        _no_horizontal_scroll(page)
        assert _small_targets(page) == [], path
        page.screenshot(path=shots / f"{size}{path.replace('/', '_')}.png", full_page=False)
    header = page.locator("header.top").bounding_box()
    nav = page.locator("nav.main-nav").bounding_box()
    bar = page.locator(".safety-bar").bounding_box()
    assert header and nav and bar
    height = SIZES[size][1]
    if phone:  # one-line header, navigation at the bottom just above the safety bar
        assert header["height"] <= 56
        assert abs(nav["y"] + nav["height"] - bar["y"]) <= 2
        # the page keeps most of the screen (the old two-line header + bar took about 30 %)
        assert header["height"] + nav["height"] + bar["height"] <= 0.22 * height
    else:
        assert nav["y"] < 100  # in the header
    assert page.js_errors == []  # type: ignore[attr-defined]


def _gaps(page: Page) -> list[float]:
    """Pixel gaps between the pain-before dots, left to right."""
    xs = sorted(page.evaluate("""() => [...document.querySelectorAll(
        '#pain-before-and-after-sessions circle.mark')].map(c => c.getBoundingClientRect().x)"""))
    return [b - a for a, b in itertools.pairwise(xs)]


@pytest.mark.parametrize("size", list(SIZES))
def test_history_is_readable_in_local_time(
    browser: Browser, seeded: BackgroundServer, size: str, shots: Path
) -> None:
    page = _page(browser, size)
    page.goto(seeded.url + "/history?range=month")
    charts = page.locator("svg.chart")
    assert charts.count() == 3  # pain, knee-to-chest's range of movement, repetitions
    for i in range(3):
        box = charts.nth(i).bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= SIZES[size][0]
        # every label in the chart renders at 12 px or more
        smallest = page.evaluate("""(svg) => Math.min(...[...svg.querySelectorAll('text')]
            .map(t => t.getBoundingClientRect().height))""", charts.nth(i).element_handle())
        assert smallest >= 12, smallest
    # the three sessions of yesterday (07:00, 12:00, 17:00) sit apart: a little on a month's
    # axis, clearly on a week's
    assert min(_gaps(page)) > 1
    if size == "laptop":  # pain and range of movement side by side
        first, second = (charts.nth(i).bounding_box() for i in range(2))
        assert first and second and abs(first["y"] - second["y"]) < 2
    # the table fits (reflowed on phones), sessions stopped at the start are folded away
    rows = page.locator("#sessions-table tbody tr")
    assert rows.count() == 14  # 10 + 3 + the sharp-pain stop; not the 2 stopped at the start
    last_cell = rows.nth(0).locator("td").last.bounding_box()
    assert last_cell and last_cell["x"] + last_cell["width"] <= SIZES[size][0]
    assert "2 sessions stopped before any exercise" in page.locator("#folded-sessions").inner_text()
    assert " UTC" not in page.locator("#sessions-table").inner_text()
    page.screenshot(path=shots / f"{size}_history_month.png", full_page=True)
    for name, unit in (("week", "day"), ("year", "month"), ("all", "week")):
        page.click(f"#range-{name}")
        page.wait_for_url(f"**range={name}")
        assert page.locator("svg.chart").first.get_attribute("data-unit") == unit
        _no_horizontal_scroll(page)
        if name == "week":
            assert min(_gaps(page)) >= 8
    page.screenshot(path=shots / f"{size}_history_all.png", full_page=True)


@pytest.mark.parametrize("size", list(SIZES))
def test_range_of_movement_sits_beside_pain_on_one_time_axis(
    browser: Browser, seeded: BackgroundServer, size: str, shots: Path
) -> None:
    page = _page(browser, size)
    page.goto(seeded.url + "/history?range=month")
    chart = page.locator("svg#range-of-movement-knee-to-chest-stretch")
    figure = page.locator("figure.chart-card", has=chart)
    assert figure.locator("figcaption").inner_text() == "Range of movement: Knee-to-chest stretch"
    # five camera sessions, five points: the sessions without a camera have none (not a zero)
    range_xs = [float(x) for x in chart.locator("circle.mark").evaluate_all(
        "(marks) => marks.map(m => m.getAttribute('cx'))")]  # fmt: skip
    assert len(range_xs) == 5
    tips = chart.locator("circle.mark title").evaluate_all("(ts) => ts.map(t => t.textContent)")
    assert sorted(float(t.split(": ")[1].rstrip("°")) for t in tips) == [50, 54, 58, 62, 66]
    # the same time axis as the pain chart: each point under its session's pain mark
    pain = page.locator("svg#pain-before-and-after-sessions")
    # (a session's before-dot sits half a mark left of its place; with three sessions on one day
    # the month's pain chart shows one summary per day, at noon: within half a day, 5 units)
    pain_xs = [float(x) + float(r) for x, r in pain.locator("circle.mark").evaluate_all(
        "(marks) => marks.map(m => [m.getAttribute('cx'), m.getAttribute('r')])")]  # fmt: skip
    assert all(min(abs(x - p) for p in pain_xs) < 6 for x in range_xs), (range_xs, pain_xs)
    assert chart.get_attribute("data-unit") == pain.get_attribute("data-unit")
    box = chart.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= SIZES[size][0]
    _no_horizontal_scroll(page)
    page.screenshot(path=shots / f"{size}_history_range_page.png", full_page=True)
    figure.evaluate("(f) => f.scrollIntoView({block: 'start'})")  # the chart as one sees it
    page.screenshot(path=shots / f"{size}_history_range.png")


@pytest.mark.parametrize("size", list(SIZES))
def test_each_history_table_cell_reads_as_one_value(
    browser: Browser, seeded: BackgroundServer, size: str
) -> None:
    page = _page(browser, size)
    page.goto(seeded.url + "/history?range=month")
    row = page.locator("#sessions-table tr[data-outcome='sharp_pain']")
    for cell in row.locator("td").all():
        value = cell.locator(":scope > .cell")
        assert value.count() == 1  # the whole value in one box: text and notes together
        assert cell.evaluate("(td) => [...td.childNodes].every(n => n.nodeType === 1 || "
                             "!n.textContent.trim())")  # fmt: skip
    result = row.locator("td[data-label='Result'] > .cell")
    text = result.inner_text()
    assert text.startswith("Sharp pain stop") and "during Knee-to-chest stretch" in text
    if size != "laptop":  # reflowed: the label on the left, the value to its right
        label_right = row.locator("td[data-label='Result']").evaluate(
            "(td) => td.getBoundingClientRect().left + "
            "parseFloat(getComputedStyle(td, '::before').width)")  # fmt: skip
        value_box = result.bounding_box()
        assert value_box and value_box["x"] >= label_right


@pytest.mark.parametrize("size", list(SIZES))
def test_the_report_reads_on_every_screen(
    browser: Browser, seeded: BackgroundServer, size: str, shots: Path
) -> None:
    """The HTML report (what the PDF is made from) with the web page's pain chart in it."""
    page = _page(browser, size)
    page.goto(seeded.url + "/today")
    html = page.request.get(seeded.url + "/reports/report.html").text()
    page.set_content(html)
    _no_horizontal_scroll(page)
    # pain, and knee-to-chest's range of movement (camera sessions), each drawn at the report's
    # width and at a phone's: a screen shows the one that fits it
    charts = page.locator("img.web-chart:visible")
    assert charts.count() == 2 and page.locator("img.web-chart").count() == 4
    shown = "phone" if size != "laptop" else "wide"
    assert charts.first.evaluate("(img) => img.classList.contains(arguments[0])".replace(
        "arguments[0]", f"'{shown}'"))  # fmt: skip
    for chart in charts.all():
        box = chart.bounding_box()
        assert box and 250 <= box["width"] <= SIZES[size][0]
        assert page.evaluate("(img) => img.complete && img.naturalWidth > 0",
                             chart.element_handle())  # fmt: skip
    assert "Range of movement: Knee-to-chest stretch" in page.locator(
        "#range-of-movement").inner_text()  # fmt: skip
    page.screenshot(path=shots / f"{size}_report.png", full_page=True)


def test_date_inputs_of_the_report_form_are_touch_sized(
    browser: Browser, seeded: BackgroundServer
) -> None:
    page = _page(browser, "phone-390")
    page.goto(seeded.url + "/history")
    for box in (page.locator(f"#report-{k}").bounding_box() for k in ("from", "to")):
        assert box and box["height"] >= 44


@pytest.mark.parametrize("size", list(SIZES))
def test_exercise_list_has_a_picture_for_each_exercise(
    browser: Browser, seeded: BackgroundServer, size: str
) -> None:
    page = _page(browser, size)
    page.goto(seeded.url + "/exercises")
    for exercise in load_catalog():
        thumb = page.locator(f"#row-{exercise.id} .thumb img, #row-{exercise.id} .thumb svg")
        box = thumb.first.bounding_box()
        assert box and box["width"] >= 80 and box["height"] >= 60


def test_weekly_goal_streak_and_reminders_set_in_the_web_app(
    browser: Browser, tmp_path: Path, shots: Path
) -> None:
    seed(tmp_path / "data")
    with BackgroundServer(WebSettings(data_dir=tmp_path / "data", pose_backend="none")) as server:
        page = _page(browser, "phone-390")
        page.goto(server.url + "/today")
        assert "days" in page.locator("#week-count").inner_text()
        assert "Streak" in page.locator("#streak").inner_text()  # yesterday was active
        first_card = page.locator("#learn-card").get_attribute("data-card")
        page.screenshot(path=shots / "phone-390_today_habits.png", full_page=True)
        page.reload()
        assert page.locator("#learn-card").get_attribute("data-card") != first_card  # once each
        page.goto(server.url + "/settings#reminders")
        page.fill("#time-0", "07:30")
        page.fill("#time-1", "19:00")
        for code in ("TU", "TH", "SA", "SU"):
            page.uncheck(f"#day-{code}")
        page.select_option("#goal", "3")
        page.click("#save-habits")
        page.wait_for_url("**/settings?saved=1#reminders")
        assert "07:30, 19:00, Mon, Wed, Fri" in page.locator("#reminders").inner_text()
        page.screenshot(path=shots / "phone-390_settings_reminders.png", full_page=True)
        ics = page.request.get(server.url + "/reports/reminders.ics")
        events = Calendar.from_ical(ics.body()).walk("VEVENT")
        assert [e["DTSTART"].dt.strftime("%H:%M") for e in events] == ["07:30", "19:00"]
        assert events[0]["RRULE"]["BYDAY"] == ["MO", "WE", "FR"]
        page.goto(server.url + "/today")
        assert "of 3 days" in page.locator("#week-count").inner_text()
        page.goto(server.url + "/settings")
        # a browser without a time picker could send anything
        page.evaluate("document.getElementById('time-0').type = 'text'")
        page.fill("#time-0", "7 pm")
        page.click("#save-habits")
        assert "Nothing was saved" in page.locator("#form-error").inner_text()
        page.goto(server.url + "/learn")
        assert page.locator(".learn-card").count() >= 5
        assert "information, not medical advice" in page.content()


def test_a_fresh_profile_sees_a_gentle_start(browser: Browser, tmp_path: Path) -> None:
    settings = WebSettings(data_dir=tmp_path / "data", pose_backend="none")
    with BackgroundServer(settings) as server:
        page = _page(browser, "phone-360")
        page.goto(server.url + "/today")
        assert "0 of 4 days" in page.locator("#week-count").inner_text()
        assert "next completed session" in page.locator("#streak").inner_text()
        _no_horizontal_scroll(page)
