"""``serve --lan``: HTTPS with the certificate kept in the data folder, and no page, file or
camera socket for a device that has not paired. Servers bind 127.0.0.1 only."""

from __future__ import annotations

import asyncio
import ssl
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import httpx
import pytest
import websockets
from cryptography import x509

from backcoach.web.lan import (
    ensure_certificate,
    new_pairing_code,
    pairing_url,
    qr_svg,
)
from backcoach.web.pairing import MAX_FAILURES, PAIR_COOKIE
from backcoach.web.server import BackgroundServer, browser_client, free_port
from backcoach.web.settings import WebSettings

CODE = "482913"


def test_certificate_is_private_kept_and_names_the_address(tmp_path: Path) -> None:
    first = ensure_certificate(tmp_path, ["127.0.0.1"])
    assert stat.S_IMODE(first.key_path.stat().st_mode) == 0o600
    assert stat.S_IMODE(first.cert_path.stat().st_mode) == 0o600
    assert first.cert_path.parent == tmp_path / "tls"
    again = ensure_certificate(tmp_path, ["127.0.0.1"])
    assert again.fingerprint == first.fingerprint  # kept: a phone trusts it once
    moved = ensure_certificate(tmp_path, ["192.168.1.20"])  # a new address: a new certificate
    assert moved.fingerprint != first.fingerprint
    cert = x509.load_pem_x509_certificate(moved.cert_path.read_bytes())
    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert {str(ip) for ip in san.get_values_for_type(x509.IPAddress)} >= {"192.168.1.20"}


def test_pairing_codes_are_six_digits_and_vary() -> None:
    codes = {new_pairing_code() for _ in range(20)}
    assert all(len(c) == 6 and c.isdigit() for c in codes)
    assert len(codes) > 15


def test_qr_code_is_an_svg_of_the_pairing_address() -> None:
    svg = qr_svg(pairing_url("https://192.168.1.20:8765", CODE))
    assert svg.startswith("<svg") and "viewBox" in svg


@pytest.fixture
def lan_server(tmp_path: Path, settings: WebSettings) -> Iterator[tuple[BackgroundServer, Path]]:
    cert = ensure_certificate(tmp_path / "data", ["127.0.0.1"])
    lan = replace(settings, lan=True, pairing_code=CODE, public_url="https://127.0.0.1:1")
    with BackgroundServer(lan, tls=cert) as running:
        yield running, cert.cert_path


def _trusting(cert_path: Path) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(cert_path))


def test_unpaired_devices_get_nothing_but_the_pairing_form(
    lan_server: tuple[BackgroundServer, Path],
) -> None:
    server, cert_path = lan_server
    assert server.url.startswith("https://127.0.0.1:")
    with browser_client(server.url, verify=_trusting(cert_path), timeout=10) as http:
        for path in ("/", "/today", "/history", "/static/css/app.css", "/settings/export.json"):
            refused = http.get(path)
            assert refused.status_code == 401, path
            assert 'id="pair-code"' in refused.text
        assert http.get("/pair", params={"code": "000000"}).status_code == 403
        assert PAIR_COOKIE not in http.cookies
        paired = http.get("/pair", params={"code": CODE, "next": "/lan"})
        assert paired.status_code == 303 and paired.headers["location"] == "/lan"
        assert http.get("/today").status_code in (200, 303)
        assert http.get("/static/css/app.css").status_code == 200
        page = http.get("/lan")
        assert 'id="lan-qr"' in page.text and CODE in page.text


def test_plain_http_is_not_served_on_the_lan_port(
    lan_server: tuple[BackgroundServer, Path],
) -> None:
    server, _ = lan_server
    with pytest.raises(httpx.HTTPError):
        httpx.get(server.url.replace("https", "http"), timeout=5)


def test_the_camera_socket_is_closed_for_an_unpaired_device(
    lan_server: tuple[BackgroundServer, Path],
) -> None:
    server, cert_path = lan_server

    async def attempt() -> int | None:
        async with websockets.connect(server.ws_url + "/ws/coach", ssl=_trusting(cert_path),
                                      origin=websockets.Origin(server.url)) as ws:  # type: ignore[attr-defined]
            with pytest.raises(websockets.ConnectionClosed):
                await ws.recv()
            return ws.close_code

    try:
        code = asyncio.run(attempt())
    except websockets.InvalidStatus as refused:  # refused before the upgrade is as good
        code = refused.response.status_code
    assert code in (1008, 403)


def test_guessing_is_slowed_down(lan_server: tuple[BackgroundServer, Path]) -> None:
    server, cert_path = lan_server
    with browser_client(server.url, verify=_trusting(cert_path), timeout=10) as http:
        for wrong in range(MAX_FAILURES):
            assert http.get("/pair", params={"code": f"{wrong:06d}"}).status_code == 403
        assert http.get("/pair", params={"code": CODE}).status_code == 429  # even the right one


def test_serve_lan_prints_code_and_serves_https_with_its_certificate(tmp_path: Path) -> None:
    port = free_port()
    data = tmp_path / "data"
    command = [sys.executable, "-m", "backcoach", "--data-dir", str(data), "serve", "--lan",
               "--host", "127.0.0.1", "--port", str(port), "--no-browser"]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        cert_path = data / "tls" / "backcoach-cert.pem"
        deadline = time.monotonic() + 60
        while True:
            try:
                response = httpx.get(f"https://127.0.0.1:{port}/", timeout=2,
                                     verify=_trusting(cert_path))
                break
            except (httpx.TransportError, FileNotFoundError, ssl.SSLError):
                assert process.poll() is None, process.communicate()
                assert time.monotonic() < deadline, "backcoach serve --lan did not start"
                time.sleep(0.3)
        assert response.status_code == 401
    finally:
        process.terminate()
        out, err = process.communicate(timeout=20)
    assert f"https://127.0.0.1:{port}/" in out
    code = out.split("Pairing code: ")[1].split()[0]
    assert len(code) == 6 and code.isdigit()
    assert "Traceback" not in err
    assert stat.S_IMODE((data / "tls" / "backcoach-key.pem").stat().st_mode) == 0o600
