"""``backcoach analyze FILE --calibrate``: one comfortable repetition sets the profile's range."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from backcoach.pose.landmark_file import LandmarkHeader, write_landmark_file
from backcoach.synthetic import SequenceSpec, generate
from backcoach.synthetic.timeline import Attempt


def _run(*args: str, data: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BACKCOACH_")}
    env.update(BACKCOACH_DATA_DIR=str(data), COLUMNS="160", NO_COLOR="1")
    return subprocess.run([sys.executable, "-m", "backcoach", *args], capture_output=True,
                          text=True, env=env, timeout=120, check=False)  # fmt: skip


def _short_range(path: Path, count: int, seed: int) -> Path:
    """Knees up and held 4 s, but only 85 % of the way to the catalog's target."""
    attempts = tuple(Attempt("partial", 4.0, 2.5, 2.5, 3.0, reach=0.85) for _ in range(count))
    seq = generate(SequenceSpec("knee-to-chest", attempts, fidgets_per_min=0.0), seed=seed)
    write_landmark_file(path, LandmarkHeader(seq.fps, seq.width, seq.height), seq.frames)
    return path


def test_calibration_is_stored_per_profile_and_used_by_later_analyses(tmp_path: Path) -> None:
    data = tmp_path / "data"
    one = _short_range(tmp_path / "one.jsonl", 1, seed=1)
    session = _short_range(tmp_path / "session.jsonl", 3, seed=2)
    before = _run("analyze", str(session), "-e", "knee-to-chest", "--json", data=data)
    assert before.returncode == 0, before.stderr
    assert json.loads(before.stdout)["reps"] == 0
    assert not (data / "journal.sqlite3").exists()  # analysing alone creates no journal
    readable = _run("analyze", str(session), "-e", "knee-to-chest", data=data)
    assert "--calibrate" in readable.stdout  # a person was seen, nothing counted: re-offered
    done = _run("--profile", "anna", "analyze", str(one), "-e", "knee-to-chest", "--calibrate",
                data=data)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Calibrated" in done.stdout and "anna" in done.stdout
    # The same words as the setup page: where counting starts, and what the degrees are.
    assert "now counts from" in done.stdout and "your body and your thigh" in done.stdout
    anna = _run("--profile", "anna", "analyze", str(session), "-e", "knee-to-chest", "--json",
                data=data)  # fmt: skip
    assert json.loads(anna.stdout)["reps"] == 3
    assert "--calibrate" not in _run("--profile", "anna", "analyze", str(session), "-e",
                                     "knee-to-chest", data=data).stdout  # fmt: skip
    other = _run("--profile", "ben", "analyze", str(session), "-e", "knee-to-chest", "--json",
                 data=data)  # fmt: skip
    assert json.loads(other.stdout)["reps"] == 0


def test_a_recording_without_a_repetition_cannot_calibrate(tmp_path: Path) -> None:
    seq = generate(SequenceSpec("knee-to-chest", (), lead_in_s=8.0, fidgets_per_min=0.0), seed=3)
    still = tmp_path / "still.jsonl"
    write_landmark_file(still, LandmarkHeader(seq.fps, seq.width, seq.height), seq.frames)
    result = _run("analyze", str(still), "-e", "knee-to-chest", "--calibrate",
                  data=tmp_path / "data")  # fmt: skip
    assert result.returncode == 1
    assert "no clear repetition" in result.stderr and "Traceback" not in result.stderr
