"""JSON from outside (uploads, WebSocket messages, import and landmark files), parsed with limits.

Python's ``json`` accepts integers of thousands of digits (slow, and they overflow SQLite's 64-bit
integers or ``float()`` later), ``1e400`` (read as infinity), ``NaN``, and nesting deep enough to
exhaust the stack. ``loads`` refuses all of these with ``JsonLimitError`` (a ``ValueError``) whose
message a person can act on, so no caller ever sees an overflow or a recursion error.
"""

from __future__ import annotations

import json
import math
from typing import Any

#: Integers beyond this are not exact in JavaScript, and nothing in backcoach needs them.
MAX_INT = 2**53
_MAX_INT_DIGITS = 16


class JsonLimitError(ValueError):
    """Not JSON, or JSON outside the limits; the message says which."""


def _parse_int(text: str) -> int:
    digits = text.lstrip("-")
    if len(digits) > _MAX_INT_DIGITS or abs(int(text)) > MAX_INT:
        raise JsonLimitError(f"not usable JSON: the number {text[:20]}… is far too large")
    return int(text)


def _parse_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise JsonLimitError(f"not usable JSON: the number {text[:20]} is too large")
    return value


def _parse_constant(name: str) -> float:
    raise JsonLimitError(f"not valid JSON ({name} is not a number JSON allows)")


def decoder() -> json.JSONDecoder:
    """A decoder with the same limits as ``loads``, for reading a value at a time
    (``raw_decode``); it raises ``JsonLimitError`` for numbers and ``RecursionError`` when the
    nesting is too deep."""
    return json.JSONDecoder(
        parse_int=_parse_int, parse_float=_parse_float, parse_constant=_parse_constant
    )


def loads(text: str | bytes) -> Any:
    """Parse ``text``; ``JsonLimitError`` for bad JSON, huge or infinite numbers, deep nesting."""
    try:
        return json.loads(text, parse_int=_parse_int, parse_float=_parse_float,
                          parse_constant=_parse_constant)
    except JsonLimitError:
        raise
    except RecursionError:
        raise JsonLimitError("not usable JSON: nested too deeply") from None
    except json.JSONDecodeError as exc:
        raise JsonLimitError(f"not valid JSON ({exc})") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise JsonLimitError(f"not valid JSON ({exc})") from None
