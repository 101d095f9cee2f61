"""The pocketsphinx keyword-spotting backend (the US English model ships in the wheel).

Each phrase of ``data/voice.toml`` is spotted on its own with its own threshold, in one
utterance that runs as long as the stream: the decoder keeps a list of its detections, and each
is reported once, when it first appears. (Restarting the search after a detection would throw
away a longer phrase still being heard, e.g. "seven" after a premature "seven"-like "ten".)
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from backcoach.core.voice_commands import VoiceVocabulary, load_voice_vocabulary
from backcoach.voice.recogniser import SAMPLE_RATE_HZ, Detection, RecogniserError, Samples

_FRAMES_PER_S = 100  # pocketsphinx's feature frame rate


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
        self._decoder.start_utt()

    def reset(self) -> None:
        self._decoder.end_utt()
        self._fed = 0
        self._seen.clear()
        self._decoder.start_utt()

    def feed(self, samples: Samples) -> list[Detection]:
        if samples.size == 0:
            return []
        self._decoder.process_raw(samples.astype("<i2", copy=False).tobytes(), False, False)
        self._fed += int(samples.size)
        if self._decoder.hyp() is None:
            return []
        found = []
        for segment in self._decoder.seg() or ():
            key = (segment.word, segment.start_frame, segment.end_frame)
            if key in self._seen:
                continue
            self._seen.add(key)
            detection = self._detection(segment.word.strip(), key[1], key[2])
            if detection is not None:
                found.append(detection)
        return sorted(found, key=lambda d: d.end_s)

    def _detection(self, text: str, start_frame: int, end_frame: int) -> Detection | None:
        try:
            phrase = self.vocabulary.phrase(text)
        except KeyError:
            return None
        return Detection(
            text=text,
            command=phrase.command,
            score=phrase.score,
            start_s=start_frame / _FRAMES_PER_S,
            end_s=(end_frame + 1) / _FRAMES_PER_S,
            heard_at_s=self._fed / SAMPLE_RATE_HZ,
        )
