"""Voice-command accuracy: detection per command and SNR, false accepts per hour, speed.

Everything is synthesised here, from seeded random numbers and espeak-ng:

* commands: every phrase of ``data/voice.toml`` spoken by 8 espeak-ng voices (male and female,
  US and British, 130-200 words per minute, pitch 30-75), each alone in a 2.5 s clip;
* noises: room (pink noise, low-passed), fan (broadband noise with a blade hum and its
  harmonics, slowly wobbling) and babble (4 other talkers reading non-command text at once:
  espeak-ng voices that never say the commands, a different four in each split), mixed at SNR
  20, 10 and 5 dB (speech power measured over the words, noise power over the whole clip);
* non-command speech: licence texts from ``/usr/share/common-licenses`` read by the voices
  (sentences containing a command word removed), with a noise under it, plus noise alone.

Voices, texts and noise seeds are split in two: ``--tune`` chooses each phrase's threshold on
the tuning half and prints the lines for ``voice.toml``; the default run reports on the held-out
half with the shipped thresholds, through the same streaming recogniser the app uses (100 ms
chunks). A command counts as detected when it is reported within 1 s of the end of its word.

    .venv/bin/python benchmarks/voice_accuracy.py [--minutes 32] [--tune | --split tuning] [--why]

Targets (issue 13): "stop" and "sharp pain" detected >= 97 % at 10 dB SNR; false "next" and
"pause" <= 1 per hour; real-time factor <= 0.2 on one core.
"""

from __future__ import annotations

import argparse
import os
import pickle
import re
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
from scipy.signal import butter, sosfilt

from backcoach.core.voice_commands import VoicePhrase, VoiceVocabulary, load_voice_vocabulary
from backcoach.synthetic.speech import Voice, mix_at_snr, silence, synthesise
from backcoach.voice.endpoint import FRAME_S, EndpointGate
from backcoach.voice.listen import chunks, recognise
from backcoach.voice.recogniser import SAMPLE_RATE_HZ, Detection, Samples
from backcoach.voice.sphinx import SphinxKeywordSpotter, strongest

RATE = SAMPLE_RATE_HZ
SNRS_DB = (20, 10, 5)
NOISES = ("room", "fan", "babble")
LATENCY_LIMIT_S = 1.0
TUNING_VOICES = (
    Voice("en-us", 160, 50),
    Voice("en-us+f3", 175, 65),
    Voice("en+m3", 140, 40),
    Voice("en-gb-x-rp+f2", 190, 70),
)
HELD_OUT_VOICES = (
    Voice("en-us+m7", 150, 45),
    Voice("en-us+f4", 200, 60),
    Voice("en+f1", 130, 75),
    Voice("en-us+m2", 180, 30),
)
# Babble talkers: other people in the room, never the person giving the commands.
TUNING_BABBLE = (
    Voice("en-gb-scotland+m1", 165, 45),
    Voice("en-029+f5", 155, 70),
    Voice("en-us-nyc+m4", 185, 40),
    Voice("en-gb-x-gbclan+f2", 145, 60),
)
HELD_OUT_BABBLE = (
    Voice("en-gb-x-gbcwmd+m5", 170, 50),
    Voice("en-us+f5", 160, 65),
    Voice("en-gb+m6", 150, 35),
    Voice("en-gb-x-rp+f1", 180, 55),
)
THRESHOLD_GRID = (1e30, 1e20, 1e10, 1e1, 1e-10, 1e-20, 1e-30)
# The phrases the targets are about weigh more when thresholds are chosen.
SAFETY_WEIGHT = {"stop": 3.0, "sharp pain": 3.0}


def tuning_voices() -> list[Voice]:
    """The tuning voices, each also faster and lower: more tuning clips, no new speaker."""
    faster = [Voice(v.name, v.speed_wpm + 25, v.pitch - 10) for v in TUNING_VOICES]
    return [*TUNING_VOICES, *faster]
LICENCES = Path("/usr/share/common-licenses")


# --- noise ------------------------------------------------------------------------------------


