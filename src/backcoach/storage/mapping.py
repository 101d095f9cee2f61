"""Converting between the core's immutable records and the ORM rows, in both directions."""

from __future__ import annotations

from datetime import datetime

from backcoach.core.records import (
    DisclaimerAck,
    DoseValue,
    MorningCheckin,
    MorningFeeling,
    Note,
    PlanChange,
    ProfessionalAdvice,
    ScreeningRecord,
    SessionOutcome,
    SessionRecord,
    SetRecord,
    SetSource,
    SharpPainEvent,
    Side,
)
from backcoach.storage.errors import StorageError
from backcoach.storage.models import (
    CheckinRow,
    DisclaimerAckRow,
    NoteRow,
    PlanChangeRow,
    ProfessionalAdviceRow,
    ScreeningAnswerRow,
    ScreeningRow,
    SessionRow,
    SetRow,
    SharpPainEventRow,
)


def aware(value: datetime, what: str) -> datetime:
    """Refuse naive datetimes early, with a message that says which field was wrong."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise StorageError(f"{what} must be a timezone-aware datetime, got {value.isoformat()}")
    return value


def maybe_aware(value: datetime | None, what: str) -> datetime | None:
    return None if value is None else aware(value, what)


# --- sets and sessions ------------------------------------------------------------------------


def set_row(record: SetRecord) -> SetRow:
    return SetRow(
        exercise_id=record.exercise_id,
        reps=record.reps,
        hold_s=float(record.hold_s),
        started_at=aware(record.started_at, "set started_at"),
        ended_at=aware(record.ended_at, "set ended_at"),
        side=None if record.side is None else Side(record.side).value,
        source=SetSource(record.source).value,
        quality=None if record.quality is None else float(record.quality),
        full_reps=record.full_reps,
        range_deg=None if record.range_deg is None else float(record.range_deg),
    )


def set_record(row: SetRow) -> SetRecord:
    return SetRecord(
        exercise_id=row.exercise_id,
        reps=row.reps,
        hold_s=row.hold_s,
        started_at=row.started_at,
        ended_at=row.ended_at,
        side=None if row.side is None else Side(row.side),
        source=SetSource(row.source),
        quality=row.quality,
        id=row.id,
        full_reps=row.full_reps,
        range_deg=row.range_deg,
    )


def apply_session(row: SessionRow, record: SessionRecord, *, outcome: SessionOutcome) -> None:
    """Copy the session's own fields (not its sets) onto ``row``."""
    row.started_at = aware(record.started_at, "session started_at")
    row.outcome = SessionOutcome(outcome).value
    row.pain_before = record.pain_before
    row.pain_after = record.pain_after
    row.ended_at = maybe_aware(record.ended_at, "session ended_at")
    row.stop_exercise_id = record.stop_exercise_id
    row.stop_at = maybe_aware(record.stop_at, "session stop_at")
    row.note = record.note
    row.time_zone = record.time_zone


def session_record(row: SessionRow) -> SessionRecord:
    return SessionRecord(
        started_at=row.started_at,
        outcome=SessionOutcome(row.outcome),
        pain_before=row.pain_before,
        pain_after=row.pain_after,
        ended_at=row.ended_at,
        stop_exercise_id=row.stop_exercise_id,
        stop_at=row.stop_at,
        sets=tuple(set_record(s) for s in row.sets),
        note=row.note,
        id=row.id,
        time_zone=row.time_zone,
    )


# --- screenings -------------------------------------------------------------------------------


def screening_row(record: ScreeningRecord) -> ScreeningRow:
    return ScreeningRow(
        taken_at=aware(record.taken_at, "screening taken_at"),
        positive_flags=[str(flag) for flag in record.positive_flags],
        cleared_at=maybe_aware(record.cleared_at, "screening cleared_at"),
        cleared_note=record.cleared_note,
        cleared_by=record.cleared_by,
        cleared_on=record.cleared_on,
        answers=[
            ScreeningAnswerRow(position=i, question_id=str(qid), answer=bool(answer))
            for i, (qid, answer) in enumerate(record.answers.items())
        ],
    )


