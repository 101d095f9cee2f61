"""The date range a report covers, parsed from what the person typed.

Both ends are optional and inclusive: no ``--from`` starts at the first record, no ``--to`` ends
today. A malformed date or a range that ends before it starts is refused with a message that says
what to type instead, before any work is done.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, tzinfo

from backcoach.localtime import system_zone


class ReportInputError(ValueError):
    """A report option is malformed (a date, a range, an output file name)."""


@dataclass(frozen=True)
class ReportPeriod:
    """Inclusive local calendar days; ``None`` means open-ended on that side."""

    start: date | None = None
    end: date | None = None

    def __post_init__(self) -> None:
        if self.start is not None and self.end is not None and self.start > self.end:
            raise ReportInputError(
                f"the range starts on {self.start.isoformat()} but ends earlier, on "
                f"{self.end.isoformat()}: give --from before --to"
            )

    def contains(self, day: date) -> bool:
        after_start = self.start is None or day >= self.start
        before_end = self.end is None or day <= self.end
        return after_start and before_end


def parse_day(text: str, option: str) -> date:
    """Parse a ``YYYY-MM-DD`` date given to ``option``; raises ``ReportInputError``."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ReportInputError(
            f"{option} {text!r} is not a date: use YYYY-MM-DD, e.g. 2026-03-01"
        ) from None


def parse_period(from_text: str | None, to_text: str | None) -> ReportPeriod:
    """The period from optional ``--from`` / ``--to`` texts; raises ``ReportInputError``."""
    start = None if from_text is None else parse_day(from_text, "--from")
    end = None if to_text is None else parse_day(to_text, "--to")
    return ReportPeriod(start=start, end=end)


def local_timezone() -> tzinfo:
    """The machine's time zone (see ``backcoach.localtime``; a profile's own zone wins where
    one is known)."""
    return system_zone()