def _filtered(noise: npt.NDArray[np.float64], low_hz: float | None, high_hz: float | None):
    if low_hz and high_hz:
        sos = butter(4, [low_hz, high_hz], btype="band", fs=RATE, output="sos")
    elif high_hz:
        sos = butter(4, high_hz, btype="low", fs=RATE, output="sos")
    else:
        return noise
    return sosfilt(sos, noise)


def room_noise(seconds: float, rng: np.random.Generator) -> npt.NDArray[np.float64]:
    """Pink noise (1/f power), low-passed at 4 kHz: ventilation and distant traffic."""
    n = int(seconds * RATE)
    spectrum = np.fft.rfft(rng.standard_normal(n))
    freqs = np.fft.rfftfreq(n, 1 / RATE)
    spectrum[1:] /= np.sqrt(freqs[1:])
    spectrum[0] = 0
    return _filtered(np.fft.irfft(spectrum, n), None, 4000)


def fan_noise(seconds: float, rng: np.random.Generator) -> npt.NDArray[np.float64]:
    """Broadband whoosh plus a blade-pass hum (and harmonics) that wobbles slowly."""
    n = int(seconds * RATE)
    t = np.arange(n) / RATE
    whoosh = _filtered(rng.standard_normal(n), 80, 3000)
    blade_hz = rng.uniform(90, 140)
    wobble = 1 + 0.02 * np.sin(2 * np.pi * 0.3 * t)
    hum = sum(np.sin(2 * np.pi * k * blade_hz * t * wobble) / k for k in (1, 2, 3, 4))
    hum = hum * np.std(whoosh) / np.std(hum)
    return whoosh + 0.6 * hum


def babble_noise(
    seconds: float, sentences: list[str], voices: Iterable[Voice], rng: np.random.Generator
) -> npt.NDArray[np.float64]:
    """Several people talking at once (4 voices, each reading its own sentences)."""
    n = int(seconds * RATE)
    total = np.zeros(n)
    for voice in voices:
        track = _speech_track(sentences, voice, seconds, rng)
        total += track[:n] / (np.std(track) + 1e-9)
    return total


def _speech_track(
    sentences: list[str], voice: Voice, seconds: float, rng: np.random.Generator
) -> npt.NDArray[np.float64]:
    parts: list[Samples] = []
    length = 0
    while length < seconds * RATE:
        text = " ".join(rng.choice(sentences, size=4))
        spoken = synthesise(text, voice)
        parts += [spoken, silence(rng.uniform(0.2, 1.5))]
        length += spoken.size + parts[-1].size
    return np.concatenate(parts).astype(np.float64)[: int(seconds * RATE)]


def make_noise(
    kind: str, seconds: float, rng: np.random.Generator, sentences: list[str], voices: list[Voice]
) -> npt.NDArray[np.float64]:
    if kind == "room":
        return room_noise(seconds, rng)
    if kind == "fan":
        return fan_noise(seconds, rng)
    return babble_noise(seconds, sentences, voices, rng)


# --- text -------------------------------------------------------------------------------------


def non_command_sentences(vocabulary: VoiceVocabulary) -> list[str]:
    """Sentences of the licence texts that contain no word of any command phrase."""
    words = {word for phrase in vocabulary.phrases for word in phrase.text.split()}
    text = " ".join(p.read_text(errors="ignore") for p in sorted(LICENCES.glob("*")) if p.is_file())
    sentences = []
    for raw in re.split(r"(?<=[.;:!?])\s+", text):
        sentence = " ".join(re.sub(r"[^A-Za-z,.' ]", " ", raw).split())
        tokens = {w.strip(",.'").lower() for w in sentence.split()}
        if 4 <= len(tokens) <= 40 and not tokens & words:
            sentences.append(sentence)
    return sentences


# --- clips ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Clip:
    phrase: VoicePhrase
    voice: Voice
    noise: str  # "clean" or a noise kind
    snr_db: float | None
    samples: Samples
    word_end_s: float


