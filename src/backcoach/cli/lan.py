"""``backcoach serve --lan``: what changes when the phone is the camera.

Kept apart from ``cli/serve.py`` so the plain local server stays as simple as it is: this module
picks the address phones use, makes (or reuses) the certificate in the data folder, draws a
pairing code and prints the QR code that carries both.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import typer

from backcoach.storage.database import resolve_data_dir
from backcoach.web.lan import (
    Certificate,
    ensure_certificate,
    lan_address,
    new_pairing_code,
    pairing_url,
    qr_terminal,
)
from backcoach.web.settings import WebSettings

ANY_ADDRESS = "0.0.0.0"


@dataclass(frozen=True)
class LanServe:
    settings: WebSettings
    certificate: Certificate
    public_url: str
    local_url: str  # what this computer's own browser opens (pairs it too)


def prepare_lan(settings: WebSettings, host: str, port: int) -> LanServe:
    """Settings, certificate and addresses for ``host`` (``0.0.0.0``: the LAN address)."""
    shown = lan_address() if host == ANY_ADDRESS else host
    code = new_pairing_code()
    certificate = ensure_certificate(resolve_data_dir(settings.data_dir), [shown])
    public = f"https://{shown}:{port}"
    local_host = "127.0.0.1" if host == ANY_ADDRESS else shown
    extra = tuple(h for h in (shown,) if h not in ("127.0.0.1", "localhost"))
    lan_settings = replace(settings, lan=True, pairing_code=code, public_url=public,
                           allowed_hosts=(*settings.allowed_hosts, *extra))
    local = pairing_url(f"https://{local_host}:{port}", code, then="/lan")
    return LanServe(lan_settings, certificate, public, local)


def announce(lan: LanServe) -> None:
    """Print the address, the pairing code, the QR code and what the phone's warning means."""
    code = lan.settings.pairing_code or ""
    typer.echo(qr_terminal(pairing_url(lan.public_url, code)))
    typer.echo(f"backcoach is serving your local network at {lan.public_url}/  "
               "(press Ctrl+C to stop)")
    typer.echo(f"Pairing code: {code}   (a phone needs it before it sees any page)")
    typer.echo("The phone will warn that the certificate is not trusted: it is backcoach's own, "
               f"SHA-256 {lan.certificate.fingerprint}")
    typer.echo(f"Certificate file (to trust it on the phone): {lan.certificate.cert_path}")
