"""JSON export/import round-trips exactly; bad data is refused whole; CSV opens in a spreadsheet."""

from __future__ import annotations

import copy
import csv
import dataclasses
import json
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from backcoach.core.psfs import PsfsRecord, make_psfs_record
from backcoach.core.records import History
from backcoach.storage import (
    ImportFormatError,
    Journal,
    ProfileExistsError,
    StorageError,
    UnknownProfileError,
    add_psfs,
    export_csv,
    export_json,
    import_json,
    psfs_records,
)

Store = Callable[[Journal, str, History], None]
Strip = Callable[[History], History]


@pytest.fixture
def sample_psfs(sample_history: History) -> tuple[PsfsRecord, ...]:
    """Two weekly PSFS records, one with three activities and a name that needs exact text."""
    at = sample_history.sessions[0].started_at
    return (
        make_psfs_record(at, [("Putting on socks", 3), ("Sitting 1 h = hard", 5), ("Lift", 0)]),
        make_psfs_record(at + timedelta(days=7, microseconds=1), [("Putting on socks", 6)]),
    )


@pytest.fixture
def exported(
    journal: Journal, sample_history: History, store: Store, sample_psfs: tuple[PsfsRecord, ...]
) -> dict[str, Any]:
    store(journal, "ann", sample_history)
    for record in sample_psfs:
        add_psfs(journal, "ann", record)
    return export_json(journal, "ann")


def _no_psfs_ids(records: tuple[PsfsRecord, ...]) -> tuple[PsfsRecord, ...]:
    return tuple(dataclasses.replace(r, id=None) for r in records)


def test_export_has_a_format_marker_and_everything(exported: dict[str, Any]) -> None:
    assert (exported["format"], exported["version"], exported["profile"]) == (
        "backcoach-journal",
        1,
        "ann",
    )
    assert [
        len(exported[k])
        for k in (
            "sessions", "screenings", "checkins", "plan_changes", "disclaimer_acks", "notes", "psfs"
        )
    ] == [2, 2, 2, 2, 1, 1, 2]  # fmt: skip
    assert len(exported["sessions"][0]["sets"]) == 3
    assert exported["sessions"][1]["outcome"] == "sharp_pain"
    assert exported["psfs"][0]["activities"][1] == {"name": "Sitting 1 h = hard", "score": 5}


def test_json_round_trip_is_exact_through_a_file(
    tmp_path: Path,
    exported: dict[str, Any],
    sample_history: History,
    without_ids: Strip,
    sample_psfs: tuple[PsfsRecord, ...],
) -> None:
    text = json.dumps(exported, ensure_ascii=False)
    with Journal.open(tmp_path / "other") as other:
        assert import_json(other, json.loads(text)) == "ann"
        assert export_json(other, "ann") == exported
        assert without_ids(other.history("ann")) == sample_history
        assert _no_psfs_ids(psfs_records(other, "ann")) == sample_psfs


def test_export_forget_import_export_round_trips_with_psfs(
    journal: Journal, exported: dict[str, Any], sample_psfs: tuple[PsfsRecord, ...]
) -> None:
    journal.forget("ann")
    assert psfs_records(journal, "ann") == ()
    assert import_json(journal, json.loads(json.dumps(exported))) == "ann"
    assert export_json(journal, "ann") == exported
    assert _no_psfs_ids(psfs_records(journal, "ann")) == sample_psfs


def test_an_old_export_without_psfs_still_imports(
    journal: Journal, exported: dict[str, Any]
) -> None:
    older = {k: v for k, v in exported.items() if k != "psfs"}
    import_json(journal, older, as_profile="old")
    assert psfs_records(journal, "old") == ()
    assert export_json(journal, "old") == {**exported, "profile": "old", "psfs": []}


