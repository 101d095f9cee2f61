"""The coaching screen in real Chromium at the sizes people use, with and without a camera.

Bounding boxes prove that the picture, the counter, the ring and the controls are on screen and
that STOP and SHARP PAIN never cover any of them; axe-core (from npm, installed into the
git-ignored ``out/node`` by the test set-up and injected from disk, never fetched by the page)
scans every page for WCAG 2.2 AA violations. Screenshots of each state go to ``out/screenshots``
(or ``$BACKCOACH_SCREENSHOT_DIR``) for a person to look at.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, Playwright, sync_playwright

from backcoach.web.server import BackgroundServer, browser_client
from backcoach.web.settings import WebSettings

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update",
                 "--disable-gpu", "--autoplay-policy=no-user-gesture-required"]  # fmt: skip
AXE_VERSION = "4.10.3"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
SIZES = {
    "desktop_1366x768": (1366, 768),
    "laptop_1280x720": (1280, 720),
    "phone_390x844": (390, 844),
    "phone_landscape_844x390": (844, 390),
}
MIN_COUNTER_PX = 34  # the repetition number, read from a mat about 3 m away


@pytest.fixture(scope="module")
def shots() -> Path:
    folder = Path(os.environ.get("BACKCOACH_SCREENSHOT_DIR", REPO / "out" / "screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.png"):  # pictures of an earlier run would mislead the review
        old.unlink()
    return folder


@pytest.fixture(scope="module")
def axe_script() -> Path:
    """axe-core from npm, pinned, installed once into out/node (git-ignored)."""
    folder = REPO / "out" / "node"
    package = folder / "node_modules" / "axe-core"
    manifest = package / "package.json"
    if not manifest.exists() or json.loads(manifest.read_text())["version"] != AXE_VERSION:
        npm = shutil.which("npm")
        if npm is None:
            pytest.fail("npm is missing: scripts/system-deps.sh installs it (apt-get install npm)")
        folder.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [npm, "install", "--prefix", str(folder), "--no-audit", "--no-fund",
             "--no-save", f"axe-core@{AXE_VERSION}"],
            check=True, timeout=600, capture_output=True,
        )  # fmt: skip
    return package / "axe.min.js"


@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium (.ci/run does)")
    with sync_playwright() as running:
        yield running


@pytest.fixture(scope="module")
def browser(playwright: Playwright, fake_camera_file: Path) -> Iterator[Browser]:
    """One Chromium whose camera plays the real demo video (used only when a page asks)."""
    args = [*CHROMIUM_ARGS, "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={fake_camera_file}"]  # fmt: skip
    launched = playwright.chromium.launch(executable_path=CHROMIUM, args=args)
    yield launched
    launched.close()


def _onboard(url: str) -> None:
    from backcoach.core.safety import load_screening

    form = {"accept": "yes"} | {f"q_{q.id}": "no" for q in load_screening().questions}
    with browser_client(url) as http:
        assert http.post("/welcome", data=form).status_code == 303


class _Pages:
    """Opens pages and collects their JavaScript errors (a test expects none)."""

    def __init__(self, browser: Browser) -> None:
        self.browser = browser
        self.errors: list[str] = []
        self.opened: list[Page] = []

    def open(self, width: int, height: int, **options: Any) -> Page:
        page = self.browser.new_page(viewport={"width": width, "height": height}, **options)
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.set_default_timeout(20_000)
        self.opened.append(page)
        return page


@pytest.fixture
def pages(browser: Browser) -> Iterator[_Pages]:
    opened = _Pages(browser)
    yield opened
    for page in opened.opened:
        page.close()
    assert opened.errors == []


Box = dict[str, float]


def _box(page: Page, selector: str) -> Box:
    box = page.locator(selector).bounding_box()
    assert box is not None, f"{selector} is not shown"
    return box


def _inside(box: Box, width: int, height: int) -> bool:
    return (box["x"] >= -0.5 and box["y"] >= -0.5 and box["x"] + box["width"] <= width + 0.5
            and box["y"] + box["height"] <= height + 0.5)  # fmt: skip


def _overlap(a: Box, b: Box) -> bool:
    return not (a["x"] + a["width"] <= b["x"] or b["x"] + b["width"] <= a["x"]
                or a["y"] + a["height"] <= b["y"] or b["y"] + b["height"] <= a["y"])  # fmt: skip


def _overlap_area(a: Box, b: Box) -> float:
    wide = min(a["x"] + a["width"], b["x"] + b["width"]) - max(a["x"], b["x"])
    tall = min(a["y"] + a["height"], b["y"] + b["height"]) - max(a["y"], b["y"])
    return max(0.0, wide) * max(0.0, tall)


SAFETY = ("#stop-button", "#sharp-pain-button")
CONTROLS = ("#next-button", "#pause-button", "#skip-button", "#mute-button")
OVERLAYS = ("#stage-reps", "#stage-ring", "#stage-cue", ".ov-phase")


def _check_layout(page: Page, picture: str, size: tuple[int, int]) -> None:
    """Everything on screen; the safety buttons cover nothing; the overlays do not collide."""
    width, height = size
    boxes = {sel: _box(page, sel) for sel in (picture, *SAFETY, *CONTROLS, *OVERLAYS,
                                              "#stage-left", "#stage-position")}  # fmt: skip
    for selector, box in boxes.items():
        assert _inside(box, width, height), f"{selector} is off screen at {size}: {box}"
    for safety in SAFETY:
        for other in (picture, *CONTROLS, *OVERLAYS):
            assert not _overlap(boxes[safety], boxes[other]), f"{safety} covers {other} at {size}"
    for i, a in enumerate(OVERLAYS):
        for b in OVERLAYS[i + 1 :]:
            assert not _overlap(boxes[a], boxes[b]), f"{a} and {b} overlap at {size}"
    for control in CONTROLS:
        assert not _overlap(boxes[control], boxes[picture]), f"{control} covers the picture"
    area = boxes[picture]["width"] * boxes[picture]["height"]
    assert area >= 0.2 * width * height, f"the picture is small at {size}: {boxes[picture]}"
    counter_px = page.eval_on_selector(
        "#stage-rep", "e => parseFloat(getComputedStyle(e).fontSize)"
    )
    assert counter_px >= MIN_COUNTER_PX


def _start(page: Page, url: str, camera: bool) -> None:
    page.goto(url + "/session")
    if camera:
        page.check("#camera-toggle")
    page.click("#start-button")
    page.wait_for_selector("#pain-panel:not(.hidden)")
    size = page.viewport_size
    assert size is not None
    for score in ("0", "10"):  # every pain button on screen, none under the safety bar
        button = _box(page, f".pain-scale button[data-score='{score}']")
        assert _inside(button, size["width"], size["height"]), f"pain {score} is off screen"
        for safety in SAFETY:
            assert not _overlap(button, _box(page, safety))
    page.keyboard.press("3")
    page.wait_for_selector("#session-stage:not(.hidden)")


@pytest.fixture(scope="module")
def camera_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BackgroundServer]:
    """The real pose model; session time at the wall clock's pace, so each state can be seen."""
    settings = WebSettings(data_dir=tmp_path_factory.mktemp("camera-data"),
                           pose_backend="mediapipe", time_scale=1.0)  # fmt: skip
    with BackgroundServer(settings) as running:
        _onboard(running.url)
        yield running


