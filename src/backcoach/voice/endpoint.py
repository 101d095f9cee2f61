"""The gate on the keyword spotter: a command counts only inside a short utterance said alone.

People say "stop" on its own, with a breath before and after; the same sound inside running
speech ("...we did not stop at...") or in a room full of talk is not a command. This module
finds utterances from the sound level alone, causally, in 10 ms frames:

* a **noise floor** it keeps learning: a low percentile of the frame levels of the last few
  seconds, so it follows a fan switched on or a radio turned down without being lifted by one
  word;
* a frame is **sound** when its level (smoothed over a few frames) is ``sound_db`` above that
  floor; sound separated by less than ``pause_s`` of quiet is one **utterance**;
* a detection is **accepted** when the utterance around it is at most ``max_utterance_s`` long
  and has ``pause_s`` of quiet on both sides, and the keyword itself is ``contrast_db`` louder
  than those pauses. The verdict waits for the pause after it, which is
  what this costs in latency.

Its settings are data (``[endpoint]`` in ``data/voice.toml``). Pure numpy, no recogniser:
``EndpointGate`` only hears levels, so it can sit in front of any backend.
"""

from __future__ import annotations

from collections import deque

import numpy as np

from backcoach.core.voice_commands import EndpointSettings
from backcoach.voice.recogniser import SAMPLE_RATE_HZ, Samples

FRAME_S = 0.01  # the recogniser's frame rate: times below are in these frames
_FRAME = int(FRAME_S * SAMPLE_RATE_HZ)
_KEPT_FRAMES = 1000  # 10 s of frame levels: an utterance plus its pauses fits easily


class EndpointGate:
    """Streaming: ``feed`` the same audio the recogniser hears, then ask ``verdict``."""

    def __init__(self, settings: EndpointSettings) -> None:
        self.settings = settings
        window = max(1, round(settings.floor_window_s / FRAME_S))
        self._history: deque[float] = deque(maxlen=window)  # frame levels for the floor
        self.reset()

    def reset(self) -> None:
        self._history.clear()
        self._rest = np.zeros(0, dtype=np.float64)  # samples short of a whole frame
        self._levels: deque[float] = deque(maxlen=3)  # for smoothing
        self._sound: deque[bool] = deque(maxlen=_KEPT_FRAMES)
        self._power: deque[float] = deque(maxlen=_KEPT_FRAMES)  # mean square per frame
        self._frames = 0  # whole frames judged since the stream began
        self.floor_db = 0.0

    def feed(self, samples: Samples) -> None:
        audio = np.concatenate([self._rest, samples.astype(np.float64)])
        whole = audio.size // _FRAME * _FRAME
        self._rest = audio[whole:]
        if not whole:
            return
        frames = audio[:whole].reshape(-1, _FRAME)
        levels = 10 * np.log10(np.mean(frames * frames, axis=1) + 1.0)
        for level in levels:
            self._judge(float(level))

    def _judge(self, level_db: float) -> None:
        if len(self._history) >= 10 and self._frames % 10 == 0:  # the floor moves every 0.1 s
            self.floor_db = float(np.percentile(self._history, self.settings.floor_percentile))
        self._history.append(level_db)
        self._levels.append(level_db)
        self._power.append(10 ** (level_db / 10))
        smooth = float(np.mean(self._levels))
        learnt = len(self._history) >= 10
        self._sound.append(learnt and smooth >= self.floor_db + self.settings.sound_db)
        self._frames += 1

    def _is_sound(self, frame: int) -> bool | None:
        """Whether ``frame`` was sound; None if it is not known (yet, or any more)."""
        first = self._frames - len(self._sound)
        if frame < first or frame >= self._frames:
            return None
        return self._sound[frame - first]

    def verdict(self, start_s: float, end_s: float) -> bool | None:
        """Is ``start_s``..``end_s`` (a detection) inside a short utterance said alone?

        None while the answer depends on audio still to come (the pause after it).
        """
        start = round(start_s / FRAME_S)
        end = max(round(end_s / FRAME_S), start + 1)
        pause = round(self.settings.pause_s / FRAME_S)
        longest = round(self.settings.max_utterance_s / FRAME_S)
        if end + pause > self._frames:
            return None
        loud = [f for f in range(start, end) if self._is_sound(f)]
        if not loud:
            return False  # the keyword lies in what the floor calls background
        first = self._edge(loud[0], -1, pause, longest)
        last = self._edge(loud[-1], +1, pause, longest)
        if _LONG in (first, last):
            return False
        if last is None or first is None:
            return None
        return last - first + 1 <= longest and self._stands_out(start, end, pause)

    def _level_db(self, start: int, end: int) -> float | None:
        first = self._frames - len(self._power)
        lo, hi = max(start, first) - first, min(end, self._frames) - first
        if hi <= lo:
            return None
        return float(10 * np.log10(np.mean([self._power[i] for i in range(lo, hi)])))

    def _stands_out(self, start: int, end: int, pause: int) -> bool:
        """The keyword itself is ``contrast_db`` louder than the pause on each side of it."""
        needed = self.settings.contrast_db
        word = self._level_db(start, end)
        sides = [self._level_db(start - pause, start), self._level_db(end, end + pause)]
        if needed == 0 or word is None:
            return True
        return all(word - side >= needed for side in sides if side is not None)

    def _edge(self, frame: int, step: int, pause: int, longest: int) -> int | None:
        """The utterance's outermost sound frame going ``step`` from ``frame``: the one that
        ``pause`` quiet frames follow. ``_LONG`` when the sound runs on past ``longest`` (or
        back beyond what is kept); None when the audio that decides has not come yet."""
        edge, quiet, at = frame, 0, frame
        while quiet < pause:
            at += step
            if at < 0:
                return edge  # the stream began: quiet before it
            sound = self._is_sound(at)
            if sound is None:
                return None if step > 0 else _LONG
            if sound:
                edge, quiet = at, 0
                if abs(edge - frame) > longest:
                    return _LONG
            else:
                quiet += 1
        return edge


_LONG = -(10**9)  # an edge too far away: the utterance is too long to be a command
