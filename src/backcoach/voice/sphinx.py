"""The pocketsphinx keyword-spotting backend (the US English model ships in the wheel).

Each phrase of ``data/voice.toml`` is spotted on its own with its own threshold, in one
utterance that runs as long as the stream: the decoder keeps a list of its detections, and each
is reported once, when it first appears. (Restarting the search after a detection would throw
away a longer phrase still being heard, e.g. "seven" after a premature "seven"-like "ten".)

A command is said on its own, so a detection is reported only once the audio just after it
has arrived and shows the keyword standing out from both sides (``isolation_db`` louder than
the ``isolation_gap_s`` around it): look-alikes inside running speech are mostly dropped.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np

from backcoach.core.voice_commands import VoiceVocabulary, load_voice_vocabulary
from backcoach.voice.recogniser import SAMPLE_RATE_HZ, Detection, RecogniserError, Samples

_FRAMES_PER_S = 100  # pocketsphinx's feature frame rate
_KEPT_S = 6.0  # audio kept for the isolation check (a keyword plus its gaps fits easily)


def _keyword_file(vocabulary: VoiceVocabulary, folder: Path) -> Path:
    path = folder / "keyphrases.txt"
    lines = [f"{phrase.text} /{phrase.threshold:.3g}/" for phrase in vocabulary.phrases]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


class SphinxKeywordSpotter:
    """A streaming keyword spotter over 16 kHz mono int16 audio."""

    def __init__(self, vocabulary: VoiceVocabulary | None = None) -> None:
        self.vocabulary = vocabulary or load_voice_vocabulary()
        if self.vocabulary.sample_rate_hz != SAMPLE_RATE_HZ:
            raise RecogniserError(f"the keyword spotter needs {SAMPLE_RATE_HZ} Hz audio")
        try:
            from pocketsphinx import Decoder
        except ImportError as exc:  # pragma: no cover - a broken install
            raise RecogniserError(f"pocketsphinx is not installed: {exc}") from None
        with tempfile.TemporaryDirectory(prefix="backcoach-kws-") as folder:
            keyfile = _keyword_file(self.vocabulary, Path(folder))
            try:
                self._decoder = Decoder(kws=str(keyfile), loglevel="FATAL")
            except (RuntimeError, ValueError) as exc:
                raise RecogniserError(f"the keyword spotter could not start: {exc}") from None
        self._fed = 0  # samples fed since the stream began
        self._seen: set[tuple[str, int, int]] = set()
        self._pending: list[Detection] = []
        self._recent = np.zeros(0, dtype=np.float64)  # the last _KEPT_S of audio
        self._decoder.start_utt()

    def reset(self) -> None:
        self._decoder.end_utt()
        self._fed = 0
        self._seen.clear()
        self._pending = []
        self._recent = np.zeros(0, dtype=np.float64)
        self._decoder.start_utt()

    def feed(self, samples: Samples) -> list[Detection]:
        if samples.size == 0:
            return []
        self._decoder.process_raw(samples.astype("<i2", copy=False).tobytes(), False, False)
        self._fed += int(samples.size)
        keep = int(_KEPT_S * SAMPLE_RATE_HZ)
        self._recent = np.concatenate([self._recent, samples.astype(np.float64)])[-keep:]
        if self._decoder.hyp() is not None:
            for segment in self._decoder.seg() or ():
                key = (segment.word, segment.start_frame, segment.end_frame)
                if key not in self._seen:
                    self._seen.add(key)
                    self._pend(segment.word.strip(), key[1], key[2])
        return self._settle()

    def _pend(self, text: str, start_frame: int, end_frame: int) -> None:
        try:
            phrase = self.vocabulary.phrase(text)
        except KeyError:
            return
        self._pending.append(
            Detection(
                text=text,
                command=phrase.command,
                score=phrase.score,
                start_s=start_frame / _FRAMES_PER_S,
                end_s=(end_frame + 1) / _FRAMES_PER_S,
                heard_at_s=0.0,
            )
        )

    def _settle(self) -> list[Detection]:
        """Report the pending detections whose after-gap has arrived and that stand alone."""
        now_s = self._fed / SAMPLE_RATE_HZ
        gap_s = self.vocabulary.isolation_gap_s
        ready = [d for d in self._pending if d.end_s + gap_s <= now_s]
        self._pending = [d for d in self._pending if d.end_s + gap_s > now_s]
        found = [
            Detection(d.text, d.command, d.score, d.start_s, d.end_s, now_s)
            for d in ready
            if self._isolated(d.start_s, d.end_s, now_s)
        ]
        return sorted(found, key=lambda d: d.end_s)

    def _level_db(self, start_s: float, end_s: float, now_s: float) -> float | None:
        first = now_s - self._recent.size / SAMPLE_RATE_HZ
        lo = int((start_s - first) * SAMPLE_RATE_HZ)
        hi = int((end_s - first) * SAMPLE_RATE_HZ)
        if lo < 0 or hi <= lo:
            return None
        part = self._recent[lo:hi]
        return float(10 * np.log10(np.mean(part * part) + 1.0))

    def _isolated(self, start_s: float, end_s: float, now_s: float) -> bool:
        gap_s, needed_db = self.vocabulary.isolation_gap_s, self.vocabulary.isolation_db
        if gap_s == 0 or needed_db == 0:
            return True
        word = self._level_db(start_s, end_s, now_s)
        before = self._level_db(max(0.0, start_s - gap_s), start_s, now_s)
        after = self._level_db(end_s, end_s + gap_s, now_s)
        if word is None:
            return True  # too old to check (cannot happen with _KEPT_S): keep it
        sides = [level for level in (before, after) if level is not None]
        return all(word - level >= needed_db for level in sides)
