"""The FHIR export validates against the FHIR models and carries what a clinical system reads."""

from __future__ import annotations

import dataclasses
import json
from collections import Counter
from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle

from backcoach.core.records import History, SessionOutcome
from backcoach.reports.fhir import build_bundle, bundle_json
from backcoach.reports.summary import ReportSource

Json = dict[str, Any]


@pytest.fixture(scope="module")
def text(source: ReportSource) -> str:
    return bundle_json(source)


@pytest.fixture(scope="module")
def bundle(text: str) -> Json:
    loaded: Json = json.loads(text)
    return loaded


def _resources(bundle: Json, kind: str) -> list[Json]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def _references(node: object) -> list[str]:
    if isinstance(node, dict):
        found = [node["reference"]] if isinstance(node.get("reference"), str) else []
        return found + [r for value in node.values() for r in _references(value)]
    if isinstance(node, list):
        return [r for value in node for r in _references(value)]
    return []


def test_bundle_round_trips_through_the_fhir_models(text: str) -> None:
    model = Bundle.model_validate_json(text)
    assert model.type == "collection"
    again = json.loads(model.model_dump_json(exclude_none=True))
    assert again == json.loads(text)


def test_pain_scores_are_loinc_72514_3_integers(source: ReportSource, bundle: Json) -> None:
    pain = [
        o
        for o in _resources(bundle, "Observation")
        if any(
            c.get("code") == "72514-3" and c["system"] == "http://loinc.org"
            for c in o["code"]["coding"]
        )
    ]
    history = source.history
    expected = sum(
        (s.pain_before is not None) + (s.pain_after is not None) for s in history.sessions
    )
    expected += sum(c.pain is not None for c in history.checkins)
    assert len(pain) == expected
    assert all(isinstance(o["valueInteger"], int) and 0 <= o["valueInteger"] <= 10 for o in pain)
    assert all(o["effectiveDateTime"].startswith("2026-03") for o in pain)


def test_sessions_are_procedures_with_sets_as_observations(
    source: ReportSource, bundle: Json
) -> None:
    procedures = _resources(bundle, "Procedure")
    assert len(procedures) == len(source.history.sessions)
    stopped = [p for p in procedures if p["status"] == "stopped"]
    assert len(stopped) == 1 and "sharp pain" in stopped[0]["statusReason"]["text"]
    assert "Knee-to-chest" in stopped[0]["statusReason"]["text"]
    sets = [o for o in _resources(bundle, "Observation") if "component" in o]
    assert len(sets) == sum(len(s.sets) for s in source.history.sessions)
    first = {c["code"]["coding"][0]["code"]: c for c in sets[0]["component"]}
    assert first["repetitions"]["valueInteger"] == source.history.sessions[0].sets[0].reps
    assert first["hold-duration"]["valueQuantity"]["code"] == "s"
    assert first["set-duration"]["valueQuantity"]["value"] > 0
    assert any(
        "form-quality" in {c["code"]["coding"][0]["code"] for c in o["component"]} for o in sets
    )


def test_camera_range_of_movement_is_a_component_in_degrees(
    source: ReportSource, bundle: Json
) -> None:
    sets = [o for o in _resources(bundle, "Observation") if "component" in o]
    records = [one for s in source.history.sessions for one in s.sets]
    ranges = [
        {c["code"]["coding"][0]["code"]: c for c in o["component"]}.get("range-of-movement")
        for o in sets
    ]
    assert len(ranges) == len(records)
    for record, component in zip(records, ranges, strict=True):
        if record.range_deg is None:  # no camera: no component, never a zero
            assert component is None
        else:
            assert component is not None
            assert component["valueQuantity"] == {
                "value": record.range_deg, "unit": "deg",
                "system": "http://unitsofmeasure.org", "code": "deg",
            }  # fmt: skip
    assert any(r is None for r in ranges) and any(r is not None for r in ranges)


def test_screening_and_psfs_are_questionnaire_responses(source: ReportSource, bundle: Json) -> None:
    questionnaires = {q["url"]: q for q in _resources(bundle, "Questionnaire")}
    responses = _resources(bundle, "QuestionnaireResponse")
    screening = [r for r in responses if "red-flag" in r["questionnaire"]]
    psfs = [r for r in responses if r["questionnaire"].endswith(":psfs")]
    assert len(screening) == len(source.history.screenings)
    assert len(psfs) == len(source.psfs)
    url, version = screening[0]["questionnaire"].split("|")
    assert questionnaires[url]["version"] == version
    assert len(screening[0]["item"]) == len(questionnaires[url]["item"]) == 13
    assert all(i["answer"][0]["valueBoolean"] is False for i in screening[0]["item"])
    assert "Stratford" in questionnaires["urn:backcoach:questionnaire:psfs"]["copyright"]
    first = psfs[0]["item"][0]["item"]
    assert first[0]["answer"][0]["valueString"] == "Putting on socks"
    assert first[1]["answer"][0]["valueInteger"] == 3


def test_every_reference_resolves_inside_the_bundle(bundle: Json) -> None:
    full_urls = {e["fullUrl"] for e in bundle["entry"]}
    assert len(full_urls) == len(bundle["entry"])
    assert set(_references(bundle)) <= full_urls
    assert len(_resources(bundle, "Patient")) == 1


def test_export_is_deterministic(source: ReportSource, text: str) -> None:
    assert bundle_json(source) == text


def test_positive_screening_and_clearance_are_exported(source: ReportSource) -> None:
    record = source.history.screenings[0]
    flagged = dataclasses.replace(
        record,
        answers={**record.answers, "fever": True},
        positive_flags=("infection",),
        cleared_at=record.taken_at.replace(day=5),
        cleared_note="GP saw me: no infection",
    )
    bundle = build_bundle(dataclasses.replace(source, history=History(screenings=(flagged,))))
    results = [o for o in _resources(bundle, "Observation") if "valueString" in o]
    assert len(results) == 1
    assert "infection" in results[0]["valueString"].lower()
    assert "GP saw me" in results[0]["valueString"]


def test_empty_journal_exports_just_the_patient(source: ReportSource) -> None:
    bundle = build_bundle(dataclasses.replace(source, history=History(), psfs=()))
    assert Counter(e["resource"]["resourceType"] for e in bundle["entry"]) == {"Patient": 1}


def test_in_progress_session_is_in_progress(source: ReportSource) -> None:
    session = dataclasses.replace(
        source.history.sessions[0],
        outcome=SessionOutcome.IN_PROGRESS,
        pain_after=None,
        ended_at=None,
    )
    bundle = build_bundle(dataclasses.replace(source, history=History(sessions=(session,))))
    (procedure,) = _resources(bundle, "Procedure")
    assert procedure["status"] == "in-progress" and "end" not in procedure["performedPeriod"]
