"""What a clinician needs from the journal, computed once as plain values.

The charts, the HTML/PDF report and the tests all read the same ``ReportData``, so a figure in a
table and the chart beside it cannot disagree. Everything here is a pure function of the inputs:
the time the report is made and the person's time zone are passed in.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta, tzinfo

from backcoach.core.catalog import Catalog, UnknownExerciseError
from backcoach.core.psfs import PsfsRecord
from backcoach.core.records import (
    DoseValue,
    History,
    MorningCheckin,
    PlanChange,
    ScreeningRecord,
    SessionOutcome,
    SessionRecord,
    SetRecord,
    SetSource,
)
from backcoach.reports.period import ReportPeriod
from backcoach.reports.svgcharts import RangeMark, range_marks


@dataclass(frozen=True)
class ReportSource:
    """Everything a report is made from; the CLI and web fill it from the journal and data."""

    profile: str
    history: History
    catalog: Catalog
    disclaimer: str
    generated_at: datetime
    period: ReportPeriod = field(default_factory=ReportPeriod)
    psfs: tuple[PsfsRecord, ...] = ()
    psfs_attribution: str = ""
    screening_questions: Mapping[str, str] = field(default_factory=dict)  # id -> question text
    flag_titles: Mapping[str, str] = field(default_factory=dict)  # flag id -> title
    tz: tzinfo = UTC  # the person's time zone: days and times are shown in it


@dataclass(frozen=True)
class DayAdherence:
    day: date
    planned: int  # sessions the plan asked for that day
    completed: int
    stopped: int  # stopped early, including sharp-pain stops


@dataclass(frozen=True)
class PainPoint:
    at: datetime  # local time
    before: int | None
    after: int | None
    sharp_stop: bool


@dataclass(frozen=True)
class ExerciseDay:
    day: date
    reps: int
    mean_hold_s: float


@dataclass(frozen=True)
class ExerciseSummary:
    exercise_id: str
    name: str
    sets: int
    total_reps: int
    mean_hold_s: float
    max_hold_s: float
    dose: str  # the dose in effect at the end of the period, e.g. "5 reps x 10 s, 3/day"
    days: tuple[ExerciseDay, ...]


@dataclass(frozen=True)
class QualityPoint:
    at: datetime  # local time
    exercise: str
    quality: float  # 0..1


@dataclass(frozen=True)
class SharpStop:
    at: datetime
    exercise: str
    pain_before: int | None
    pain_after: int | None
    note: str


@dataclass(frozen=True)
class PlanChangeRow:
    at: datetime
    exercise: str
    from_dose: str
    to_dose: str
    reason_code: str
    reason: str


@dataclass(frozen=True)
class ScreeningRow:
    taken_at: datetime
    flags: tuple[str, ...]  # flag titles for "yes" answers
    cleared_at: datetime | None
    cleared_note: str | None
    answers: tuple[tuple[str, bool], ...]  # (question text, answer) in question order


@dataclass(frozen=True)
class PsfsRow:
    at: datetime
    scores: tuple[tuple[str, int], ...]
    mean: float


@dataclass(frozen=True)
class ReportData:
    """The computed report; ``is_empty`` when the period holds no record at all."""

    profile: str
    generated_at: datetime
    first_day: date | None
    last_day: date | None
    disclaimer: str
    adherence: tuple[DayAdherence, ...]
    pain: tuple[PainPoint, ...]
    checkins: tuple[MorningCheckin, ...]
    exercises: tuple[ExerciseSummary, ...]
    quality: tuple[QualityPoint, ...]
    sharp_stops: tuple[SharpStop, ...]
    plan_changes: tuple[PlanChangeRow, ...]
    screenings: tuple[ScreeningRow, ...]
    psfs: tuple[PsfsRow, ...]
    psfs_attribution: str
    tz_name: str
    #: The camera's range of movement per session, exercise and side (none without a camera).
    ranges: tuple[RangeMark, ...] = ()

    @property
    def is_empty(self) -> bool:
        """No record in the period and no session planned in it: nothing to show."""
        records = self.pain or self.checkins or self.screenings or self.plan_changes or self.psfs
        return not records and self.sessions_planned == 0

    @property
    def sessions_completed(self) -> int:
        return sum(d.completed for d in self.adherence)

    @property
    def sessions_planned(self) -> int:
        return sum(d.planned for d in self.adherence)

    @property
    def sessions_stopped(self) -> int:
        return sum(d.stopped for d in self.adherence)


def dose_text(dose: DoseValue) -> str:
    return f"{dose.reps} reps x {dose.hold_s} s, {dose.sessions_per_day}/day"


def build_report(source: ReportSource) -> ReportData:
    """Compute every section of the report for ``source.period`` (inclusive local days)."""
    ctx = _Context(source)
    first, last = ctx.span()
    return ReportData(
        profile=source.profile,
        generated_at=source.generated_at.astimezone(source.tz),
        first_day=first,
        last_day=last,
        disclaimer=source.disclaimer.strip(),
        adherence=ctx.adherence(first, last),
        pain=ctx.pain(),
        checkins=tuple(c for c in source.history.checkins if source.period.contains(c.day)),
        exercises=ctx.exercises(last),
        quality=ctx.quality(),
        sharp_stops=ctx.sharp_stops(),
        plan_changes=ctx.plan_changes(),
        screenings=ctx.screenings(),
        psfs=ctx.psfs(),
        psfs_attribution=source.psfs_attribution,
        tz_name=_tz_name(source.tz, source.generated_at),
        ranges=ctx.ranges(),
    )


def _tz_name(tz: tzinfo, at: datetime) -> str:
    return at.astimezone(tz).tzname() or "local time"


class _Context:
    """The source with its records already cut to the period, and name look-ups."""

    def __init__(self, source: ReportSource) -> None:
        self.source = source
        self.tz = source.tz
        history = source.history
        self.sessions = tuple(s for s in history.sessions if self._inside(s.started_at))
        self.changes = tuple(c for c in history.plan_changes if self._inside(c.at))
        self.psfs_records = tuple(
            sorted((r for r in source.psfs if self._inside(r.at)), key=lambda r: r.at)
        )

    def _local(self, at: datetime) -> datetime:
        return at.astimezone(self.tz)

    def _day(self, at: datetime) -> date:
        return self._local(at).date()

    def _inside(self, at: datetime) -> bool:
        return self.source.period.contains(self._day(at))

    def name(self, exercise_id: str | None) -> str:
        if exercise_id is None:
            return "(not recorded)"
        try:
            return self.source.catalog.get(exercise_id).name
        except UnknownExerciseError:
            return exercise_id

    def span(self) -> tuple[date | None, date | None]:
        """First and last day shown: the period's ends, else the records' and today."""
        period = self.source.period
        days = [self._day(s.started_at) for s in self.sessions]
        days += [self._day(c.at) for c in self.changes]
        days += [self._day(r.at) for r in self.psfs_records]
        days += [c.day for c in self.source.history.checkins if period.contains(c.day)]
        days += [self._day(s.taken_at) for s in self._screenings_in_period()]
        if not days and (period.start is None or period.end is None):
            return None, None
        today = self._day(self.source.generated_at)
        first = period.start or min(days)
        last = period.end or max([*days, today])
        return first, last

    def _dose_as_of(self, exercise_id: str, moment: datetime) -> DoseValue | None:
        """The dose of one exercise after every plan change up to ``moment`` (all history)."""
        dose = None
        for change in self.source.history.plan_changes:
            if change.exercise_id == exercise_id and change.at <= moment:
                dose = change.to_dose
        no_plan = not self.source.history.plan_changes
        if dose is None and no_plan and exercise_id in self.source.catalog:
            start = self.source.catalog.get(exercise_id).start
            dose = DoseValue(start.reps, start.hold_s, start.sessions_per_day)
        return dose

    def _plan_exercises(self) -> tuple[str, ...]:
        changed = dict.fromkeys(c.exercise_id for c in self.source.history.plan_changes)
        return tuple(changed) or self.source.catalog.ids

    def _plan_start(self) -> date | None:
        history = self.source.history
        moments = [c.at for c in history.plan_changes] + [s.started_at for s in history.sessions]
        return None if not moments else self._day(min(moments))

    def _planned_on(self, day: date) -> int:
        plan_start = self._plan_start()
        if plan_start is None or day < plan_start:
            return 0
        end_of_day = datetime.combine(day + timedelta(days=1), datetime.min.time(), self.tz)
        doses = [
            self._dose_as_of(e, end_of_day - timedelta(microseconds=1))
            for e in self._plan_exercises()
        ]
        return max((d.sessions_per_day for d in doses if d is not None), default=0)

    def adherence(self, first: date | None, last: date | None) -> tuple[DayAdherence, ...]:
        if first is None or last is None:
            return ()
        completed: dict[date, int] = defaultdict(int)
        stopped: dict[date, int] = defaultdict(int)
        for session in self.sessions:
            day = self._day(session.started_at)
            if session.outcome is SessionOutcome.COMPLETED:
                completed[day] += 1
            elif session.outcome in (SessionOutcome.STOPPED, SessionOutcome.SHARP_PAIN):
                stopped[day] += 1
        days = []
        day = first
        while day <= last:
            days.append(DayAdherence(day, self._planned_on(day), completed[day], stopped[day]))
            day += timedelta(days=1)
        return tuple(days)

    def pain(self) -> tuple[PainPoint, ...]:
        return tuple(
            PainPoint(
                at=self._local(s.started_at),
                before=s.pain_before,
                after=s.pain_after,
                sharp_stop=s.outcome is SessionOutcome.SHARP_PAIN,
            )
            for s in self.sessions
        )

    def _sets(self) -> list[SetRecord]:
        return [one for session in self.sessions for one in session.sets]

    def exercises(self, last: date | None) -> tuple[ExerciseSummary, ...]:
        by_exercise: dict[str, list[SetRecord]] = defaultdict(list)
        for one in self._sets():
            by_exercise[one.exercise_id].append(one)
        order = [e for e in self.source.catalog.ids if e in by_exercise]
        order += sorted(e for e in by_exercise if e not in self.source.catalog)
        end = (
            self.source.generated_at
            if last is None
            else datetime.combine(last + timedelta(days=1), datetime.min.time(), self.tz)
        )
        return tuple(self._exercise_summary(e, by_exercise[e], end) for e in order)

    def _exercise_summary(
        self, exercise_id: str, sets: list[SetRecord], end: datetime
    ) -> ExerciseSummary:
        total_reps = sum(s.reps for s in sets)
        weighted_hold = sum(s.hold_s * s.reps for s in sets)
        dose = self._dose_as_of(exercise_id, end)
        return ExerciseSummary(
            exercise_id=exercise_id,
            name=self.name(exercise_id),
            sets=len(sets),
            total_reps=total_reps,
            mean_hold_s=weighted_hold / total_reps if total_reps else 0.0,
            max_hold_s=max(s.hold_s for s in sets),
            dose="-" if dose is None else dose_text(dose),
            days=self._exercise_days(sets),
        )

    def _exercise_days(self, sets: Iterable[SetRecord]) -> tuple[ExerciseDay, ...]:
        reps: dict[date, int] = defaultdict(int)
        hold: dict[date, float] = defaultdict(float)
        for one in sets:
            day = self._day(one.started_at)
            reps[day] += one.reps
            hold[day] += one.hold_s * one.reps
        return tuple(
            ExerciseDay(day, reps[day], hold[day] / reps[day] if reps[day] else 0.0)
            for day in sorted(reps)
        )

    def quality(self) -> tuple[QualityPoint, ...]:
        return tuple(
            QualityPoint(self._local(s.started_at), self.name(s.exercise_id), s.quality)
            for s in self._sets()
            if s.source is SetSource.CAMERA and s.quality is not None
        )

    def ranges(self) -> tuple[RangeMark, ...]:
        local = [replace(s, started_at=self._local(s.started_at)) for s in self.sessions]
        return tuple(range_marks(local))

    def sharp_stops(self) -> tuple[SharpStop, ...]:
        """Sharp-pain stops of sessions and SHARP PAIN pressed outside one, in time order."""
        stops = [
            _sharp_stop(s, self._local(s.stop_at or s.started_at), self.name(s.stop_exercise_id))
            for s in self.sessions
            if s.outcome is SessionOutcome.SHARP_PAIN
        ]
        stops += [
            SharpStop(
                at=self._local(e.at),
                exercise="just after a session" if e.session_id else "outside a session",
                pain_before=None,
                pain_after=e.pain,
                note=e.note or "",
            )
            for e in self.source.history.sharp_pain_events
            if self._inside(e.at)
        ]
        return tuple(sorted(stops, key=lambda stop: stop.at))

    def plan_changes(self) -> tuple[PlanChangeRow, ...]:
        return tuple(self._plan_change_row(c) for c in self.changes)

    def _plan_change_row(self, change: PlanChange) -> PlanChangeRow:
        return PlanChangeRow(
            at=self._local(change.at),
            exercise=self.name(change.exercise_id),
            from_dose="-" if change.from_dose is None else dose_text(change.from_dose),
            to_dose=dose_text(change.to_dose),
            reason_code=change.reason_code,
            reason=change.reason,
        )

    def _screenings_in_period(self) -> list[ScreeningRecord]:
        """Screenings taken in the period, plus the one still in effect when it starts."""
        screenings = sorted(self.source.history.screenings, key=lambda s: s.taken_at)
        inside = [s for s in screenings if self._inside(s.taken_at)]
        start = self.source.period.start
        earlier = [s for s in screenings if start is not None and self._day(s.taken_at) < start]
        return earlier[-1:] + inside

    def screenings(self) -> tuple[ScreeningRow, ...]:
        return tuple(self._screening_row(s) for s in self._screenings_in_period())

    def _screening_row(self, record: ScreeningRecord) -> ScreeningRow:
        questions = self.source.screening_questions
        order = [q for q in questions if q in record.answers]
        order += sorted(q for q in record.answers if q not in questions)
        titles = self.source.flag_titles
        return ScreeningRow(
            taken_at=self._local(record.taken_at),
            flags=tuple(titles.get(f, f) for f in record.positive_flags),
            cleared_at=None if record.cleared_at is None else self._local(record.cleared_at),
            cleared_note=_clearance_text(record),
            answers=tuple((questions.get(q, q), record.answers[q]) for q in order),
        )

    def psfs(self) -> tuple[PsfsRow, ...]:
        return tuple(
            PsfsRow(
                at=self._local(r.at),
                scores=tuple((a.name, a.score) for a in r.activities),
                mean=r.mean_score,
            )
            for r in self.psfs_records
        )


def _clearance_text(record: ScreeningRecord) -> str | None:
    """Who cleared the person, when they saw them, and what they said."""
    if record.cleared_by and record.cleared_on:
        return f"{record.cleared_by} (seen {record.cleared_on:%d %b %Y}): {record.cleared_note}"
    return record.cleared_note


def _sharp_stop(session: SessionRecord, at: datetime, exercise: str) -> SharpStop:
    return SharpStop(
        at=at,
        exercise=exercise,
        pain_before=session.pain_before,
        pain_after=session.pain_after,
        note=session.note or "",
    )


#: Up to this many weeks the adherence table has a row per week, beyond it a row per month.
MAX_WEEKLY_ROWS = 12


@dataclass(frozen=True)
class AdherenceRow:
    """Adherence summed over one week (from its first day shown) or one calendar month."""

    start: date
    label: str  # "Week from Mon 02 Mar 2026" or "March 2026"
    planned: int
    completed: int
    stopped: int

    @property
    def percent(self) -> int | None:
        return None if self.planned == 0 else round(100 * self.completed / self.planned)


def adherence_rows(days: Sequence[DayAdherence]) -> tuple[AdherenceRow, ...]:
    """Days grouped by calendar week (Monday first), or by month for long periods, in order."""
    weekly = len({d.day - timedelta(days=d.day.weekday()) for d in days}) <= MAX_WEEKLY_ROWS
    groups: dict[date, list[DayAdherence]] = {}
    for day in days:
        key = day.day - timedelta(days=day.day.weekday()) if weekly else day.day.replace(day=1)
        groups.setdefault(key, []).append(day)
    return tuple(
        AdherenceRow(
            start=group[0].day,
            label=(f"Week from {group[0].day:%a %d %b %Y}" if weekly else f"{group[0].day:%B %Y}"),
            planned=sum(d.planned for d in group),
            completed=sum(d.completed for d in group),
            stopped=sum(d.stopped for d in group),
        )
        for group in groups.values()
    )


def mean_or_none(values: Iterable[int | float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return None if not present else sum(present) / len(present)