@pytest.mark.parametrize("name", list(SIZES))
def test_camera_first_layout(
    name: str, camera_server: BackgroundServer, pages: _Pages, shots: Path, axe_script: Path
) -> None:
    size = SIZES[name]
    page = pages.open(*size)
    _start(page, camera_server.url, camera=True)
    page.wait_for_function(
        "Number(document.getElementById('camera-panel').dataset.poses || 0) >= 2", timeout=60_000
    )
    # While getting into position the demonstration is shown next to the camera.
    assert page.locator("#stage-view").get_attribute("data-show") == "both"
    # the placement picture is a thumbnail in a corner: the person stays in view
    page.wait_for_selector("#stage-placement img", state="attached")
    if page.locator("#stage-placement").is_visible():  # a low landscape phone leaves it out
        thumb, camera = _box(page, "#stage-placement"), _box(page, "#camera-video")
        assert _overlap_area(thumb, camera) <= 0.15 * camera["width"] * camera["height"], name
    assert "Where to put the camera: " in (
        page.locator("#stage-placement img").get_attribute("alt") or "")
    page.screenshot(path=shots / f"camera_get_ready_{name}.png")
    page.keyboard.press("n")  # into the first hold
    page.wait_for_function("document.getElementById('stage-view').dataset.show === 'camera'")
    assert page.locator("#stage-ring").get_attribute("data-phase") == "hold"
    _check_layout(page, "#camera-video", size)
    assert page.evaluate(
        "getComputedStyle(document.getElementById('camera-video')).transform"
    ).startswith("matrix(-1")  # mirrored, as a person expects to see themselves
    page.screenshot(path=shots / f"camera_hold_{name}.png")
    if name.startswith("desktop"):
        found = {"camera: hold": _axe(page, axe_script)}
        practice = pages.open(*size)
        practice.goto(camera_server.url + "/exercises/neck-flexion/practice")
        found["/exercises/neck-flexion/practice (pose model on)"] = _axe(practice, axe_script)
        practice.goto(camera_server.url + "/exercises/knee-to-chest/setup")
        found["/exercises/knee-to-chest/setup (pose model on)"] = _axe(practice, axe_script)
        (shots / "axe_camera.json").write_text(json.dumps(found, indent=2), encoding="utf-8")
        assert not any(found.values()), json.dumps(found, indent=2)
        # The timer runs out and the camera has not seen the hold end: say what to do.
        page.wait_for_function(
            "document.getElementById('stage-ring').dataset.phase === 'overdue'", timeout=30_000
        )
        assert page.inner_text("#stage-phase").lower() == "come back to the start"
        assert "moves on by itself" in page.inner_text("#stage-cue")
        # No repetition seen before the timer ran out: the setup page is offered again.
        offer = page.locator("#setup-offer-link")
        assert offer.is_visible()
        href = offer.get_attribute("href") or ""
        assert href.startswith("/exercises/") and href.endswith("/setup?next=/session"), href
        page.screenshot(path=shots / f"camera_overdue_{name}.png")
    page.keyboard.press("s")
    page.wait_for_selector("#session-done:not(.hidden)")


