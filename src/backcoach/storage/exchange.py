"""Export and import of one profile's journal: JSON (exact round trip) and CSV (spreadsheets).

The JSON format is described by the pydantic models below (``format``/``version`` mark it).
Database ids are not exported: ``export_json(import_json(export_json(p)))`` equals the original
export exactly, whichever database it passes through.
"""

from __future__ import annotations

import csv
import functools
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError, model_validator
from sqlalchemy.orm import Session

from backcoach.core import safejson
from backcoach.core.psfs import (
    MAX_ACTIVITIES,
    MAX_ACTIVITY_NAME_CHARS,
    PsfsRecord,
    make_psfs_record,
)
from backcoach.core.records import (
    MAX_TEXT_CHARS,
    DisclaimerAck,
    DoseValue,
    History,
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
from backcoach.core.safejson import MAX_INT
from backcoach.core.safety import load_screening
from backcoach.core.text import has_surrogates
from backcoach.storage import jsonstream
from backcoach.storage.errors import (
    ImportFormatError,
    ProfileExistsError,
    StorageError,
    UnknownProfileError,
)
from backcoach.storage.journal import Journal, validate_profile_name
from backcoach.storage.models import SettingRow
from backcoach.storage.psfs import psfs_records, stage_psfs

FORMAT = "backcoach-journal"
VERSION = 1
_MAX_ERRORS_SHOWN = 5

Pain = Annotated[int, Field(ge=0, le=10)]
Count = Annotated[int, Field(ge=0)]
Ident = Annotated[str, Field(min_length=1, max_length=64)]


# Free text is bounded on import as on entry: a note of megabytes would flood every screen.
FreeText = Annotated[str, Field(max_length=MAX_TEXT_CHARS)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class SetV1(_Model):
    exercise_id: Ident
    reps: Count
    hold_s: Annotated[float, Field(ge=0)]
    started_at: AwareDatetime
    ended_at: AwareDatetime
    side: Side | None = None
    source: SetSource = SetSource.MANUAL
    quality: Annotated[float, Field(ge=0, le=1)] | None = None
    full_reps: Count | None = None
    # Added without a version bump: exports written before it have no such key (None).
    range_deg: Annotated[float, Field(ge=0, le=360)] | None = None

    @classmethod
    def of(cls, r: SetRecord) -> SetV1:
        return cls(
            exercise_id=r.exercise_id, reps=r.reps, hold_s=float(r.hold_s),
            started_at=r.started_at, ended_at=r.ended_at, side=r.side, source=r.source,
            quality=r.quality, full_reps=r.full_reps, range_deg=r.range_deg,
        )  # fmt: skip

    def record(self) -> SetRecord:
        return SetRecord(
            exercise_id=self.exercise_id, reps=self.reps, hold_s=self.hold_s,
            started_at=self.started_at, ended_at=self.ended_at, side=self.side,
            source=self.source, quality=self.quality, full_reps=self.full_reps,
            range_deg=self.range_deg,
        )  # fmt: skip


class SessionV1(_Model):
    started_at: AwareDatetime
    outcome: SessionOutcome
    pain_before: Pain | None = None
    pain_after: Pain | None = None
    ended_at: AwareDatetime | None = None
    stop_exercise_id: Ident | None = None
    stop_at: AwareDatetime | None = None
    note: FreeText | None = None
    sets: list[SetV1] = []
    time_zone: Annotated[str, Field(max_length=64)] | None = None

    @classmethod
    def of(cls, r: SessionRecord) -> SessionV1:
        return cls(
            started_at=r.started_at, outcome=r.outcome, pain_before=r.pain_before,
            pain_after=r.pain_after, ended_at=r.ended_at, stop_exercise_id=r.stop_exercise_id,
            stop_at=r.stop_at, note=r.note, sets=[SetV1.of(s) for s in r.sets],
            time_zone=r.time_zone,
        )  # fmt: skip

    def record(self) -> SessionRecord:
        return SessionRecord(
            started_at=self.started_at, outcome=self.outcome, pain_before=self.pain_before,
            pain_after=self.pain_after, ended_at=self.ended_at,
            stop_exercise_id=self.stop_exercise_id, stop_at=self.stop_at,
            sets=tuple(s.record() for s in self.sets), note=self.note, time_zone=self.time_zone,
        )  # fmt: skip


class ScreeningV1(_Model):
    taken_at: AwareDatetime
    answers: dict[Ident, bool]
    positive_flags: list[Ident]
    cleared_at: AwareDatetime | None = None
    cleared_note: FreeText | None = None
    cleared_by: Annotated[str, Field(max_length=200)] | None = None
    cleared_on: date | None = None

    @classmethod
    def of(cls, r: ScreeningRecord) -> ScreeningV1:
        return cls(
            taken_at=r.taken_at, answers=dict(r.answers), positive_flags=list(r.positive_flags),
            cleared_at=r.cleared_at, cleared_note=r.cleared_note, cleared_by=r.cleared_by,
            cleared_on=r.cleared_on,
        )  # fmt: skip

    def record(self) -> ScreeningRecord:
        """The stored flags, plus any flag a yes answer raises that the list lacks.

        The flag list in a file may have been edited; the answers are what the person said, so
        red flags are derived from them too (safety). Stored order comes first, so a consistent
        export round-trips exactly.
        """
        raised = _screening_flags()
        derived = [flag for q, flag in raised.items() if self.answers.get(q)]
        flags = tuple(dict.fromkeys([*self.positive_flags, *derived]))
        return ScreeningRecord(
            taken_at=self.taken_at, answers=dict(self.answers),
            positive_flags=flags, cleared_at=self.cleared_at,
            cleared_note=self.cleared_note, cleared_by=self.cleared_by,
            cleared_on=self.cleared_on,
        )  # fmt: skip


@functools.cache
def _screening_flags() -> dict[str, str]:
    """Question id -> the flag its yes answer raises (the shipped screening data)."""
    return {q.id: q.flag for q in load_screening().questions}


class CheckinV1(_Model):
    day: date
    feeling: MorningFeeling
    pain: Pain | None = None
    at: AwareDatetime | None = None

    @classmethod
    def of(cls, r: MorningCheckin) -> CheckinV1:
        return cls(day=r.day, feeling=r.feeling, pain=r.pain, at=r.at)

    def record(self) -> MorningCheckin:
        return MorningCheckin(day=self.day, feeling=self.feeling, pain=self.pain, at=self.at)


class DoseV1(_Model):
    reps: Count
    hold_s: Count
    sessions_per_day: Count

    @classmethod
    def of(cls, d: DoseValue) -> DoseV1:
        return cls(reps=d.reps, hold_s=d.hold_s, sessions_per_day=d.sessions_per_day)

    def value(self) -> DoseValue:
        return DoseValue(self.reps, self.hold_s, self.sessions_per_day)


class PlanChangeV1(_Model):
    exercise_id: Ident
    at: AwareDatetime
    from_dose: DoseV1 | None
    to_dose: DoseV1
    reason_code: Annotated[str, Field(min_length=1, max_length=32)]
    reason: FreeText

    @classmethod
    def of(cls, r: PlanChange) -> PlanChangeV1:
        return cls(
            exercise_id=r.exercise_id, at=r.at,
            from_dose=None if r.from_dose is None else DoseV1.of(r.from_dose),
            to_dose=DoseV1.of(r.to_dose), reason_code=r.reason_code, reason=r.reason,
        )  # fmt: skip

    def record(self) -> PlanChange:
        return PlanChange(
            exercise_id=self.exercise_id, at=self.at,
            from_dose=None if self.from_dose is None else self.from_dose.value(),
            to_dose=self.to_dose.value(), reason_code=self.reason_code, reason=self.reason,
        )  # fmt: skip


class AckV1(_Model):
    version: Annotated[str, Field(min_length=1, max_length=64)]
    at: AwareDatetime

    def record(self) -> DisclaimerAck:
        return DisclaimerAck(self.version, self.at)


class NoteV1(_Model):
    at: AwareDatetime
    text: FreeText

    def record(self) -> Note:
        return Note(at=self.at, text=self.text)


class PsfsActivityV1(_Model):
    name: Annotated[str, Field(min_length=1, max_length=MAX_ACTIVITY_NAME_CHARS)]
    score: Pain


class PsfsV1(_Model):
    """One weekly Patient-Specific Functional Scale; checked by the same rules as the CLI's."""

    at: AwareDatetime
    activities: Annotated[list[PsfsActivityV1], Field(min_length=1, max_length=MAX_ACTIVITIES)]

    @model_validator(mode="after")
    def _valid(self) -> PsfsV1:
        self.record()  # a PsfsError (a ValueError) becomes a validation error naming this entry
        return self

    @classmethod
    def of(cls, r: PsfsRecord) -> PsfsV1:
        activities = [PsfsActivityV1(name=a.name, score=a.score) for a in r.activities]
        return cls(at=r.at, activities=activities)

    def record(self) -> PsfsRecord:
        return make_psfs_record(self.at, [(a.name, a.score) for a in self.activities])


class SharpPainV1(_Model):
    at: AwareDatetime
    place: Annotated[str, Field(min_length=1, max_length=32)]
    pain: Pain | None = None
    note: FreeText | None = None

    @classmethod
    def of(cls, r: SharpPainEvent) -> SharpPainV1:
        return cls(at=r.at, place=r.place, pain=r.pain, note=r.note)

    def record(self) -> SharpPainEvent:
        # The link to a session is an id of the exporting journal: not carried over.
        return SharpPainEvent(at=self.at, place=self.place, pain=self.pain, note=self.note)


class AdviceV1(_Model):
    at: AwareDatetime
    by: Annotated[str, Field(min_length=1, max_length=200)]
    on: date
    said: Annotated[str, Field(min_length=1, max_length=MAX_TEXT_CHARS)]
    reason: Annotated[str, Field(min_length=1, max_length=32)] = "sharp_pain"

    @classmethod
    def of(cls, r: ProfessionalAdvice) -> AdviceV1:
        return cls(at=r.at, by=r.by, on=r.on, said=r.said, reason=r.reason)

    def record(self) -> ProfessionalAdvice:
        return ProfessionalAdvice(
            at=self.at, by=self.by, on=self.on, said=self.said, reason=self.reason
        )


SettingKey = Annotated[str, Field(min_length=1, max_length=64)]


class JournalExportV1(_Model):
    """One profile's whole journal. Lists are oldest first, as in ``History``."""

    format: Literal["backcoach-journal"]
    version: Literal[1]
    profile: Annotated[str, Field(min_length=1, max_length=100)]
    disclaimer_acks: list[AckV1] = []
    screenings: list[ScreeningV1] = []
    sessions: list[SessionV1] = []
    checkins: list[CheckinV1] = []
    plan_changes: list[PlanChangeV1] = []
    notes: list[NoteV1] = []
    psfs: list[PsfsV1] = []
    sharp_pain_events: list[SharpPainV1] = []
    professional_advice: list[AdviceV1] = []
    settings: dict[SettingKey, Any] = {}


def export_model(
    profile: str,
    history: History,
    psfs: Sequence[PsfsRecord] = (),
    settings: dict[str, Any] | None = None,
) -> JournalExportV1:
    return JournalExportV1(
        format=FORMAT,
        version=VERSION,
        profile=profile,
        disclaimer_acks=[AckV1(version=a.version, at=a.at) for a in history.disclaimer_acks],
        screenings=[ScreeningV1.of(s) for s in history.screenings],
        sessions=[SessionV1.of(s) for s in history.sessions],
        checkins=[CheckinV1.of(c) for c in history.checkins],
        plan_changes=[PlanChangeV1.of(p) for p in history.plan_changes],
        notes=[NoteV1(at=n.at, text=n.text) for n in history.notes],
        psfs=[PsfsV1.of(r) for r in psfs],
        sharp_pain_events=[SharpPainV1.of(e) for e in history.sharp_pain_events],
        professional_advice=[AdviceV1.of(a) for a in history.professional_advice],
        settings=dict(settings or {}),
    )


def export_json(journal: Journal, profile: str) -> dict[str, Any]:
    """Everything of ``profile`` as a JSON-ready dict (``json.dumps`` it as is)."""
    _require_profile(journal, profile)
    model = export_model(
        profile,
        journal.history(profile),
        psfs_records(journal, profile),
        journal.get_settings(profile),
    )
    return model.model_dump(mode="json")


def _require_profile(journal: Journal, profile: str) -> None:
    if profile not in journal.profiles():
        raise UnknownProfileError(f"there is no profile named {profile!r} to export")


def import_json(journal: Journal, data: Any, as_profile: str | None = None) -> str:
    """Restore an ``export_json`` dict as a new profile (its own name, or ``as_profile``).

    Malformed data raises ``ImportFormatError`` saying where; an existing profile name raises
    ``ProfileExistsError``. Either all of it is stored, in one transaction, or nothing.
    Returns the name of the profile created.
    """
    if not isinstance(data, dict):
        raise ImportFormatError("this is not a backcoach journal export (expected a JSON object)")
    first = [key for key in ("format", "version") if key in data]  # checked before the rest
    members = ((key, None, data[key]) for key in [*first, *(k for k in data if k not in first)])
    return _import_members(journal, members, as_profile)


def import_file(
    journal: Journal,
    path: Path,
    as_profile: str | None = None,
    *,
    name_allowed: Callable[[str], bool] | None = None,
    max_bytes: int | None = None,
) -> str:
    """``import_json`` of the export in ``path``, read one record at a time
    (``storage.jsonstream``) so that its size costs no memory. Only a regular file of at most
    ``max_bytes`` (``MAX_IMPORT_BYTES``) is read. Without ``as_profile`` the export's own
    profile name must pass ``name_allowed`` too, else ``ImportNameError``."""
    limit = MAX_IMPORT_BYTES if max_bytes is None else max_bytes
    if as_profile is not None and as_profile in journal.profiles():  # fail before reading
        raise _exists(as_profile)
    members = jsonstream.iter_members(path, _LISTS, limit)
    try:
        return _import_members(journal, members, as_profile, name_allowed)
    except safejson.JsonLimitError as exc:
        raise ImportFormatError(f"{path} is not a journal export: {exc}") from None


class ImportNameError(ImportFormatError):
    """The export's own profile name breaks the caller's rule; import it under another name."""


def _exists(name: str) -> ProfileExistsError:
    return ProfileExistsError(
        f"a profile named {name!r} already exists; import it under another name "
        "or forget the existing one first"
    )


_LISTS: dict[str, type[_Model]] = {
    "disclaimer_acks": AckV1, "screenings": ScreeningV1, "sessions": SessionV1,
    "checkins": CheckinV1, "plan_changes": PlanChangeV1, "notes": NoteV1, "psfs": PsfsV1,
    "sharp_pain_events": SharpPainV1, "professional_advice": AdviceV1,
}  # fmt: skip
_HEADER = {"format", "version", "profile", "settings"}


class _Setting(BaseModel):
    key: SettingKey
    value: Any


def _import_members(
    journal: Journal,
    members: Iterable[tuple[str, int | None, Any]],
    as_profile: str | None,
    name_allowed: Callable[[str], bool] | None = None,
) -> str:
    """Validate and store the members of an export as they come, the header checked as soon as
    it is seen and once more at the end (a member may come after the records)."""
    header: dict[str, Any] = {}

    def records() -> Iterator[object]:
        for key, index, value in members:
            if key in _LISTS:
                if index is not None:
                    yield _record(key, index, value)
                elif not isinstance(value, list):
                    raise ImportFormatError(_invalid([f"  {key}: Input should be a valid list"]))
                else:
                    yield from (_record(key, i, item) for i, item in enumerate(value))
            elif key in _HEADER:
                header[key] = value
                _check_header(header)
            elif "format" not in header:  # {"hello": 1} is some other file, not a bad export
                _parse_header(header)
            else:
                raise ImportFormatError(_invalid([f"  {key}: Extra inputs are not permitted"]))
        parsed = _parse_header(header)
        for key, value in parsed.settings.items():
            if value is not None:
                yield _Setting(key=key, value=value)

    def name() -> str:
        if as_profile is not None:
            return validate_profile_name(as_profile)
        stored = _parse_header(header).profile
        if name_allowed is not None and not name_allowed(stored):
            raise ImportNameError(f"the export's profile name {stored!r} is not allowed")
        return validate_profile_name(stored)

    return journal.add_records(records(), name, stage=_stage)


def _stage(session: Session, profile_id: int, record: object) -> None:
    """Store the records ``Journal`` does not know: PSFS and settings."""
    if isinstance(record, PsfsRecord):
        stage_psfs(session, profile_id, (record,))
    elif isinstance(record, _Setting):
        session.add(SettingRow(profile_id=profile_id, key=record.key, value=record.value))
    else:
        raise TypeError(f"cannot store a {type(record).__name__}")


def _check_header(header: dict[str, Any]) -> None:
    """Refuse at once what is not a journal export or is from a newer backcoach."""
    if "format" in header and header["format"] != FORMAT:
        raise ImportFormatError(
            f'this is not a backcoach journal export (its "format" is not {FORMAT!r})'
        )
    version = header.get("version")
    if isinstance(version, int) and not isinstance(version, bool) and version > VERSION:
        raise ImportFormatError(
            f"this export has format version {version}, newer than this backcoach reads "
            f"({VERSION}); upgrade backcoach to import it."
        )


def _parse_header(header: dict[str, Any]) -> JournalExportV1:
    if "format" not in header:
        raise ImportFormatError(
            f'this is not a backcoach journal export (its "format" is not {FORMAT!r})'
        )
    return _validated(JournalExportV1, header, ())


def _record(key: str, index: int, value: Any) -> object:
    """One element of a list of the export, validated, as a core record."""
    model = _validated(_LISTS[key], value, (key, index))
    try:
        return model.record()  # type: ignore[attr-defined]
    except (ValueError, OverflowError) as exc:
        raise ImportFormatError(f"{key}.{index}: a value cannot be used: {exc}") from None


_M = TypeVar("_M", bound=BaseModel)


def _validated(model: type[_M], value: Any, where: tuple[str | int, ...]) -> _M:
    try:
        parsed = model.model_validate(value)
    except ValidationError as exc:
        raise ImportFormatError(_describe(exc, where)) from None
    except (ValueError, OverflowError) as exc:  # e.g. a time zone pushing a date past year 9999
        raise ImportFormatError(f"the export holds a value that cannot be used: {exc}") from None
    _check_values(parsed.model_dump(), ".".join(["the export", *map(str, where)]))
    return parsed


#: Times outside these years are typing mistakes or hostile files; they would make every period
#: (reports, history charts) span millennia.
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(2201, 1, 1, tzinfo=UTC)


def _check_values(value: Any, where: str = "the export") -> None:
    """Every text storable as UTF-8, every time within ``EARLIEST``..``LATEST``, every whole
    number within what SQLite and JavaScript hold."""
    if isinstance(value, dict):
        for key, item in value.items():
            _check_values(item, f"{where}.{key}")
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            _check_values(item, f"{where}[{index}]")
    elif isinstance(value, str) and has_surrogates(value):
        raise ImportFormatError(f"{where}: the text holds characters that are not valid Unicode")
    elif isinstance(value, datetime) and not EARLIEST <= value < LATEST:
        raise ImportFormatError(
            f"{where}: the time {value.isoformat()} is outside the years 1970 to 2200"
        )
    elif isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_INT:
        raise ImportFormatError(f"{where}: the number is far too large")


#: The largest export file read (a decade of daily sessions is about 15 MB; reading streams, so
#: the size costs time, not memory).
MAX_IMPORT_BYTES = 1024 * 1024 * 1024


def _describe(exc: ValidationError, where: tuple[str | int, ...] = ()) -> str:
    errors = exc.errors(include_url=False)
    lines = [
        f"  {'.'.join(str(part) for part in (*where, *err['loc'])) or '(top)'}: {err['msg']}"
        for err in errors[:_MAX_ERRORS_SHOWN]
    ]
    more = len(errors) - _MAX_ERRORS_SHOWN
    if more > 0:
        lines.append(f"  ... and {more} more")
    return _invalid(lines)


def _invalid(lines: list[str]) -> str:
    return "the journal export is not valid; nothing was imported:\n" + "\n".join(lines)


# --- CSV ----------------------------------------------------------------------------------------

SESSION_COLUMNS = (
    "session_id", "started_at", "ended_at", "outcome", "pain_before", "pain_after",
    "stop_exercise_id", "stop_at", "set_count", "note",
)  # fmt: skip
SET_COLUMNS = (
    "session_id", "set_id", "exercise_id", "side", "reps", "hold_s", "source", "quality",
    "range_deg", "started_at", "ended_at",
)  # fmt: skip
PAIN_COLUMNS = ("at", "day", "kind", "pain", "feeling", "session_id")
PLAN_COLUMNS = (
    "at", "exercise_id", "reason_code", "from_reps", "from_hold_s", "from_sessions_per_day",
    "to_reps", "to_hold_s", "to_sessions_per_day", "reason",
)  # fmt: skip


def export_csv(journal: Journal, profile: str, out_dir: Path) -> list[Path]:
    """Write sessions.csv, sets.csv, pain.csv and plan_changes.csv into ``out_dir``.

    Times are ISO 8601 UTC; empty cells mean "not recorded". Returns the files written.
    """
    _require_profile(journal, profile)
    history = journal.history(profile)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        return [
            _write(out_dir / "sessions.csv", SESSION_COLUMNS, _session_rows(history)),
            _write(out_dir / "sets.csv", SET_COLUMNS, _set_rows(history)),
            _write(out_dir / "pain.csv", PAIN_COLUMNS, _pain_rows(history)),
            _write(out_dir / "plan_changes.csv", PLAN_COLUMNS, _plan_rows(history)),
        ]
    except OSError as exc:
        raise StorageError(f"cannot write the CSV export to {out_dir}: {exc.strerror}") from exc


def _write(path: Path, columns: Sequence[str], rows: Iterable[Sequence[object]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        writer.writerows([_cell(v) for v in row] for row in rows)
    return path


def _cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, date):  # datetime is a date too
        return value.isoformat()
    return value


def _session_rows(history: History) -> Iterable[Sequence[object]]:
    for s in history.sessions:
        yield (
            s.id, s.started_at, s.ended_at, s.outcome.value, s.pain_before, s.pain_after,
            s.stop_exercise_id, s.stop_at, len(s.sets), s.note,
        )  # fmt: skip


def _set_rows(history: History) -> Iterable[Sequence[object]]:
    for s in history.sessions:
        for r in s.sets:
            yield (
                s.id, r.id, r.exercise_id, r.side.value if r.side else None, r.reps, r.hold_s,
                r.source.value, r.quality, r.range_deg, r.started_at, r.ended_at,
            )  # fmt: skip


def _pain_rows(history: History) -> Iterable[Sequence[object]]:
    rows: list[tuple[object, ...]] = []
    for s in history.sessions:
        if s.pain_before is not None:
            rows.append((s.started_at, s.started_at.date(), "before_session", s.pain_before, None,
                         s.id))  # fmt: skip
        if s.pain_after is not None:
            at = s.ended_at or s.started_at
            rows.append((at, at.date(), "after_session", s.pain_after, None, s.id))
    for c in history.checkins:
        rows.append((c.at, c.day, "morning_checkin", c.pain, c.feeling.value, None))
    rows.sort(key=lambda row: (row[1], row[0] is None, str(row[0])))
    return rows


def _plan_rows(history: History) -> Iterable[Sequence[object]]:
    for p in history.plan_changes:
        start = p.from_dose
        yield (
            p.at, p.exercise_id, p.reason_code,
            start.reps if start else None, start.hold_s if start else None,
            start.sessions_per_day if start else None,
            p.to_dose.reps, p.to_dose.hold_s, p.to_dose.sessions_per_day, p.reason,
        )  # fmt: skip
