"""The web app in real headless Chromium (Debian's), as a person would use it.

Slow: each test drives a real browser against a real server. The live-coaching test feeds the
browser's fake camera from the real demo video shipped by Sports2D and runs the real pose model.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, Playwright, sync_playwright

from backcoach.web.server import BackgroundServer
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
    advice = page.locator("#red-flag-advice")
    assert "emergency" in advice.inner_text().lower()
    page.screenshot(path=shots / "red_flag.png", full_page=True)
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
    page.wait_for_function("document.getElementById('demo-canvas').width === 640")
    page.wait_for_timeout(300)
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


def _fake_video(path: Path, seconds: float = 4.0) -> Path:
    """A Y4M file (Chromium's fake camera input) from the real demo video, at 640x360."""
    import cv2
    import Sports2D

    source = Path(Sports2D.__file__).parent / "Demo" / "demo.mp4"
    capture = cv2.VideoCapture(str(source))
    fps = 15
    step = max(1, round(capture.get(cv2.CAP_PROP_FPS) / fps))
    with path.open("wb") as out:
        out.write(f"YUV4MPEG2 W640 H360 F{fps}:1 Ip A1:1 C420jpeg\n".encode())
        index = written = 0
        while written < seconds * fps:
            ok, image = capture.read()
            if not ok:
                break
            if index % step == 0:
                frame = cv2.resize(image, (640, 360), interpolation=cv2.INTER_AREA)
                out.write(b"FRAME\n" + cv2.cvtColor(frame, cv2.COLOR_BGR2YUV_I420).tobytes())
                written += 1
            index += 1
    capture.release()
    assert written > 10
    return path


def test_live_coaching_with_a_fake_camera(
    playwright: Playwright, settings: WebSettings, tmp_path: Path, shots: Path, screen: Screen,
    open_client: Callable[..., httpx.Client],
) -> None:
    video = _fake_video(tmp_path / "camera.y4m")
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