@pytest.mark.parametrize("name", ["desktop_1366x768", "phone_390x844"])
def test_practice_draws_the_count_and_the_cue_large_over_the_picture(
    name: str, camera_server: BackgroundServer, pages: _Pages, shots: Path
) -> None:
    page = pages.open(*SIZES[name])
    page.goto(camera_server.url + "/exercises/knee-to-chest/practice")
    page.click("#camera-start")
    page.wait_for_function("document.getElementById('practice-cue').textContent.includes("
                           "'I can see you') || document.getElementById('camera-reps')"
                           ".textContent !== '0'", timeout=60_000)  # fmt: skip
    picture = _box(page, "#camera-video")
    width, height = SIZES[name]
    assert _inside(picture, width, height)  # all of the picture in view, above the safety bar
    for safety in SAFETY:
        assert not _overlap(picture, _box(page, safety))
    for overlay in ("#practice-count", "#practice-cue"):
        box = _box(page, overlay)
        assert _overlap_area(box, picture) == box["width"] * box["height"], overlay  # inside
    assert not _overlap(_box(page, "#practice-count"), _box(page, "#practice-cue"))
    counter_px = page.eval_on_selector("#practice-reps",
                                       "e => parseFloat(getComputedStyle(e).fontSize)")
    cue_px = page.eval_on_selector("#practice-cue", "e => parseFloat(getComputedStyle(e).fontSize)")
    assert counter_px >= MIN_COUNTER_PX and cue_px >= 17
    assert page.inner_text("#practice-reps") == page.inner_text("#camera-reps")
    page.screenshot(path=shots / f"practice_{name}.png")
    page.keyboard.press("s")  # STOP ends the practice camera
    page.wait_for_function("document.getElementById('practice-cue').textContent === 'Stopped.'")


@pytest.fixture(scope="module")
def plain_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BackgroundServer]:
    """No pose model: the demonstration and the timer take the camera's place."""
    settings = WebSettings(data_dir=tmp_path_factory.mktemp("plain-data"), pose_backend="none",
                           time_scale=1.0)  # fmt: skip
    with BackgroundServer(settings) as running:
        _onboard(running.url)
        yield running


