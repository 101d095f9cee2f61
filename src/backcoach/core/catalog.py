"""The exercise catalog: validated exercise definitions loaded from data files.

Exercises are data, not code (see ``backcoach/data/exercises/*.toml``): adding one means adding a
file. Validation happens at load time so a typo in a data file is reported with the file and the
field, instead of surfacing later as a strange plan or a wrong repetition count.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator, Mapping
from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

Position = Literal["lying", "sitting", "standing"]
Equipment = Literal["mat", "chair", "none"]
View = Literal["side", "front"]

#: Names of BlazePose's 33 landmarks, in model index order. Joints are addressed by these names
#: everywhere; this is the one mapping from indices to names.
BLAZEPOSE_LANDMARKS: tuple[str, ...] = (
    "nose",
    "left_eye_inner",
    "left_eye",
    "left_eye_outer",
    "right_eye_inner",
    "right_eye",
    "right_eye_outer",
    "left_ear",
    "right_ear",
    "mouth_left",
    "mouth_right",
    "left_shoulder",
    "right_shoulder",
    "left_elbow",
    "right_elbow",
    "left_wrist",
    "right_wrist",
    "left_pinky",
    "right_pinky",
    "left_index",
    "right_index",
    "left_thumb",
    "right_thumb",
    "left_hip",
    "right_hip",
    "left_knee",
    "right_knee",
    "left_ankle",
    "right_ankle",
    "left_heel",
    "right_heel",
    "left_foot_index",
    "right_foot_index",
)

JointName = Literal[
    "nose", "left_eye_inner", "left_eye", "left_eye_outer", "right_eye_inner", "right_eye",
    "right_eye_outer", "left_ear", "right_ear", "mouth_left", "mouth_right", "left_shoulder",
    "right_shoulder", "left_elbow", "right_elbow", "left_wrist", "right_wrist", "left_pinky",
    "right_pinky", "left_index", "right_index", "left_thumb", "right_thumb", "left_hip",
    "right_hip", "left_knee", "right_knee", "left_ankle", "right_ankle", "left_heel",
    "right_heel", "left_foot_index", "right_foot_index",
]  # fmt: skip


#: Seconds a person needs at least to get down to the floor or up from it (our own choice: about
#: twice what a stiff back needs, so nobody hurries).
_FLOOR_S = 10


class CatalogError(Exception):
    """A catalog file is missing, unreadable or invalid; the message names the file and field."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Dose(_Model):
    """How much of an exercise one session asks for."""

    reps: int = Field(ge=1, le=50)
    hold_s: int = Field(ge=1, le=120)
    sessions_per_day: int = Field(ge=1, le=10)


class ProgressionStep(_Model):
    """How much one progression step adds (or one step back removes)."""

    reps: int = Field(ge=0, le=10)
    hold_s: int = Field(ge=0, le=30)

    @model_validator(mode="after")
    def _moves_something(self) -> ProgressionStep:
        if self.reps == 0 and self.hold_s == 0:
            raise ValueError("a progression step must add repetitions or hold seconds")
        return self


class AngleRange(_Model):
    """An inclusive range of a signal in degrees."""

    min_deg: float = Field(ge=-180, le=360)
    max_deg: float = Field(ge=-180, le=360)

    @model_validator(mode="after")
    def _ordered(self) -> AngleRange:
        if self.min_deg >= self.max_deg:
            raise ValueError("min_deg must be below max_deg")
        return self


#: Bounds of the limits that weigh second signals into the primary one (core/motion): a weight
#: outside them would let a helper signal count on its own, or turn it against the movement.
FUSION_LIMITS: dict[str, tuple[float, float]] = {
    "face_weight": (0.0, 1.0),  # share of the face in the neck signal
    "face_gain": (0.0, 3.0),  # degrees of the head line per degree of face turn
    "lean_weight": (0.0, 2.0),  # degrees of stride per degree of trunk lean
    "knee_merge_ratio": (0.0, 2.0),  # thigh lengths
}


