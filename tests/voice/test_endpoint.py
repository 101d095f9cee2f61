"""The gate on the keyword spotter: short utterances said alone, against a learned floor."""

from __future__ import annotations

import numpy as np

from backcoach.core.voice_commands import load_voice_vocabulary
from backcoach.synthetic.speech import Voice, mix_at_snr, silence, synthesise
from backcoach.voice.endpoint import EndpointGate
from backcoach.voice.listen import chunks

RATE = 16000
VOICE = Voice("en-us", 140, 50)


def _gate(audio: np.ndarray) -> EndpointGate:
    gate = EndpointGate(load_voice_vocabulary().endpoint)
    for chunk in chunks(audio):
        gate.feed(chunk)
    return gate


def _noisy(clean: np.ndarray, snr_db: float, seed: int = 1) -> np.ndarray:
    noise = np.random.default_rng(seed).standard_normal(clean.size) * 1000
    loud = np.flatnonzero(np.abs(clean.astype(int)) > 300)
    return mix_at_snr(clean, noise, snr_db, slice(loud[0], loud[-1] + 1))


def _trimmed(speech: np.ndarray) -> np.ndarray:
    loud = np.flatnonzero(np.abs(speech.astype(int)) > 300)
    return speech[loud[0] : loud[-1] + 1]


def _span(audio: np.ndarray) -> tuple[float, float]:
    loud = np.flatnonzero(np.abs(audio.astype(int)) > 300)
    return loud[0] / RATE, loud[-1] / RATE


def test_a_word_said_alone_in_noise_passes_once_the_pause_after_it_is_heard() -> None:
    word = synthesise("stop", VOICE)
    clean = np.concatenate([silence(2.0), word, silence(1.0)])
    start_s, end_s = _span(clean)
    audio = _noisy(clean, 10.0)
    early = _gate(audio[: int((end_s + 0.05) * RATE)])
    assert early.verdict(start_s, end_s) is None  # the pause after it has not come yet
    assert _gate(audio).verdict(start_s, end_s) is True


def test_a_command_word_inside_a_sentence_does_not_pass() -> None:
    before, word, after = (
        _trimmed(synthesise(text, VOICE))
        for text in ("we did not", "stop", "at the corner because the road was clear")
    )  # run together, as in one breath
    clean = np.concatenate([silence(2.0), before, word, after, silence(1.0)])
    start_s = (2.0 * RATE + before.size) / RATE
    end_s = start_s + word.size / RATE
    assert _gate(_noisy(clean, 15.0)).verdict(start_s, end_s) is False


def test_the_floor_follows_louder_noise_so_noise_alone_is_not_sound() -> None:
    rng = np.random.default_rng(3)
    quiet, loud = rng.standard_normal(3 * RATE) * 100, rng.standard_normal(8 * RATE) * 3000
    gate = _gate(np.concatenate([quiet, loud]).astype(np.int16))
    assert gate.floor_db > 60  # 3000 rms is about 70 dB in int16 units
    assert gate.verdict(10.0, 10.4) is False  # steady noise: no utterance in it
