"""The pocketsphinx keyword-spotting backend (the US English model ships in the wheel).

Each phrase of ``data/voice.toml`` is spotted on its own with its own threshold, in one
utterance that runs as long as the stream: the decoder keeps a list of its detections, and each
is reported once, when it first appears. (Restarting the search after a detection would throw
away a longer phrase still being heard, e.g. "seven" after a premature "seven"-like "ten".)

A command is said on its own, so a detection is reported only once the gate
(``voice.endpoint``) has heard the pause after it and found it inside a short utterance said
alone: look-alikes inside running speech and background talk are dropped.
"""

from __future__ import annotations

import tempfile
from dataclasses import replace
from pathlib import Path

from backcoach.core.voice_commands import VoiceVocabulary, load_voice_vocabulary
from backcoach.voice.endpoint import EndpointGate
from backcoach.voice.recogniser import SAMPLE_RATE_HZ, Detection, RecogniserError, Samples

_FRAMES_PER_S = 100  # pocketsphinx's feature frame rate


def _keyword_file(vocabulary: VoiceVocabulary, folder: Path) -> Path:
    path = folder / "keyphrases.txt"
    lines = [f"{phrase.text} /{phrase.threshold:.3g}/" for phrase in vocabulary.phrases]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def strongest(rivals: list[Detection]) -> Detection:
    """Of detections overlapping in time, the one spanning the longest stretch of sound."""
    return max(rivals, key=lambda d: (d.end_s - d.start_s, len(d.text)))


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
                self._decoder = Decoder(
                    kws=str(keyfile),
                    kws_plp=self.vocabulary.phone_loop_penalty,
                    loglevel="FATAL",
                )
            except (RuntimeError, ValueError) as exc:
                raise RecogniserError(f"the keyword spotter could not start: {exc}") from None
        self._fed = 0  # samples fed since the stream began
        self._reported: set[tuple[str, int]] = set()
        self._judged: dict[tuple[str, int], int] = {}  # detection -> the end frame last seen
        self._pending: list[Detection] = []
        self._gate = EndpointGate(self.vocabulary.endpoint)
        self._decoder.start_utt()

    def reset(self) -> None:
        self._decoder.end_utt()
        self._fed = 0
        self._reported.clear()
        self._judged.clear()
        self._pending = []
        self._gate.reset()
        self._decoder.start_utt()

    def feed(self, samples: Samples) -> list[Detection]:
        if samples.size == 0:
            return []
        self._decoder.process_raw(samples.astype("<i2", copy=False).tobytes(), False, False)
        self._fed += int(samples.size)
        self._gate.feed(samples)
        if self._decoder.hyp() is not None:
            for segment in self._decoder.seg() or ():
                self._consider(segment.word.strip(), segment.start_frame, segment.end_frame)
        return self._settle()

    def _consider(self, text: str, start_frame: int, end_frame: int) -> None:
        """Keep a detection pending; the decoder reports one again, longer, as the word goes on.

        One that lost its first check comes back if it has grown since (it was judged on part
        of its sound); one already reported never does.
        """
        key = (text, start_frame)
        if key in self._reported or self._judged.get(key, -1) >= end_frame:
            return
        self._judged[key] = end_frame
        self._pending = [
            d for d in self._pending if (d.text, round(d.start_s * _FRAMES_PER_S)) != key
        ]
        self._pend(text, start_frame, end_frame)

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
        """Report pending detections once the gate has judged them.

        Detections that overlap in time are rivals for the same sound ("seven" also wakes
        "ten" and "two"): once all of a group are judged, the one the gate accepts that spans
        the longest stretch wins (a longer phrase explains more of the sound). Nothing else
        from the group is reported.
        """
        now_s = self._fed / SAMPLE_RATE_HZ
        found = []
        while self._pending:
            first = min(self._pending, key=lambda d: d.start_s)
            group = [first]
            for other in sorted(self._pending, key=lambda d: d.start_s):
                if other is not first and other.start_s < max(d.end_s for d in group):
                    group.append(other)
            verdicts = [self._gate.verdict(d.start_s, d.end_s) for d in group]
            if None in verdicts:
                break
            self._pending = [d for d in self._pending if d not in group]
            judged = zip(group, verdicts, strict=True)
            alone = [replace(d, heard_at_s=now_s) for d, ok in judged if ok]
            for best in self._choose(alone):
                self._reported.add((best.text, round(best.start_s * _FRAMES_PER_S)))
                found.append(best)
        return found

    def _choose(self, alone: list[Detection]) -> list[Detection]:
        """The rivals that stand alone -> what to report (the benchmark keeps them all)."""
        return [strongest(alone)] if alone else []
