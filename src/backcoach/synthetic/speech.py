"""Synthetic speech and noise for the voice tests and the voice benchmark.

Speech comes from espeak-ng (a Debian package the test set-up installs), resampled to 16 kHz
mono int16 like every recording the recogniser hears. Noises are made here from seeded random
numbers so that figures can be reproduced.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from backcoach.voice.audio import read_wav
from backcoach.voice.recogniser import SAMPLE_RATE_HZ, Samples


class SpeechSynthesisError(Exception):
    """espeak-ng is missing or failed; the message says how to install it."""


@dataclass(frozen=True)
class Voice:
    """An espeak-ng voice: language+variant (e.g. ``en-us+f3``), speed and pitch."""

    name: str
    speed_wpm: int = 160
    pitch: int = 50

    @property
    def label(self) -> str:
        return f"{self.name}/{self.speed_wpm}wpm/p{self.pitch}"


def synthesise(text: str, voice: Voice = Voice("en-us")) -> Samples:
    """``text`` spoken by ``voice`` as 16 kHz mono int16 samples."""
    exe = shutil.which("espeak-ng")
    if exe is None:
        raise SpeechSynthesisError("espeak-ng is not installed: apt-get install espeak-ng")
    with tempfile.TemporaryDirectory(prefix="backcoach-speech-") as folder:
        out = Path(folder) / "speech.wav"
        args = [exe, "-v", voice.name, "-s", str(voice.speed_wpm), "-p", str(voice.pitch)]
        result = subprocess.run(
            [*args, "-w", str(out), "--", text], capture_output=True, text=True, check=False
        )
        if result.returncode != 0 or not out.exists():
            raise SpeechSynthesisError(f"espeak-ng failed: {result.stderr.strip()}")
        return read_wav(out)


def silence(seconds: float) -> Samples:
    return np.zeros(round(seconds * SAMPLE_RATE_HZ), dtype=np.int16)


def power(samples: npt.NDArray[np.floating] | Samples) -> float:
    values = samples.astype(np.float64)
    return float(np.mean(values * values)) if values.size else 0.0


def mix_at_snr(
    speech: Samples, noise: npt.NDArray[np.float64], snr_db: float, active: slice | None = None
) -> Samples:
    """``speech`` plus ``noise`` scaled so that speech power / noise power = ``snr_db``.

    The speech power is measured over ``active`` (where the words are), not the silence around.
    """
    noise = noise[: speech.size]
    speech_power = power(speech[active] if active else speech)
    scale = np.sqrt(speech_power / (power(noise) * 10 ** (snr_db / 10))) if power(noise) else 0
    mixed = speech.astype(np.float64) + noise * scale
    return np.clip(np.round(mixed), -32768, 32767).astype(np.int16)


# Said before a command in tests: the recogniser's feature normalisation (cepstral mean) adapts
# to a voice and a microphone over the first seconds of speech, as it would in a live session.
WARM_UP = "This is a quick check of the microphone in my living room."


def command_recording(
    text: str,
    voice: Voice = Voice("en-us", 140, 50),
    lead_s: float = 1.0,
    tail_s: float = 1.5,
    warm_up: bool = False,
) -> Samples:
    """``text`` said on its own: silence, the words, silence (a command as a person says it).

    ``warm_up`` puts ``WARM_UP`` (no command words in it) before the lead silence.
    """
    parts = [silence(0.5), synthesise(WARM_UP, voice)] if warm_up else []
    return np.concatenate([*parts, silence(lead_s), synthesise(text, voice), silence(tail_s)])
