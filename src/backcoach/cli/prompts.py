"""Questions asked on the terminal (or read from a pipe): yes/no, pain 0-10, one of a few words.

All go through ``KeyInput.read_line`` so a script can answer them on stdin; when input ends before
an answer, the person gets a clear message instead of a guessed answer.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.console import Console
from rich.markup import escape

from backcoach.cli.errors import InputError
from backcoach.cli.terminal import KeyInput
from backcoach.core.pain import PainScoreError, validate_pain

_YES = {"y", "yes", "j", "ja", "true", "1"}
_NO = {"n", "no", "nein", "false", "0"}


def _line(
    keys: KeyInput, console: Console, prompt: str, what: str,
    meanwhile: Callable[[], str | None] | None = None,
) -> str:  # fmt: skip
    try:
        return keys.read_line(prompt, console, meanwhile)
    except EOFError:
        raise InputError(f"input ended before {what} was given") from None


def ask_text(keys: KeyInput, console: Console, question: str, what: str) -> str:
    """Ask for a free-text answer (may be empty)."""
    return _line(keys, console, escape(f"{question} "), what)


def ask_yes_no(keys: KeyInput, console: Console, question: str, what: str = "an answer") -> bool:
    """Ask until the answer is yes or no; no default, so nothing is assumed."""
    while True:
        answer = _line(keys, console, escape(f"{question} [y/n]: "), what).lower()
        if answer in _YES:
            return True
        if answer in _NO:
            return False
        console.print("Please answer y (yes) or n (no).")


def parse_pain(text: str, what: str = "pain score") -> int:
    """A 0-10 pain score from text; anything else raises ``InputError`` with the scale explained."""
    try:
        value: object = int(text.strip())
    except ValueError:
        value = text.strip()
    try:
        return validate_pain(value, what)
    except PainScoreError as exc:
        raise InputError(str(exc)) from None


def ask_pain(
    keys: KeyInput, console: Console, question: str, what: str,
    spoken: Callable[[], str | None] | None = None,
) -> int:  # fmt: skip
    """Ask for a 0-10 pain score, asking again (with the scale explained) after a bad answer.

    ``spoken`` (``session --voice``) may answer instead of the keyboard: see ``read_line``.
    """
    while True:
        prompt = escape(f"{question} (0 = none, 10 = worst): ")
        answer = _line(keys, console, prompt, what, spoken)
        try:
            return parse_pain(answer, what)
        except InputError as exc:
            console.print(f"[red]{escape(str(exc))}[/red]")


def ask_choice(
    keys: KeyInput, console: Console, question: str, choices: tuple[str, ...], what: str
) -> str:
    """Ask until the answer is one of ``choices`` (or an unambiguous first letter)."""
    while True:
        answer = _line(keys, console, escape(f"{question} [{'/'.join(choices)}]: "), what).lower()
        matches = [c for c in choices if c == answer or (answer and c.startswith(answer))]
        if len(matches) == 1:
            return matches[0]
        console.print(f"Please answer one of: {', '.join(choices)}.")
