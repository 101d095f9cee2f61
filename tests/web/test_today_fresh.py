"""``/today`` keeps its journal reads between commits, yet shows a record written by another
program (the CLI) at the very next visit."""

from __future__ import annotations

import os
import subprocess
import sys

import httpx

from backcoach.web.settings import WebSettings


def _cli(settings: WebSettings, *args: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BACKCOACH_")}
    env["BACKCOACH_DATA_DIR"] = str(settings.data_dir)
    done = subprocess.run([sys.executable, "-m", "backcoach", *args], env=env, input="",
                          capture_output=True, text=True, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr


def test_a_sharp_pain_recorded_by_the_cli_shows_at_the_next_visit(
    settings: WebSettings, onboarded: httpx.Client
) -> None:
    for _ in range(3):  # the answer is kept now
        assert 'id="start-session"' in onboarded.get("/today").text
    _cli(settings, "sharp-pain", "--pain", "6")
    today = onboarded.get("/today").text
    assert 'id="start-session"' not in today
