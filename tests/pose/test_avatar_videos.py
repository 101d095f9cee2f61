"""The real pose model and analysers on rendered videos of a clothed person in a room.

The clips in ``tests/fixtures/avatar/`` are made by ``scripts/make_avatar_fixtures.py`` (the
avatar renderer: MakeHuman's CC0 body, posed by the synthetic exercise definitions). They start
from the postures that defeated the absolute thresholds: lying with the knees bent, sitting with a
forward head, standing with the feet wide apart. The command under test is the user's one,
``backcoach analyze VIDEO --json``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "avatar"
CLIPS = sorted(FIXTURES.glob("*.mp4"))


def test_the_fixture_clips_are_there_and_small() -> None:
    assert len(CLIPS) == 3
    for clip in CLIPS:
        assert clip.stat().st_size < 1_000_000
        assert clip.with_suffix(".truth.json").exists()


@pytest.mark.slow
@pytest.mark.timeout(180)
@pytest.mark.parametrize("clip", CLIPS, ids=[c.stem for c in CLIPS])
def test_analyze_counts_the_rendered_person(tmp_path: Path, clip: Path) -> None:
    truth = json.loads(clip.with_suffix(".truth.json").read_text())
    env = {k: v for k, v in os.environ.items() if not k.startswith("BACKCOACH_")}
    env.update(BACKCOACH_DATA_DIR=str(tmp_path / "data"), NO_COLOR="1")
    result = subprocess.run(
        [sys.executable, "-m", "backcoach", "analyze", str(clip), "--exercise",
         truth["exercise"], "--json"],
        capture_output=True, text=True, env=env, timeout=170, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["reps"] == truth["reps"]
    assert data["sides"] == truth["sides"]
    for found, true_hold in zip(data["rep_events"], truth["hold_s"], strict=True):
        assert abs(found["hold_s"] - true_hold) < 1.5
