"""Turning every backcoach error into one clear line and an exit code, never a traceback.

Exit codes: 0 success; 1 a problem the person can act on (bad input, unreadable data, a session
refused for safety); 2 a usage error (unknown option, missing argument; click's own code).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import NoReturn

import typer

EXIT_PROBLEM = 1
EXIT_USAGE = 2


class CliError(Exception):
    """A problem the person can act on; shown as one line on stderr with exit code 1."""

    exit_code = EXIT_PROBLEM


class InputError(CliError):
    """A value typed or passed in is out of range or malformed (e.g. pain 11/10)."""


class UsageError(CliError):
    """A command-line value breaks a rule (e.g. a profile name with a slash); exit code 2."""

    exit_code = EXIT_USAGE


class Refused(CliError):
    """A session was refused (safety decision); the message carries the reason and advice."""


def fail(message: str, code: int = EXIT_PROBLEM) -> NoReturn:
    """Print ``backcoach: message`` on stderr and exit with ``code``."""
    typer.echo(f"backcoach: {message}", err=True)
    raise SystemExit(code)


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text or type(exc).__name__


def run_guarded(entry: Callable[[], object]) -> NoReturn:
    """Run ``entry`` (the Typer app) so that no exception reaches the person as a traceback.

    Set ``BACKCOACH_DEBUG=1`` to let unexpected errors through with their traceback.
    """
    try:
        entry()
    except SystemExit:
        raise
    except CliError as exc:
        fail(_one_line(exc), exc.exit_code)
    except KeyboardInterrupt:
        fail("interrupted", 130)
    except Exception as exc:
        if _debug():
            raise
        if _is_known(exc):
            fail(_one_line(exc))
        fail(f"unexpected {type(exc).__name__}: {_one_line(exc)} (BACKCOACH_DEBUG=1 shows details)")
    sys.exit(0)


def _debug() -> bool:
    """``BACKCOACH_DEBUG`` set to a truthy value (1, true, yes, on); 0, false or empty are off."""
    value = os.environ.get("BACKCOACH_DEBUG", "").strip().lower()
    return value in ("1", "true", "yes", "on")


def _is_known(exc: BaseException) -> bool:
    """Errors from backcoach's own packages carry messages written for the person."""
    return type(exc).__module__.startswith("backcoach.")
