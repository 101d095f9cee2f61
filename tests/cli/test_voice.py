"""``backcoach listen`` on synthesised recordings, and ``session --voice`` without a microphone."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from scipy.signal import resample_poly

from backcoach.storage import Journal
from backcoach.synthetic.speech import Voice, command_recording, silence
from backcoach.voice.audio import write_wav

# espeak-ng voices the shipped thresholds hear these phrases in (synthetic speech is hard).
STOP = Voice("en-us", 140, 50)
SHARP_PAIN = Voice("en+f3", 150, 60)


def _backcoach(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BACKCOACH_")}
    env.update(BACKCOACH_DATA_DIR=str(tmp_path / "data"), COLUMNS="200", NO_COLOR="1")
    result = subprocess.run(
        [sys.executable, "-m", "backcoach", *args],
        capture_output=True, text=True, env=env, timeout=120, input="",
    )  # fmt: skip
    assert "Traceback" not in result.stderr + result.stdout
    return result


@pytest.fixture(scope="module")
def two_commands() -> np.ndarray:
    """A warm-up sentence, "sharp pain", then "stop", with silence around each command."""
    first = command_recording("sharp pain", SHARP_PAIN, lead_s=1.5, tail_s=1.5, warm_up=True)
    second = command_recording("stop", STOP, lead_s=1.0, tail_s=2.0)
    return np.concatenate([first, second])


@pytest.mark.parametrize("rate", [16000, 44100])
def test_listen_finds_the_commands_with_their_times(
    tmp_path: Path, two_commands: np.ndarray, rate: int
) -> None:
    samples = two_commands
    if rate != 16000:  # a recording at another rate is resampled on reading
        samples = np.round(resample_poly(two_commands.astype(float), 441, 160)).astype(np.int16)
    path = tmp_path / "commands.wav"
    write_wav(path, samples, rate)
    result = _backcoach(tmp_path, "listen", str(path), "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["duration_s"] == pytest.approx(two_commands.size / 16000, abs=0.05)
    heard = [(c["command"], c["start_s"]) for c in report["commands"]]
    assert [command for command, _ in heard] == ["sharp_pain", "stop"]
    second_at = command_recording("sharp pain", SHARP_PAIN, 1.5, 1.5, True).size / 16000
    first_at = second_at - command_recording("sharp pain", SHARP_PAIN, 1.5, 1.5).size / 16000
    assert heard[0][1] == pytest.approx(first_at + 1.5, abs=0.3)
    assert heard[1][1] == pytest.approx(second_at + 1.0, abs=0.3)
    for command in report["commands"]:
        assert 0 <= command["heard_at_s"] - command["end_s"] <= 1.0


def test_listen_in_plain_text_and_on_silence(tmp_path: Path) -> None:
    path = tmp_path / "quiet.wav"
    write_wav(path, silence(2.0))
    result = _backcoach(tmp_path, "listen", str(path))
    assert result.returncode == 0 and "No voice command heard." in result.stdout


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [("missing.wav", None, "no such file"), ("notes.wav", "text", "not a PCM WAV file")],
)
def test_listen_refuses_what_it_cannot_read(
    tmp_path: Path, name: str, content: str | None, words: str
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_text(content, encoding="utf-8")
    result = _backcoach(tmp_path, "listen", str(path), "--json")
    assert result.returncode == 1
    assert words in result.stderr and str(path) in result.stderr
    assert result.stdout == ""


def _has_microphone() -> bool:
    try:
        import sounddevice

        return any(d["max_input_channels"] > 0 for d in sounddevice.query_devices())
    except OSError:
        return False


@pytest.mark.skipif(_has_microphone(), reason="this machine has a microphone")
def test_session_voice_without_a_microphone_is_one_clear_error(tmp_path: Path) -> None:
    result = _backcoach(tmp_path, "session", "--voice")
    assert result.returncode == 1
    assert result.stderr.startswith("backcoach: --voice:")
    assert "microphone" in result.stderr or "PortAudio" in result.stderr
    with Journal.open(tmp_path / "data") as journal:
        assert journal.history("default").sessions == ()


SEVEN = Voice("en-us+f2", 140, 55)
TWO = Voice("en-us+f2", 140, 55)


def _spoken_session(tmp_path: Path, speed: str, *said: np.ndarray) -> dict[str, object]:
    """A terminal session whose microphone plays ``said`` (``--voice-file``), with no keyboard
    input at all: every answer is spoken. Returns the stored session (export)."""
    assert _backcoach(tmp_path, "disclaimer", "--accept").returncode == 0
    assert _backcoach(tmp_path, "screen", "--no-to-all").returncode == 0
    path = tmp_path / "microphone.wav"
    write_wav(path, np.concatenate(said))
    result = _backcoach(tmp_path, "session", "--quiet", "--speed", speed, "--voice-file", str(path))
    assert result.returncode == 0, result.stdout + result.stderr
    (stored,) = json.loads(_backcoach(tmp_path, "export").stdout)["sessions"]
    stored["stdout"] = result.stdout
    return stored  # type: ignore[no-any-return]


def test_a_spoken_score_answers_the_pain_question_and_stop_acts_at_once(tmp_path: Path) -> None:
    stored = _spoken_session(
        tmp_path, "1",
        command_recording("seven", SEVEN, lead_s=1.0, tail_s=3.0, warm_up=True),
        command_recording("stop", STOP, lead_s=0.5, tail_s=2.0),
    )  # fmt: skip
    assert (stored["pain_before"], stored["outcome"]) == (7, "stopped")
    assert "'seven': pain 7" in str(stored["stdout"])


def test_spoken_scores_answer_both_pain_questions(tmp_path: Path) -> None:
    stored = _spoken_session(
        tmp_path, "10000",  # the exercises pass in a moment: "two" answers pain after
        command_recording("seven", SEVEN, lead_s=1.0, tail_s=2.0, warm_up=True),
        command_recording("two", TWO, lead_s=0.5, tail_s=2.0),
    )  # fmt: skip
    assert (stored["pain_before"], stored["pain_after"]) == (7, 2)
    assert stored["outcome"] == "completed"


def test_sharp_pain_said_at_the_first_question_is_recorded(tmp_path: Path) -> None:
    stored = _spoken_session(
        tmp_path, "1", command_recording("sharp pain", SHARP_PAIN, 1.0, 2.0, warm_up=True)
    )
    assert (stored["pain_before"], stored["outcome"]) == (None, "sharp_pain")
    assert "Sharp-pain stop recorded" in str(stored["stdout"])