class KinematicTargets(_Model):
    """What the movement analyser looks for; thresholds live here, not in the analyser code."""

    signal: str = Field(min_length=1, description="name of the primary angle signal")
    joints: tuple[JointName, ...] = Field(min_length=1)
    rest: AngleRange
    target: AngleRange
    min_hold_s: float = Field(gt=0, le=120)
    hysteresis_deg: float = Field(
        default=5.0, ge=0, le=30, description="how far past a threshold a phase is left again"
    )
    max_gap_s: float = Field(
        default=0.5, gt=0, le=5, description="tracking gaps up to this long are bridged"
    )
    limits: Mapping[str, float] = Field(
        default_factory=dict, description="named fault thresholds used by the analyser"
    )

    @model_validator(mode="after")
    def _fusion_in_bounds(self) -> KinematicTargets:
        for name, (low, high) in FUSION_LIMITS.items():
            value = self.limits.get(name)
            if value is not None and not low <= value <= high:
                raise ValueError(f"limits.{name} must be between {low:g} and {high:g}")
        return self


class CameraPlacement(_Model):
    """Where the camera goes for one exercise: the one source of the placement sentence, the
    camera check's accepted views and the placement picture's labels (``scripts/
    make_demonstrations.py`` draws the distance, height and view from here)."""

    distance_m: tuple[float, float] = Field(description="nearest and furthest distance, metres")
    height_m: float = Field(gt=0, le=2.5, description="the lens's height above the floor")
    height_as: str = Field(min_length=1, description="that height in everyday terms")
    views: tuple[View, ...] = Field(
        min_length=1, description="views the analyser works from; the first is the one to use"
    )
    in_view: str = Field(min_length=1, description="what must be in the picture")

    @model_validator(mode="after")
    def _sane(self) -> CameraPlacement:
        near, far = self.distance_m
        if not 0.5 <= near <= far <= 6.0:
            raise ValueError("distance_m must be [nearest, furthest] within 0.5-6 m")
        if len(set(self.views)) != len(self.views):
            raise ValueError("views must not repeat")
        return self

    def distance_words(self) -> str:
        near, far = (f"{d:g}" for d in self.distance_m)
        return f"{near} m" if near == far else f"{near}-{far} m"

    def view_words(self) -> str:
        return "side-on" if self.views[0] == "side" else "facing you"

    def sentence(self) -> str:
        """The placement in plain words, shown once wherever the camera's place is explained."""
        where = "to your side" if self.views[0] == "side" else "in front of you"
        return (f"Put the camera {self.distance_words()} away, {where}, with the lens about "
                f"{self.height_m:.1f} m above the floor ({self.height_as}), so it sees "
                f"{self.in_view}.")  # fmt: skip

    def label(self) -> str:
        """The placement picture's caption: the same figures as its drawn labels."""
        return (f"Seen from above: the camera {self.distance_words()} away, "
                f"{self.height_m:.1f} m high, {self.view_words()}")


_DEFAULT_CAMERA = CameraPlacement(
    distance_m=(2.0, 3.0), height_m=0.9, height_as="about hip height",
    views=("side",), in_view="your whole body from head to feet",
)  # fmt: skip