def test_an_old_export_without_range_of_movement_still_imports(
    journal: Journal, exported: dict[str, Any]
) -> None:
    older = copy.deepcopy(exported)
    for session in older["sessions"]:
        for one in session["sets"]:
            del one["range_deg"]
    import_json(journal, older, as_profile="old")
    sets = [one for s in journal.history("old").sessions for one in s.sets]
    assert [one.range_deg for one in sets] == [None] * len(sets)


def test_range_of_movement_round_trips_and_bad_values_are_refused(
    journal: Journal, exported: dict[str, Any]
) -> None:
    ranges = [one.get("range_deg") for s in exported["sessions"] for one in s["sets"]]
    assert ranges == [None, None, 37.5, None]
    import_json(journal, exported, as_profile="copy")
    assert export_json(journal, "copy") == {**exported, "profile": "copy"}
    bad = copy.deepcopy(exported)
    bad["sessions"][0]["sets"][2]["range_deg"] = -3
    with pytest.raises(ImportFormatError, match="range_deg"):
        import_json(journal, bad, as_profile="bad")
    assert "bad" not in journal.profiles()


def test_import_under_a_new_name(journal: Journal, exported: dict[str, Any]) -> None:
    assert import_json(journal, exported, as_profile="ann-copy") == "ann-copy"
    again = export_json(journal, "ann-copy")
    assert again == {**exported, "profile": "ann-copy"}
    assert journal.profiles() == ["ann", "ann-copy"]


def test_import_into_an_existing_profile_is_refused(
    journal: Journal, exported: dict[str, Any]
) -> None:
    before = journal.history("ann")
    with pytest.raises(ProfileExistsError, match="already exists"):
        import_json(journal, exported)
    assert journal.history("ann") == before


def _broken(exported: dict[str, Any], mutate: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    data = copy.deepcopy(exported)
    mutate(data)
    return data


def _set_pain(data: dict[str, Any]) -> None:
    data["sessions"][1]["pain_after"] = 11


def _naive_time(data: dict[str, Any]) -> None:
    data["notes"][0]["at"] = "2026-03-02T10:30:15"


def _unknown_field(data: dict[str, Any]) -> None:
    data["sessions"][0]["sets"][0]["colour"] = "red"


def _bad_outcome(data: dict[str, Any]) -> None:
    data["sessions"][0]["outcome"] = "finished"


def _psfs_score(data: dict[str, Any]) -> None:
    data["psfs"][0]["activities"][2]["score"] = 11


def _psfs_twice(data: dict[str, Any]) -> None:
    data["psfs"][1]["activities"].append({"name": "putting on SOCKS", "score": 2})


def _huge_note(data: dict[str, Any]) -> None:
    data["notes"][0]["text"] = "x" * 5_000_000  # the app itself keeps notes to 2000 characters


@pytest.mark.parametrize(
    ("mutate", "where"),
    [
        (_huge_note, "notes.0.text"),
        (_set_pain, "sessions.1.pain_after"),
        (_naive_time, "notes.0.at"),
        (_unknown_field, "sessions.0.sets.0.colour"),
        (_bad_outcome, "sessions.0.outcome"),
        (_psfs_score, "psfs.0.activities.2.score"),
        (_psfs_twice, "psfs.1"),
    ],
)
def test_malformed_import_says_where_and_writes_nothing(
    tmp_path: Path, exported: dict[str, Any], mutate: Callable[[dict[str, Any]], None], where: str
) -> None:
    with Journal.open(tmp_path / "other") as other:
        with pytest.raises(ImportFormatError, match="nothing was imported") as caught:
            import_json(other, _broken(exported, mutate))
        assert where in str(caught.value)
        assert other.profiles() == []


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([1, 2], "expected a JSON object"),
        ({"sessions": []}, "not a backcoach journal export"),
        ({"format": "backcoach-journal", "version": 2, "profile": "x"}, "newer than"),
    ],
)
def test_not_an_export_is_refused(journal: Journal, data: Any, message: str) -> None:
    with pytest.raises(ImportFormatError, match=message):
        import_json(journal, data)
    assert journal.profiles() == []


