"""Reading request bodies safely: a size cap, JSON or URL-encoded forms, typed fields.

Every failure raises ``InputError`` (a 4xx) naming what was wrong, so handlers never see
malformed data and never turn it into a 500.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qs

from starlette.requests import Request

from backcoach.core.text import has_surrogates
from backcoach.web.errors import InputError

#: Whole numbers as people type them: ASCII digits only ("²" and "٣" are digits to str.isdigit).
_WHOLE = re.compile(r"-?[0-9]{1,18}")
MAX_FORM_FIELDS = 200


async def read_body(request: Request, max_bytes: int) -> bytes:
    """The raw body, refused with 413 as soon as it grows past ``max_bytes``."""
    declared = request.headers.get("content-length")
    if declared is not None:
        if not re.fullmatch(r"[0-9]{1,18}", declared):
            raise InputError("the Content-Length header is not a number")
        if int(declared) > max_bytes:
            raise InputError(
                f"request body too large ({declared} bytes; the limit is {max_bytes})", 413
            )
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > max_bytes:
            raise InputError(f"request body too large (the limit is {max_bytes} bytes)", 413)
        chunks.append(chunk)
    return b"".join(chunks)


async def read_json_object(request: Request, max_bytes: int) -> dict[str, Any]:
    """A JSON object body; an empty body counts as ``{}``."""
    body = await read_body(request, max_bytes)
    if not body.strip():
        return {}
    try:
        data = json.loads(body)
    except RecursionError:
        raise InputError("the request body is nested too deeply") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"the request body is not valid JSON: {exc}") from None
    except ValueError:  # e.g. a number of more than 4300 digits
        raise InputError("the request body holds a number that is far too long") from None
    if not isinstance(data, dict):
        raise InputError("the request body must be a JSON object")
    return data


async def read_form(request: Request, max_bytes: int) -> dict[str, str]:
    """A URL-encoded form (the only kind our pages send); the last value of a field wins."""
    body = await read_body(request, max_bytes)
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError("the form data is not valid UTF-8") from None
    try:
        fields = parse_qs(text, keep_blank_values=True, max_num_fields=MAX_FORM_FIELDS)
    except ValueError:
        raise InputError(f"the form has too many fields (at most {MAX_FORM_FIELDS})", 413) from None
    return {key: values[-1] for key, values in fields.items()}


def int_field(data: dict[str, Any], name: str, low: int, high: int) -> int:
    """An integer field within ``low..high``; booleans and strings are refused."""
    value = data.get(name)
    if isinstance(value, str) and _WHOLE.fullmatch(value.strip()):
        value = int(value.strip())
    if not isinstance(value, int) or isinstance(value, bool):
        raise InputError(f"field '{name}' must be a whole number from {low} to {high}", 422)
    if not low <= value <= high:
        raise InputError(f"field '{name}' must be from {low} to {high}, not {value}", 422)
    return value


def str_field(data: dict[str, Any], name: str, max_len: int = 200) -> str:
    value = data.get(name)
    if not isinstance(value, str) or not value.strip():
        raise InputError(f"field '{name}' must be a non-empty text", 422)
    if has_surrogates(value):
        raise InputError(f"field '{name}' holds characters that are not text", 422)
    if len(value) > max_len:
        raise InputError(f"field '{name}' is too long (at most {max_len} characters)", 422)
    return value.strip()