def _trim(speech: Samples) -> Samples:
    loud = np.flatnonzero(np.abs(speech.astype(np.int32)) > 300)
    return speech[loud[0] : loud[-1] + 1] if loud.size else speech


def make_clips(
    vocabulary: VoiceVocabulary,
    voices: Iterable[Voice],
    noises: dict[str, npt.NDArray[np.float64]],
    conditions: Iterable[tuple[str, float | None]],
    rng: np.random.Generator,
) -> list[Clip]:
    clips = []
    conditions = list(conditions)
    for voice in voices:
        for phrase in vocabulary.phrases:
            word = _trim(synthesise(phrase.text, voice))
            lead = silence(0.7)
            clean = np.concatenate([lead, word, silence(2.5 - 0.7 - word.size / RATE)])
            active = slice(lead.size, lead.size + word.size)
            end_s = (lead.size + word.size) / RATE
            for noise, snr in conditions:
                if noise == "clean":
                    samples = clean
                else:
                    source = noises[noise]
                    start = int(rng.integers(0, source.size - clean.size))
                    noise_part = source[start : start + clean.size]
                    samples = mix_at_snr(clean, noise_part, float(snr or 0), active)
                clips.append(Clip(phrase, voice, noise, snr, samples, end_s))
    return clips


def make_negatives(
    minutes: float,
    sentences: list[str],
    voices: list[Voice],
    noises: dict[str, npt.NDArray[np.float64]],
    rng: np.random.Generator,
) -> Samples:
    """Non-command speech under rotating noise (SNR 10-20 dB), with stretches of noise alone."""
    parts = []
    block_s = 60.0
    for index in range(int(np.ceil(minutes))):
        kind = NOISES[index % len(NOISES)]
        source = noises[kind]
        start = int(rng.integers(0, source.size - int(block_s * RATE)))
        noise = source[start : start + int(block_s * RATE)]
        if index % 4 == 3:  # noise alone
            scaled = noise / (np.std(noise) + 1e-9) * 300
            parts.append(np.clip(scaled, -32768, 32767).astype(np.int16))
            continue
        voice = voices[index % len(voices)]
        speech = _speech_track(sentences, voice, block_s, rng).astype(np.int16)
        parts.append(mix_at_snr(speech, noise, float(rng.uniform(10, 20))))
    return np.concatenate(parts)[: int(minutes * 60 * RATE)]


# --- running the recogniser -------------------------------------------------------------------


def detected(spotter: SphinxKeywordSpotter, clip: Clip) -> tuple[bool, float | None]:
    """Whether the clip's phrase is heard within the latency limit, and the latency."""
    spotter.reset()
    for chunk in chunks(clip.samples):
        for found in spotter.feed(chunk):
            if found.text == clip.phrase.text:
                latency = found.heard_at_s - clip.word_end_s
                if latency <= LATENCY_LIMIT_S and found.end_s >= clip.word_end_s - 1.5:
                    return True, latency
    return False, None


def false_accepts(spotter: SphinxKeywordSpotter, negatives: Samples) -> tuple[Counter[str], float]:
    """Phrases heard in non-command audio, and the CPU seconds the recogniser took."""
    spotter.reset()
    counts: Counter[str] = Counter()
    cpu = time.process_time()
    for chunk in chunks(negatives):
        for found in spotter.feed(chunk):
            counts[found.text] += 1
    return counts, time.process_time() - cpu


def with_thresholds(vocabulary: VoiceVocabulary, thresholds: dict[str, float]) -> VoiceVocabulary:
    phrases = tuple(
        p.model_copy(update={"threshold": thresholds.get(p.text, p.threshold)})
        for p in vocabulary.phrases
    )
    return vocabulary.model_copy(update={"phrases": phrases})


# --- the two modes ----------------------------------------------------------------------------


