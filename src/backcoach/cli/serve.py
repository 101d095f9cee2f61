"""``backcoach serve``: the local web app on this computer's loopback address, in the browser."""

from __future__ import annotations

import errno
import ipaddress
import socket
import threading
import time
import webbrowser
from typing import Annotated

import typer

from backcoach.cli.context import AppContext
from backcoach.cli.errors import CliError, UsageError
from backcoach.web.settings import DEFAULT_HOST, DEFAULT_PORT, WebSettings

_LOCAL = {"127.0.0.1", "localhost", "::1"}


def is_loopback(host: str) -> bool:
    """Whether ``host`` names this computer only (127.0.0.0/8, ::1, localhost)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


UNSAFE_WARNING = (
    "WARNING: --unsafe-expose serves your pain journal, unencrypted and without any login, to "
    "every device that can reach {host}:{port}. Anyone on this network can read and change it. "
    "Stop the server (Ctrl+C) as soon as you are done."
)


def check_exposure(host: str, unsafe_expose: bool) -> str | None:
    """Refuse a non-loopback ``--host`` unless the person accepts the risk; the warning to show.

    This is the hook for a safe network mode (HTTPS with pairing, ``--lan``, issue 11): such a
    mode returns before this check; a plain ``--host`` never exposes the journal silently.
    """
    if is_loopback(host):
        return None
    if not unsafe_expose:
        raise UsageError(
            f"--host {host} would serve your journal to other devices with no encryption or "
            "login. Keep the default (127.0.0.1); to do it anyway add --unsafe-expose."
        )
    return UNSAFE_WARNING


def _check_port_free(host: str, port: int) -> None:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        # As uvicorn binds: a port left in TIME_WAIT by a crashed server is free to reuse.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise CliError(
                    f"port {port} on {host} is already in use (is backcoach already running? "
                    f"open http://{host}:{port}/ or pick another port with --port)"
                ) from None
            raise CliError(f"cannot listen on {host}:{port}: {exc.strerror}") from None


def _open_when_ready(server: object, url: str) -> None:
    deadline = time.monotonic() + 30
    while not getattr(server, "started", False) and time.monotonic() < deadline:
        time.sleep(0.05)
    if getattr(server, "started", False):
        webbrowser.open(url)


def _host_given(ctx: typer.Context) -> bool:
    """Whether --host was typed (with --lan the default becomes every address)."""
    return getattr(ctx.get_parameter_source("host"), "name", "") == "COMMANDLINE"


def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option(help="Address to listen on (keep it local).")] = DEFAULT_HOST,
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = DEFAULT_PORT,
    no_browser: Annotated[
        bool, typer.Option("--no-browser", help="Do not open the browser.")
    ] = False,
    unsafe_expose: Annotated[
        bool, typer.Option("--unsafe-expose",
                           help="Allow a --host other than this computer (unencrypted, no login).")
    ] = False,
    lan: Annotated[bool, typer.Option(
        "--lan", help="Serve HTTPS to your local network so a phone can be the camera "
        "(asks for a pairing code; listens on all addresses unless --host is given).")] = False,
) -> None:
    """Start the local web app (onboarding, today's plan, guided sessions with the camera)."""
    import uvicorn

    from backcoach.web.server import run_server, uvicorn_config

    app_ctx: AppContext = ctx.obj
    warning = None if lan else check_exposure(host, unsafe_expose)  # --lan: HTTPS + pairing
    extra = () if host in _LOCAL else (host,)
    settings = WebSettings(
        data_dir=app_ctx.data_dir,
        catalog_dir=app_ctx.catalog_dir,
        profile=app_ctx.profile,
        allowed_hosts=extra,
    )
    tls = None
    if lan:
        from backcoach.cli.lan import ANY_ADDRESS, announce, prepare_lan

        host = ANY_ADDRESS if host == DEFAULT_HOST and not _host_given(ctx) else host
        _check_port_free(host, port)
        served = prepare_lan(settings, host, port)
        settings, tls, url = served.settings, served.certificate, served.local_url
        announce(served)
    else:
        _check_port_free(host, port)
        shown = f"[{host}]" if ":" in host else host
        url = f"http://{shown}:{port}/"
        if warning is not None:
            typer.echo(warning.format(host=host, port=port), err=True)
        typer.echo(f"backcoach is running at {url}  (press Ctrl+C to stop)")
    server = uvicorn.Server(uvicorn_config(settings, host, port, tls=tls))
    if not no_browser:
        threading.Thread(target=_open_when_ready, args=(server, url), daemon=True).start()
    run_server(server)
