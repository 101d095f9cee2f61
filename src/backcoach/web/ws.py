"""The live-coaching WebSocket: frames in, pose and feedback out (docs/websocket-protocol.md).

Two loops per connection. The receiver reads every message at once, checks it cheaply (size,
shape, rate) and keeps only the newest frame in a one-slot mailbox, so a slow pose model drops
stale frames instead of queueing them. The processor takes the newest frame, runs the pose
backend and the analyser in a worker thread, and answers with one JSON ``result``. Any protocol
violation closes this connection with a close code and a reason; other clients are unaffected.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import json
import logging
import math
import re
import threading
import time
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketState

from backcoach.core.catalog import BLAZEPOSE_LANDMARKS, Exercise
from backcoach.core.motion.calibration import Calibration
from backcoach.core.motion.types import EventKind
from backcoach.core.safety import SafetyDecision
from backcoach.pose.backend import PoseBackendError
from backcoach.pose.pipeline import PoseTracker
from backcoach.usecases import calibration as own_range
from backcoach.web.coach import (
    CoachResult,
    FrameError,
    LiveCoach,
    decode_jpeg,
    validate_landmarks,
)
from backcoach.web.errors import InputError
from backcoach.web.gate import stops_exercise
from backcoach.web.sessions import LiveSession
from backcoach.web.setup import TASKS, SetupOutput, SetupTasks
from backcoach.web.state import AppState, app_state, current_profile

PROTOCOL_VERSION = 1

CLOSE_NORMAL = 1000
CLOSE_GOING_AWAY = 1001  # idle: no message within the idle timeout
CLOSE_UNSUPPORTED = 1003  # image frames sent to a server without a pose backend
CLOSE_INVALID = 1007  # malformed JSON, wrong fields, not a JPEG, times not increasing
CLOSE_POLICY = 1008  # flooding
CLOSE_TOO_BIG = 1009  # a frame above the size cap
CLOSE_SERVER_ERROR = 1011  # the pose backend failed
CLOSE_BUSY = 1013  # too many camera clients at once
CLOSE_NOT_FOUND = 4404  # unknown exercise or session
CLOSE_BLOCKED = 4409  # the safety check stops exercise (an uncleared red flag)

_log = logging.getLogger("backcoach.web.ws")
_FLOOD_WINDOW_S = 2.0
_MAX_SEQ = 2**53  # what a JavaScript number holds exactly
_MAX_T_S = 7 * 24 * 3600.0  # a week of frame time: more is a broken or hostile client
_SESSION_ID = re.compile(r"[0-9]{1,12}")


class ProtocolViolation(Exception):
    def __init__(self, code: int, reason: str, advice: tuple[str, ...] = ()) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason
        self.advice = advice


def _blocked(decision: SafetyDecision) -> ProtocolViolation:
    return ProtocolViolation(CLOSE_BLOCKED, decision.message, decision.advice)


def check_safety(state: AppState, websocket: WebSocket, live: LiveSession | None) -> None:
    """The one safety check (``web.gate``); raises a 4409 violation when exercise must stop.

    In a session this also ends the session (``SessionHub.safety_check``).
    """
    if live is not None:
        decision = state.hub().safety_check(live)
    else:
        decision = state.decision(current_profile(websocket))
        decision = decision if stops_exercise(decision) else None
    if decision is not None:
        raise _blocked(decision)


@dataclass
class _Control:
    """A setup page's request: ``check``, ``calibrate`` or ``cancel`` (``web.setup``)."""

    kind: str


@dataclass
class _Frame:
    seq: int
    t: float
    jpeg: bytes | None = None
    landmarks: list[list[float]] | None = None


class _RateGuard:
    """Counts messages over a sliding window; too many means the client is flooding."""

    def __init__(self, max_per_s: float) -> None:
        self._limit = int(max_per_s * _FLOOD_WINDOW_S)
        self._times: deque[float] = deque()

    def check(self, now: float) -> None:
        self._times.append(now)
        while self._times and now - self._times[0] > _FLOOD_WINDOW_S:
            self._times.popleft()
        if len(self._times) > self._limit:
            raise ProtocolViolation(CLOSE_POLICY, "too many messages: slow down (flooding)")


