"""Text from outside (imports, forms, notes) made safe to store and to print on a terminal.

A note imported from a file may hold terminal escape codes (``ESC [ ... m``, cursor moves, a
title change) or lone UTF-16 surrogates (valid in JSON, invalid in UTF-8, so SQLite and the
terminal choke on them). ``printable`` keeps line breaks and tabs and drops the rest of the
control characters, including the bidirectional overrides that can make text read backwards.
"""

from __future__ import annotations

import re

_CONTROLS = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)
_SURROGATES = re.compile("[\ud800-\udfff]")


def has_surrogates(text: str) -> bool:
    """Whether ``text`` holds a lone surrogate (it cannot be stored as UTF-8)."""
    return _SURROGATES.search(text) is not None


def printable(text: str) -> str:
    """``text`` without control characters (newlines and tabs kept) or lone surrogates."""
    return _SURROGATES.sub("\ufffd", _CONTROLS.sub("", text))
