"""The web app in real headless Chromium (Debian's), as a person would use it.

Slow: each test drives a real browser against a real server. The live-coaching test feeds the
browser's fake camera from the real demo video shipped by Sports2D and runs the real pose model.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, Playwright, sync_playwright

from backcoach.web.server import BackgroundServer, browser_client
from backcoach.web.settings import WebSettings

pytestmark = pytest.mark.slow

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update",
                 "--disable-gpu"]  # fmt: skip
Screen = Callable[..., httpx.Response]


@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium (.ci/run does)")
    with sync_playwright() as running:
        yield running


@pytest.fixture(scope="module")
def browser(playwright: Playwright) -> Iterator[Browser]:
    launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield launched
    launched.close()


@pytest.fixture
def server(settings: WebSettings) -> Iterator[BackgroundServer]:
    """Timers 40 times faster: a whole session takes a few seconds, each step stays visible."""
    with BackgroundServer(replace(settings, time_scale=40.0)) as running:
        yield running


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    """Where screenshots go ($BACKCOACH_SCREENSHOT_DIR to keep and look at them)."""
    folder = Path(os.environ.get("BACKCOACH_SCREENSHOT_DIR", tmp_path / "shots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


class _Page:
    """A browser page that remembers the page's JavaScript errors (a test expects none)."""

    def __init__(self, browser: Browser, width: int = 1024, height: int = 900) -> None:
        self.page: Page = browser.new_page(viewport={"width": width, "height": height})
        self.js_errors: list[str] = []
        self.page.on("pageerror", lambda error: self.js_errors.append(str(error)))
        self.page.set_default_timeout(15_000)


def _page(browser: Browser, width: int = 1024, height: int = 900) -> Page:
    opened = _Page(browser, width, height)
    _OPEN.append(opened)
    return opened.page


_OPEN: list[_Page] = []


@pytest.fixture(autouse=True)
def _no_javascript_errors() -> Iterator[None]:
    _OPEN.clear()
    yield
    errors = [e for opened in _OPEN for e in opened.js_errors]
    _OPEN.clear()
    assert errors == []


def _answer_all(page: Page, red_flag: str | None = None) -> None:
    for radio in page.locator("input[type=radio][value=no]").all():
        radio.check()
    if red_flag:
        page.check(f"input[name=q_{red_flag}][value=yes]")
    page.check("#accept")
    page.click("#submit-screening")


def test_onboarding_and_a_red_flag_blocking_sessions(
    browser: Browser, server: BackgroundServer, shots: Path
) -> None:
    page = _page(browser)
    page.goto(server.url + "/")
    assert page.url.endswith("/welcome")
    page.screenshot(path=shots / "welcome.png", full_page=True)
    page.click("#submit-screening")  # nothing answered: the browser asks first
    assert page.url.endswith("/welcome")
    _answer_all(page, red_flag="saddle_numbness")
    page.wait_for_url("**/welcome/result")  # post/redirect/get: a reload re-submits nothing
    emergency = page.locator("#emergency-advice")
    assert "call your local emergency number now" in emergency.inner_text().lower()
    assert page.locator("#emergency-advice a[href='tel:112']").count() == 1
    top = emergency.bounding_box()
    other = page.locator("#red-flag-advice").bounding_box()
    assert top is not None and other is not None and top["y"] < other["y"]
    page.screenshot(path=shots / "red_flag.png", full_page=True)
    page.reload()
    assert page.url.endswith("/welcome/result")
    page.goto(server.url + "/session")
    assert page.locator("#safety-decision").get_attribute("data-code") == "red_flag"
    assert page.locator("#start-button").count() == 0


