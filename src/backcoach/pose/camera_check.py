"""Before a camera exercise: can the camera see what the analyser needs?

A few seconds of frames (landmarks, and the image for its brightness) answer five questions, each
with a plain instruction when the answer is no:

* is the whole body in view (every joint the exercise's analyser uses, inside the picture)?
* is the person in the exercise's posture (lying down, or upright: ``core.motion.posture``)?
  A good view of someone lying down is no good for a seated exercise.
* is the view usable for this exercise (the views its ``[camera]`` table lists: from the side,
  or also from the front for the seated one)?
* is the person close enough (the body spans enough of the picture)?
* is it lit enough (the picture, and the model's confidence)?

The same checker serves ``backcoach analyze --camera`` and the web app. Thresholds are our own
choices, set on rendered clips of the avatar (``benchmarks/video_accuracy.py``) with a margin:
the analysers work with the camera turned up to 40 degrees from the side and a body spanning a
third of the picture.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from backcoach.core.catalog import BLAZEPOSE_LANDMARKS, Exercise
from backcoach.core.motion.posture import PostureTally, expected_posture

_INDEX = {name: i for i, name in enumerate(BLAZEPOSE_LANDMARKS)}

#: A frame counts as "person seen" when the model returned landmarks; the check needs this share.
MIN_SEEN_SHARE = 0.6
#: A joint counts as in view inside this margin of the picture's edges (fraction of the size),
#: with at least this visibility.
EDGE_MARGIN = 0.01
MIN_JOINT_VISIBILITY = 0.3
#: Share of frames in which every needed joint must be in view.
MIN_IN_VIEW_SHARE = 0.8
#: The body's longer extent must cover this fraction of the picture's matching side.
MIN_BODY_SPAN = 0.33
#: How far the camera is turned from the person's side, from the shoulders and hips: seen from
#: the side they differ in depth (the pose model's z), seen from the front across the picture.
#: Up to SIDE_DEG it is a side view (the analysers work up to about 40 degrees off the side),
#: from FRONT_DEG a front view.
SIDE_DEG = 50.0
FRONT_DEG = 62.0
#: Mean picture brightness (0-255) and mean landmark visibility that count as lit enough. The
#: pipeline brightens dim pictures for the model (pose/exposure.py): on the rendered development
#: clips of benchmarks/video_accuracy.py (seed 2026) every clip from 29 up was counted right,
#: and the one at 17 (dark clothes on a dark floor, dim camera) lost the person on every frame.
MIN_BRIGHTNESS = 25.0
MIN_MEAN_VISIBILITY = 0.5



@dataclass(frozen=True)
class ViewProblem:
    """One thing to fix, with the instruction to show."""

    code: str  # no_person, not_in_view, wrong_posture, wrong_view, too_far, too_dark
    message: str


@dataclass(frozen=True)
class CameraCheck:
    """The verdict on a few seconds of camera frames."""

    ok: bool
    problems: tuple[ViewProblem, ...]
    placement: str  # where to put the camera for this exercise, in plain words
    view: str  # "side", "front", "angled" or "unknown"
    body_span: float  # the body's extent as a fraction of the picture (0 when unseen)
    brightness: float  # mean picture brightness, 0-255 (nan when no image was given)
    seen: bool = True  # the person was found in enough frames to judge the rest
    posture: str = "upright"  # what the exercise needs: "lying" or "upright"

    def instructions(self) -> list[str]:
        """What to tell the person: each problem's instruction, then where the camera goes."""
        if self.ok:
            return ["The camera view is good."]
        return [p.message for p in self.problems] + [self.placement]

    def answers(self) -> list[Answer]:
        """The five questions, each answered yes, no (with what to do) or not known (nobody
        was seen, so only the first one has an answer)."""
        codes = {p.code: p.message for p in self.problems}
        result = []
        for key, question, fine, problem_codes in _QUESTIONS:
            found = next((codes[c] for c in problem_codes if c in codes), None)
            if not self.seen and key == "in_view":
                result.append(Answer(key, question, False, self.problems[0].message))
            elif not self.seen and found is None:
                result.append(Answer(key, question, None, "Not checked: the camera did not see "
                                     "you."))  # fmt: skip
            elif found is not None:
                result.append(Answer(key, question, False, found))
            else:
                result.append(Answer(key, question, True, fine.format(
                    view=self.view, posture=_POSTURE_WORDS[self.posture])))
        return result


