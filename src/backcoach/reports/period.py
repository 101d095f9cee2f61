"""The date range a report covers, parsed from what the person typed.

Both ends are optional and inclusive: no ``--from`` starts at the first record, no ``--to`` ends
today. A malformed date or a range that ends before it starts is refused with a message that says
what to type instead, before any work is done.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta, tzinfo

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


#: The longest period one report covers: a report of decades (or of a typing mistake such as
#: 0001-01-01) would take minutes and gigabytes and help no one.
MAX_PERIOD_DAYS = 3 * 366


def clamp_period(period: ReportPeriod, first: date | None, last: date | None,
                 today: date) -> ReportPeriod:
    """``period`` cut to what can be shown: from the journal's ``first`` record day up to today
    (a record dated in the future, e.g. 9999-12-31, does not stretch it), at most
    ``MAX_PERIOD_DAYS`` long, ending at its end. An open side stays open when it is already
    bounded, so the report of an ordinary journal is unchanged."""
    first = min(first or today, today)
    start = period.start if period.start is not None and period.start > first else None
    if period.end is not None and period.end < today:
        end: date | None = period.end
    else:
        end = today if last is not None and last > today else None
    if start is not None and end is not None and start > end:
        start = end
    effective_end = end or today
    if (effective_end - (start or first)).days >= MAX_PERIOD_DAYS:
        start = effective_end - timedelta(days=MAX_PERIOD_DAYS - 1)
    return ReportPeriod(start=start, end=end)


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
