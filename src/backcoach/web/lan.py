"""The phone as the camera: HTTPS on the local network, a QR code, and a pairing code.

A browser gives a page the camera only in a secure context, and 127.0.0.1 is the only address
that counts as one without TLS. So ``backcoach serve --lan`` serves HTTPS with a self-signed
certificate it creates once and keeps in the data folder (private key readable by the owner
only), and lets no device in, page or camera socket, until it shows the pairing code printed on
the computer. Nothing here talks to the network: finding the LAN address opens a UDP socket
without sending a packet.
"""

from __future__ import annotations

import ipaddress
import os
import secrets
import socket
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import segno
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

TLS_FOLDER = "tls"
CERT_NAME = "backcoach-cert.pem"
KEY_NAME = "backcoach-key.pem"
CERT_DAYS = 825  # the longest validity Apple devices accept for a server certificate
PAIRING_DIGITS = 6


@dataclass(frozen=True)
class Certificate:
    """Where the PEM files are, and the SHA-256 fingerprint to compare on the phone."""

    cert_path: Path
    key_path: Path
    fingerprint: str


def lan_address() -> str:
    """This computer's address on the local network (127.0.0.1 if it has none).

    Connecting a UDP socket only picks the outgoing interface; no packet is sent."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("10.254.254.254", 1))
            return str(probe.getsockname()[0])
        except OSError:
            return "127.0.0.1"


def new_pairing_code() -> str:
    """Six random digits: typed on a phone in seconds, guessed with 1 in a million odds."""
    return f"{secrets.randbelow(10**PAIRING_DIGITS):0{PAIRING_DIGITS}d}"


def _names(hosts: list[str]) -> list[x509.GeneralName]:
    names: list[x509.GeneralName] = [x509.DNSName("localhost")]
    for host in dict.fromkeys([*hosts, "127.0.0.1"]):
        try:
            names.append(x509.IPAddress(ipaddress.ip_address(host)))
        except ValueError:
            names.append(x509.DNSName(host))
    return names


def _covers(cert: x509.Certificate, hosts: list[str], now: datetime) -> bool:
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return False
    have = {str(v) for v in san.get_values_for_type(x509.IPAddress)}
    have |= set(san.get_values_for_type(x509.DNSName))
    fresh = cert.not_valid_after_utc - now > timedelta(days=30)
    return fresh and all(h in have for h in hosts)


def _fingerprint(cert: x509.Certificate) -> str:
    return ":".join(f"{b:02X}" for b in cert.fingerprint(hashes.SHA256()))


def _write_private(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(data)
    path.chmod(0o600)


def ensure_certificate(data_dir: Path, hosts: list[str], now: datetime | None = None
                       ) -> Certificate:
    """The certificate in ``data_dir/tls``, made (or remade) if missing, expiring within 30 days
    or not naming every one of ``hosts``. Kept between runs, so a phone trusts it once."""
    now = now or datetime.now(UTC)
    folder = data_dir / TLS_FOLDER
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    cert_path, key_path = folder / CERT_NAME, folder / KEY_NAME
    if cert_path.exists() and key_path.exists():
        cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
        if _covers(cert, hosts, now):
            return Certificate(cert_path, key_path, _fingerprint(cert))
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "backcoach on this computer")])
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=CERT_DAYS))
        .add_extension(x509.SubjectAlternativeName(_names(hosts)), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]),
                       critical=False)
        .sign(key, hashes.SHA256())
    )
    _write_private(key_path, key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    _write_private(cert_path, cert.public_bytes(serialization.Encoding.PEM))
    return Certificate(cert_path, key_path, _fingerprint(cert))


def pairing_url(base_url: str, code: str, then: str = "/session") -> str:
    """The address the QR code holds: opening it pairs the phone and goes to ``then``."""
    return f"{base_url.rstrip('/')}/pair?code={code}&next={then}"


def qr_svg(text: str) -> str:
    """``text`` as an inline SVG QR code (dark on white, with the quiet zone scanners need)."""
    code = segno.make(text, error="m")
    return str(code.svg_inline(scale=6, dark="#111418", light="#ffffff", border=4,
                                   omitsize=True))


def qr_terminal(text: str) -> str:
    """``text`` as a QR code drawn with block characters, for the terminal."""
    import io

    out = io.StringIO()
    segno.make(text, error="m").terminal(out=out, compact=True)
    return out.getvalue()