@dataclass(frozen=True)
class Answer:
    """One of the camera check's five questions, answered in plain words."""

    key: str  # in_view, posture, view, distance, light
    question: str
    ok: bool | None  # None: not known (nobody was seen)
    text: str

    def to_dict(self) -> dict[str, object]:
        return {"key": self.key, "question": self.question, "ok": self.ok, "text": self.text}


_QUESTIONS = (
    ("in_view", "Is your whole body in the picture?", "Yes: your whole body is in the picture.",
     ("no_person", "not_in_view")),
    ("posture", "Are you in the exercise's position?", "Yes: you are {posture}, as this exercise "
     "needs.", ("wrong_posture",)),
    ("view", "Does the camera see you from a good side?", "Yes: the camera sees you from the "
     "{view}.", ("wrong_view",)),
    ("distance", "Are you close enough?", "Yes: you are close enough.", ("too_far",)),
    ("light", "Is there enough light?", "Yes: the picture is bright and clear.", ("too_dark",)),
)  # fmt: skip


#: The questions in the order they are shown (the setup page lists them before any answer).
QUESTIONS: tuple[tuple[str, str], ...] = tuple((key, question) for key, question, *_ in _QUESTIONS)
_POSTURE_WORDS = {"lying": "lying down", "upright": "upright"}


def placement_advice(exercise: Exercise) -> str:
    """Where the camera goes, in plain words: the exercise's ``[camera]`` table, the one source
    of the page's text, the placement picture's labels and this check's advice."""
    return exercise.camera_placement


def _xy(lms: Sequence[Sequence[float]], name: str, aspect: float) -> tuple[float, float, float]:
    lm = lms[_INDEX[name]]
    return lm[0] * aspect, lm[1], lm[3]


def _mid(lms: Sequence[Sequence[float]], part: str, aspect: float) -> tuple[float, float]:
    (lx, ly, _), (rx, ry, _) = _xy(lms, f"left_{part}", aspect), _xy(lms, f"right_{part}", aspect)
    return (lx + rx) / 2, (ly + ry) / 2


def turn_from_side_deg(lms: Sequence[Sequence[float]], aspect: float) -> float | None:
    """How far the camera is turned from the person's side (0: side view, 90: front or back),
    from the left-right offsets of the shoulders and hips across the picture and in depth."""
    across = depth = 0.0
    for part in ("shoulder", "hip"):
        left, right = lms[_INDEX[f"left_{part}"]], lms[_INDEX[f"right_{part}"]]
        across += math.hypot((left[0] - right[0]) * aspect, left[1] - right[1])
        depth += abs(left[2] - right[2]) * aspect
    if across == 0 and depth == 0:
        return None
    return math.degrees(math.atan2(across, depth))


