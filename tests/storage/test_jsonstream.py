"""The streaming reader gives what ``json`` gives, at any window size, with the same limits; an
import that fails at its last record stores nothing and leaves existing profiles alone."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from backcoach.core.safejson import JsonLimitError
from backcoach.storage import ImportFormatError, Journal, export_json, jsonstream
from backcoach.storage.exchange import import_file
from backcoach.storage.sample import write_sample_export

DOC = {
    "format": "x", "n": 12345678901, "f": -1.5e-3, "t": True, "z": None,
    "items": [{"a": [1, 2, {"b": "é \\\" \u2028"}]}, 7, "text", [], {}],
    "empty": [], "other": [3, 4],
}  # fmt: skip


def _members(path: Path, arrays: tuple[str, ...] = ("items", "empty")) -> list[Any]:
    return list(jsonstream.iter_members(path, arrays, max_bytes=10**6))


@pytest.mark.parametrize("chunk", [1, 2, 3, 7, 64, 1 << 20])
def test_members_and_elements_match_json_at_any_window(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int
) -> None:
    monkeypatch.setattr(jsonstream, "_CHUNK_CHARS", chunk)
    path = tmp_path / "doc.json"
    path.write_text(json.dumps(DOC, indent=1, ensure_ascii=False), encoding="utf-8")
    members = _members(path)
    assert ("n", None, 12345678901) in members  # a number cut by the window is read whole
    assert [v for k, i, v in members if k == "items"] == DOC["items"]
    assert [i for k, i, v in members if k == "items"] == [0, 1, 2, 3, 4]
    assert ("other", None, [3, 4]) in members and not [m for m in members if m[0] == "empty"]


@pytest.mark.parametrize(("text", "message"), [
    ('{"items": [1, 2,]}', "not valid JSON"),
    ('{"items": [1 2]}', "expected ',' or ']'"),
    ('{"a": 1} {"b": 2}', "extra data"),
    ('{"items": ["abc', r"\(Unterminated string starting at character 11\)"),
    ('{"a": 1, "a": 2}', "appears twice"),
    ('{"a": 1', "expected ',' or '}'"),
    ('[1, 2]', "not a JSON object"),
    ('{"items": [' + "9" * 5000 + "]}", "far too large"),
    ('{"items": [1e400]}', "too large"),
    ('{"items": [NaN]}', "not a number JSON allows"),
    ('{"items": [' + "[" * 100_000 + "]" * 100_000 + "]}", "nested too deeply"),
], ids=["trailing-comma", "no-comma", "extra", "string-cut", "twice", "cut", "array", "digits",
        "1e400", "nan", "deep"])  # fmt: skip
def test_bad_json_is_refused_with_a_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, message: str
) -> None:
    monkeypatch.setattr(jsonstream, "_CHUNK_CHARS", 5)
    path = tmp_path / "bad.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(JsonLimitError, match=message):
        _members(path)


def test_one_huge_value_is_refused_without_reading_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(jsonstream, "MAX_VALUE_CHARS", 1000)
    path = tmp_path / "huge.json"
    path.write_text('{"items": ["' + "x" * 5000 + '"]}', encoding="utf-8")
    with pytest.raises(JsonLimitError, match="longer than 1000"):
        _members(path)


def test_not_utf8_and_not_regular_files_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "latin1.json"
    path.write_bytes(b'{"a": "\xe9"}')
    with pytest.raises(JsonLimitError, match="not UTF-8"):
        _members(path)
    with pytest.raises(JsonLimitError, match="regular file"):
        _members(tmp_path)


@pytest.fixture
def full(tmp_path: Path) -> Journal:
    """A journal that already holds a profile: no failed import may touch it."""
    journal = Journal.open(tmp_path / "data")
    write_sample_export(tmp_path / "keep.json", 30, datetime(2026, 12, 1, tzinfo=UTC))
    import_file(journal, tmp_path / "keep.json", "keep")
    return journal


@pytest.mark.parametrize("last", [
    '{"started_at": "2026-11-30T08:00:00+00:00", "outcome": "exploded"}',
    '{"started_at": "2026-11-30T08:00:00+00:00", "outcome": "completed", "pain_before": '
    + "1" * 40 + "}",
    '{"started_at": "2026-11-30T08:00:00+00:00", "outcome": "completed"',
], ids=["bad-outcome", "huge-number", "cut-off"])  # fmt: skip
def test_a_bad_last_record_stores_nothing(tmp_path: Path, full: Journal, last: str) -> None:
    before = export_json(full, "keep")
    path = tmp_path / "journal.json"
    write_sample_export(path, 700, datetime(2026, 12, 1, tzinfo=UTC))  # more than one batch
    text = path.read_text(encoding="utf-8")
    cut = text.rindex("\n]}")
    path.write_text(text[:cut] + ",\n" + last + text[cut:] if last.endswith("}") else
                    text[:cut] + ",\n" + last, encoding="utf-8")  # fmt: skip
    with pytest.raises(ImportFormatError):
        import_file(full, path, "copy")
    assert full.profiles() == ["keep"]
    assert export_json(full, "keep") == before
    with pytest.raises(ImportFormatError):  # under its own name too, the same
        import_file(full, path)
    assert full.profiles() == ["keep"]
    full.close()


def test_an_existing_name_is_refused_before_reading(tmp_path: Path, full: Journal) -> None:
    before = export_json(full, "keep")
    path = tmp_path / "journal.json"
    write_sample_export(path, 3, datetime(2026, 12, 1, tzinfo=UTC))
    with pytest.raises(Exception, match="already exists"):
        import_file(full, path, "keep")
    assert export_json(full, "keep") == before
    full.close()


def test_a_streamed_import_round_trips_exactly(tmp_path: Path, full: Journal) -> None:
    exported = export_json(full, "keep")
    path = tmp_path / "again.json"
    path.write_text(json.dumps({**exported, "profile": "again"}), encoding="utf-8")
    assert import_file(full, path) == "again"
    assert export_json(full, "again") == {**exported, "profile": "again"}
    full.close()