@pytest.mark.parametrize("name", list(SIZES))
def test_without_a_camera_the_demonstration_and_timer_take_its_place(
    name: str, plain_server: BackgroundServer, pages: _Pages, shots: Path
) -> None:
    size = SIZES[name]
    page = pages.open(*size)
    _start(page, plain_server.url, camera=False)
    page.wait_for_selector("#stage-demo[data-kind]")
    assert page.locator("#camera-cell").is_hidden()
    assert page.get_attribute("#stage-demo", "data-kind") == "clip"
    page.wait_for_function(  # the clip really plays, in a loop, muted
        """() => { const v = document.querySelector('#stage-demo video');
                   return v && v.readyState >= 2 && v.videoWidth > 0 && v.loop && v.muted
                          && !v.paused && v.currentTime > 0; }"""
    )
    _check_layout(page, "#stage-view", size)
    left = page.inner_text("#stage-left")
    assert "left" in left and page.inner_text("#stage-position") == "Exercise 1 of 3"
    page.screenshot(path=shots / f"demo_get_ready_{name}.png")
    page.keyboard.press("n")
    page.wait_for_function("document.getElementById('stage-ring').dataset.phase === 'hold'")
    _check_layout(page, "#stage-view", size)
    page.screenshot(path=shots / f"demo_hold_{name}.png")
    page.keyboard.press("s")
    page.wait_for_selector("#session-done:not(.hidden)")


def test_screenshots_of_every_session_state(
    plain_server: BackgroundServer, pages: _Pages, shots: Path
) -> None:
    """Step through a session with the keys, as a person would, and keep a picture of each."""
    page = pages.open(1366, 768)
    page.goto(plain_server.url + "/session")
    page.screenshot(path=shots / "state_start.png")
    page.click("#start-button")
    page.wait_for_selector("#pain-panel:not(.hidden)")
    page.screenshot(path=shots / "state_pain_before.png")
    page.keyboard.press("3")
    page.wait_for_selector("#session-stage:not(.hidden)")
    seen = []
    step = "(v => JSON.stringify([v.state, v.paused, v.rep, v.side]))(window.backcoachView)"
    for key in ["", "n", "n", "p", "p", "n", "n", "n"]:
        if key:
            before = page.evaluate(step)
            page.keyboard.press(key)
            page.wait_for_function(f"{step} !== {before!r}")
        view = page.evaluate("window.backcoachView")
        state = "paused" if view["paused"] else view["state"]
        seen.append(state)
        page.screenshot(path=shots / f"state_{len(seen)}_{state}.png")
    assert {"get_ready", "hold", "rest", "paused", "switch_side"} <= set(seen)
    page.keyboard.press("s")
    page.wait_for_selector("#checkin-reminder")
    page.screenshot(path=shots / "state_done_stopped.png", full_page=True)


@pytest.fixture
def fast_server(settings: WebSettings) -> Iterator[BackgroundServer]:
    with BackgroundServer(replace(settings, time_scale=40.0)) as running:
        _onboard(running.url)
        yield running


def test_a_whole_session_with_tones_voice_and_the_done_screen(
    fast_server: BackgroundServer, pages: _Pages, shots: Path
) -> None:
    page = pages.open(1366, 768)
    page.goto(fast_server.url + "/session")
    assert page.is_checked("#speak-toggle")  # spoken cues are on by default
    page.click("#start-button")
    page.wait_for_selector("#pain-panel:not(.hidden)")
    page.keyboard.press("4")
    page.wait_for_selector("#session-stage:not(.hidden)")
    page.click("#mute-button")
    assert page.get_attribute("#mute-button", "aria-pressed") == "true"
    page.wait_for_selector("#pain-panel:not(.hidden)", timeout=60_000)  # every exercise done
    page.keyboard.press("2")
    page.wait_for_selector("#done-pain")
    assert "4 → 2" in page.inner_text("#done-pain")
    rows = page.locator("#done-exercises tbody tr")
    assert rows.count() == 3
    assert "morning" in page.inner_text("#checkin-reminder")
    assert "Nothing to compare" in page.inner_text("#done-comparisons")
    played = page.evaluate("window.backcoachSound.played")
    for tone in ("tick", "hold", "release", "rep"):
        assert tone in played, f"no {tone!r} tone in {played}"
    note = page.locator("button[data-note]").first
    note.click()
    page.wait_for_selector("button[data-note][aria-pressed=true]")
    assert "Note saved" in page.inner_text("#notes-status")
    page.screenshot(path=shots / "done_1366x768.png", full_page=True)
    phone = pages.open(390, 844)
    phone.goto(fast_server.url + "/session")
    assert not phone.is_checked("#speak-toggle")  # the mute was remembered for this profile
    assert phone.is_checked("#tones-toggle")
    with phone.expect_response("**/api/preferences"):
        phone.uncheck("#tones-toggle")
    with browser_client(fast_server.url) as http:
        stored = http.get("/api/preferences").json()
        assert stored == {"voice": False, "sounds": False, "voice_control": False}


