"""The pocketsphinx keyword spotter on espeak-ng speech: streaming, causal, timed."""

from __future__ import annotations

import numpy as np
import pytest

from backcoach.core.voice_commands import VoiceCommand, load_voice_vocabulary
from backcoach.synthetic.speech import Voice, command_recording, silence, synthesise
from backcoach.voice.listen import chunks, recognise
from backcoach.voice.recogniser import RecogniserError
from backcoach.voice.sphinx import SphinxKeywordSpotter

STOP = Voice("en-us", 140, 50)  # a voice the shipped thresholds hear "stop" in


@pytest.fixture(scope="module")
def spotter() -> SphinxKeywordSpotter:
    return SphinxKeywordSpotter()


def test_a_command_said_alone_is_heard_once_within_a_second(spotter: SphinxKeywordSpotter) -> None:
    audio = command_recording("stop", STOP, lead_s=1.0, tail_s=1.5)
    found = recognise(audio, spotter)
    assert [(d.text, d.command) for d in found] == [("stop", VoiceCommand.STOP)]
    word_end_s = np.flatnonzero(np.abs(audio.astype(int)) > 300)[-1] / 16000
    assert found[0].start_s == pytest.approx(1.0, abs=0.15)
    assert found[0].end_s == pytest.approx(word_end_s, abs=0.3)
    assert 0 < found[0].heard_at_s - found[0].end_s <= 1.0


def test_the_result_does_not_depend_on_the_chunk_size(spotter: SphinxKeywordSpotter) -> None:
    audio = command_recording("stop", STOP)
    heard = []
    for chunk_s in (0.02, 0.1, 0.25):
        spotter.reset()
        found = []
        for chunk in chunks(np.concatenate([audio, silence(0.5)]), chunk_s):
            found += spotter.feed(chunk)
        heard.append([(d.text, round(d.start_s, 2)) for d in found])
    assert heard[0] == heard[1] == heard[2] != []


def test_a_command_word_inside_running_speech_is_not_taken(spotter: SphinxKeywordSpotter) -> None:
    sentence = synthesise("We did not stop at the corner because the road was clear", STOP)
    found = recognise(np.concatenate([silence(0.5), sentence, silence(1.0)]), spotter)
    assert [d.text for d in found] == []


def test_the_spotter_needs_16k_audio() -> None:
    vocabulary = load_voice_vocabulary().model_copy(update={"sample_rate_hz": 8000})
    with pytest.raises(RecogniserError, match="16000"):
        SphinxKeywordSpotter(vocabulary)