class CoachConnection:
    """One client's stream: parsing, the newest-frame mailbox, processing, answering."""

    def __init__(self, websocket: WebSocket, state: AppState, exercise: Exercise,
                 live: LiveSession | None) -> None:
        self.ws = websocket
        self.state = state
        self.live = live
        self.profile = current_profile(websocket)
        self.coach = self._new_coach(exercise)
        self.setup = SetupTasks(exercise)
        self.settings = state.settings
        self.rate = _RateGuard(state.settings.max_messages_per_s)
        self.started = time.monotonic()
        self.received = 0
        self.dropped = 0
        self.pending: _Frame | None = None
        self.wake = asyncio.Event()
        self.tracker: PoseTracker | None = None  # made at the first picture (see _tracker)
        self._backend_lock = threading.Lock()  # one frame at a time; closing waits for it

    def _new_coach(self, exercise: Exercise) -> LiveCoach:
        """A coach counting from the profile's own range for ``exercise``, if one is stored."""
        calibration = own_range.stored_calibration(self.state.the_journal(), self.profile,
                                                   exercise)  # fmt: skip
        return LiveCoach(exercise, self.state.analyser_factory, calibration)

    def calibration_info(self) -> dict[str, float] | None:
        calibration = self.coach.calibration
        if calibration is None:
            return None
        return own_range.describe(self.coach.exercise, calibration).to_dict()

    # --- receiving ----------------------------------------------------------------------------

    def _parse(self, message: Mapping[str, Any]) -> _Frame | _Control | None:
        self.received += 1
        data_bytes, text = message.get("bytes"), message.get("text")
        if data_bytes is not None:
            self._check_size(len(data_bytes))
            return self._image(data_bytes, None, time.monotonic() - self.started)
        if text is None:
            raise ProtocolViolation(CLOSE_INVALID, "empty message")
        self._check_size(len(text) * 3 // 4)
        try:
            data = json.loads(text)
        except RecursionError:
            raise ProtocolViolation(CLOSE_INVALID, "the JSON is nested too deeply") from None
        except ValueError:  # not JSON, or a number of thousands of digits
            raise ProtocolViolation(CLOSE_INVALID, "a text message must be JSON") from None
        if not isinstance(data, dict):
            raise ProtocolViolation(CLOSE_INVALID, "a JSON message must be an object")
        return self._json_frame(data)

    def _check_size(self, size: int) -> None:
        limit = self.settings.max_frame_bytes
        if size > limit:
            raise ProtocolViolation(CLOSE_TOO_BIG, f"frame too large ({size} bytes; limit {limit})")

    def _json_frame(self, data: dict[str, Any]) -> _Frame | _Control | None:
        kind = data.get("type", "frame" if "jpeg" in data else "landmarks")
        if kind == "ping":
            return None
        if kind in (*TASKS, "cancel"):
            if self.live is not None:
                raise ProtocolViolation(CLOSE_INVALID, f"'{kind}' belongs to the setup page: "
                                        "connect with ?exercise=<id>, not ?session=")  # fmt: skip
            return _Control(str(kind))
        seq = data.get("seq", self.received)
        t = data.get("t", time.monotonic() - self.started)
        if isinstance(seq, bool) or not isinstance(seq, int) or not 0 <= seq <= _MAX_SEQ:
            raise ProtocolViolation(
                CLOSE_INVALID, f"'seq' must be a whole number from 0 to {_MAX_SEQ}"
            )
        if (isinstance(t, bool) or not isinstance(t, int | float)
                or not 0 <= t <= _MAX_T_S or not math.isfinite(t)):
            raise ProtocolViolation(
                CLOSE_INVALID, f"'t' must be a number of seconds from 0 to {_MAX_T_S:.0f}"
            )
        if kind == "frame":
            self._check_images_accepted()
            encoded = data.get("jpeg")
            if not isinstance(encoded, str):
                raise ProtocolViolation(CLOSE_INVALID, "'jpeg' must be a base64 string")
            try:
                jpeg = base64.b64decode(encoded, validate=True)
            except (binascii.Error, ValueError):
                raise ProtocolViolation(CLOSE_INVALID, "'jpeg' is not valid base64") from None
            return self._image(jpeg, seq, float(t))
        if kind != "landmarks" or "landmarks" not in data:
            raise ProtocolViolation(
                CLOSE_INVALID, "unknown message: send a JPEG frame, a landmark frame or a ping"
            )
        try:
            landmarks = validate_landmarks(data["landmarks"])
        except FrameError as exc:
            raise ProtocolViolation(CLOSE_INVALID, str(exc)) from None
        return _Frame(seq=seq, t=float(t), landmarks=landmarks)

    def _check_images_accepted(self) -> None:
        if self.state.pose_factory is None:
            raise ProtocolViolation(
                CLOSE_UNSUPPORTED, "this server has no pose backend: send landmark frames"
            )

    def _image(self, jpeg: bytes, seq: int | None, t: float) -> _Frame:
        self._check_images_accepted()
        if not jpeg.startswith(b"\xff\xd8"):
            raise ProtocolViolation(CLOSE_INVALID, "binary frames must be JPEG images")
        return _Frame(seq=self.received if seq is None else seq, t=t, jpeg=jpeg)

    async def receive_loop(self) -> None:
        idle_s = self.settings.camera_idle_s
        while True:
            try:
                message = await asyncio.wait_for(self.ws.receive(), timeout=idle_s)
            except TimeoutError:
                raise ProtocolViolation(
                    CLOSE_GOING_AWAY, f"no frame for {idle_s:.0f} s: the camera slot is freed"
                ) from None
            if message["type"] == "websocket.disconnect":
                return
            self.rate.check(time.monotonic())
            frame = self._parse(message)
            if frame is None:
                await self.ws.send_json({"type": "pong"})
                continue
            if isinstance(frame, _Control):
                control = frame.kind
                refusal = self._calibration_refusal() if control == "calibrate" else None
                if refusal is not None:
                    await self.ws.send_json(refusal)
                    continue
                ack = self.setup.cancel() if control == "cancel" else self.setup.start(control)
                await self.ws.send_json(ack)
                continue
            if self.pending is not None:
                self.dropped += 1  # the newest frame wins: never queue stale frames
            self.pending = frame
            self.wake.set()

    def _calibration_refusal(self) -> dict[str, Any] | None:
        """A calibration asks for a repetition of the exercise, so it needs what a session needs
        (the disclaimer accepted, the safety questions answered, no red flag, no rest day), as
        ``analyze --camera`` does; the camera check alone asks for no movement and stays open."""
        decision = self.state.decision(self.profile)
        if decision.allowed:
            return None
        return {"type": "calibration", "status": "failed", "code": decision.code,
                "message": f"{decision.message} A repetition of the exercise comes after "
                           "that."}  # fmt: skip

    # --- processing ---------------------------------------------------------------------------

    def _process(self, frame: _Frame) -> tuple[CoachResult, SetupOutput]:
        """Runs in a worker thread: decode, pose, analyse (and the setup page's task)."""
        began = time.perf_counter()
        with self._backend_lock:
            result, setup = self._process_locked(frame)
        result.process_ms = (time.perf_counter() - began) * 1000
        return result, setup

    def _process_locked(self, frame: _Frame) -> tuple[CoachResult, SetupOutput]:
        image = None
        try:
            if frame.jpeg is None:
                result = self.coach.landmarks_frame(frame.landmarks, frame.t)
            else:
                image = decode_jpeg(frame.jpeg, self.settings.image_limits)
                result = self.coach.image_frame(image, frame.t, self._tracker().analyse)
        except FrameError as exc:
            raise ProtocolViolation(CLOSE_INVALID, str(exc)) from None
        except PoseBackendError as exc:
            raise ProtocolViolation(CLOSE_SERVER_ERROR, str(exc)) from None
        return result, self.setup.feed(frame.t, result.landmarks, image)

    async def _store(self, calibration: Calibration) -> None:
        """Keep the measured range for the profile (``usecases.calibration``, as ``analyze
        --calibrate`` does) and count from it at once. It was a repetition of the exercise: a
        red flag recorded meanwhile stops here, as after any counted repetition."""
        check_safety(self.state, self.ws, self.live)
        exercise = self.coach.exercise
        view = own_range.save_calibration(self.state.the_journal(), self.profile, exercise,
                                          calibration)  # fmt: skip
        self.coach = self._new_coach(exercise)
        await self.ws.send_json({
            "type": "calibration", "status": "saved", "calibration": view.to_dict(),
            "message": f"Saved for practice and sessions. {view.summary()}",
        })  # fmt: skip

    def _sync_exercise(self) -> bool:
        """In a session, coach whichever exercise the session is on; True if it changed."""
        if self.live is None:
            return False
        exercise_id = self.live.guided.current().exercise_id
        if exercise_id is None or exercise_id == self.coach.exercise.id:
            return False
        self.coach = self._new_coach(self.state.exercise(exercise_id))
        return True

    def _feed_session(self, result: CoachResult) -> None:
        if not any(e.kind is EventKind.REP_COMPLETED for e in result.events):
            return
        check_safety(self.state, self.ws, self.live)  # a red flag recorded meanwhile stops here
        if self.live is None:
            return
        for event in result.events:
            if event.kind is EventKind.REP_COMPLETED:
                self.state.hub().camera_rep(
                    self.live, event.hold_s or 0.0, event.side, event.quality, event.range_deg
                )

    async def process_loop(self) -> None:
        while True:
            await self.wake.wait()
            self.wake.clear()
            frame, self.pending = self.pending, None
            if frame is None:
                continue
            if self._sync_exercise():
                await self.ws.send_json({"type": "exercise", "exercise": self.coach.exercise.id})
            result, setup = await self.state.run_frame(self._process, frame)
            self._feed_session(result)
            message = result.to_message(frame.seq, self.dropped, self.coach.exercise.id)
            if self.live is not None:
                message["session_reps"] = self.live.camera_reps
            await self.ws.send_json(message)
            for extra in setup.messages:
                await self.ws.send_json(extra)
            if setup.calibration is not None:
                await self._store(setup.calibration)

    def _tracker(self) -> PoseTracker:
        """The pose stream for the exercise coached, run as ``backcoach analyze`` runs it
        (``usecases.video_analysis.settings_for``: dark pictures brightened, a lying body turned
        upright). Made again only when another exercise needs other settings."""
        from backcoach.usecases.video_analysis import settings_for  # deferred: loads matplotlib

        factory = self.state.pose_factory
        assert factory is not None  # pictures are refused without a pose model
        wanted = settings_for(self.coach.exercise, keep_full=False)
        if self.tracker is not None and self.tracker.settings != wanted:
            self.tracker.close()
            self.tracker = None
        if self.tracker is None:
            self.tracker = PoseTracker(factory, wanted)
        return self.tracker

    def close_backend(self) -> None:
        with self._backend_lock:
            if self.tracker is not None:
                self.tracker.close()
            self.tracker = None


async def _close(
    websocket: WebSocket, code: int, reason: str, advice: tuple[str, ...] = ()
) -> None:
    if websocket.application_state is WebSocketState.DISCONNECTED:
        return
    error: dict[str, Any] = {"type": "error", "code": code, "message": reason}
    if advice:
        error["advice"] = list(advice)
    with contextlib.suppress(Exception):
        await websocket.send_json(error)
    with contextlib.suppress(Exception):
        await websocket.close(code=code, reason=reason[:120])


def _target(websocket: WebSocket, state: AppState) -> tuple[Exercise, LiveSession | None]:
    """The exercise to coach: ``?exercise=<id>``, or the current one of ``?session=<id>``."""
    session_param = websocket.query_params.get("session")
    live = None
    if session_param is not None:
        if not _SESSION_ID.fullmatch(session_param):
            raise ProtocolViolation(CLOSE_NOT_FOUND, "'session' must be a session number")
        live = state.hub().get(int(session_param), current_profile(websocket))
    exercise_id = websocket.query_params.get("exercise")
    if exercise_id is None and live is not None:
        exercise_id = live.guided.current().exercise_id or live.guided.plan.items[0].exercise.id
    if exercise_id is None:
        raise ProtocolViolation(CLOSE_NOT_FOUND, "say which exercise: ?exercise=<id>")
    if exercise_id not in state.catalog:
        raise ProtocolViolation(CLOSE_NOT_FOUND, f"unknown exercise {exercise_id!r}")
    return state.catalog.get(exercise_id), live


async def coach_socket(websocket: WebSocket) -> None:
    """``/ws/coach``: see docs/websocket-protocol.md."""
    state = app_state(websocket)
    await websocket.accept()
    if state.camera_clients >= state.settings.max_camera_clients:
        await _close(websocket, CLOSE_BUSY, "too many coaching connections; try again later")
        return
    state.camera_clients += 1
    connection: CoachConnection | None = None
    processor: asyncio.Task[None] | None = None
    receiver: asyncio.Task[None] | None = None
    try:
        try:
            exercise, live = _target(websocket, state)
        except InputError as exc:  # an unknown session
            raise ProtocolViolation(CLOSE_NOT_FOUND, str(exc.detail)) from None
        check_safety(state, websocket, live)
        connection = CoachConnection(websocket, state, exercise, live)
        await websocket.send_json({
            "type": "ready",
            "protocol": PROTOCOL_VERSION,
            "exercise": exercise.id,
            "session": live.id if live else None,
            "landmark_names": list(BLAZEPOSE_LANDMARKS),
            "max_frame_bytes": state.settings.max_frame_bytes,
            "images": state.pose_factory is not None,
            "calibration": connection.calibration_info(),
        })
        processor = asyncio.create_task(connection.process_loop())
        receiver = asyncio.create_task(connection.receive_loop())
        done, _ = await asyncio.wait({processor, receiver}, return_when=asyncio.FIRST_COMPLETED)
        for finished in done:
            finished.result()  # re-raises a protocol violation from either loop
        await _close(websocket, CLOSE_NORMAL, "bye")
    except ProtocolViolation as exc:
        await _close(websocket, exc.code, exc.reason, exc.advice)
    except (WebSocketDisconnect, OSError):  # the client went away (uvicorn: ClientDisconnected)
        pass
    except Exception:
        _log.exception("coaching connection failed")
        await _close(websocket, CLOSE_SERVER_ERROR, "the pose backend failed on this frame")
    finally:
        state.camera_clients -= 1
        for task in (processor, receiver):
            if task is not None and not task.done():
                task.cancel()
                with contextlib.suppress(BaseException):
                    await task
        if connection is not None:
            await asyncio.to_thread(connection.close_backend)
        connection = None
        await state.release_frame_memory()