def test_exercise_pages_loop_a_clip_or_show_a_still_for_reduced_motion(
    plain_server: BackgroundServer, pages: _Pages, shots: Path
) -> None:
    page = pages.open(1280, 720)
    calm = pages.open(1280, 720, reduced_motion="reduce")
    for exercise in ("knee-to-chest", "neck-flexion", "hip-flexor-stretch"):
        page.goto(f"{plain_server.url}/exercises/{exercise}")
        page.wait_for_function(
            "() => { const v = document.querySelector('#demo-box video');"
            " return v && v.readyState >= 2 && v.loop && !v.paused; }"
        )
        assert page.locator("#placement img").count() == 1
        assert page.locator("canvas").count() == 0  # no stick figure left
        page.screenshot(path=shots / f"exercise_{exercise}.png")
        calm.goto(f"{plain_server.url}/exercises/{exercise}")
        calm.wait_for_selector("#demo-box[data-kind=still] img")
        assert calm.locator("#demo-box video").count() == 0
        assert calm.eval_on_selector("#demo-box img", "i => i.complete && i.naturalWidth") > 0


def _axe(page: Page, script: Path) -> list[dict[str, Any]]:
    page.add_script_tag(path=str(script))
    violations: list[dict[str, Any]] = page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {runOnly: {type: "tag", values: tags}});
            if (result.passes.length < 10) throw new Error("axe checked almost nothing");
            return result.violations.map((v) => ({id: v.id, impact: v.impact, help: v.help,
              nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" "))}));
        }""",
        AXE_TAGS,
    )
    return violations


def test_axe_finds_a_violation_when_there_is_one(
    plain_server: BackgroundServer, pages: _Pages, axe_script: Path
) -> None:
    """The scan is not a test that cannot fail: text too faint on its background is reported."""
    page = pages.open(800, 600)
    page.goto(plain_server.url + "/today")
    page.evaluate("document.querySelector('h1').style.color = '#d8d8d8'")
    assert [v["id"] for v in _axe(page, axe_script)] == ["color-contrast"]


PAGES = ["/welcome", "/today", "/exercises", "/exercises/knee-to-chest", "/exercises/neck-flexion",
         "/exercises/hip-flexor-stretch", "/exercises/knee-to-chest/practice", "/function",
         "/history", "/settings", "/sharp-pain", "/session"]  # fmt: skip


def test_no_wcag_22_aa_violation_on_any_page_or_session_state(
    plain_server: BackgroundServer, pages: _Pages, axe_script: Path, shots: Path
) -> None:
    found: dict[str, list[dict[str, Any]]] = {}
    page = pages.open(1280, 720)
    for path in PAGES:
        page.goto(plain_server.url + path)
        found[path] = _axe(page, axe_script)
    _start(page, plain_server.url, camera=False)
    found["session: get ready"] = _axe(page, axe_script)
    page.keyboard.press("n")
    page.wait_for_function("document.getElementById('stage-ring').dataset.phase === 'hold'")
    found["session: hold"] = _axe(page, axe_script)
    page.keyboard.press("s")
    page.wait_for_selector("#done-pain, #done-exercises, #checkin-reminder")
    found["session: done"] = _axe(page, axe_script)
    (shots / "axe.json").write_text(json.dumps(found, indent=2), encoding="utf-8")
    bad = {where: v for where, v in found.items() if v}
    assert bad == {}, json.dumps(bad, indent=2)
