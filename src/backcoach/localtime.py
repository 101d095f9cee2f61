"""The person's time zone: which calendar day "today" is, for the CLI and the web app alike.

Times are stored in UTC; days (today's plan, rest days after sharp pain, history grouping,
reports, reminders) are the person's local days. The web app learns the browser's zone, the CLI
uses the system's; either is kept per profile in the journal (setting ``time_zone``), so exports
say which zone a day is in.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import datetime, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

ZONE_SETTING = "time_zone"
_ZONE_NAME_MAX = 64


def parse_zone(name: object) -> ZoneInfo | None:
    """An IANA zone (e.g. ``America/Los_Angeles``), or ``None`` for anything else."""
    if not isinstance(name, str) or not 0 < len(name) <= _ZONE_NAME_MAX:
        return None
    if name.startswith(("/", ".")) or ".." in name or "\\" in name or "\x00" in name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None


def system_zone() -> tzinfo:
    """This computer's zone: ``$TZ`` or ``/etc/localtime`` by name where possible, else the
    current UTC offset."""
    for name in (os.environ.get("TZ", "").lstrip(":"), _localtime_name()):
        zone = parse_zone(name)
        if zone is not None:
            return zone
    zone_now = datetime.now().astimezone().tzinfo
    assert zone_now is not None  # astimezone() always attaches one
    return zone_now


def _localtime_name() -> str:
    try:
        target = str(Path("/etc/localtime").resolve())
    except OSError:
        return ""
    marker = "zoneinfo/"
    return target.split(marker, 1)[1] if marker in target else ""


def zone_name(zone: tzinfo) -> str:
    """The zone's IANA name when it has one, else its abbreviation (e.g. ``UTC``)."""
    return zone.key if isinstance(zone, ZoneInfo) else (zone.tzname(None) or str(zone))


def profile_zone(settings: Mapping[str, object]) -> tzinfo:
    """The profile's stored zone, else this computer's."""
    return parse_zone(settings.get(ZONE_SETTING)) or system_zone()
