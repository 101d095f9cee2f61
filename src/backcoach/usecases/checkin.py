"""The next-morning check-in: better, the same or worse than yesterday (and pain, optional).

A "worse" morning steps the plan back; after sharp pain the first session waits for a check-in.
The CLI (``backcoach checkin``) and the web app (``/checkin``) both record it here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo

from backcoach.core.catalog import Catalog
from backcoach.core.pain import local_day, validate_pain
from backcoach.core.plan import ProgressionRules, review_progression
from backcoach.core.records import MorningCheckin, MorningFeeling, PlanChange
from backcoach.storage import Journal

FEELINGS = tuple(f.value for f in MorningFeeling)


class CheckinError(ValueError):
    """The answer is not one of better, same or worse, or the pain score is not 0-10."""


@dataclass(frozen=True)
class CheckinResult:
    checkin: MorningCheckin
    plan_changes: list[PlanChange]


def parse_feeling(answer: str) -> MorningFeeling:
    word = answer.strip().lower()
    if word not in FEELINGS:
        raise CheckinError(f"{answer!r} is not one of: {', '.join(FEELINGS)}")
    return MorningFeeling(word)


def record_checkin(
    journal: Journal,
    profile: str,
    catalog: Catalog,
    rules: ProgressionRules,
    feeling: str,
    pain: object,
    now: datetime,
    zone: tzinfo,
) -> CheckinResult:
    """Store the check-in (for the person's local day) and the plan changes it leads to."""
    score = None if pain is None else validate_pain(pain, "pain")
    record = MorningCheckin(
        day=local_day(now, zone), feeling=parse_feeling(feeling), pain=score, at=now
    )
    journal.add_checkin(profile, record)
    changes = review_progression(catalog, journal.history(profile), rules, now)
    if changes:
        journal.add_plan_changes(profile, changes)
    return CheckinResult(record, changes)
