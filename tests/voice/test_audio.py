"""Reading recordings: any rate, width and channel count becomes 16 kHz mono int16."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np
import pytest

from backcoach.voice.audio import AudioFileError, read_wav


def _write(path: Path, data: bytes, rate: int, channels: int, width: int) -> Path:
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(channels)
        wav.setsampwidth(width)
        wav.setframerate(rate)
        wav.writeframes(data)
    return path


def _tone(rate: int, seconds: float, hz: float = 440.0) -> np.ndarray:
    t = np.arange(int(rate * seconds)) / rate
    return np.round(10000 * np.sin(2 * np.pi * hz * t)).astype(np.int16)


def _peak_hz(samples: np.ndarray) -> float:
    spectrum = np.abs(np.fft.rfft(samples.astype(np.float64)))
    return float(np.fft.rfftfreq(samples.size, 1 / 16000)[int(np.argmax(spectrum))])


@pytest.mark.parametrize("rate", [8000, 16000, 22050, 44100, 48000])
def test_any_rate_is_resampled_to_16k_keeping_the_pitch(tmp_path: Path, rate: int) -> None:
    path = _write(tmp_path / "tone.wav", _tone(rate, 1.0).tobytes(), rate, 1, 2)
    samples = read_wav(path)
    assert samples.dtype == np.int16
    assert abs(samples.size - 16000) <= 2
    assert _peak_hz(samples) == pytest.approx(440.0, abs=2.0)


def test_stereo_is_averaged_and_8_bit_is_scaled(tmp_path: Path) -> None:
    tone = _tone(16000, 0.5)
    stereo = np.column_stack([tone, np.zeros_like(tone)]).ravel()
    mono = read_wav(_write(tmp_path / "stereo.wav", stereo.tobytes(), 16000, 2, 2))
    assert np.abs(mono.astype(int)).max() == pytest.approx(5000, abs=2)
    eight = ((tone.astype(np.int32) // 256) + 128).astype(np.uint8)
    loud = read_wav(_write(tmp_path / "eight.wav", eight.tobytes(), 16000, 1, 1))
    assert np.abs(loud.astype(int)).max() == pytest.approx(10000, abs=300)


def test_unreadable_files_raise_a_clear_error(tmp_path: Path) -> None:
    text = tmp_path / "notes.wav"
    text.write_text("not audio", encoding="utf-8")
    for path, words in [
        (tmp_path / "missing.wav", "no such file"),
        (text, "not a PCM WAV file"),
        (tmp_path, "folder"),
    ]:
        with pytest.raises(AudioFileError, match=words) as info:
            read_wav(path)
        assert str(path) in str(info.value)