class Exercise(_Model):
    """One exercise as the person sees it and as the planner and analyser use it."""

    id: str = Field(pattern=r"^[a-z][a-z0-9-]*$")
    name: str = Field(min_length=1)
    summary: str = Field(min_length=1)
    position: Position
    equipment: tuple[Equipment, ...] = Field(min_length=1)
    sided: bool
    side_rule: str | None = Field(
        default=None, description="which side counts, for sided exercises"
    )
    steps: tuple[str, ...] = Field(min_length=1)
    cues: tuple[str, ...] = Field(min_length=1)
    common_mistakes: tuple[str, ...] = Field(min_length=1)
    precautions: tuple[str, ...] = Field(min_length=1)
    rest_between_reps_s: int = Field(ge=0, le=120)
    get_ready_s: int = Field(
        default=10, ge=5, le=120, description="time to get into the start position"
    )
    get_up_s: int = Field(
        default=0, ge=0, le=120, description="time to get up from the position afterwards"
    )
    switch_side_s: int = Field(default=8, ge=3, le=60, description="time to change sides")
    camera: CameraPlacement = Field(
        default=_DEFAULT_CAMERA, description="where to put the camera so the analyser sees"
    )
    start: Dose
    max: Dose
    step: ProgressionStep
    kinematics: KinematicTargets

    @property
    def camera_placement(self) -> str:
        """Where to put the camera, in plain words (from the ``[camera]`` table)."""
        return self.camera.sentence()

    @model_validator(mode="after")
    def _consistent(self) -> Exercise:
        if self.start.reps > self.max.reps or self.start.hold_s > self.max.hold_s:
            raise ValueError("the starting dose must not exceed the maximum dose")
        if self.start.sessions_per_day > self.max.sessions_per_day:
            raise ValueError("start.sessions_per_day must not exceed max.sessions_per_day")
        if self.sided and not self.side_rule:
            raise ValueError("a sided exercise must say which side counts (side_rule)")
        if self.position == "lying" and min(self.get_ready_s, self.get_up_s) < _FLOOR_S:
            raise ValueError(
                f"a lying exercise needs get_ready_s and get_up_s of at least {_FLOOR_S} s "
                "(getting down to the floor and up again takes time)"
            )
        return self


class Catalog:
    """The loaded exercises, in a stable order (file name order)."""

    def __init__(self, exercises: list[Exercise]) -> None:
        self._by_id: dict[str, Exercise] = {}
        for exercise in exercises:
            if exercise.id in self._by_id:
                raise CatalogError(f"duplicate exercise id {exercise.id!r}")
            self._by_id[exercise.id] = exercise

    def __iter__(self) -> Iterator[Exercise]:
        return iter(self._by_id.values())

    def __len__(self) -> int:
        return len(self._by_id)

    def __contains__(self, exercise_id: object) -> bool:
        return exercise_id in self._by_id

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(self._by_id)

    def get(self, exercise_id: str) -> Exercise:
        """Return one exercise; raises ``UnknownExerciseError`` naming the known ids."""
        try:
            return self._by_id[exercise_id]
        except KeyError:
            known = ", ".join(self._by_id)
            raise UnknownExerciseError(
                f"unknown exercise {exercise_id!r}; known exercises: {known}"
            ) from None


class UnknownExerciseError(CatalogError, KeyError):
    """An exercise id that the catalog does not hold."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0])


def _format_validation_error(path: Path, error: ValidationError) -> str:
    problems = []
    for item in error.errors():
        field = ".".join(str(part) for part in item["loc"]) or "(file)"
        problems.append(f"field '{field}': {item['msg']}")
    return f"{path}: " + "; ".join(problems)


def parse_exercise(path: Path, text: str) -> Exercise:
    """Parse and validate one exercise file's text; errors name ``path`` and the field."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CatalogError(f"{path}: not valid TOML: {exc}") from None
    try:
        exercise = Exercise.model_validate(raw)
    except ValidationError as exc:
        raise CatalogError(_format_validation_error(path, exc)) from None
    if exercise.id != path.stem:
        raise CatalogError(
            f"{path}: field 'id': {exercise.id!r} does not match the file name {path.stem!r}"
        )
    return exercise


def default_catalog_dir() -> Path:
    """The catalog shipped inside the package."""
    return Path(str(resources.files("backcoach") / "data" / "exercises"))


def load_catalog(directory: Path | None = None) -> Catalog:
    """Load every ``*.toml`` exercise file in ``directory`` (the shipped catalog by default)."""
    folder = directory or default_catalog_dir()
    files = sorted(folder.glob("*.toml"))
    if not files:
        raise CatalogError(f"{folder}: no exercise files (*.toml) found")
    exercises = []
    for path in files:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CatalogError(f"{path}: cannot be read: {exc}") from None
        exercises.append(parse_exercise(path, text))
    return Catalog(exercises)
