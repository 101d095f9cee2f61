"""Hostile import and landmark files through the real CLI: a one-line message and exit 1, never a
traceback, a hang or unbounded memory; journal text never reaches the terminal as escape codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from backcoach.storage import Journal
from backcoach.storage.errors import ImportFormatError
from backcoach.storage.exchange import import_file

Run = Callable[..., subprocess.CompletedProcess[str]]


def _env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BACKCOACH_")}
    env.update(BACKCOACH_DATA_DIR=str(data_dir), COLUMNS="200", NO_COLOR="1")
    return env


@pytest.fixture
def run(tmp_path: Path) -> Run:
    def _run(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [sys.executable, "-m", "backcoach", *args], input="", capture_output=True, text=True,
            env=_env(tmp_path / "data"), timeout=timeout,
        )  # fmt: skip
        assert "Traceback" not in result.stderr + result.stdout, result.stderr
        assert "unexpected" not in result.stderr.lower(), result.stderr
        return result

    return _run


@pytest.fixture
def export(run: Run, tmp_path: Path) -> dict[str, object]:
    assert run("note", "a first note").returncode == 0
    out = tmp_path / "journal.json"
    assert run("export", "--format", "json", "--out", str(out)).returncode == 0
    data: dict[str, object] = json.loads(out.read_text())
    return data


def _import(run: Run, tmp_path: Path, text: str) -> subprocess.CompletedProcess[str]:
    path = tmp_path / "hostile.json"
    path.write_text(text, encoding="utf-8")
    return run("import", str(path), "--as", "other")


def _with_note(export: dict[str, object], note: str) -> str:
    notes = export["notes"]
    assert isinstance(notes, list)
    return json.dumps({**export, "notes": [{**notes[0], "text": note}]})


def _with_session(text: str, reps: int = 3, started_at: str = "2026-11-01T10:00:00+00:00") -> str:
    data = json.loads(text)
    at = "2026-11-01T10:01:00+00:00"
    data["sessions"] = [{"started_at": started_at, "outcome": "completed", "sets": [
        {"exercise_id": "knee-to-chest", "reps": reps, "hold_s": 5.0, "started_at": at,
         "ended_at": at}]}]
    return json.dumps(data)


@pytest.mark.parametrize("mutate", [
    lambda text: text.replace('"version": 1', '"version": 1' + "0" * 5000),
    lambda text: _with_session(text, reps=2**63),
    lambda text: "[" * 100_000 + "]" * 100_000,
    lambda text: text.replace("a first note", "\\ud800 lone"),
    lambda text: text.replace('"at": "', '"at": "9999', 1).replace('9999' + "20", "99", 1),
    lambda text: _with_session(text, started_at="9999-12-31T23:59:59-14:00"),
], ids=["5000-digits", "int-2-63", "nested-100k", "lone-surrogate", "year-9999", "tz-overflow"])
def test_hostile_imports_get_a_message(
    run: Run, tmp_path: Path, export: dict[str, object], mutate: Callable[[str], str]
) -> None:
    result = _import(run, tmp_path, mutate(json.dumps(export)))
    assert result.returncode == 1, result.stdout
    assert result.stderr.strip().count("\n") == 0  # one line
    assert "other" not in run("profiles").stdout  # nothing stored


def test_devices_and_pipes_are_refused_at_once(run: Run, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    for path in ("/dev/zero", str(fifo)):
        result = run("import", path, timeout=20)
        assert result.returncode == 1 and "regular file" in result.stderr
        analysed = run("analyze", path, "-e", "knee-to-chest", timeout=20)
        assert analysed.returncode == 1 and "Traceback" not in analysed.stderr


def test_an_export_above_the_size_limit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    path.write_text(json.dumps({"format": "backcoach-journal", "pad": "x" * 5000}))
    with Journal.open(tmp_path / "data") as journal:
        with pytest.raises(ImportFormatError, match="too large"):
            import_file(journal, path, max_bytes=1000)
        assert journal.profiles() == []


def test_escape_codes_in_an_imported_note_never_reach_the_terminal(
    run: Run, tmp_path: Path, export: dict[str, object]
) -> None:
    note = "\x1b]0;pwned\x07\x1b[2J\x1b[31mred\u202e text"
    assert _import(run, tmp_path, _with_note(export, note)).returncode == 0
    shown = run("--profile", "other", "history").stdout
    assert "red text" in shown
    assert "\x1b" not in shown and "\x07" not in shown and "\u202e" not in shown


@pytest.mark.parametrize("line", [
    '{"t": 1' + "0" * 400 + ', "landmarks": null}',
    '{"t": 1e400, "landmarks": null}',
    '{"t": ' + "9" * 5000 + ', "landmarks": null}',
], ids=["t-400-zeros", "t-1e400", "t-5000-digits"])
def test_hostile_landmark_files_get_a_message(run: Run, tmp_path: Path, line: str) -> None:
    header = {"format": "backcoach-landmarks", "version": 1, "fps": 30, "width": 640,
              "height": 480, "model": "blazepose-33"}
    path = tmp_path / "hostile.jsonl"
    path.write_text(json.dumps(header) + "\n" + line + "\n")
    result = run("analyze", str(path), "-e", "knee-to-chest")
    assert result.returncode == 1 and "line 2" in result.stderr


def test_a_huge_declared_width_gets_a_message(run: Run, tmp_path: Path) -> None:
    header = ('{"format": "backcoach-landmarks", "version": 1, "fps": 30, "width": 1'
              + "0" * 400 + ', "height": 480, "model": "blazepose-33"}')
    path = tmp_path / "wide.jsonl"
    path.write_text(header + '\n{"t": 0, "landmarks": null}\n')
    result = run("analyze", str(path), "-e", "knee-to-chest")
    assert result.returncode == 1 and "line 1" in result.stderr