def screening_record(row: ScreeningRow) -> ScreeningRecord:
    return ScreeningRecord(
        taken_at=row.taken_at,
        answers={a.question_id: a.answer for a in row.answers},
        positive_flags=tuple(row.positive_flags),
        cleared_at=row.cleared_at,
        cleared_note=row.cleared_note,
        id=row.id,
        cleared_by=row.cleared_by,
        cleared_on=row.cleared_on,
    )


# --- check-ins, plan changes, acknowledgements, notes -----------------------------------------


def checkin_row(record: MorningCheckin) -> CheckinRow:
    return CheckinRow(
        day=record.day,
        feeling=MorningFeeling(record.feeling).value,
        pain=record.pain,
        at=maybe_aware(record.at, "check-in at"),
    )


def checkin_record(row: CheckinRow) -> MorningCheckin:
    return MorningCheckin(
        day=row.day, feeling=MorningFeeling(row.feeling), pain=row.pain, at=row.at, id=row.id
    )


def plan_change_row(change: PlanChange) -> PlanChangeRow:
    start = change.from_dose
    return PlanChangeRow(
        exercise_id=change.exercise_id,
        at=aware(change.at, "plan change at"),
        from_reps=None if start is None else start.reps,
        from_hold_s=None if start is None else start.hold_s,
        from_sessions_per_day=None if start is None else start.sessions_per_day,
        to_reps=change.to_dose.reps,
        to_hold_s=change.to_dose.hold_s,
        to_sessions_per_day=change.to_dose.sessions_per_day,
        reason_code=change.reason_code,
        reason=change.reason,
    )


def plan_change_record(row: PlanChangeRow) -> PlanChange:
    from_dose = None
    reps, hold_s, per_day = row.from_reps, row.from_hold_s, row.from_sessions_per_day
    if reps is not None and hold_s is not None and per_day is not None:
        from_dose = DoseValue(reps, hold_s, per_day)
    return PlanChange(
        exercise_id=row.exercise_id,
        at=row.at,
        from_dose=from_dose,
        to_dose=DoseValue(row.to_reps, row.to_hold_s, row.to_sessions_per_day),
        reason_code=row.reason_code,
        reason=row.reason,
        id=row.id,
    )


def ack_row(ack: DisclaimerAck) -> DisclaimerAckRow:
    return DisclaimerAckRow(version=ack.version, at=aware(ack.at, "disclaimer acknowledgement at"))


def ack_record(row: DisclaimerAckRow) -> DisclaimerAck:
    return DisclaimerAck(version=row.version, at=row.at)


def note_row(note: Note) -> NoteRow:
    return NoteRow(at=aware(note.at, "note at"), text=note.text)


def note_record(row: NoteRow) -> Note:
    return Note(at=row.at, text=row.text, id=row.id)


# --- sharp pain outside a session, professional advice ----------------------------------------


def sharp_pain_row(event: SharpPainEvent) -> SharpPainEventRow:
    return SharpPainEventRow(
        at=aware(event.at, "sharp pain at"),
        place=event.place,
        pain=event.pain,
        note=event.note,
        session_id=event.session_id,
    )


def sharp_pain_record(row: SharpPainEventRow) -> SharpPainEvent:
    return SharpPainEvent(
        at=row.at, place=row.place, pain=row.pain, note=row.note, session_id=row.session_id,
        id=row.id,
    )


def advice_row(advice: ProfessionalAdvice) -> ProfessionalAdviceRow:
    return ProfessionalAdviceRow(
        at=aware(advice.at, "advice recorded at"),
        reason=advice.reason,
        by=advice.by,
        on=advice.on,
        said=advice.said,
    )


def advice_record(row: ProfessionalAdviceRow) -> ProfessionalAdvice:
    return ProfessionalAdvice(
        at=row.at, by=row.by, on=row.on, said=row.said, reason=row.reason, id=row.id
    )
