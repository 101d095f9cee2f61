"""Gathering a ``ReportSource`` from the journal and the data files, for the CLI and the web.

Both front ends make the same report and the same exports from the same inputs; this is the one
place that knows where each input comes from.
"""

from __future__ import annotations

from datetime import datetime, tzinfo

from backcoach.core.catalog import Catalog
from backcoach.core.psfs import load_psfs_scale
from backcoach.core.safety import load_disclaimer, load_screening
from backcoach.reports.period import ReportPeriod
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
) -> ReportSource:
    """Everything a report or export of ``profile`` needs; ``tz`` is the person's time zone."""
    screening = load_screening()
    return ReportSource(
        profile=profile,
        history=journal.history(profile),
        catalog=catalog,
        disclaimer=load_disclaimer().text,
        generated_at=generated_at,
        period=period or ReportPeriod(),
        psfs=psfs_records(journal, profile),
        psfs_attribution=load_psfs_scale().attribution,
        screening_questions={q.id: q.text for q in screening.questions},
        flag_titles={flag_id: flag.title for flag_id, flag in screening.flags.items()},
        tz=tz,
    )
