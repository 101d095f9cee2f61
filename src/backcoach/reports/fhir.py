"""The journal as an HL7 FHIR R4 Bundle a clinical system can import.

What goes in, and how it is coded:

- ``Patient``: the profile (a local label, not a legal name).
- Pain scores (before and after each session, next-morning check-ins): ``Observation`` coded
  LOINC 72514-3 (pain severity, 0-10 verbal numeric rating), ``valueInteger``.
- Each session: a ``Procedure`` (SNOMED CT 229065009, exercise therapy) with its period and
  status; each exercise set an ``Observation`` (``partOf`` the procedure) with repetitions, mean
  hold, duration, side, camera form quality and the range of movement the camera measured
  (UCUM ``deg``: the peak above the person's own resting position) as components.
- Red-flag screening: a ``QuestionnaireResponse`` per screening with its ``Questionnaire``; a
  positive result or a professional's clearance is an extra ``Observation`` derived from it.
- PSFS: a ``QuestionnaireResponse`` per rating with its ``Questionnaire``.

The bundle is assembled as plain JSON and validated with ``fhir.resources`` (the R4B models,
which are structurally identical to R4 for every resource used here) before it is returned, so a
malformed export fails here and not in someone's clinical system. Identifiers are name-based
UUIDs: exporting the same journal twice gives the same ``fullUrl`` for the same record.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from fhir.resources.R4B.bundle import Bundle

from backcoach.core.catalog import UnknownExerciseError
from backcoach.core.psfs import MAX_ACTIVITIES, PsfsRecord
from backcoach.core.records import (
    MorningCheckin,
    MorningFeeling,
    ScreeningRecord,
    SessionOutcome,
    SessionRecord,
    SetRecord,
    SetSource,
    SharpPainEvent,
)
from backcoach.reports.summary import ReportSource

Json = dict[str, Any]

LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
UCUM = "http://unitsofmeasure.org"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
BACKCOACH_SYSTEM = "urn:backcoach"  # local code system for exercises and set components
PAIN_CODE = {
    "system": LOINC,
    "code": "72514-3",
    "display": "Pain severity - 0-10 verbal numeric rating [Score] - Reported",
}
EXERCISE_THERAPY = {"system": SNOMED, "code": "229065009", "display": "Exercise therapy"}
SCREENING_URL = "urn:backcoach:questionnaire:red-flag-screening"
PSFS_URL = "urn:backcoach:questionnaire:psfs"
_NAMESPACE = uuid.UUID("6d1f4c1e-3b7a-5a57-9c36-b6f1f0e2a9d4")

_PROCEDURE_STATUS = {
    SessionOutcome.COMPLETED: "completed",
    SessionOutcome.STOPPED: "stopped",
    SessionOutcome.SHARP_PAIN: "stopped",
    SessionOutcome.IN_PROGRESS: "in-progress",
}


_FEELING = {
    MorningFeeling.BETTER: "better than",
    MorningFeeling.SAME: "the same as",
    MorningFeeling.WORSE: "worse than",
}

_METHOD = {SetSource.MANUAL: "Counted by the person", SetSource.CAMERA: "Counted by the camera"}


class FhirExportError(Exception):
    """The journal could not be expressed as a valid FHIR Bundle (a backcoach bug: report it)."""


def _iso(at: datetime) -> str:
    return at.isoformat()


def _category(code: str) -> list[Json]:
    return [{"coding": [{"system": OBSERVATION_CATEGORY, "code": code}]}]


def _seconds(value: float) -> Json:
    return {"value": round(value, 2), "unit": "s", "system": UCUM, "code": "s"}


class _BundleBuilder:
    """Collects entries; every resource gets a stable ``urn:uuid`` for references."""

    def __init__(self, source: ReportSource) -> None:
        self.source = source
        self.entries: list[Json] = []
        self.patient_ref = self.urn("patient", source.profile)

    def urn(self, kind: str, key: object) -> str:
        return f"urn:uuid:{uuid.uuid5(_NAMESPACE, f'{self.source.profile}/{kind}/{key}')}"

    def add(self, full_url: str, resource: Json) -> str:
        resource["id"] = full_url.removeprefix("urn:uuid:")
        self.entries.append({"fullUrl": full_url, "resource": resource})
        return full_url

    def subject(self) -> Json:
        return {"reference": self.patient_ref}

    def exercise_name(self, exercise_id: str) -> str:
        try:
            return self.source.catalog.get(exercise_id).name
        except UnknownExerciseError:
            return exercise_id


def build_bundle(source: ReportSource) -> Json:
    """A validated FHIR R4 ``collection`` Bundle of the whole journal in ``source``, as JSON."""
    builder = _BundleBuilder(source)
    _add_patient(builder)
    _add_screenings(builder)
    for session in source.history.sessions:
        _add_session(builder, session)
    for checkin in source.history.checkins:
        _add_checkin_pain(builder, checkin)
    for event in source.history.sharp_pain_events:
        _add_sharp_pain(builder, event)
    _add_psfs(builder)
    bundle: Json = {
        "resourceType": "Bundle",
        "id": str(uuid.uuid5(_NAMESPACE, f"{source.profile}/bundle")),
        "type": "collection",
        "timestamp": _iso(source.generated_at),
        "entry": builder.entries,
    }
    return validate_bundle(bundle)


def validate_bundle(bundle: Json) -> Json:
    """Round-trip ``bundle`` through the FHIR models; raises ``FhirExportError`` if invalid."""
    try:
        model = Bundle.model_validate(bundle)
    except ValueError as exc:
        raise FhirExportError(f"the FHIR export is not valid: {exc}") from exc
    validated: Json = json.loads(model.model_dump_json(exclude_none=True))
    return validated


def bundle_json(source: ReportSource) -> str:
    """The bundle as indented JSON text, ready to write to a ``.json`` file."""
    return json.dumps(build_bundle(source), indent=2, ensure_ascii=False) + "\n"


def _add_patient(builder: _BundleBuilder) -> None:
    profile = builder.source.profile
    builder.add(
        builder.patient_ref,
        {
            "resourceType": "Patient",
            "identifier": [{"system": "urn:backcoach:profile", "value": profile}],
            "name": [{"text": profile}],
        },
    )


def _pain(
    builder: _BundleBuilder, key: str, score: int, at: datetime, note: str, part_of: str | None
) -> None:
    resource: Json = {
        "resourceType": "Observation",
        "status": "final",
        "category": _category("survey"),
        "code": {"coding": [PAIN_CODE], "text": "Pain severity (0-10)"},
        "subject": builder.subject(),
        "effectiveDateTime": _iso(at),
        "valueInteger": score,
        "note": [{"text": note}],
    }
    if part_of is not None:
        resource["partOf"] = [{"reference": part_of}]
    builder.add(builder.urn("pain", key), resource)


def _add_sharp_pain(builder: _BundleBuilder, event: SharpPainEvent) -> None:
    """SHARP PAIN pressed outside a session: an observation of pain (its score when given)."""
    where = "just after a session" if event.session_id else "outside a session"
    note = f"Sharp pain reported {where}" + (f": {event.note}" if event.note else "")
    key = f"sharp/{event.id if event.id is not None else _iso(event.at)}"
    if event.pain is not None:
        _pain(builder, key, event.pain, event.at, note, None)
        return
    builder.add(builder.urn("sharp-pain", key), {
        "resourceType": "Observation",
        "status": "final",
        "category": _category("survey"),
        "code": {"text": "Sharp pain reported (stop rule)"},
        "subject": builder.subject(),
        "effectiveDateTime": _iso(event.at),
        "valueString": "sharp pain",
        "note": [{"text": note}],
    })


def _session_key(session: SessionRecord) -> str:
    return str(session.id) if session.id is not None else _iso(session.started_at)


def _add_session(builder: _BundleBuilder, session: SessionRecord) -> None:
    key = _session_key(session)
    procedure_ref = builder.urn("session", key)
    procedure: Json = {
        "resourceType": "Procedure",
        "status": _PROCEDURE_STATUS[session.outcome],
        "code": {"coding": [EXERCISE_THERAPY], "text": "Guided lower-back exercise session"},
        "subject": builder.subject(),
        "performedPeriod": {"start": _iso(session.started_at)},
    }
    if session.ended_at is not None:
        procedure["performedPeriod"]["end"] = _iso(session.ended_at)
    if session.outcome is SessionOutcome.SHARP_PAIN:
        where = builder.exercise_name(session.stop_exercise_id or "")
        procedure["statusReason"] = {"text": f"Stopped for sharp pain during: {where}"}
    elif session.outcome is SessionOutcome.STOPPED:
        procedure["statusReason"] = {"text": "Stopped early by the person"}
    if session.note:
        procedure["note"] = [{"text": session.note}]
    builder.add(procedure_ref, procedure)
    if session.pain_before is not None:
        _pain(
            builder,
            f"{key}/before",
            session.pain_before,
            session.started_at,
            "Before an exercise session",
            procedure_ref,
        )
    if session.pain_after is not None:
        after_at = session.ended_at or session.stop_at or session.started_at
        _pain(
            builder,
            f"{key}/after",
            session.pain_after,
            after_at,
            "After an exercise session",
            procedure_ref,
        )
    for number, one in enumerate(session.sets):
        _add_set(builder, one, f"{key}/{number}", procedure_ref)


def _component(code: str, text: str, **value: Any) -> Json:
    return {"code": {"coding": [{"system": BACKCOACH_SYSTEM, "code": code}], "text": text}, **value}


def _set_components(one: SetRecord) -> Iterator[Json]:
    yield _component("repetitions", "Repetitions", valueInteger=one.reps)
    yield _component(
        "hold-duration", "Mean hold per repetition", valueQuantity=_seconds(one.hold_s)
    )
    duration_s = (one.ended_at - one.started_at).total_seconds()
    yield _component("set-duration", "Duration of the set", valueQuantity=_seconds(duration_s))
    if one.side is not None:
        yield _component("side", "Side", valueString=one.side.value)
    if one.quality is not None:
        quality = {"value": round(one.quality * 100, 1), "unit": "%", "system": UCUM, "code": "%"}
        yield _component("form-quality", "Form quality from the camera", valueQuantity=quality)
    if one.range_deg is not None:
        degrees = {"value": round(one.range_deg, 1), "unit": "deg", "system": UCUM, "code": "deg"}
        yield _component("range-of-movement",
                         "Range of movement above the resting position, from the camera",
                         valueQuantity=degrees)  # fmt: skip


def _add_set(builder: _BundleBuilder, one: SetRecord, key: str, procedure_ref: str) -> None:
    name = builder.exercise_name(one.exercise_id)
    builder.add(
        builder.urn("set", key),
        {
            "resourceType": "Observation",
            "status": "final",
            "category": _category("activity"),
            "code": {
                "coding": [{"system": BACKCOACH_SYSTEM, "code": one.exercise_id, "display": name}],
                "text": f"Exercise set: {name}",
            },
            "subject": builder.subject(),
            "partOf": [{"reference": procedure_ref}],
            "effectivePeriod": {"start": _iso(one.started_at), "end": _iso(one.ended_at)},
            "method": {"text": _METHOD[one.source]},
            "component": list(_set_components(one)),
        },
    )


def _add_checkin_pain(builder: _BundleBuilder, checkin: MorningCheckin) -> None:
    if checkin.pain is None:
        return
    at = checkin.at
    when = _iso(at) if at is not None else checkin.day.isoformat()
    note = f"Next-morning check-in: the back feels {_FEELING[checkin.feeling]} the day before"
    builder.add(
        builder.urn("checkin", checkin.day.isoformat()),
        {
            "resourceType": "Observation",
            "status": "final",
            "category": _category("survey"),
            "code": {"coding": [PAIN_CODE], "text": "Pain severity (0-10)"},
            "subject": builder.subject(),
            "effectiveDateTime": when,
            "valueInteger": checkin.pain,
            "note": [{"text": note}],
        },
    )


def _screening_version(questions: dict[str, str]) -> str:
    text = "\n".join(f"{qid}={question}" for qid, question in questions.items())
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def _add_screenings(builder: _BundleBuilder) -> None:
    screenings = builder.source.history.screenings
    if not screenings:
        return
    questions = dict(builder.source.screening_questions)
    for record in screenings:  # answers to questions the data file no longer has
        questions.update({q: q for q in record.answers if q not in questions})
    version = _screening_version(questions)
    builder.add(
        builder.urn("questionnaire", f"screening/{version}"),
        {
            "resourceType": "Questionnaire",
            "url": SCREENING_URL,
            "version": version,
            "name": "BackcoachRedFlagScreening",
            "title": "backcoach red-flag screening for lower back pain",
            "status": "active",
            "subjectType": ["Patient"],
            "item": [
                {"linkId": qid, "text": text, "type": "boolean", "required": True}
                for qid, text in questions.items()
            ],
        },
    )
    for record in screenings:
        _add_screening_response(builder, record, questions, version)


def _add_screening_response(
    builder: _BundleBuilder, record: ScreeningRecord, questions: dict[str, str], version: str
) -> None:
    key = str(record.id) if record.id is not None else _iso(record.taken_at)
    response_ref = builder.add(
        builder.urn("screening", key),
        {
            "resourceType": "QuestionnaireResponse",
            "questionnaire": f"{SCREENING_URL}|{version}",
            "status": "completed",
            "subject": builder.subject(),
            "authored": _iso(record.taken_at),
            "item": [
                {
                    "linkId": qid,
                    "text": questions[qid],
                    "answer": [{"valueBoolean": record.answers[qid]}],
                }
                for qid in questions
                if qid in record.answers
            ],
        },
    )
    if record.positive_flags or record.cleared_at is not None:
        _add_screening_result(builder, record, key, response_ref)


def _add_screening_result(
    builder: _BundleBuilder, record: ScreeningRecord, key: str, response_ref: str
) -> None:
    titles = [builder.source.flag_titles.get(f, f) for f in record.positive_flags]
    text = "Red flags: " + "; ".join(titles) if titles else "No red flags"
    if record.cleared_at is not None:
        text += f". Cleared by a professional on {record.cleared_at.date().isoformat()}"
        if record.cleared_by:
            text += f" ({record.cleared_by}"
            text += f", seen {record.cleared_on.isoformat()})" if record.cleared_on else ")"
        if record.cleared_note:
            text += f": {record.cleared_note}"
    builder.add(
        builder.urn("screening-result", key),
        {
            "resourceType": "Observation",
            "status": "final",
            "category": _category("survey"),
            "code": {
                "coding": [{"system": BACKCOACH_SYSTEM, "code": "red-flag-screening-result"}],
                "text": "Red-flag screening result",
            },
            "subject": builder.subject(),
            "effectiveDateTime": _iso(record.taken_at),
            "derivedFrom": [{"reference": response_ref}],
            "valueString": text,
        },
    )


def _add_psfs(builder: _BundleBuilder) -> None:
    records = builder.source.psfs
    if not records:
        return
    questionnaire: Json = {
        "resourceType": "Questionnaire",
        "url": PSFS_URL,
        "name": "PatientSpecificFunctionalScale",
        "title": "Patient-Specific Functional Scale (PSFS)",
        "status": "active",
        "subjectType": ["Patient"],
        "item": [_psfs_item(n) for n in range(1, MAX_ACTIVITIES + 1)],
    }
    if builder.source.psfs_attribution:
        questionnaire["copyright"] = builder.source.psfs_attribution
    builder.add(builder.urn("questionnaire", "psfs"), questionnaire)
    for record in records:
        _add_psfs_response(builder, record)


def _psfs_item(number: int) -> Json:
    return {
        "linkId": f"activity-{number}",
        "type": "group",
        "required": number == 1,
        "item": [
            {"linkId": f"activity-{number}-name", "text": "Activity", "type": "string"},
            {
                "linkId": f"activity-{number}-score",
                "text": "Ability (0 = unable, 10 = as before the problem)",
                "type": "integer",
            },
        ],
    }


def _add_psfs_response(builder: _BundleBuilder, record: PsfsRecord) -> None:
    items = []
    for number, activity in enumerate(record.activities, start=1):
        items.append(
            {
                "linkId": f"activity-{number}",
                "item": [
                    {
                        "linkId": f"activity-{number}-name",
                        "answer": [{"valueString": activity.name}],
                    },
                    {
                        "linkId": f"activity-{number}-score",
                        "answer": [{"valueInteger": activity.score}],
                    },
                ],
            }
        )
    key = str(record.id) if record.id is not None else _iso(record.at)
    builder.add(
        builder.urn("psfs", key),
        {
            "resourceType": "QuestionnaireResponse",
            "questionnaire": PSFS_URL,
            "status": "completed",
            "subject": builder.subject(),
            "authored": _iso(record.at),
            "item": items,
        },
    )
