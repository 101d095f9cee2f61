"""One person's body: MakeHuman's mesh shaped by sex, weight and height, skin and clothes.

Clothing is colour only (no cloth simulation): each vertex takes the colour of the garment over the
bone that moves it most, so a shirt, trousers and socks follow the body exactly.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from backcoach.avatar import assets
from backcoach.avatar.assets import Array

Sex = Literal["female", "male"]
Rgb = tuple[float, float, float]

# Skin tones from light to dark (linear-ish RGB 0..1), our own picks spanning the Fitzpatrick range.
SKIN_TONES: tuple[Rgb, ...] = (
    (0.93, 0.78, 0.67), (0.86, 0.66, 0.52), (0.72, 0.53, 0.38),
    (0.55, 0.38, 0.26), (0.40, 0.27, 0.18), (0.26, 0.17, 0.12),
)  # fmt: skip


@dataclass(frozen=True)
class Look:
    """Who is exercising: body shape (sex, weight 0..1 from thin to heavy, height) and colours."""

    sex: Sex = "female"
    weight: float = 0.5
    height_m: float = 1.68
    skin: Rgb = SKIN_TONES[1]
    shirt: Rgb = (0.25, 0.45, 0.70)
    trousers: Rgb = (0.15, 0.15, 0.18)
    socks: Rgb = (0.85, 0.85, 0.85)
    hair: Rgb = (0.20, 0.13, 0.08)
    long_sleeves: bool = False


@dataclass(frozen=True)
class ShapedBody:
    """The rest mesh of one person, with what skinning and rendering need."""

    look: Look
    vertices: Array  # (V, 3) metres, feet on y = 0, facing +z
    normals: Array  # (V, 3)
    colours: NDArray[np.float32]  # (V, 3)
    joints: Array  # (bones, 3) each bone's head
    tails: Array  # (bones, 3)
    anchors: dict[str, Array]  # rest positions of the landmarks posing uses (see skinning.py)


_RACES = ("caucasian", "african", "asian")


def _shape(look: Look) -> Array:
    base = assets.base_mesh().vertices
    sex = look.sex
    offset = sum((assets.target(f"macrodetails/{race}-{sex}-young.target.gz") for race in _RACES),
                 np.zeros_like(base)) / len(_RACES)  # fmt: skip
    w = float(np.clip(look.weight, 0.0, 1.0)) * 2 - 1  # -1 thin .. +1 heavy
    end = "maxweight" if w > 0 else "minweight"
    offset = offset + abs(w) * assets.target(
        f"macrodetails/universal-{sex}-young-averagemuscle-{end}.target.gz"
    )
    vertices = base + offset
    body = vertices[assets.base_mesh().groups["body"]]
    vertices = vertices - np.array([0.0, body[:, 1].min(), 0.0])
    scale = look.height_m / float(vertices[assets.base_mesh().groups["body"], 1].max())
    return np.asarray(vertices * scale, dtype=np.float64)


def vertex_normals(vertices: Array, triangles: NDArray[np.int32]) -> Array:
    """Area-weighted vertex normals (the mesh's faces wind counter-clockwise seen from outside)."""
    a, b, c = (vertices[triangles[:, k]] for k in range(3))
    face = np.cross(b - a, c - a)
    normals = np.zeros_like(vertices)
    for k in range(3):
        np.add.at(normals, triangles[:, k], face)
    length = np.linalg.norm(normals, axis=1, keepdims=True)
    return np.asarray(normals / np.maximum(length, 1e-12), dtype=np.float64)


def _mean(vertices: Array, indices: tuple[int, ...]) -> Array:
    return np.asarray(vertices[list(indices)].mean(axis=0), dtype=np.float64)


@lru_cache(maxsize=16)
def shaped_body(look: Look) -> ShapedBody:
    rig = assets.rig()
    vertices = _shape(look)
    joints = np.array([_mean(vertices, h) for h in rig.head_vertices])
    tails = np.array([_mean(vertices, t) for t in rig.tail_vertices])
    anchors = _rest_anchors(vertices, joints, tails)
    colours = _colours(look, vertices, anchors)
    normals = vertex_normals(vertices, assets.base_mesh().triangles)
    return ShapedBody(look, vertices, normals, colours, joints, tails, anchors)


def bone(name: str) -> int:
    return assets.rig().names.index(name)


def _dominant(bone_name: str) -> NDArray[np.bool_]:
    """Skin vertices (no helpers) that ``bone_name`` moves more than any other bone."""
    weights = assets.rig().weights
    skin = np.zeros(len(weights), dtype=bool)
    skin[assets.base_mesh().groups["body"]] = True
    return np.asarray(weights.argmax(axis=1) == bone(bone_name)) & (weights.max(axis=1) > 0) & skin


def _rest_anchors(vertices: Array, joints: Array, tails: Array) -> dict[str, Array]:
    """Landmark positions on the rest mesh, named as BlazePose names them."""
    anchors: dict[str, Array] = {}
    for s, side in (("l", "left"), ("r", "right")):
        anchors[f"{side}_hip"] = joints[bone(f"thigh_{s}")]
        anchors[f"{side}_knee"] = joints[bone(f"calf_{s}")]
        anchors[f"{side}_ankle"] = joints[bone(f"foot_{s}")]
        anchors[f"{side}_foot_index"] = tails[bone(f"ball_{s}")]
        foot = vertices[_dominant(f"foot_{s}")]
        anchors[f"{side}_heel"] = foot[np.argmin(foot[:, 2])]
        anchors[f"{side}_shoulder"] = joints[bone(f"upperarm_{s}")]
        anchors[f"{side}_elbow"] = joints[bone(f"lowerarm_{s}")]
        anchors[f"{side}_wrist"] = joints[bone(f"hand_{s}")]
        anchors[f"{side}_hand"] = joints[bone(f"middle_01_{s}")]
    head = vertices[_dominant("head")]
    anchors["left_ear"] = head[np.argmax(head[:, 0])]
    anchors["right_ear"] = head[np.argmin(head[:, 0])]
    anchors["nose"] = head[np.argmax(head[:, 2])]
    return anchors


def _colours(look: Look, vertices: Array, anchors: dict[str, Array]) -> NDArray[np.float32]:
    names = assets.rig().names
    owner = assets.rig().weights.argmax(axis=1)
    colours = np.tile(np.asarray(look.skin), (len(vertices), 1))
    sleeves = ["lowerarm_l", "lowerarm_r"] if look.long_sleeves else []
    shirt = ["spine_01", "spine_02", "spine_03", "clavicle_l", "clavicle_r", "upperarm_l",
             "upperarm_r", *sleeves]  # fmt: skip
    garments = {
        look.shirt: shirt,
        look.trousers: ["pelvis", "thigh_l", "thigh_r", "calf_l", "calf_r"],
        look.socks: ["foot_l", "foot_r", "ball_l", "ball_r"],
    }
    for colour, bones in garments.items():
        colours[np.isin(owner, [names.index(b) for b in bones])] = colour
    ear_y = (anchors["left_ear"][1] + anchors["right_ear"][1]) / 2
    ear_z = (anchors["left_ear"][2] + anchors["right_ear"][2]) / 2
    head = _dominant("head")
    above = vertices[:, 1] > ear_y + 0.06
    behind = (vertices[:, 2] < ear_z - 0.01) & (vertices[:, 1] > ear_y - 0.05)
    hair = head & (above | behind)
    colours[hair] = look.hair
    eyes = assets.base_mesh().eye_vertices
    colours[eyes] = (0.9, 0.9, 0.88)
    front = eyes[vertices[eyes, 2] > vertices[eyes, 2].max() - 0.006]
    colours[front] = (0.12, 0.08, 0.05)
    return np.asarray(colours, dtype=np.float32)
