"""The phone as the camera, in real Chromium: pairing, the QR page and HTTPS with the certificate
``serve --lan`` generates, at 360x740, 390x844 and 1366x768. The server binds 127.0.0.1 only.

Chromium is told to accept exactly this certificate's public key (``--ignore-certificate-errors-
spki-list``), so a page loads only if the server presents the certificate we generated.
"""

from __future__ import annotations

import base64
import hashlib
import os
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import cv2
import numpy as np
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from playwright.sync_api import Browser, Page, Playwright, sync_playwright
from playwright.sync_api import Error as PlaywrightError

from backcoach.web.lan import Certificate, ensure_certificate, pairing_url
from backcoach.web.server import BackgroundServer, free_port
from backcoach.web.settings import WebSettings

pytestmark = pytest.mark.slow

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update",
        "--disable-gpu"]  # fmt: skip
SIZES = {"phone-360": (360, 740), "phone-390": (390, 844), "laptop": (1366, 768)}
CODE = "730516"


def _spki(cert: Certificate) -> str:
    loaded = x509.load_pem_x509_certificate(cert.cert_path.read_bytes())
    der = loaded.public_key().public_bytes(serialization.Encoding.DER,
                                           serialization.PublicFormat.SubjectPublicKeyInfo)
    return base64.b64encode(hashlib.sha256(der).digest()).decode()


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> Certificate:
    return ensure_certificate(tmp_path_factory.mktemp("lan") / "data", ["127.0.0.1"])


@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium (.ci/run does)")
    with sync_playwright() as running:
        yield running


@pytest.fixture(scope="module")
def browser(playwright: Playwright, certificate: Certificate) -> Iterator[Browser]:
    args = [*ARGS, f"--ignore-certificate-errors-spki-list={_spki(certificate)}"]
    launched = playwright.chromium.launch(executable_path=CHROMIUM, args=args)
    yield launched
    launched.close()


def _lan_settings(data_dir: Path, **changes: object) -> WebSettings:
    base = WebSettings(data_dir=data_dir, pose_backend="none", lan=True, pairing_code=CODE,
                       public_url="https://127.0.0.1:1")
    return replace(base, **changes)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def lan(certificate: Certificate) -> Iterator[BackgroundServer]:
    data = certificate.cert_path.parent.parent
    port = free_port()
    settings = _lan_settings(data, public_url=f"https://127.0.0.1:{port}")
    with BackgroundServer(settings, port=port, tls=certificate) as running:
        yield running


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("BACKCOACH_SCREENSHOT_DIR", tmp_path / "shots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _page(browser: Browser, size: str) -> Page:
    width, height = SIZES[size]
    page = browser.new_context(viewport={"width": width, "height": height}).new_page()
    page.set_default_timeout(15_000)
    return page


def _decode_qr(png: bytes) -> str:
    image = cv2.imdecode(np.frombuffer(png, dtype=np.uint8), cv2.IMREAD_COLOR)
    text, _points, _ = cv2.QRCodeDetector().detectAndDecode(image)
    return str(text)


@pytest.mark.parametrize("size", list(SIZES))
def test_a_phone_pairs_over_https_and_the_qr_page_shows_the_way(
    browser: Browser, lan: BackgroundServer, size: str, shots: Path
) -> None:
    page = _page(browser, size)
    refused = page.goto(lan.url + "/today")
    assert refused is not None and refused.status == 401  # no page before pairing
    assert page.locator("#pair-code").is_visible()
    assert "Today's plan" not in page.content()
    page.screenshot(path=shots / f"{size}_pair_form.png")
    page.fill("#pair-code", "000000")
    page.click("button[type=submit]")
    assert "not right" in page.locator("#pair-message").inner_text()
    page.fill("#pair-code", CODE)
    page.click("button[type=submit]")
    page.wait_for_url("**/session")
    assert page.evaluate("window.isSecureContext") is True
    assert page.evaluate("!!(navigator.mediaDevices && navigator.mediaDevices.getUserMedia)")
    page.goto(lan.url + "/lan")
    qr = page.locator("#lan-qr svg")
    box = qr.bounding_box()
    assert box and box["width"] >= 150
    assert _decode_qr(qr.screenshot()) == pairing_url(lan.url, CODE)
    assert page.locator("#pairing-code").inner_text() == CODE
    assert "not private" in page.locator("#certificate-help").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    page.screenshot(path=shots / f"{size}_lan.png", full_page=True)


def test_the_qr_link_pairs_in_one_step(browser: Browser, lan: BackgroundServer) -> None:
    page = _page(browser, "phone-390")
    page.goto(pairing_url(lan.url, CODE))
    page.wait_for_url("**/session")
    assert page.locator("#stop-button").is_visible()


def test_local_server_without_lan_explains_how_to_start_it(
    browser: Browser, tmp_path: Path
) -> None:
    with BackgroundServer(WebSettings(data_dir=tmp_path / "data", pose_backend="none")) as plain:
        assert plain.url.startswith("http://127.0.0.1")
        page = _page(browser, "phone-360")
        page.goto(plain.url + "/lan")
        assert "backcoach serve --lan" in page.locator("#lan-off").inner_text()


def test_a_paired_phone_streams_its_camera_over_wss(
    playwright: Playwright, certificate: Certificate, tmp_path: Path, shots: Path,
    fake_camera_file: Path,
) -> None:
    """The real pose model sees the fake camera of a paired 390x844 phone over HTTPS."""
    from backcoach.core.safety import load_screening

    video = fake_camera_file
    args = [*ARGS, f"--ignore-certificate-errors-spki-list={_spki(certificate)}",
            "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={video}"]  # fmt: skip
    camera_browser = playwright.chromium.launch(executable_path=CHROMIUM, args=args)
    settings = _lan_settings(tmp_path / "data", pose_backend="mediapipe")
    try:
        with BackgroundServer(settings, tls=certificate) as live:
            page = _page(camera_browser, "phone-390")
            page.goto(pairing_url(live.url, CODE, then="/welcome"))
            page.check("#accept")
            for question in load_screening().questions:
                page.check(f"input[name='q_{question.id}'][value='no']")
            page.click("button[type=submit]")
            page.wait_for_url("**/today")
            page.goto(live.url + "/session")
            page.check("#camera-toggle")
            page.click("#start-button")
            page.wait_for_selector("#pain-panel:not(.hidden)")
            page.keyboard.press("2")
            page.wait_for_function(
                "Number(document.getElementById('camera-panel').dataset.poses || 0) >= 3",
                timeout=60_000,
            )
            page.screenshot(path=shots / "phone-390_lan_camera.png")
            page.keyboard.press("s")
            page.wait_for_selector("#session-done:not(.hidden)")
    finally:
        camera_browser.close()


def test_without_trusting_the_certificate_chromium_warns(
    playwright: Playwright, lan: BackgroundServer
) -> None:
    """What a phone shows first (README: "The phone as the camera"): an untrusted certificate."""
    plain = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
    try:
        page = plain.new_page()
        with pytest.raises(PlaywrightError, match="ERR_CERT"):
            page.goto(lan.url + "/")
    finally:
        plain.close()