def test_a_guided_session_then_a_sharp_pain_stop_from_the_keyboard(
    browser: Browser, server: BackgroundServer, shots: Path
) -> None:
    page = _page(browser)
    page.goto(server.url + "/welcome")
    _answer_all(page)
    page.wait_for_url("**/today")
    page.screenshot(path=shots / "today.png", full_page=True)
    page.goto(server.url + "/exercises/hip-flexor-stretch")
    page.wait_for_selector("#demo-box[data-kind]")
    page.screenshot(path=shots / "exercise.png", full_page=True)

    page.goto(server.url + "/session")
    page.focus("#start-button")
    page.keyboard.press("Enter")
    page.wait_for_selector("#pain-panel:not(.hidden)")
    page.keyboard.press("3")
    page.wait_for_selector("#session-stage:not(.hidden)")
    page.screenshot(path=shots / "session.png", full_page=True)
    page.wait_for_selector("#pain-panel:not(.hidden)", timeout=30_000)  # all exercises done
    page.keyboard.press("2")
    page.wait_for_selector("#session-done:not(.hidden)")
    assert page.locator("#session-app").get_attribute("data-outcome") == "completed"

    page.goto(server.url + "/session")
    page.click("#start-button")
    page.wait_for_selector("#pain-panel:not(.hidden)")
    page.keyboard.press("5")
    page.wait_for_selector("#session-stage:not(.hidden)")
    page.keyboard.press("x")
    page.wait_for_selector("#sharp-pain-advice")
    assert page.locator("#session-app").get_attribute("data-outcome") == "sharp_pain"
    page.screenshot(path=shots / "sharp_pain.png", full_page=True)

    page.goto(server.url + "/history")
    rows = page.locator("#sessions-table tbody tr")
    assert rows.count() == 2
    assert rows.nth(0).get_attribute("data-outcome") == "sharp_pain"
    assert "Sharp pain stop" in rows.nth(0).inner_text()
    assert rows.nth(1).get_attribute("data-outcome") == "completed"
    assert page.locator("svg.chart").count() == 2
    page.screenshot(path=shots / "history.png", full_page=True)
    page.goto(server.url + "/settings")
    page.screenshot(path=shots / "settings.png", full_page=True)
    phone = _page(browser, 390, 844)
    phone.goto(server.url + "/today")
    phone.screenshot(path=shots / "today_phone.png")


def test_live_coaching_with_a_fake_camera(
    playwright: Playwright, settings: WebSettings, fake_camera_file: Path, shots: Path,
    screen: Screen, open_client: Callable[..., httpx.Client],
) -> None:
    video = fake_camera_file
    args = [*CHROMIUM_ARGS, "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={video}"]  # fmt: skip
    camera_browser = playwright.chromium.launch(executable_path=CHROMIUM, args=args)
    try:
        with BackgroundServer(replace(settings, pose_backend="mediapipe", time_scale=1.0)) as live:
            with open_client(live.url) as http:
                screen(http)
            page = _page(camera_browser)
            page.goto(live.url + "/session")
            page.check("#camera-toggle")
            page.click("#start-button")
            page.wait_for_selector("#pain-panel:not(.hidden)")
            page.keyboard.press("2")
            panel = page.locator("#camera-panel")
            page.wait_for_function(
                "Number(document.getElementById('camera-panel').dataset.poses || 0) >= 3",
                timeout=60_000,
            )
            assert int(panel.get_attribute("data-events") or 0) >= 1  # person_found at least
            painted = page.evaluate("""() => {
                const c = document.getElementById('camera-overlay');
                const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                let n = 0;
                for (let i = 3; i < data.length; i += 4) if (data[i] > 0) n++;
                return n;
            }""")
            assert painted > 500  # the skeleton is drawn over the video
            page.screenshot(path=shots / "live_camera.png", full_page=True)
            page.keyboard.press("s")  # STOP from the keyboard
            page.wait_for_selector("#session-done:not(.hidden)")
            assert page.locator("#session-app").get_attribute("data-outcome") == "stopped"
    finally:
        camera_browser.close()


# --- session integrity and safety follow-through (issue 9) -------------------------------------


def _onboard(page: Page, url: str) -> None:
    page.goto(url + "/welcome")
    _answer_all(page)
    page.wait_for_url("**/today")


def _begin(page: Page, url: str, pain: str = "3") -> None:
    page.goto(url + "/session")
    page.click("#start-button")
    page.wait_for_selector("#pain-panel:not(.hidden)")
    page.keyboard.press(pain)
    page.wait_for_selector("#session-stage:not(.hidden)")


def _sets(url: str) -> list[object]:
    with browser_client(url) as http:
        session_id = http.get("/api/sessions/1").json()["id"]
        return list(http.get(f"/api/sessions/{session_id}").json()["sets"])


@pytest.mark.parametrize("size", [(1366, 768), (390, 844)])
def test_a_page_left_for_another_credits_nothing_and_offers_resume(
    browser: Browser, settings: WebSettings, shots: Path, size: tuple[int, int]
) -> None:
    # Timers 10 times faster: the first set needs about 3 s of real time on the page.
    with BackgroundServer(replace(settings, time_scale=10.0, heartbeat_timeout_s=1.0)) as server:
        page = _page(browser, *size)
        _onboard(page, server.url)
        _begin(page, server.url)
        page.goto(server.url + "/history")  # the session page is left (pagehide)
        page.wait_for_timeout(6000)  # 60 s of session time: both hip flexor sets, if credited
        page.goto(server.url + "/session")
        page.click("#resume-button")
        page.wait_for_selector("#away-notice:not(.hidden)")
        page.screenshot(path=shots / f"away_{size[0]}.png")
        assert page.locator("#session-app").get_attribute("data-state") == "paused"
        with browser_client(server.url) as http:
            assert http.get("/api/sessions/1").json()["sets"] == []
        page.click("#away-resume")
        page.wait_for_selector("#away-notice.hidden", state="attached")
        page.evaluate("""() => {
            Object.defineProperty(document, 'visibilityState',
                                  {value: 'hidden', configurable: true});
            document.dispatchEvent(new Event('visibilitychange'));
        }""")
        page.wait_for_timeout(1500)
        with browser_client(server.url) as http:
            state = http.get("/api/sessions/1?visible=0").json()
        assert state["away"] == "hidden" and state["sets"] == []