class CameraChecker:
    """Collects frames, then judges them (``result``). Feed it 2-3 s of frames."""

    def __init__(self, exercise: Exercise, width: int, height: int) -> None:
        self.exercise = exercise
        self.aspect = width / height
        self._joints = tuple(exercise.kinematics.joints)
        self._frames = 0
        self._seen = 0
        self._in_view = 0
        self._spans: list[float] = []
        self._turns: list[float] = []
        self._visibility: list[float] = []
        self._brightness: list[float] = []
        self._postures = PostureTally(self.aspect)

    def add(self, landmarks: Sequence[Sequence[float]] | None, image: np.ndarray | None = None,
            ) -> None:  # fmt: skip
        self._frames += 1
        if image is not None and image.size:
            self._brightness.append(float(np.mean(image)))
        if landmarks is None:
            return
        self._seen += 1
        self._postures.add(landmarks)
        needed = [landmarks[_INDEX[j]] for j in self._joints]
        inside = all(EDGE_MARGIN <= lm[0] <= 1 - EDGE_MARGIN and EDGE_MARGIN <= lm[1]
                     <= 1 - EDGE_MARGIN for lm in needed)  # fmt: skip
        # Pairs: the nearer side is enough (the far one is often hidden behind the body).
        visible = all(
            max(landmarks[_INDEX[j]][3], landmarks[_INDEX[_other(j)]][3]) >= MIN_JOINT_VISIBILITY
            for j in self._joints
        )
        self._in_view += inside and visible
        xs = [lm[0] for lm in needed]
        ys = [lm[1] for lm in needed]
        self._spans.append(max(max(xs) - min(xs), max(ys) - min(ys)))
        turn = turn_from_side_deg(landmarks, self.aspect)
        if turn is not None:
            self._turns.append(turn)
        self._visibility.append(float(np.mean([lm[3] for lm in needed])))

    def _view(self) -> str:
        if not self._turns:
            return "unknown"
        turn = float(np.median(self._turns))
        if turn <= SIDE_DEG:
            return "side"
        return "front" if turn >= FRONT_DEG else "angled"

    def result(self) -> CameraCheck:
        view = self._view()
        span = float(np.median(self._spans)) if self._spans else 0.0
        brightness = float(np.mean(self._brightness)) if self._brightness else float("nan")
        problems = self._problems(view, span, brightness)
        seen = self._seen >= MIN_SEEN_SHARE * max(self._frames, 1)
        return CameraCheck(not problems, tuple(problems), placement_advice(self.exercise), view,
                           span, brightness, seen, expected_posture(self.exercise))  # fmt: skip

    def _problems(self, view: str, span: float, brightness: float) -> list[ViewProblem]:
        frames = max(self._frames, 1)
        if self._seen < MIN_SEEN_SHARE * frames:
            dark = not math.isnan(brightness) and brightness < MIN_BRIGHTNESS
            message = (
                "The camera cannot see you: the room is too dark. Turn on a light."
                if dark else "The camera cannot see you. Step into the picture."
            )  # fmt: skip
            return [ViewProblem("too_dark" if dark else "no_person", message)]
        problems = []
        if self._in_view < MIN_IN_VIEW_SHARE * self._seen:
            problems.append(ViewProblem("not_in_view", "Part of your body is outside the picture. "
                                        "Move the camera further away or step back into view."))
        posture = self._postures.problem(self.exercise, then="check again")
        if posture is not None:
            problems.append(ViewProblem("wrong_posture", posture))
        views = self.exercise.camera.views
        if view not in views:
            wanted = " or ".join(views)
            problems.append(ViewProblem("wrong_view", f"The camera should see you from the "
                                        f"{wanted}. Turn so the camera is at your "
                                        f"{'side' if wanted == 'side' else wanted}."))
        if span < MIN_BODY_SPAN:
            problems.append(ViewProblem("too_far", "You look small in the picture. Move the "
                                        "camera closer, keeping your whole body in view."))
        lit = math.isnan(brightness) or brightness >= MIN_BRIGHTNESS
        if not lit or (self._visibility and np.mean(self._visibility) < MIN_MEAN_VISIBILITY):
            problems.append(ViewProblem("too_dark", "The picture is too dark or unclear. Turn on a "
                                        "light, and avoid a bright window behind you."))
        return problems


def _other(joint: str) -> str:
    if joint.startswith("left_"):
        return "right_" + joint.removeprefix("left_")
    if joint.startswith("right_"):
        return "left_" + joint.removeprefix("right_")
    return joint
