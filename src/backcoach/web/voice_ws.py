"""The voice-control WebSocket: microphone audio in, heard commands out.

The protocol is in docs/websocket-protocol.md.

``/ws/voice?session=ID``. The page sends 16 kHz mono PCM16 (little-endian) as binary messages,
about 100 ms each; the keyword spotter runs in a worker thread, and every phrase it hears goes
through ``core.voice_commands.VoiceControl`` against the live session, exactly like a button
(sets are stored at once, a sharp-pain stop is recorded). The answer says what was heard and
what it did, so the page can speak the confirmation. ``{"type": "undo"}`` (the page's Undo
button) takes back the last undoable command.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from typing import Any

import numpy as np
from starlette.websockets import WebSocket, WebSocketDisconnect

from backcoach.core.voice_commands import VoiceCommand, VoiceControl, load_voice_vocabulary
from backcoach.web.errors import InputError
from backcoach.web.sessions import LiveSession, SessionHub
from backcoach.web.state import AppState, app_state, current_profile

VOICE_PROTOCOL_VERSION = 1
MAX_CHUNK_BYTES = 32_000  # one second of 16 kHz PCM16
MAX_VOICE_CLIENTS = 4

CLOSE_NORMAL = 1000
CLOSE_UNSUPPORTED = 1003
CLOSE_INVALID = 1007
CLOSE_TOO_BIG = 1009
CLOSE_SERVER_ERROR = 1011
CLOSE_BUSY = 1013
CLOSE_NOT_FOUND = 4404
CLOSE_BLOCKED = 4409

_log = logging.getLogger("backcoach.web.voice")


class _Refused(Exception):
    def __init__(self, code: int, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


def _live(websocket: WebSocket, state: AppState) -> LiveSession:
    raw = websocket.query_params.get("session", "")
    if not raw.isdigit() or len(raw) > 12:
        raise _Refused(CLOSE_NOT_FOUND, "the session id must be a whole number")
    try:
        live = state.hub().get(int(raw), current_profile(websocket))
    except InputError as exc:
        raise _Refused(CLOSE_NOT_FOUND, str(exc)) from None
    if live.ended:
        raise _Refused(CLOSE_NOT_FOUND, "this session has ended")
    return live


class VoiceConnection:
    """One page's microphone stream driving one live session."""

    def __init__(self, websocket: WebSocket, state: AppState, live: LiveSession) -> None:
        self.ws = websocket
        self.state = state
        self.hub: SessionHub = state.hub()
        self.live = live
        self.vocabulary = load_voice_vocabulary()
        self.control = VoiceControl(live.guided, self.vocabulary.undo_window_s)
        self.spotter: Any = None

    async def run(self) -> None:
        from backcoach.voice.sphinx import SphinxKeywordSpotter

        self.spotter = await asyncio.to_thread(SphinxKeywordSpotter, self.vocabulary)
        await self.ws.send_json({
            "type": "ready",
            "protocol": VOICE_PROTOCOL_VERSION,
            "sample_rate": self.vocabulary.sample_rate_hz,
            "phrases": [phrase.text for phrase in self.vocabulary.phrases],
        })  # fmt: skip
        while not self.live.ended:
            message = await self.ws.receive()
            if message["type"] == "websocket.disconnect":
                return
            if message.get("bytes") is not None:
                await self._audio(message["bytes"])
            else:
                await self._text(message.get("text") or "")
        await self.ws.close(CLOSE_NORMAL, "the session has ended")

    async def _audio(self, data: bytes) -> None:
        if len(data) > MAX_CHUNK_BYTES:
            raise _Refused(CLOSE_TOO_BIG, f"audio chunks must be at most {MAX_CHUNK_BYTES} bytes")
        if len(data) % 2:
            raise _Refused(CLOSE_INVALID, "audio must be 16-bit samples (an even byte count)")
        samples = np.frombuffer(data, dtype="<i2")
        for heard in await asyncio.to_thread(self.spotter.feed, samples):
            await self._command(heard.command, heard.score, heard.text, heard.to_dict())

    async def _text(self, text: str) -> None:
        try:
            message = json.loads(text)
        except json.JSONDecodeError:
            raise _Refused(CLOSE_INVALID, "text messages must be JSON") from None
        if not isinstance(message, dict) or message.get("type") != "undo":
            raise _Refused(CLOSE_INVALID, 'the only text message is {"type": "undo"}')
        await self._command(VoiceCommand.UNDO, None, None, {})

    async def _command(
        self, command: VoiceCommand, score: int | None, text: str | None, heard: dict[str, Any]
    ) -> None:
        """Apply one command to the session the same way the buttons do, then report it."""
        if command is not VoiceCommand.SHARP_PAIN and self.hub.safety_check(self.live):
            raise _Refused(CLOSE_BLOCKED, "the safety check has stopped this session")
        now = self.state.clock.now()
        self.hub.seen(self.live)  # a spoken command is a sign the person is there
        outcome = self.control.hear(command, now, score)
        self.hub.apply(self.live, list(outcome.effects))
        undo_s = (outcome.undo_until - now).total_seconds() if outcome.undo_until else None
        await self.ws.send_json({
            "type": "heard",
            "phrase": text,
            "command": command.value,
            "score": score,
            "acted": outcome.acted,
            "say": outcome.say,
            "undo_s": undo_s,
            "state": self.live.guided.state.value,
            "times": heard,
        })  # fmt: skip


async def voice_socket(websocket: WebSocket) -> None:
    state = app_state(websocket)
    await websocket.accept()
    counter = websocket.app.state
    clients = getattr(counter, "voice_clients", 0)
    if clients >= MAX_VOICE_CLIENTS:
        await websocket.close(CLOSE_BUSY, "too many voice clients at once")
        return
    counter.voice_clients = clients + 1
    try:
        connection = VoiceConnection(websocket, state, _live(websocket, state))
        await connection.run()
    except _Refused as refused:
        with contextlib.suppress(RuntimeError, WebSocketDisconnect):
            await websocket.close(refused.code, refused.reason)
    except WebSocketDisconnect:
        pass
    except Exception:
        _log.exception("the voice connection failed")
        with contextlib.suppress(RuntimeError, WebSocketDisconnect):
            await websocket.close(CLOSE_SERVER_ERROR, "the speech recogniser failed")
    finally:
        counter.voice_clients -= 1