def build_split(
    vocabulary: VoiceVocabulary,
    sentences: list[str],
    voices: list[Voice],
    babble_voices: list[Voice],
    seed: int,
    minutes: float,
    conditions: list[tuple[str, float | None]],
) -> tuple[list[Clip], Samples]:
    rng = np.random.default_rng(seed)
    noises = {kind: make_noise(kind, 90.0, rng, sentences, babble_voices) for kind in NOISES}
    clips = make_clips(vocabulary, voices, noises, conditions, rng)
    negatives = make_negatives(minutes, sentences, voices, noises, rng)
    return clips, negatives


class _RawSpotter(SphinxKeywordSpotter):
    """Reports every isolated detection, rivals included, for offline threshold search."""

    def _choose(self, alone: list[Detection]) -> list[Detection]:
        return alone


def _raw(spotter: _RawSpotter, samples: Samples) -> list[Detection]:
    spotter.reset()
    found: dict[tuple[str, float], Detection] = {}
    for chunk in chunks(np.concatenate([samples, silence(0.5)])):
        for d in spotter.feed(chunk):
            found[(d.text, d.start_s)] = d  # a detection judged again as it grew: keep the last
    return list(found.values())


def _winners(detections: list[Detection]) -> list[Detection]:
    """What the real spotter reports from these: one per group of overlapping rivals."""
    winners, group = [], []
    for d in sorted(detections, key=lambda d: d.start_s):
        if group and d.start_s >= max(g.end_s for g in group):
            winners.append(strongest(group))
            group = []
        group.append(d)
    return winners + ([strongest(group)] if group else [])


def _evaluate(
    raw: dict[float, list[list[Detection]]], clips: list[Clip], thresholds: dict[str, float]
) -> tuple[dict[str, float], Counter[str], Counter[str]]:
    """Detection rate per phrase, false accepts in non-command audio, confusions in clips."""
    hits: Counter[str] = Counter()
    confusions: Counter[str] = Counter()
    false: Counter[str] = Counter()
    totals = Counter(c.phrase.text for c in clips)
    for index in range(len(clips) + 1):
        allowed = [d for t, runs in raw.items() for d in runs[index] if thresholds[d.text] == t]
        for won in _winners(allowed):
            if index == len(clips):
                false[won.text] += 1
                continue
            clip = clips[index]
            if won.text == clip.phrase.text and won.heard_at_s - clip.word_end_s <= LATENCY_LIMIT_S:
                hits[won.text] += 1
            elif won.text != clip.phrase.text:
                confusions[won.text] += 1
    return {p: hits[p] / n for p, n in totals.items()}, false, confusions


def _read_cache(cache: Path, key: tuple[object, ...]) -> dict[float, list[list[Detection]]]:
    """The saved runs in ``cache`` if they were made for ``key``; none if made for others."""
    try:
        saved = pickle.loads(cache.read_bytes())
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError) as exc:
        raise SystemExit(f"voice_accuracy: {cache} is not a --cache file ({exc}); "
                         "remove it or name another") from None  # fmt: skip
    if not isinstance(saved, dict) or saved.get("key") != key:
        print(f"  {cache} holds runs of other clips or phrases: running again")
        return {}
    raw: dict[float, list[list[Detection]]] = saved["raw"]
    return raw


