"""No camera, or the camera refused: the setup, practice and session pages say so in plain words.

Real Chromium: once without the permission to use the camera (the fake device is there, but the
page is not allowed it), once with the permission but no camera at all. The page must not show
the browser's raw error or an empty video box; it says what happened, how to allow the camera,
and that a guided session works without one. Screenshots at 390x844 and 1366x768 go to
``$BACKCOACH_SCREENSHOT_DIR`` (default: a temporary folder).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from backcoach.web.server import BackgroundServer
from backcoach.web.settings import WebSettings

pytestmark = pytest.mark.slow

CHROMIUM = "/usr/bin/chromium"
BASE_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update",
             "--disable-gpu"]  # fmt: skip
#: A camera exists but the page gets no permission (no fake permission prompt: it is refused);
#: the permission is given but there is no camera (no fake device).
SETUPS = {
    "refused": [*BASE_ARGS, "--use-fake-device-for-media-stream"],
    "none": [*BASE_ARGS, "--use-fake-ui-for-media-stream"],
}


@pytest.fixture(scope="module", params=sorted(SETUPS))
def browser(request: pytest.FixtureRequest) -> Iterator[tuple[str, Browser]]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium (.ci/run does)")
    with sync_playwright() as running:
        launched = running.chromium.launch(executable_path=CHROMIUM, args=SETUPS[request.param])
        yield request.param, launched
        launched.close()


def _start(browser: Browser, url: str, width: int, height: int, errors: list[str]) -> Page:
    context = browser.new_context(viewport={"width": width, "height": height}, permissions=[])
    page = context.new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.set_default_timeout(20_000)
    page.goto(url)
    page.click("#camera-start")
    page.wait_for_selector("#camera-problem:not(.hidden)")
    return page


def test_no_camera_is_explained_in_plain_words(
    browser: tuple[str, Browser], settings: WebSettings, screen: Callable[..., httpx.Response],
    open_client: Callable[..., httpx.Client], tmp_path: Path,
) -> None:
    kind, chromium = browser
    shots = Path(os.environ.get("BACKCOACH_SCREENSHOT_DIR", tmp_path / "shots"))
    shots.mkdir(parents=True, exist_ok=True)
    errors: list[str] = []
    live_settings = replace(settings, pose_backend="mediapipe", time_scale=1.0)
    with BackgroundServer(live_settings) as live:
        with open_client(live.url) as http:
            screen(http)
        for page_name in ("setup", "practice"):
            for width, height in ((390, 844), (1366, 768)):
                url = f"{live.url}/exercises/knee-to-chest/{page_name}"
                page = _start(chromium, url, width, height, errors)
                problem = page.locator("#camera-problem")
                text = problem.inner_text()
                assert problem.get_attribute("data-kind") == kind, text
                if kind == "refused":
                    assert "did not let this page use the camera" in text
                    assert "set Camera to Allow, then reload this page" in text
                else:
                    assert "No camera was found" in text
                assert "Permission denied" not in text and "not found" not in text
                assert "NotAllowedError" not in text and "NotFoundError" not in text
                assert problem.locator("a[href='/session']").inner_text() == "guided session"
                assert "without a camera" in text
                assert not page.locator("#camera-panel").is_visible()  # no empty black box
                assert page.locator("#camera-start").is_enabled()  # can try again
                page.screenshot(path=shots / f"{page_name}_camera_{kind}_{width}x{height}.png",
                                full_page=True)  # fmt: skip
                page.context.close()
    assert errors == []


def test_a_session_without_the_camera_says_why_in_plain_words_and_goes_on(
    browser: tuple[str, Browser], settings: WebSettings, screen: Callable[..., httpx.Response],
    open_client: Callable[..., httpx.Client],
) -> None:
    """"Use my camera" ticked, but no camera can be had: the session page explains it as the
    setup page does (never the browser's raw error) and the session runs on its timers."""
    kind, chromium = browser
    errors: list[str] = []
    live_settings = replace(settings, pose_backend="mediapipe", time_scale=1.0)
    with BackgroundServer(live_settings) as live:
        with open_client(live.url) as http:
            screen(http)
        context = chromium.new_context(viewport={"width": 390, "height": 844}, permissions=[])
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.set_default_timeout(20_000)
        page.goto(live.url + "/session")
        page.check("#camera-toggle")
        page.click("#start-button")
        page.wait_for_selector("#pain-panel:not(.hidden)")
        page.keyboard.press("3")
        page.wait_for_selector("#session-stage:not(.hidden)")
        page.wait_for_function(
            "() => /camera/i.test(document.getElementById('camera-status').textContent)"
            " && !/Starting/.test(document.getElementById('camera-status').textContent)")
        text = page.inner_text("#camera-status")
        expected = ("did not let this page use the camera" if kind == "refused"
                    else "No camera was found")  # fmt: skip
        assert expected in text and "each hold runs on its timer" in text, text
        assert "Permission denied" not in text and "not found" not in text
        context.close()
    assert errors == []