def test_database_failure_midway_leaves_nothing(journal: Journal, sample_history: History) -> None:
    # NaN passes the dataclass but SQLite stores it as NULL, which the NOT NULL column refuses:
    # a real database error after the profile and sessions were already flushed.
    session = sample_history.sessions[1]
    bad_set = dataclasses.replace(session.sets[0], hold_s=float("nan"))
    bad = dataclasses.replace(
        sample_history,
        sessions=(sample_history.sessions[0], dataclasses.replace(session, sets=(bad_set,))),
    )
    with pytest.raises(StorageError, match="could not read or write"):
        journal.add_history("carl", bad)
    assert "carl" not in journal.profiles()
    assert journal.history("carl") == History()


def test_nan_in_an_export_is_refused(journal: Journal, exported: dict[str, Any]) -> None:
    data = copy.deepcopy(exported)
    data["sessions"][0]["sets"][0]["hold_s"] = float("nan")
    with pytest.raises(ImportFormatError, match=r"sessions\.0\.sets\.0\.hold_s"):
        import_json(journal, data, as_profile="copy")


def test_export_of_unknown_profile_is_a_clear_error(journal: Journal, tmp_path: Path) -> None:
    with pytest.raises(UnknownProfileError, match="nobody"):
        export_json(journal, "nobody")
    with pytest.raises(UnknownProfileError):
        export_csv(journal, "nobody", tmp_path / "csv")


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_csv_export_writes_headed_files(
    journal: Journal, exported: dict[str, Any], tmp_path: Path
) -> None:
    paths = export_csv(journal, "ann", tmp_path / "csv")
    assert [p.name for p in paths] == ["sessions.csv", "sets.csv", "pain.csv", "plan_changes.csv"]
    sessions = _read(tmp_path / "csv" / "sessions.csv")
    assert [s["outcome"] for s in sessions] == ["completed", "sharp_pain"]
    assert sessions[1]["stop_exercise_id"] == "neck-flexion"
    assert sessions[0]["started_at"] == "2026-03-02T08:30:15.123456+00:00"
    sets = _read(tmp_path / "csv" / "sets.csv")
    assert [(s["exercise_id"], s["side"]) for s in sets] == [
        ("knee-to-chest", ""),
        ("hip-flexor-stretch", "left"),
        ("hip-flexor-stretch", "right"),
        ("neck-flexion", ""),
    ]
    assert sets[2]["quality"] == "0.8125" and sets[0]["hold_s"] == "12.25"
    assert [s["range_deg"] for s in sets] == ["", "", "37.5", ""]  # camera set only
    pain = _read(tmp_path / "csv" / "pain.csv")
    assert [(p["kind"], p["pain"]) for p in pain] == [
        ("before_session", "3"),
        ("after_session", "4"),
        ("morning_checkin", "3"),
        ("before_session", "2"),
        ("after_session", "7"),
        ("morning_checkin", ""),
    ]
    plan = _read(tmp_path / "csv" / "plan_changes.csv")
    assert [p["reason_code"] for p in plan] == ["start", "step_back"]
    assert plan[0]["from_reps"] == "" and plan[1]["to_reps"] == "4"


def test_import_derives_red_flags_from_the_answers(
    journal: Journal, exported: dict[str, Any]
) -> None:
    """A yes answer raises its flag even when the stored flag list was emptied (safety)."""
    tampered = copy.deepcopy(exported)
    latest = tampered["screenings"][-1]
    latest["answers"]["fever"] = True
    latest["positive_flags"] = []
    import_json(journal, tampered, as_profile="bob")
    screening = journal.history("bob").screenings[-1]
    assert screening.positive_flags == ("infection",)
    assert screening.cleared_at is None
    # Stored flags come first; flags missing from the list are added after them.
    tampered = copy.deepcopy(exported)
    first = tampered["screenings"][0]
    first["answers"]["fever"] = True
    import_json(journal, tampered, as_profile="cat")
    assert journal.history("cat").screenings[0].positive_flags == ("cauda_equina", "infection")