def test_the_server_going_away_shows_a_banner_and_keeps_sharp_pain(
    browser: Browser, settings: WebSettings, shots: Path
) -> None:
    slow = replace(settings, time_scale=1.0)
    first = BackgroundServer(slow)
    first.start()
    url, port = first.url, first.port
    page = _page(browser, 1366, 768)
    try:
        _onboard(page, url)
        _begin(page, url)
    finally:
        first.stop()
    started = time.monotonic()
    page.wait_for_selector("#offline-banner:not(.hidden)", timeout=5000)
    assert time.monotonic() - started < 2.5
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.wait_for_timeout(3000)
    assert len(requests) <= 6  # backed off: not 4 polls a second
    page.click("#sharp-pain-button")
    advice = page.locator("#local-advice")
    assert "Sharp pain" in advice.inner_text() and "not answering" in advice.inner_text()
    page.screenshot(path=shots / "server_gone.png")
    with BackgroundServer(slow, port=port):
        page.wait_for_function(
            "localStorage.getItem('backcoach:pending') === '[]'", timeout=15_000)
        page.wait_for_selector("#restart-notice.ok", timeout=15_000)
        assert "Recorded in your journal" in page.locator("#restart-notice").inner_text()
        with browser_client(url) as http:
            exported = http.get("/settings/export.json").json()
    (session,) = exported["sessions"]
    assert session["outcome"] == "sharp_pain"  # pressed during the session, while offline
    assert exported["sharp_pain_events"] == []


def test_sharp_pain_outside_a_session_is_recorded_and_locks_the_day(
    browser: Browser, server: BackgroundServer, shots: Path
) -> None:
    page = _page(browser, 390, 844)
    _onboard(page, server.url)
    page.goto(server.url + "/history")
    page.keyboard.press("x")
    page.wait_for_url("**/sharp-pain?event=*")
    recorded = page.locator("#sharp-pain-recorded").inner_text()
    assert "Recorded in your journal" in recorded and "rest day" in recorded
    page.select_option("#pain", "6")
    page.fill("#note", "bending to tie a shoe")
    page.click("#sharp-pain-details button")
    page.wait_for_url("**saved=1")
    page.screenshot(path=shots / "sharp_pain_outside.png", full_page=True)
    for path in ("/today", "/session"):
        page.goto(server.url + path)
        banner = page.locator("#safety-decision")
        assert banner.get_attribute("data-code") == "sharp_pain_rest"
        assert "rest day" in banner.inner_text()
    assert page.locator("#start-button").count() == 0
    page.screenshot(path=shots / "rest_day.png", full_page=True)
    page.goto(server.url + "/history")
    assert "bending to tie a shoe" in page.locator("#safety-events").inner_text()


def test_shortcuts_never_fire_while_typing(browser: Browser, server: BackgroundServer) -> None:
    page = _page(browser)
    _onboard(page, server.url)
    page.goto(server.url + "/settings")
    page.fill("#confirm-delete", "DEL")
    page.focus("#confirm-delete")
    page.keyboard.press("Escape")
    page.keyboard.type("sx")
    assert page.url.endswith("/settings")
    assert page.input_value("#confirm-delete") == "DELsx"
    page.keyboard.press("Control+x")
    page.locator("h1").click()
    page.keyboard.press("s")
    page.keyboard.press("Escape")
    assert page.url.endswith("/settings")  # nothing to stop here: STOP keys do nothing
    with browser_client(server.url) as http:
        assert http.get("/settings/export.json").json()["sharp_pain_events"] == []


@pytest.mark.parametrize("zone", ["America/Los_Angeles", "Pacific/Tongatapu"])
def test_the_browser_time_zone_sets_the_day(
    playwright: Playwright, settings: WebSettings, zone: str
) -> None:
    zoned = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    try:
        with BackgroundServer(settings) as server:
            context = zoned.new_context(timezone_id=zone)
            page = context.new_page()
            _onboard(page, server.url)
            page.goto(server.url + "/today")
            assert page.evaluate("Intl.DateTimeFormat().resolvedOptions().timeZone") == zone
            from backcoach.storage import Journal

            with Journal.open(settings.data_dir) as journal:
                assert journal.get_settings("default")["time_zone"] == zone
            context.close()
    finally:
        zoned.close()
