"""The CLI through its real entry point: catalog, safety, sessions, journal, bad input."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from backcoach.core.catalog import default_catalog_dir
from backcoach.core.safety import SHARP_PAIN_MESSAGE

Run = Callable[..., subprocess.CompletedProcess[str]]


def cli_env(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BACKCOACH_")}
    env.update(BACKCOACH_DATA_DIR=str(data_dir), COLUMNS="200", NO_COLOR="1", **extra)
    return env


def command(*args: str) -> list[str]:
    return [sys.executable, "-m", "backcoach", *args]


@pytest.fixture
def run(tmp_path: Path) -> Run:
    """``run("plan", input=..., data_dir=..., env=...)``: never a traceback, whatever the exit."""

    def _run(
        *args: str,
        input: str | None = None,
        data_dir: Path | None = None,
        env: dict[str, str] | None = None,
    ) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            command(*args),
            input=input if input is not None else "",
            capture_output=True,
            text=True,
            env=cli_env(data_dir or tmp_path / "data", **(env or {})),
            timeout=120,
        )
        assert "Traceback" not in result.stderr, result.stderr
        assert "Traceback" not in result.stdout, result.stdout
        return result

    return _run


@pytest.fixture
def ready(run: Run) -> Run:
    """A profile that has accepted the disclaimer and answered no to every red flag."""
    assert run("disclaimer", "--accept").returncode == 0
    assert run("screen", "--no-to-all").returncode == 0
    return run


FAST = ("session", "--speed", "1000")


def _export(run: Run, data_dir: Path | None = None) -> dict:
    result = run("export", data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_exercises_list_show_and_json(run: Run) -> None:
    listing = run("exercises")
    assert listing.returncode == 0
    for exercise_id in ("knee-to-chest", "neck-flexion", "hip-flexor-stretch"):
        assert exercise_id in listing.stdout
    ids = [e["id"] for e in json.loads(run("exercises", "--json").stdout)]
    assert sorted(ids) == ["hip-flexor-stretch", "knee-to-chest", "neck-flexion"]
    shown = run("exercises", "show", "hip-flexor-stretch")
    assert shown.returncode == 0
    assert "Steps" in shown.stdout and "leg that steps back" in shown.stdout
    assert "not medical advice" in shown.stdout
    one = json.loads(run("exercises", "show", "knee-to-chest", "--json").stdout)
    assert one["id"] == "knee-to-chest" and one["start"]["reps"] >= 1


def test_unknown_exercise_is_a_clear_error(run: Run) -> None:
    result = run("exercises", "show", "handstand")
    assert result.returncode == 1
    assert "unknown exercise 'handstand'" in result.stderr
    assert "knee-to-chest" in result.stderr  # says which ones exist


def test_usage_error_exits_2(run: Run) -> None:
    result = run("no-such-command")
    assert result.returncode == 2


def test_disclaimer_and_clean_screening_allow_a_plan(run: Run) -> None:
    before = run("plan")
    assert "backcoach disclaimer" in before.stdout  # tells the next step
    accepted = run("disclaimer", input="y\n")
    assert accepted.returncode == 0 and "Accepted" in accepted.stdout
    screened = run("screen", input="n\n" * 13)
    assert screened.returncode == 0, screened.stdout + screened.stderr
    assert "No warning signs" in screened.stdout
    plan = run("plan")
    assert plan.returncode == 0
    assert "Knee-to-chest stretch" in plan.stdout and "3 x 5 s" in plan.stdout
    assert "Why this plan" in plan.stdout and "Start a session" in plan.stdout
    assert "not medical advice" in plan.stdout


def test_disclaimer_is_asked_before_a_first_session(run: Run) -> None:
    result = run("session", input="")  # nobody answers
    assert result.returncode == 1
    assert "Before you start" in result.stdout
    assert "disclaimer" in result.stderr
    assert "No sessions yet" in run("history").stdout


def test_red_flag_blocks_sessions_until_cleared(ready: Run) -> None:
    run = ready
    flagged = run("screen", "--no-to-all", "--answers", '{"bladder_bowel": true}')
    assert flagged.returncode == 0
    assert "emergency" in flagged.stdout.lower()
    refused = run(*FAST, input="0\n")
    assert refused.returncode == 1
    assert "emergency" in refused.stdout.lower()  # the advice matched to the flag
    assert "no session today" in refused.stderr
    assert _export(run)["sessions"] == []
    cleared = run("clear", "--by", "Dr Lee, GP", "--note", "GP examined me, all fine", "--yes")
    assert cleared.returncode == 0
    allowed = run(*FAST, input="1\ns\n")
    assert allowed.returncode == 0, allowed.stderr
    assert [s["outcome"] for s in _export(run)["sessions"]] == ["stopped"]


def test_marked_pain_rise_asks_the_questions_again_first(ready: Run) -> None:
    run = ready
    # pain 9 before: re-screen; "y" to the first question (saddle numbness), "n" to the rest
    result = run(*FAST, input="9\ny\n" + "n\n" * 12)
    assert result.returncode == 1
    assert "safety questions come first" in result.stdout
    assert "emergency" in result.stdout.lower()
    data = _export(run)
    assert data["sessions"] == []
    assert data["screenings"][-1]["positive_flags"] == ["cauda_equina"]
    assert run(*FAST, input="1\n").returncode == 1  # and it stays blocked


def test_incomplete_scripted_screening_is_refused(ready: Run) -> None:
    result = ready("screen", "--answers", '{"fever": false}')
    assert result.returncode == 1
    assert "missing answers" in result.stderr


def test_full_session_is_in_history_and_export(ready: Run) -> None:
    run = ready
    result = run(*FAST, "--quiet", input="2\n3\n")
    assert result.returncode == 0, result.stderr
    assert "Session complete" in result.stdout
    assert "Hold" in result.stdout and "Set saved" in result.stdout
    history = run("history")
    assert "completed" in history.stdout and "2 -> 3" in history.stdout
    (session,) = _export(run)["sessions"]
    assert session["outcome"] == "completed"
    assert (session["pain_before"], session["pain_after"]) == (2, 3)
    sets = {(s["exercise_id"], s["side"]): s["reps"] for s in session["sets"]}
    assert sets == {
        ("hip-flexor-stretch", "left"): 2,
        ("hip-flexor-stretch", "right"): 2,
        ("knee-to-chest", None): 3,
        ("neck-flexion", None): 3,
    }
    assert "1/3" in run("plan").stdout  # progress toward today's target


def test_sharp_pain_stop_shows_in_history_and_holds_the_plan(ready: Run) -> None:
    run = ready
    # n: skip get-ready; n: end the first hold; n: skip the rest; x: sharp pain in rep 2
    result = run(*FAST, input="2\nn\nn\nn\nx\n")
    assert result.returncode == 0, result.stderr
    assert " ".join(SHARP_PAIN_MESSAGE.split()[:6]) in " ".join(result.stdout.split())
    assert "sharp_pain" in run("history").stdout
    data = _export(run)
    (session,) = data["sessions"]
    assert session["outcome"] == "sharp_pain"
    assert session["stop_exercise_id"] == "hip-flexor-stretch"
    assert session["sets"][0]["reps"] == 1
    changes = data["plan_changes"]
    assert "progress" not in {c["reason_code"] for c in changes}
    latest = [c for c in changes if c["exercise_id"] == "knee-to-chest"][-1]
    assert latest["reason_code"] == "step_back"
    assert latest["to_dose"]["reps"] == 3  # never below the start; certainly not up
    plan = run("plan")
    assert "sharp pain" in plan.stdout and "3 x 5 s" in plan.stdout


def test_json_export_import_round_trip(ready: Run, tmp_path: Path) -> None:
    run = ready
    assert run(*FAST, input="1\n2\n").returncode == 0
    assert run("checkin", "better", "--pain", "1").returncode == 0
    first = run("export").stdout
    dump = tmp_path / "export.json"
    dump.write_text(first, encoding="utf-8")
    other = tmp_path / "other"
    imported = run("import", str(dump), data_dir=other)
    assert imported.returncode == 0, imported.stderr
    assert run("export", data_dir=other).stdout == first
    again = run("import", str(dump), data_dir=other)
    assert again.returncode == 1 and "already exists" in again.stderr


def test_csv_export_writes_tables(ready: Run, tmp_path: Path) -> None:
    out = tmp_path / "csv"
    result = ready("export", "--format", "csv", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert (out / "sessions.csv").read_text(encoding="utf-8").startswith("session_id")


def test_import_of_a_non_export_is_refused(run: Run, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"hello": 1}', encoding="utf-8")
    result = run("import", str(bad))
    assert result.returncode == 1 and "not a backcoach journal export" in result.stderr


def test_corrupt_database_is_reported_and_left_untouched(run: Run, tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    db = data_dir / "journal.sqlite3"
    garbage = b"this is not a database\x00" * 100
    db.write_bytes(garbage)
    result = run("plan", data_dir=data_dir)
    assert result.returncode == 1
    assert str(db) in result.stderr and "damaged" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert db.read_bytes() == garbage


def test_malformed_catalog_names_file_and_field(run: Run, tmp_path: Path) -> None:
    catalog = tmp_path / "catalog"
    shutil.copytree(default_catalog_dir(), catalog)
    broken = catalog / "neck-flexion.toml"
    broken.write_text(
        broken.read_text(encoding="utf-8").replace("reps = 3", 'reps = "three"', 1),
        encoding="utf-8",
    )
    result = run("exercises", env={"BACKCOACH_CATALOG_DIR": str(catalog)})
    assert result.returncode == 1
    assert "neck-flexion.toml" in result.stderr and "start.reps" in result.stderr


def test_out_of_range_pain_is_refused(ready: Run) -> None:
    run = ready
    checkin = run("checkin", "same", "--pain", "11")
    assert checkin.returncode == 1
    assert "0 (no pain) to 10" in checkin.stderr
    session = run(*FAST, input="11\n")
    assert session.returncode == 1
    assert "0 (no pain) to 10" in session.stdout
    assert "pain before" in session.stderr
    data = _export(run)
    assert data["sessions"] == [] and data["checkins"] == []


def _session_until_a_set_is_saved(data_dir: Path) -> tuple[subprocess.Popen[str], list[str]]:
    """A real ``backcoach session`` (pain before 4), read until its first set is committed."""
    proc = subprocess.Popen(
        command("session", "--speed", "20", "--quiet"),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=cli_env(data_dir),
    )
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.write("4\n")
    proc.stdin.flush()
    seen = []
    for line in proc.stdout:
        seen.append(line)
        if "Set saved" in line:
            break
    return proc, seen


def test_killed_mid_session_keeps_the_finished_set(ready: Run, tmp_path: Path) -> None:
    proc, seen = _session_until_a_set_is_saved(tmp_path / "data")
    with proc:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert any("Set saved" in line for line in seen), "".join(seen)
    (session,) = _export(ready)["sessions"]
    assert session["outcome"] == "in_progress" and session["pain_before"] == 4
    assert session["sets"][0]["exercise_id"] == "hip-flexor-stretch"
    assert "in_progress" in ready("history").stdout


def test_forget_asks_first(ready: Run) -> None:
    run = ready
    kept = run("forget", input="n\n")
    assert kept.returncode == 0 and "Nothing deleted" in kept.stdout
    assert "default" in run("profiles").stdout
    assert run("forget", "--yes").returncode == 0
    assert "default" not in run("profiles").stdout
    gone = run("forget", "--yes")
    assert gone.returncode == 1 and "no profile" in gone.stderr


def test_profiles_are_separate(ready: Run) -> None:
    other = ready("--profile", "sam", "plan")
    assert "backcoach disclaimer" in other.stdout  # sam has not accepted anything yet
    assert ready("plan").returncode == 0


def test_notes_are_kept_shown_and_exported(run: Run) -> None:
    assert run("note", "Stiff after the long drive").returncode == 0
    assert "Stiff after the long drive" in run("history").stdout
    assert [n["text"] for n in _export(run)["notes"]] == ["Stiff after the long drive"]
    empty = run("note", "   ")
    assert empty.returncode != 0 and "empty" in empty.stderr
    assert run("note", "x" * 2001).returncode != 0
    assert len(_export(run)["notes"]) == 1


def _red_flag(run: Run) -> None:
    flagged = run("screen", "--no-to-all", "--answers", '{"fever": true}')
    assert flagged.returncode == 0, flagged.stderr


def test_import_derives_red_flags_from_the_answers(ready: Run, tmp_path: Path) -> None:
    run = ready
    _red_flag(run)
    data = _export(run)
    data["screenings"][-1]["positive_flags"] = []  # edited, but the answers still say yes
    assert data["screenings"][-1]["answers"]["fever"] is True
    dump = tmp_path / "m.json"
    dump.write_text(json.dumps(data), encoding="utf-8")
    assert run("import", str(dump), "--as", "m").returncode == 0
    refused = run("--profile", "m", *FAST, input="0\n")
    assert refused.returncode == 1
    assert "no session today" in refused.stderr
    assert _export_profile(run, "m")["screenings"][-1]["positive_flags"] == ["infection"]


def _export_profile(run: Run, profile: str) -> dict:
    result = run("--profile", profile, "export")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_checkin_on_a_blocked_profile_shows_the_block_not_doses(ready: Run) -> None:
    run = ready
    _red_flag(run)
    result = run("checkin", "better", "--pain", "2")
    assert result.returncode == 0, result.stderr
    assert "Check-in recorded" in result.stdout
    assert "Plan " not in result.stdout and "repetitions" not in result.stdout
    assert "professional" in result.stdout and "backcoach clear" in result.stdout
    assert "infection" in result.stdout.lower() or "fever" in result.stdout.lower()
    assert [c["feeling"] for c in _export(run)["checkins"]] == ["better"]


def test_clean_screening_after_an_uncleared_flag_says_it_still_blocks(ready: Run) -> None:
    run = ready
    _red_flag(run)
    again = run("screen", "--no-to-all")
    assert again.returncode == 0
    assert "No warning signs" in again.stdout
    assert "earlier warning" in again.stdout and "backcoach clear" in again.stdout
    clean = run("--profile", "other", "screen", "--no-to-all")
    assert "earlier warning" not in clean.stdout


def test_sigterm_mid_session_stops_it_and_keeps_the_set(ready: Run, tmp_path: Path) -> None:
    proc, _ = _session_until_a_set_is_saved(tmp_path / "data")
    with proc:
        assert proc.stdin is not None and proc.stdout is not None
        proc.send_signal(signal.SIGTERM)
        proc.stdin.close()  # no pain-after answer: kept as stopped
        proc.stdout.read()
        proc.wait(timeout=30)
    (session,) = _export(ready)["sessions"]
    assert session["outcome"] == "stopped"
    assert session["sets"][0]["exercise_id"] == "hip-flexor-stretch"


@pytest.mark.parametrize("args", [
    ("--profile", "../../etc", "plan"),
    ("--profile", "a/b", "history"),
    ("--profile", "", "plan"),
])
def test_bad_profile_names_are_usage_errors(run: Run, args: tuple[str, ...]) -> None:
    result = run(*args)
    assert result.returncode == 2
    assert "1 to 64 letters" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_import_under_a_bad_name_is_a_usage_error(ready: Run, tmp_path: Path) -> None:
    dump = tmp_path / "e.json"
    dump.write_text(ready("export").stdout, encoding="utf-8")
    result = ready("import", str(dump), "--as", "../../etc")
    assert result.returncode == 2
    assert "1 to 64 letters" in result.stderr
    assert ready("profiles").stdout.count("etc") == 0


def test_debug_zero_shows_no_traceback(run: Run, tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    (data_dir / "journal.sqlite3").mkdir()  # a folder where the database file should be
    for value in ("0", "", "false"):
        result = subprocess.run(
            command("plan"), capture_output=True, text=True, timeout=120,
            env=cli_env(data_dir, BACKCOACH_DEBUG=value),
        )
        assert result.returncode == 1, (value, result.stderr)
        assert "Traceback" not in result.stderr, value
    shown = subprocess.run(
        command("plan"), capture_output=True, text=True, timeout=120,
        env=cli_env(data_dir, BACKCOACH_DEBUG="1"),
    )
    assert "Traceback" in shown.stderr