def tune(
    vocabulary: VoiceVocabulary, sentences: list[str], minutes: float, cache_path: str | None
) -> None:
    """Per phrase, a threshold that hears it most often without false accepts or confusions.

    Each threshold of the grid is run once for all phrases at the same time, keeping every
    isolated detection (a keyword's detections do not depend on the other keywords). The
    choice is then made offline: coordinate ascent over phrases, simulating the spotter's
    choice among rivals, maximising the summed detection rate minus confusions, with no false
    accept in the non-command audio allowed.
    """
    raw: dict[float, list[list[Detection]]] = {}
    cache = Path(cache_path) if cache_path else None
    # The runs depend on the clips and the phrases, so the cache only serves the same ones.
    key = (minutes, tuple(p.text for p in vocabulary.phrases))
    if cache and cache.exists():
        raw = _read_cache(cache, key)
    conditions = [("clean", None), *[(n, 10.0) for n in NOISES], ("babble", 5.0)]
    half = sentences[: len(sentences) // 2]
    clips, negatives = build_split(
        vocabulary, half, tuning_voices(), list(TUNING_BABBLE), 1, minutes, conditions
    )
    print(f"tuning: {len(clips)} command clips, {negatives.size / RATE / 60:.1f} min negatives")
    for threshold in [t for t in THRESHOLD_GRID if t not in raw]:
        spotter = _RawSpotter(with_thresholds(vocabulary, dict.fromkeys(
            (p.text for p in vocabulary.phrases), threshold)))  # fmt: skip
        raw[threshold] = [_raw(spotter, c.samples) for c in clips] + [_raw(spotter, negatives)]
        print(f"  threshold {threshold:.0e} run", flush=True)
        if cache:
            cache.write_bytes(pickle.dumps({"key": key, "raw": raw}))
    per_clip = len(clips) / len(vocabulary.phrases)

    def objective(thresholds: dict[str, float]) -> float:
        rates, false, confusions = _evaluate(raw, clips, thresholds)
        weighted = sum(rate * SAFETY_WEIGHT.get(text, 1.0) for text, rate in rates.items())
        # A false accept outweighs any detection rate; some cannot be avoided even at the
        # strictest threshold, so they are counted rather than made infeasible.
        return weighted - sum(confusions.values()) / per_clip - 1000.0 * sum(false.values())

    chosen = {p.text: THRESHOLD_GRID[0] for p in vocabulary.phrases}
    for _ in range(3):
        for phrase in vocabulary.phrases:
            options = {t: objective({**chosen, phrase.text: t}) for t in THRESHOLD_GRID}
            chosen[phrase.text] = max(options, key=lambda t: (options[t], t))
    rates, false, confusions = _evaluate(raw, clips, chosen)
    print("\nphrase       threshold  detected  false accepts  confusions (tuning split)")
    for text, threshold in chosen.items():
        print(f"{text:>11}  {threshold:9.0e}  {rates[text]:8.0%}  {false[text]:13d}  "
              f"{confusions[text]:10d}")  # fmt: skip
    print("\nvoice.toml thresholds:")
    for text, threshold in chosen.items():
        print(f"{text} = {threshold:.0e}")


class _OpenGate(EndpointGate):
    """A gate that lets every detection through once its end has been heard (``--why``)."""

    def verdict(self, start_s: float, end_s: float) -> bool | None:
        return None if round(end_s / FRAME_S) > self._frames else True


class _UngatedSpotter(_RawSpotter):
    def __init__(self, vocabulary: VoiceVocabulary) -> None:
        super().__init__(vocabulary)
        self._gate = _OpenGate(vocabulary.endpoint)


def why_missed(vocabulary: VoiceVocabulary, results: list[tuple[Clip, bool, float | None]]) -> None:
    """For each missed "stop"/"sharp pain" clip, the step that lost it: the spotter never
    heard the phrase at all, the gate rejected every detection of it, a rival won, or it was
    reported later than the latency limit."""
    ungated, gated = _UngatedSpotter(vocabulary), _RawSpotter(vocabulary)
    reasons: Counter[tuple[str, str, float | None, str]] = Counter()
    for clip, hit, _ in results:
        if hit or clip.phrase.text not in SAFETY_WEIGHT:
            continue
        text = clip.phrase.text
        if not any(d.text == text for d in _raw(ungated, clip.samples)):
            why = "not spotted"
        elif not any(d.text == text for d in _raw(gated, clip.samples)):
            why = "gate"
        elif any(d.text == text for d in recognise(clip.samples, SphinxKeywordSpotter(vocabulary))):
            why = "late"
        else:
            why = "rival"
        reasons[(text, clip.noise, clip.snr_db, why)] += 1
    print("\nwhy 'stop' and 'sharp pain' were missed (clips):")
    for (text, noise, snr, why), count in sorted(reasons.items(), key=str):
        print(f"  {text:>10} {noise:>6} {'' if snr is None else f'{snr:.0f} dB':>5}: {why} {count}")


def report(
    vocabulary: VoiceVocabulary, sentences: list[str], minutes: float, split: str, why: bool
) -> None:
    conditions = [("clean", None), *[(n, float(s)) for n in NOISES for s in SNRS_DB]]
    if split == "tuning":
        voices, babble, seed = tuning_voices(), list(TUNING_BABBLE), 1
        text = sentences[: len(sentences) // 2]
    else:
        voices, babble, seed = list(HELD_OUT_VOICES), list(HELD_OUT_BABBLE), 2
        text = sentences[len(sentences) // 2 :]
    clips, negatives = build_split(vocabulary, text, voices, babble, seed, minutes, conditions)
    spotter = SphinxKeywordSpotter(vocabulary)
    print(f"{split}: {len(voices)} voices ({', '.join(v.label for v in voices)})")
    minutes_heard = negatives.size / RATE / 60
    print(f"{len(clips)} command clips; {minutes_heard:.1f} min of non-command audio\n")
    results = [(clip, *detected(spotter, clip)) for clip in clips]
    if why:
        why_missed(vocabulary, results)
    columns = ["clean", *[f"{s} dB" for s in SNRS_DB]]
    print(f"{'phrase':>11} " + " ".join(f"{c:>7}" for c in columns) + "   (all noises pooled)")
    for phrase in vocabulary.phrases:
        cells = []
        for snr in (None, *SNRS_DB):
            mine = [hit for clip, hit, _ in results if clip.phrase == phrase and clip.snr_db == snr]
            cells.append(f"{sum(mine) / len(mine):7.0%}")
        print(f"{phrase.text:>11} " + " ".join(cells))
    print("\nby noise at 10 dB:")
    for noise in NOISES:
        mine = [hit for clip, hit, _ in results if clip.noise == noise and clip.snr_db == 10]
        for text in ("stop", "sharp pain"):
            of = [h for (c, h, _) in results if c.noise == noise and c.snr_db == 10
                  and c.phrase.text == text]  # fmt: skip
            print(f"  {noise:>6}: {text} {sum(of) / len(of):.0%}", end="")
        print(f"  all phrases {sum(mine) / len(mine):.0%}")
    latencies = [lat for _, hit, lat in results if hit and lat is not None]
    print(f"\nlatency after the end of the word: median {np.median(latencies):.2f} s, "
          f"max {max(latencies):.2f} s (limit {LATENCY_LIMIT_S:.0f} s)")  # fmt: skip
    counts, cpu_s = false_accepts(spotter, negatives)
    hours = negatives.size / RATE / 3600
    print(f"\nfalse accepts per hour ({hours * 60:.1f} min of non-command speech and noise):")
    for phrase in vocabulary.phrases:
        print(f"  {phrase.text:>11}: {counts[phrase.text] / hours:5.1f}/h ({counts[phrase.text]})")
    print(f"\nreal-time factor on one core: {cpu_s / (negatives.size / RATE):.3f} "
          f"(CPU {cpu_s:.1f} s for {negatives.size / RATE:.0f} s of audio)")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--minutes", type=float, default=32.0, help="non-command audio")
    parser.add_argument("--tune", action="store_true", help="choose thresholds (tuning split)")
    parser.add_argument(
        "--split", choices=("held-out", "tuning"), default="held-out",
        help="report on this split (tuning: to look at while choosing settings)",
    )  # fmt: skip
    parser.add_argument(
        "--cache", help="--tune: keep each threshold's run in this file (e.g. out/tune.pkl) and "
        "reuse it, so the choice can be made again without decoding again",
    )
    parser.add_argument("--why", action="store_true", help="say why stop/sharp pain were missed")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    vocabulary = load_voice_vocabulary()
    sentences = non_command_sentences(vocabulary)
    if args.tune:
        tune(vocabulary, sentences, args.minutes, args.cache)
    else:
        report(vocabulary, sentences, args.minutes, args.split, args.why)


if __name__ == "__main__":
    main()
