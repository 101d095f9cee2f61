"""Gathering a ``ReportSource`` from the journal and the data files, for the CLI and the web.

Both front ends make the same report and the same exports from the same inputs; this is the one
place that knows where each input comes from.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, tzinfo

from backcoach.core.catalog import Catalog
from backcoach.core.psfs import load_psfs_scale
from backcoach.core.safety import load_disclaimer, load_screening
from backcoach.reports.period import ReportPeriod, clamp_period
from backcoach.reports.summary import ReportSource
from backcoach.storage.journal import Journal
from backcoach.storage.psfs import psfs_records


def load_report_source(
    journal: Journal,
    profile: str,
    catalog: Catalog,
    generated_at: datetime,
    tz: tzinfo,
    period: ReportPeriod | None = None,
    *,
    whole: bool = False,
) -> ReportSource:
    """Everything a report or export of ``profile`` needs; ``tz`` is the person's time zone.

    The period is clamped (``clamp_period``): whatever was asked and whatever dates the journal
    holds, a report covers at most a few years, and only that window of the journal is read
    (``Journal.recent_history``), so it finishes in bounded time and memory. ``whole=True``
    (the FHIR export of everything) reads the whole journal.
    """
    screening = load_screening()
    today = generated_at.astimezone(tz).date()
    first, last = record_days(journal, profile, tz)
    clamped = clamp_period(period or ReportPeriod(), first, last, today)
    if whole:
        history = journal.history(profile)
    else:
        start = clamped.start or first or today
        since = datetime.combine(start, time.min, tz) - timedelta(days=1)
        history = journal.recent_history(profile, since)
    return ReportSource(
        profile=profile,
        history=history,
        catalog=catalog,
        disclaimer=load_disclaimer().text,
        generated_at=generated_at,
        period=clamped,
        psfs=psfs_records(journal, profile),
        psfs_attribution=load_psfs_scale().attribution,
        screening_questions={q.id: q.text for q in screening.questions},
        flag_titles={flag_id: flag.title for flag_id, flag in screening.flags.items()},
        tz=tz,
    )


def _local_day(moment: datetime, tz: tzinfo) -> date:
    try:
        return moment.astimezone(tz).date()
    except OverflowError:  # a time at the very end of year 9999
        return moment.date()


def record_days(journal: Journal, profile: str, tz: tzinfo) -> tuple[date | None, date | None]:
    """The first and last local day holding any record (``None, None`` for an empty journal)."""
    moments, days = journal.record_span(profile)
    days = [*days, *(_local_day(m, tz) for m in moments)]
    return (min(days), max(days)) if days else (None, None)
