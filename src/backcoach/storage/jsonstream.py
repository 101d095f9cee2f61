"""A JSON object read from a file one member at a time, and its big arrays one element at a time.

A journal export of ten years is tens of megabytes; parsed whole it costs many times its size in
Python objects (a 100 MB file took 3.5 GB). ``iter_members`` keeps only a window of the text and
the one value being handed over, so memory stays flat whatever the file's size.

Each value is parsed by the standard library's C decoder with ``core.safejson``'s hooks, so the
same limits hold as for a whole-file parse: integers of at most 16 digits and 2^53, no infinity or
NaN, nesting bounded by the decoder's recursion check. On top of them a file must be a regular
file (a device or a pipe could never end or hang), at most ``max_bytes`` long, UTF-8, and no one
value (one session, one note) may exceed ``MAX_VALUE_CHARS``. Every refusal is a
``JsonLimitError`` whose message a person can act on.
"""

from __future__ import annotations

import json
import os
import re
import stat
from collections.abc import Collection, Iterator
from pathlib import Path
from typing import Any, TextIO

from backcoach.core import safejson
from backcoach.core.safejson import JsonLimitError

#: The largest single value (one record of a list, or one top-level member) held at once.
MAX_VALUE_CHARS = 16 * 1024 * 1024
_CHUNK_CHARS = 1024 * 1024
_SPACE = re.compile(r"[ \t\n\r]*")
_DECODER = safejson.decoder()


def open_regular(path: Path, max_bytes: int) -> TextIO:
    """``path`` opened as UTF-8 text, if it is a regular file of at most ``max_bytes``.

    The check is made on the opened file (opened without waiting, so a pipe cannot hang it), so
    a file swapped for a device after a look at its name is refused too."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as exc:
        raise JsonLimitError(f"cannot read {path}: {exc.strerror}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise JsonLimitError(f"{path} is not a regular file (a folder, device or pipe)")
        if info.st_size > max_bytes:
            raise JsonLimitError(
                f"{path} is too large ({info.st_size} bytes; an export is at most {max_bytes})"
            )
        return os.fdopen(fd, encoding="utf-8", errors="strict", newline="")
    except BaseException:
        os.close(fd)
        raise


class _Reader:
    """A sliding window over a text file: ``buf[pos:]`` is what is not consumed yet."""

    def __init__(self, handle: TextIO, name: str, max_chars: int) -> None:
        self._handle = handle
        self._name = name
        self._max_chars = max_chars
        self._read_total = 0
        self.buf = ""
        self.pos = 0
        self.offset = 0  # characters of the file dropped before ``buf``
        self.eof = False

    def more(self, at_least: int = _CHUNK_CHARS) -> bool:
        """Read at least ``at_least`` more characters (fewer only at the end of the file)."""
        if self.eof:
            return False
        if self.pos > len(self.buf) // 2:  # drop what was consumed
            self.offset += self.pos
            self.buf = self.buf[self.pos :]
            self.pos = 0
        try:
            chunk = self._handle.read(max(at_least, _CHUNK_CHARS))
        except UnicodeDecodeError:
            raise JsonLimitError(f"{self._name} is not a JSON file (not UTF-8 text)") from None
        except OSError as exc:
            raise JsonLimitError(f"cannot read {self._name}: {exc.strerror}") from None
        self._read_total += len(chunk)
        if self._read_total > self._max_chars:  # the file grew while being read
            raise JsonLimitError(
                f"{self._name} is too large (an export is at most {self._max_chars} bytes)"
            )
        if not chunk:
            self.eof = True
            return False
        self.buf += chunk
        return True

    def peek(self) -> str:
        """The next character after white space, '' at the end of the file."""
        while True:
            match = _SPACE.match(self.buf, self.pos)
            assert match is not None  # the pattern matches the empty string
            self.pos = match.end()
            if self.pos < len(self.buf):
                return self.buf[self.pos]
            if not self.more():
                return ""

    def expect(self, allowed: str, what: str) -> str:
        char = self.peek()
        if not char or char not in allowed:
            found = repr(char) if char else "the end of the file"
            raise JsonLimitError(
                f"not valid JSON: expected {what} at character {self.offset + self.pos}, "
                f"found {found}"
            )
        self.pos += 1
        return char

    def value(self) -> Any:
        """Decode the next JSON value; read more of the file while it is cut off."""
        self.peek()
        while True:
            try:
                value, end = _DECODER.raw_decode(self.buf, self.pos)
            except JsonLimitError:
                raise
            except RecursionError:
                raise JsonLimitError("not usable JSON: nested too deeply") from None
            except json.JSONDecodeError as exc:
                at = self.offset + exc.pos  # before _grow, which may drop the buffer's start
                if self._grow():
                    continue
                # Some of json's messages end in "at" already ("Unterminated string starting at").
                raise JsonLimitError(
                    f"not valid JSON ({exc.msg.removesuffix(' at')} at character {at})"
                ) from None
            if end < len(self.buf) or not self._grow():  # a number may go on in the next chunk
                if end - self.pos > MAX_VALUE_CHARS:
                    raise self._too_long()
                self.pos = end
                return value

    def _grow(self) -> bool:
        """Read more for a value cut off by the window's end; False at the end of the file."""
        pending = len(self.buf) - self.pos
        if pending > MAX_VALUE_CHARS:
            raise self._too_long()
        return self.more(at_least=pending)  # doubling keeps re-parsing linear

    def _too_long(self) -> JsonLimitError:
        return JsonLimitError(
            f"not usable JSON: one value at character {self.offset + self.pos} is longer "
            f"than {MAX_VALUE_CHARS} characters"
        )


def iter_members(
    path: Path, arrays: Collection[str], max_bytes: int
) -> Iterator[tuple[str, int | None, Any]]:
    """The members of the JSON object in ``path``, in file order, as ``(key, None, value)``;
    a member named in ``arrays`` whose value is an array comes as ``(key, index, element)``, one
    element at a time (an empty array yields nothing). A key may appear only once.
    Raises ``JsonLimitError`` (see the module's docstring); stops at the first problem."""
    with open_regular(path, max_bytes) as handle:
        reader = _Reader(handle, str(path), max_bytes)
        if reader.peek() != "{":
            raise JsonLimitError("not a JSON object")
        reader.pos += 1
        seen: set[str] = set()
        if reader.peek() == "}":
            reader.pos += 1
        else:
            while True:
                reader.expect('"', "a member name")
                reader.pos -= 1
                key = reader.value()
                if key in seen:
                    raise JsonLimitError(f'not usable JSON: the member "{key[:40]}" appears twice')
                seen.add(key)
                reader.expect(":", "':'")
                if key in arrays and reader.peek() == "[":
                    yield from _elements(reader, key)
                else:
                    yield key, None, reader.value()
                if reader.expect(",}", "',' or '}'") == "}":
                    break
        if reader.peek():
            raise JsonLimitError("not valid JSON (extra data after the object)")


def _elements(reader: _Reader, key: str) -> Iterator[tuple[str, int | None, Any]]:
    reader.pos += 1  # the '['
    if reader.peek() == "]":
        reader.pos += 1
        return
    index = 0
    while True:
        yield key, index, reader.value()
        index += 1
        if reader.expect(",]", "',' or ']'") == "]":
            return
