"""Sharp pain means rest in the CLI too, with the same decision as the web app (issue 9)."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from backcoach.core.records import SharpPainEvent
from backcoach.storage import Journal
from backcoach.web.server import BackgroundServer, browser_client
from backcoach.web.settings import WebSettings


def _run(data_dir: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BACKCOACH_")}
    env.update(BACKCOACH_DATA_DIR=str(data_dir), COLUMNS="200", NO_COLOR="1", TZ="UTC")
    result = subprocess.run([sys.executable, "-m", "backcoach", *args], input=stdin, env=env,
                            capture_output=True, text=True, timeout=120)
    assert "Traceback" not in result.stderr + result.stdout
    return result


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    assert _run(folder, "disclaimer", "--accept").returncode == 0
    assert _run(folder, "screen", "--no-to-all").returncode == 0
    return folder


def test_sharp_pain_command_records_and_blocks_today(data_dir: Path) -> None:
    recorded = _run(data_dir, "sharp-pain", "--pain", "7", "--note", "lifting")
    assert recorded.returncode == 0 and "rest day" in recorded.stdout
    assert "Stop" in recorded.stdout
    refused = _run(data_dir, "session", "--speed", "1000", stdin="2\n")
    assert refused.returncode == 1
    assert "rest day" in refused.stdout + refused.stderr
    with Journal.open(data_dir) as journal:
        (event,) = journal.history("default").sharp_pain_events
    assert (event.place, event.pain, event.note) == ("cli", 7, "lifting")
    assert _run(data_dir, "sharp-pain", "--pain", "11").returncode != 0


def test_the_first_session_after_sharp_pain_asks_the_check_in(data_dir: Path) -> None:
    with Journal.open(data_dir) as journal:
        journal.add_sharp_pain_event("default", SharpPainEvent(
            at=datetime.now(UTC) - timedelta(days=2), place="web"))
    # The check-in answer comes first, then pain before; the session then runs to the end.
    result = _run(data_dir, "session", "--speed", "1000", "--quiet", stdin="same\n2\n2\n")
    assert "tell us how your back feels" in result.stdout
    assert "Check-in recorded: same" in result.stdout
    assert result.returncode == 0, result.stdout + result.stderr


def test_clear_records_who_when_and_what_after_repeated_sharp_pain(data_dir: Path) -> None:
    now = datetime.now(UTC)
    with Journal.open(data_dir) as journal:
        for days in (3, 2):
            journal.add_sharp_pain_event("default", SharpPainEvent(
                at=now - timedelta(days=days), place="web"))
    held = _run(data_dir, "plan")
    assert "on hold" in held.stdout
    missing = _run(data_dir, "clear", "--note", "fine", "--yes")
    assert missing.returncode == 1 and "who checked you" in missing.stderr
    cleared = _run(data_dir, "clear", "--by", "Dr Lee, GP", "--note", "Carry on gently",
                   "--date", (now - timedelta(days=1)).date().isoformat(), "--yes")
    assert cleared.returncode == 0 and "hold after sharp pain is lifted" in cleared.stdout
    with Journal.open(data_dir) as journal:
        (advice,) = journal.history("default").professional_advice
    assert (advice.by, advice.said) == ("Dr Lee, GP", "Carry on gently")


@pytest.mark.parametrize("case", ["ok", "rest", "checkin", "referral"])
def test_the_cli_and_the_web_decide_alike(data_dir: Path, case: str) -> None:
    now = datetime.now(UTC)
    days = {"ok": (), "rest": (0,), "checkin": (2,), "referral": (3, 1)}[case]
    with Journal.open(data_dir) as journal:
        journal.set_setting("default", "time_zone", "UTC")
        for ago in days:
            journal.add_sharp_pain_event("default", SharpPainEvent(
                at=now - timedelta(days=ago, minutes=1), place="web"))
    from backcoach.core.plan import load_progression_rules
    from backcoach.core.safety import load_disclaimer, load_screening, session_decision

    with Journal.open(data_dir) as journal:
        decision = session_decision(journal.history("default"), load_screening(),
                                    load_disclaimer(), now, load_progression_rules().referral)
    cli = _run(data_dir, "plan")
    settings = WebSettings(data_dir=data_dir, pose_backend="none")
    with BackgroundServer(settings) as server, browser_client(server.url) as http:
        start = http.post("/api/sessions", json={})
        page = http.get("/today").text
    if decision.allowed:
        assert start.status_code == 201 and 'id="safety-decision"' not in page
    else:
        assert start.status_code == 409 and start.json()["code"] == decision.code
        assert f'data-code="{decision.code}"' in page
        assert decision.message.split(".")[0] in " ".join(cli.stdout.split())


def test_history_lists_sharp_pain_in_the_profiles_own_time_zone(data_dir: Path) -> None:
    """The terminal shows times as the web app does: in the profile's zone (here Auckland, while
    the computer says UTC), and sharp pain reported outside a session is listed."""
    at = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)  # 23:00 the same day in Auckland (UTC+13)
    with Journal.open(data_dir) as journal:
        journal.set_setting("default", "time_zone", "Pacific/Auckland")
        journal.add_sharp_pain_event("default", SharpPainEvent(at=at, place="cli", pain=6,
                                                               note="bending to the boot"))
    shown = _run(data_dir, "history").stdout
    assert "Sharp pain 2026-12-01 23:00, pain 6/10: bending to the boot" in shown
    assert "2026-12-01 10:00" not in shown
