"""Voice control in real headless Chromium: a fake microphone plays espeak-ng speech.

Chromium loops the WAV file given by ``--use-file-for-fake-audio-capture``; the page captures it
with getUserMedia, downsamples it to 16 kHz in an AudioWorklet and streams it to ``/ws/voice``,
and the real keyword spotter on the server drives the session.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, Playwright, sync_playwright

from backcoach.storage import Journal
from backcoach.synthetic.speech import Voice, command_recording
from backcoach.voice.audio import write_wav
from backcoach.web.server import BackgroundServer, browser_client
from backcoach.web.settings import WebSettings

pytestmark = pytest.mark.slow

CHROMIUM = "/usr/bin/chromium"
Screen = Callable[..., httpx.Response]
# espeak-ng voices the shipped thresholds hear these phrases in (synthetic speech is hard).
VOICE_FOR = {
    "sharp pain": Voice("en+f3", 150, 60),
    "stop": Voice("en-us", 140, 50),
    "seven": Voice("en-us+f2", 140, 55),
}


@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium (.ci/run does)")
    with sync_playwright() as running:
        yield running


def _microphone(tmp_path: Path, text: str) -> Path:
    path = tmp_path / f"{text.replace(' ', '_')}.wav"
    write_wav(path, command_recording(text, VOICE_FOR[text], lead_s=1.0, tail_s=2.0, warm_up=True))
    return path


def _session_with_voice(playwright: Playwright, wav: Path, url: str) -> tuple[Page, list[str]]:
    args = ["--no-sandbox", "--disable-gpu", "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream", f"--use-file-for-fake-audio-capture={wav}",
            "--autoplay-policy=no-user-gesture-required"]  # fmt: skip
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=args)
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.set_default_timeout(30_000)
    page.goto(url + "/session")
    page.check("#voice-toggle")
    page.click("#start-button")
    return page, errors


@pytest.mark.parametrize(
    ("text", "expected"),
    [("sharp pain", "sharp_pain"), ("stop", "stopped"), ("seven", "pain")],
)
def test_a_spoken_command_drives_the_session(
    playwright: Playwright, settings: WebSettings, tmp_path: Path, screen: Screen,
    text: str, expected: str,
) -> None:  # fmt: skip
    wav = _microphone(tmp_path, text)
    with (
        BackgroundServer(replace(settings, time_scale=1.0)) as server,
        browser_client(server.url) as http,
    ):
        screen(http)
        page, errors = _session_with_voice(playwright, wav, server.url)
        try:
            page.wait_for_selector("#voice-panel[data-listening=yes]")
            if text != "seven":
                page.keyboard.press("2")  # pain before by key: the exercise is under way
                page.wait_for_selector("#session-stage:not(.hidden)")
                page.wait_for_selector("#session-done:not(.hidden)", timeout=60_000)
                app = page.locator("#session-app")
                assert app.get_attribute("data-outcome") == expected
                stored = http.get(f"/api/sessions/{app.get_attribute('data-session-id')}")
                assert stored.json()["view"]["outcome"] == expected
                if expected == "sharp_pain":
                    assert page.locator("#sharp-pain-advice").is_visible()
            else:
                page.wait_for_selector("#session-stage:not(.hidden)", timeout=60_000)
                page.wait_for_selector(f"#voice-panel[data-last-command={expected}]")
                assert "Pain 7 recorded" in page.locator("#voice-heard").inner_text()
                assert page.locator("#next-button").is_visible()  # buttons keep working
                page.keyboard.press("s")  # STOP by key: the session is stored
                page.wait_for_selector("#session-done:not(.hidden)")
            assert errors == []
        finally:
            page.context.browser.close()  # type: ignore[union-attr]
    with Journal.open(settings.data_dir) as journal:
        stored_session = journal.history(settings.profile).sessions[-1]
    if text == "seven":
        assert stored_session.pain_before == 7
    else:
        assert stored_session.pain_before == 2
        assert stored_session.outcome.value == expected


def test_the_voice_switch_is_the_profiles_in_every_browser(
    playwright: Playwright, server: BackgroundServer, client: httpx.Client, screen: Screen,
    tmp_path: Path,
) -> None:  # fmt: skip
    """Turned on in Settings in one browser, it is on in another's session page; turned off
    there, Settings in the first says off (two contexts share no cookies or storage)."""
    screen(client)
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
    try:
        first = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
        first.goto(server.url + "/settings")
        assert not first.is_checked("#voice-control-setting")
        first.check("#voice-control-setting")
        first.click("#save-voice")
        first.wait_for_selector("text=Voice control saved")
        assert first.is_checked("#voice-control-setting")
        first.screenshot(path=str(_shots() / "settings-voice-390.png"), full_page=True)
        second = browser.new_context(viewport={"width": 1366, "height": 768}).new_page()
        second.goto(server.url + "/session")
        assert second.is_checked("#voice-toggle")
        second.uncheck("#voice-toggle")
        second.wait_for_selector("#voice-panel[data-saved=yes]")
        assert client.get("/api/preferences").json()["voice_control"] is False
        first.goto(server.url + "/settings")
        assert not first.is_checked("#voice-control-setting")
        second.reload()
        assert not second.is_checked("#voice-toggle")
    finally:
        browser.close()


def _shots() -> Path:
    folder = Path("out/screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder
