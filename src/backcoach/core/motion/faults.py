"""Form faults: stable codes and plain-language messages, loaded from ``data/faults.toml``.

The codes are an interface (``backcoach analyze --json``, session logs, the synthetic body model);
the analysers only ever report codes that this file defines.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path


class FaultCatalogError(Exception):
    """``faults.toml`` is missing or malformed; the message names the file and the problem."""


@dataclass(frozen=True, slots=True)
class FaultDefinition:
    code: str
    exercises: tuple[str, ...]
    message: str
    definition: str


def _default_path() -> Path:
    return Path(str(resources.files("backcoach") / "data" / "faults.toml"))


def load_faults(path: Path | None = None) -> dict[str, FaultDefinition]:
    """Load the fault definitions, keyed by code."""
    source = path or _default_path()
    try:
        raw = tomllib.loads(source.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise FaultCatalogError(f"{source}: cannot be read: {exc}") from None
    faults: dict[str, FaultDefinition] = {}
    for number, item in enumerate(raw.get("fault", []), start=1):
        try:
            fault = FaultDefinition(
                code=str(item["code"]),
                exercises=tuple(str(e) for e in item["exercises"]),
                message=str(item["message"]),
                definition=str(item["definition"]),
            )
        except (KeyError, TypeError) as exc:
            raise FaultCatalogError(f"{source}: fault #{number} lacks field {exc}") from None
        if fault.code in faults:
            raise FaultCatalogError(f"{source}: duplicate fault code {fault.code!r}")
        faults[fault.code] = fault
    return faults


@cache
def shipped_faults() -> dict[str, FaultDefinition]:
    """The shipped fault definitions (read once)."""
    return load_faults()


def fault_message(code: str) -> str:
    """The message shown to the person for ``code``; raises ``KeyError`` for an unknown code."""
    return shipped_faults()[code].message
