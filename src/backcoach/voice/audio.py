"""Reading a WAV recording as 16 kHz mono int16, whatever its rate, width or channels."""

from __future__ import annotations

import wave
from fractions import Fraction
from pathlib import Path

import numpy as np
import numpy.typing as npt

from backcoach.voice.recogniser import SAMPLE_RATE_HZ, Samples


class AudioFileError(Exception):
    """A recording that cannot be read; the message names the file and the problem."""


def _decode(frames: bytes, width: int, path: Path) -> npt.NDArray[np.float64]:
    """PCM bytes -> floats in int16 units."""
    if width == 1:
        return (np.frombuffer(frames, np.uint8).astype(np.float64) - 128.0) * 256.0
    if width == 2:
        return np.frombuffer(frames, "<i2").astype(np.float64)
    if width == 3:
        raw = np.frombuffer(frames, np.uint8).reshape(-1, 3).astype(np.int32)
        value = raw[:, 0] | (raw[:, 1] << 8) | (raw[:, 2] << 16)
        value = np.where(value >= 1 << 23, value - (1 << 24), value)
        return value.astype(np.float64) / 256.0
    if width == 4:
        return np.frombuffer(frames, "<i4").astype(np.float64) / 65536.0
    raise AudioFileError(f"{path}: {8 * width}-bit samples are not supported (use 16-bit PCM)")


def to_16k(samples: npt.NDArray[np.float64], rate_hz: int) -> Samples:
    """Resample mono audio in int16 units to 16 kHz (polyphase, with anti-alias filtering)."""
    if rate_hz != SAMPLE_RATE_HZ and samples.size:
        from scipy.signal import resample_poly

        ratio = Fraction(SAMPLE_RATE_HZ, rate_hz).limit_denominator(1000)
        samples = resample_poly(samples, ratio.numerator, ratio.denominator)
    return np.clip(np.round(samples), -32768, 32767).astype(np.int16)


def read_wav(path: Path) -> Samples:
    """The recording at ``path`` as 16 kHz mono int16 samples (channels are averaged)."""
    try:
        with wave.open(str(path), "rb") as wav:
            channels, width, rate = wav.getnchannels(), wav.getsampwidth(), wav.getframerate()
            frames = wav.readframes(wav.getnframes())
    except FileNotFoundError:
        raise AudioFileError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise AudioFileError(f"{path}: is a folder, not a WAV file") from None
    except (wave.Error, EOFError) as exc:
        raise AudioFileError(f"{path}: not a PCM WAV file ({exc})") from None
    except OSError as exc:
        raise AudioFileError(f"{path}: cannot be read: {exc}") from None
    if rate < 8000 or rate > 192000:
        raise AudioFileError(f"{path}: a sample rate of {rate} Hz is not supported")
    samples = _decode(frames, width, path)
    usable = samples.size - samples.size % channels
    mono = samples[:usable].reshape(-1, channels).mean(axis=1)
    return to_16k(mono, rate)


def write_wav(path: Path, samples: Samples, rate_hz: int = SAMPLE_RATE_HZ) -> None:
    """Write mono int16 samples (used by tests and the benchmark to build recordings)."""
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate_hz)
        wav.writeframes(samples.astype("<i2").tobytes())
