"""The PSFS record: one to three named activities rated 0-10, validated wherever it is built."""

from __future__ import annotations

import tomllib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from backcoach.core.psfs import (
    PsfsActivity,
    PsfsError,
    PsfsRecord,
    load_psfs_scale,
    make_psfs_record,
    parse_psfs_answer,
    previous_activities,
    psfs_due,
)

AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_record_keeps_activities_in_order_and_gives_the_mean() -> None:
    record = make_psfs_record(AT, [("Putting on socks", 3), ("Sitting an hour", 6)])
    assert [a.name for a in record.activities] == ["Putting on socks", "Sitting an hour"]
    assert record.mean_score == pytest.approx(4.5)


def test_activity_names_are_tidied() -> None:
    assert PsfsActivity("  lifting   a child ", 4).name == "lifting a child"


@pytest.mark.parametrize("score", [-1, 11, 2.5, True, "7"])
def test_scores_outside_0_to_10_or_not_whole_are_refused(score: object) -> None:
    with pytest.raises(PsfsError, match="0"):
        PsfsActivity("walking", score)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "answers, message",
    [
        ([], "1 to 3 activities"),
        ([("a", 1), ("b", 2), ("c", 3), ("d", 4)], "1 to 3 activities"),
        ([("Walking", 1), ("walking", 2)], "named twice"),
        ([("   ", 1)], "needs a name"),
        ([("x" * 121, 1)], "characters"),
    ],
)
def test_malformed_records_are_refused(answers: list[tuple[str, int]], message: str) -> None:
    with pytest.raises(PsfsError, match=message):
        make_psfs_record(AT, answers)


def test_naive_time_is_refused() -> None:
    with pytest.raises(PsfsError, match="timezone-aware"):
        make_psfs_record(AT.replace(tzinfo=None), [("walking", 5)])


def test_parse_answer_splits_on_the_last_equals_sign() -> None:
    assert parse_psfs_answer("bend = pick up shoes=7") == ("bend = pick up shoes", 7)


@pytest.mark.parametrize("text", ["walking", "=5", "walking=seven", "walking=12"])
def test_parse_answer_refuses_bad_text(text: str) -> None:
    with pytest.raises(PsfsError):
        parse_psfs_answer(text)


def test_due_weekly_and_previous_activities_come_from_the_latest() -> None:
    first = make_psfs_record(AT, [("walking", 3)])
    second = make_psfs_record(AT + timedelta(days=7), [("socks", 4), ("walking", 5)])
    records = [second, first]
    assert psfs_due([], AT, 7)
    assert not psfs_due(records, AT + timedelta(days=13), 7)
    assert psfs_due(records, AT + timedelta(days=14), 7)
    assert previous_activities(records) == ("socks", "walking")
    assert previous_activities([]) == ()


def test_shipped_scale_has_attribution_and_no_proprietary_questionnaire() -> None:
    scale = load_psfs_scale()
    assert "Stratford" in scale.attribution
    assert scale.max_activities == 3 and scale.interval_days == 7
    assert (scale.min_score, scale.max_score) == (0, 10)
    data_dir = Path(__file__).parents[2] / "src" / "backcoach" / "data"
    shipped = [p for p in data_dir.rglob("*") if "oswestry" in p.name.lower()]
    names = [tomllib.loads(p.read_text("utf-8")).get("name", "") for p in data_dir.rglob("*.toml")]
    assert shipped == [] and not any("oswestry" in str(n).lower() for n in names)


def test_a_broken_scale_file_names_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "psfs.toml"
    bad.write_text('name = "x"\n', encoding="utf-8")
    with pytest.raises(PsfsError, match=r"psfs\.toml"):
        load_psfs_scale(bad)


def test_record_type_is_frozen() -> None:
    record = PsfsRecord(at=AT, activities=(PsfsActivity("walking", 2),))
    with pytest.raises(AttributeError):
        record.at = AT  # type: ignore[misc]
