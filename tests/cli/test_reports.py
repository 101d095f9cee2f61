"""``report``, ``remind``, ``psfs`` and ``export --format fhir`` through the real entry point."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import NamedTuple

import pytest
from fhir.resources.R4B.bundle import Bundle
from icalendar import Calendar
from pypdf import PdfReader

from backcoach.cli.app import main
from backcoach.core.catalog import load_catalog
from backcoach.core.psfs import make_psfs_record
from backcoach.core.records import (
    DoseValue,
    PlanChange,
    ScreeningRecord,
    SessionOutcome,
    SessionRecord,
    SetRecord,
    SetSource,
)
from backcoach.core.safety import load_screening
from backcoach.storage import Journal
from backcoach.storage.psfs import add_psfs, psfs_records

PROFILE = "alex"
# Recorded over the last three days, so the report (which runs up to today) stays short. Local
# times, as the report shows days in the machine's time zone.
TODAY = datetime.now().astimezone().date()
START = datetime.combine(TODAY - timedelta(days=3), time(8, 0)).astimezone()
DAY_2 = (START + timedelta(days=1)).date()


def _env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BACKCOACH_")}
    env.update(BACKCOACH_DATA_DIR=str(data_dir), COLUMNS="200", NO_COLOR="1")
    return env


def _run(data_dir: Path, *args: str, input: str = "") -> subprocess.CompletedProcess[str]:
    """The real console entry point in a child process (stdin answers, exit code, streams)."""
    result = subprocess.run(
        [sys.executable, "-m", "backcoach", "--profile", PROFILE, *args],
        input=input,
        capture_output=True,
        text=True,
        env=_env(data_dir),
        timeout=120,
    )
    assert "Traceback" not in result.stderr + result.stdout, result.stderr
    return result


class Result(NamedTuple):
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def run(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Callable[..., Result]:
    """``main()`` in this process (a child process costs seconds on a busy machine)."""

    def _main(data_dir: Path, *args: str) -> Result:
        for key in [k for k in os.environ if k.startswith("BACKCOACH_")]:
            monkeypatch.delenv(key)
        monkeypatch.setattr(
            sys, "argv", ["backcoach", "--data-dir", str(data_dir), "--profile", PROFILE, *args]
        )
        capsys.readouterr()
        with pytest.raises(SystemExit) as exit_:
            main()
        out, err = capsys.readouterr()
        assert "Traceback" not in out + err, err
        return Result(int(exit_.value.code or 0), out, err)

    return _main


def _record_journal(data_dir: Path, red_flag: bool = False) -> None:
    """Three days of sessions (one sharp-pain stop, camera sets), a screening, a plan, a PSFS."""
    catalog = load_catalog()
    screening = load_screening()
    answers = {q.id: False for q in screening.questions}
    flags: tuple[str, ...] = ()
    if red_flag:
        answers["fever"], flags = True, ("infection",)
    with Journal.open(data_dir) as journal:
        journal.add_screening(PROFILE, ScreeningRecord(START, answers, flags))
        journal.add_plan_changes(
            PROFILE,
            [
                PlanChange(
                    e.id,
                    START,
                    None,
                    DoseValue(e.start.reps, e.start.hold_s, 3),
                    "start",
                    "The gentle starting dose.",
                )
                for e in catalog
            ],
        )
        for day in range(3):
            for slot in range(2):
                at = START + timedelta(days=day, hours=6 * slot)
                sharp = day == 1 and slot == 1
                sets = tuple(
                    SetRecord(
                        e.id,
                        3,
                        5.0 + day,
                        at,
                        at + timedelta(minutes=1),
                        source=SetSource.CAMERA,
                        quality=0.7 + 0.1 * day,
                    )
                    for e in catalog
                )
                journal.add_session(
                    PROFILE,
                    SessionRecord(
                        started_at=at,
                        outcome=SessionOutcome.SHARP_PAIN if sharp else SessionOutcome.COMPLETED,
                        pain_before=4,
                        pain_after=7 if sharp else 3,
                        ended_at=at + timedelta(minutes=10),
                        stop_exercise_id="knee-to-chest" if sharp else None,
                        stop_at=at + timedelta(minutes=10) if sharp else None,
                        sets=sets,
                    ),
                )
        add_psfs(journal, PROFILE, make_psfs_record(START, [("Putting on socks", 4)]))


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data_dir = tmp_path_factory.mktemp("data")
    _record_journal(data_dir)
    return data_dir


def test_report_pdf_has_the_records(recorded: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.pdf"
    result = _run(recorded, "report", "--out", str(out))
    assert result.returncode == 0, result.stderr
    reader = PdfReader(out)
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in reader.pages)
    for expected in (
        PROFILE,
        "At a glance",
        "Sharp-pain stops",
        "Knee-to-chest stretch",
        "Putting on socks",
        "Form quality (camera)",
        "not medical advice",
    ):
        assert expected in text
    assert "5 completed of" in text


def test_report_html_for_a_period(
    recorded: Path, tmp_path: Path, run: Callable[..., Result]
) -> None:
    out = tmp_path / "report.html"
    result = run(
        recorded,
        "report",
        "--from",
        DAY_2.isoformat(),
        "--to",
        DAY_2.isoformat(),
        "--out",
        str(out),
    )
    assert result.returncode == 0, result.stderr
    html = out.read_text("utf-8")
    shown = DAY_2.strftime("%a %d %b %Y")
    assert f"{shown} to {shown}" in html
    assert "1 completed of 3 planned" in html


def test_report_on_an_empty_journal_says_there_is_no_data(
    tmp_path: Path, run: Callable[..., Result]
) -> None:
    out = tmp_path / "empty.html"
    result = run(tmp_path / "data", "report", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "no data" in result.stdout
    assert "<h2>No data</h2>" in out.read_text("utf-8")


@pytest.mark.parametrize(
    "args, message",
    [
        (("--from", "2026-03-10", "--to", "2026-03-01"), "ends earlier"),
        (("--from", "yesterday"), "--from 'yesterday' is not a date"),
        (("--to", "2026-13-01"), "is not a date"),
    ],
)
def test_bad_dates_are_refused(
    tmp_path: Path, args: tuple[str, ...], message: str, run: Callable[..., Result]
) -> None:
    out = tmp_path / "report.pdf"
    result = run(tmp_path / "data", "report", *args, "--out", str(out))
    assert result.returncode == 1
    assert message in result.stderr
    assert not out.exists()


def test_bad_output_name_is_refused(tmp_path: Path, run: Callable[..., Result]) -> None:
    result = run(tmp_path / "data", "report", "--out", str(tmp_path / "report.doc"))
    assert result.returncode == 1 and ".pdf or .html" in result.stderr


def test_remind_writes_daily_events_with_alarms(
    recorded: Path, tmp_path: Path, run: Callable[..., Result]
) -> None:
    ics = tmp_path / "sessions.ics"
    result = run(recorded, "remind", "--ics", str(ics), "--times", "07:30,12:00,19:15")
    assert result.returncode == 0, result.stderr
    events = Calendar.from_ical(ics.read_bytes()).walk("VEVENT")
    assert [e["DTSTART"].dt.strftime("%H:%M") for e in events] == ["07:30", "12:00", "19:15"]
    assert all(e["RRULE"]["FREQ"] == ["DAILY"] and e.walk("VALARM") for e in events)
    assert "Knee-to-chest stretch" in events[0]["DESCRIPTION"]


def test_remind_defaults_to_one_reminder_per_planned_session(
    recorded: Path, tmp_path: Path, run: Callable[..., Result]
) -> None:
    ics = tmp_path / "sessions.ics"
    assert run(recorded, "remind", "--ics", str(ics)).returncode == 0
    events = Calendar.from_ical(ics.read_bytes()).walk("VEVENT")
    assert [e["DTSTART"].dt.strftime("%H:%M") for e in events] == ["08:00", "13:00", "18:00"]


def test_remind_refuses_bad_times_and_red_flags(tmp_path: Path, run: Callable[..., Result]) -> None:
    ics = tmp_path / "sessions.ics"
    bad = run(tmp_path / "data", "remind", "--ics", str(ics), "--times", "8 am")
    assert bad.returncode == 1 and "HH:MM" in bad.stderr
    _record_journal(tmp_path / "flagged", red_flag=True)
    refused = run(tmp_path / "flagged", "remind", "--ics", str(ics))
    assert refused.returncode == 1 and "professional" in refused.stderr
    assert not ics.exists()


def test_psfs_options_questions_and_listing(tmp_path: Path, run: Callable[..., Result]) -> None:
    data_dir = tmp_path / "data"
    given = run(data_dir, "psfs", "-a", "Putting on socks=3", "-a", "Sitting an hour=6")
    assert given.returncode == 0, given.stderr
    assert "Stratford" in given.stdout
    asked = _run(data_dir, "psfs", input="\n12\n5\nLifting a child\n2\n\n")
    assert asked.returncode == 0, asked.stderr
    assert "weekly" in asked.stdout  # the second one within a week is noted, still recorded
    with Journal.open(data_dir) as journal:
        records = psfs_records(journal, PROFILE)
    assert [[(a.name, a.score) for a in r.activities] for r in records] == [
        [("Putting on socks", 3), ("Sitting an hour", 6)],
        [("Putting on socks", 5), ("Lifting a child", 2)],
    ]
    listing = run(data_dir, "psfs", "--show")
    assert "Putting on socks: 5; Lifting a child: 2" in listing.stdout


@pytest.mark.parametrize("answer", ["socks=11", "socks", "=4"])
def test_psfs_bad_answers_are_refused(
    tmp_path: Path, answer: str, run: Callable[..., Result]
) -> None:
    result = run(tmp_path / "data", "psfs", "-a", answer)
    assert result.returncode == 1 and result.stderr.startswith("backcoach:")


def test_export_fhir_validates(recorded: Path, tmp_path: Path, run: Callable[..., Result]) -> None:
    out = tmp_path / "bundle.json"
    result = run(recorded, "export", "--format", "fhir", "--out", str(out))
    assert result.returncode == 0, result.stderr
    bundle = Bundle.model_validate_json(out.read_text("utf-8"))
    kinds = [entry.resource.get_resource_type() for entry in bundle.entry or []]
    assert kinds.count("Procedure") == 6 and kinds.count("QuestionnaireResponse") == 2
    assert '"72514-3"' in out.read_text("utf-8")
    printed = run(recorded, "export", "--format", "fhir")
    assert json.loads(printed.stdout)["resourceType"] == "Bundle"


def test_remind_saves_times_days_and_goal_for_the_profile_and_the_ics_follows(
    tmp_path: Path, run: Callable[..., Result]
) -> None:
    data = tmp_path / "data"
    _record_journal(data)
    saved = run(data, "remind", "--times", "07:15,17:45", "--days", "mon,wed,fri", "--goal", "3",
                "--save")  # fmt: skip
    assert saved.returncode == 0, saved.stderr
    shown = run(data, "remind")
    assert "07:15, 17:45, Mon, Wed, Fri" in shown.stdout and "Weekly goal: 3 days" in shown.stdout
    ics = tmp_path / "sessions.ics"
    assert run(data, "remind", "--ics", str(ics)).returncode == 0
    events = Calendar.from_ical(ics.read_bytes()).walk("VEVENT")
    assert [e["DTSTART"].dt.strftime("%H:%M") for e in events] == ["07:15", "17:45"]
    assert all(e["RRULE"]["FREQ"] == ["WEEKLY"] for e in events)
    assert events[0]["RRULE"]["BYDAY"] == ["MO", "WE", "FR"]
    bad = run(data, "remind", "--days", "someday", "--save")
    assert bad.returncode == 1 and "not a day" in bad.stderr
    assert "07:15" in run(data, "remind").stdout  # nothing lost
