"""Pose the mesh from 3D landmark positions: each bone turned to match the landmarks, then linear
blend skinning.

The avatar is driven by the same 33 world landmarks the synthetic body computes from its joint
angles (``synthetic.skeleton.forward_kinematics``), so the exercises' movements are defined once
(``synthetic/poses.py`` and ``timeline.py``) and the mesh follows them. Each bone gets a frame from
two landmark directions (its own axis and a sideways reference); its rotation maps that frame on
the rest mesh to the same frame in the pose. Bone positions follow from the rest mesh's own bone
lengths (forward kinematics down the rig), so the mesh keeps its proportions.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from backcoach.avatar import assets
from backcoach.avatar.assets import Array
from backcoach.avatar.body import ShapedBody
from backcoach.core.catalog import BLAZEPOSE_LANDMARKS

_INDEX = {name: i for i, name in enumerate(BLAZEPOSE_LANDMARKS)}

Points = Callable[[str], Array]
_Rule = Callable[[Points], tuple[Array, Array]]


def _mid(p: Points, a: str, b: str) -> Array:
    return (p(a) + p(b)) / 2


def _trunk(p: Points) -> Array:
    return _mid(p, "left_shoulder", "right_shoulder") - _mid(p, "left_hip", "right_hip")


def _hips(p: Points) -> Array:
    return p("left_hip") - p("right_hip")


def _shoulders(p: Points) -> Array:
    return p("left_shoulder") - p("right_shoulder")


def _rules() -> dict[str, _Rule]:
    """Per bone: (axis, sideways reference) as functions of named landmark positions."""
    rules: dict[str, _Rule] = {
        "pelvis": lambda p: (_trunk(p), _hips(p)),
        "spine_01": lambda p: (_trunk(p), _hips(p) + _shoulders(p)),
        "spine_02": lambda p: (_trunk(p), _shoulders(p)),
        "spine_03": lambda p: (_trunk(p), _shoulders(p)),
        "neck_01": lambda p: (
            _mid(p, "left_ear", "right_ear") - _mid(p, "left_shoulder", "right_shoulder"),
            p("left_ear") - p("right_ear"),
        ),
        "head": lambda p: (
            p("left_ear") - p("right_ear"), p("nose") - _mid(p, "left_ear", "right_ear")
        ),
    }
    rules["Root"] = rules["pelvis"]
    for s, side in (("l", "left"), ("r", "right")):
        rules |= _limb_rules(s, side)
    return rules


def _limb_rules(s: str, side: str) -> dict[str, _Rule]:
    def seg(a: str, b: str, ref: Callable[[Points], Array]) -> _Rule:
        return lambda p: (p(f"{side}_{b}") - p(f"{side}_{a}"), ref(p))

    hand = seg("wrist", "hand", _shoulders)
    rules = {
        f"clavicle_{s}": lambda p: (_trunk(p), _shoulders(p)),
        f"thigh_{s}": seg("hip", "knee", _hips),
        f"calf_{s}": seg("knee", "ankle", _hips),
        f"foot_{s}": seg("heel", "foot_index", _hips),
        f"ball_{s}": seg("heel", "foot_index", _hips),
        f"upperarm_{s}": seg("shoulder", "elbow", _shoulders),
        f"lowerarm_{s}": seg("elbow", "wrist", _shoulders),
        f"hand_{s}": hand,
    }
    for name in assets.rig().names:
        if name.endswith(f"_{s}") and name.split("_")[0] in {"thumb", "index", "middle", "ring",
                                                              "pinky"}:  # fmt: skip
            rules[name] = hand
    return rules


def _frame(axis: Array, reference: Array) -> Array:
    """(n, 3, 3) orthonormal frames: columns axis, reference made perpendicular, their cross."""
    e1 = axis / np.maximum(np.linalg.norm(axis, axis=-1, keepdims=True), 1e-9)
    r = reference - np.sum(reference * e1, axis=-1, keepdims=True) * e1
    e2 = r / np.maximum(np.linalg.norm(r, axis=-1, keepdims=True), 1e-9)
    return np.stack([e1, e2, np.cross(e1, e2)], axis=-1)


def _world_points(world: Array) -> Points:
    def point(name: str) -> Array:
        if name.endswith("_hand"):
            side = name.removesuffix("_hand")
            return (world[:, _INDEX[f"{side}_index"]] + world[:, _INDEX[f"{side}_pinky"]]) / 2
        return np.asarray(world[:, _INDEX[name]], dtype=np.float64)

    return point


def bone_rotations(body: ShapedBody, world: Array) -> Array:
    """(n, bones, 3, 3) world rotations turning each rest bone to its posed direction."""
    rules = _rules()
    rest = {k: v[None, :] for k, v in body.anchors.items()}
    posed = _world_points(world)
    names = assets.rig().names
    out = np.empty((len(world), len(names), 3, 3))
    for b, name in enumerate(names):
        rest_frame = _frame(*rules[name](lambda n: rest[n]))
        pose_frame = _frame(*rules[name](posed))
        out[:, b] = pose_frame @ np.swapaxes(rest_frame, -1, -2)
    return out


def posed_bones(body: ShapedBody, world: Array) -> tuple[Array, Array]:
    """Each bone's world rotation (n, bones, 3, 3) and head position (n, bones, 3), the pelvis
    placed at the landmarks' hip midpoint and the rest following the rig's own lengths."""
    rig = assets.rig()
    rotations = bone_rotations(body, world)
    n, bones = rotations.shape[:2]
    heads = np.empty((n, bones, 3))
    for b, parent in enumerate(rig.parents):
        if parent < 0:
            heads[:, b] = body.joints[b]
        else:
            offset = body.joints[b] - body.joints[parent]
            heads[:, b] = heads[:, parent] + rotations[:, parent] @ offset
    hip_rest = (body.anchors["left_hip"] + body.anchors["right_hip"]) / 2
    pelvis = rig.names.index("pelvis")
    hip_posed = heads[:, pelvis] + rotations[:, pelvis] @ (hip_rest - body.joints[pelvis])
    target = _mid(_world_points(world), "left_hip", "right_hip")
    heads += (target - hip_posed)[:, None, :]
    return rotations, heads


def pose_vertices(body: ShapedBody, world: Array) -> tuple[Array, Array]:
    """Posed (n, V, 3) vertices and normals for ``world`` (n, 33, 3) landmark positions.

    The pelvis is put where the landmarks' hip midpoint is; where the mesh then touches the floor
    or the mat is for the clip to settle (see ``clip.settle``).
    """
    rig = assets.rig()
    rotations, heads = posed_bones(body, world)
    translations = heads - np.einsum("nbij,bj->nbi", rotations, body.joints)
    n = len(world)
    weights = rig.weights
    vertices = np.empty((n, len(body.vertices), 3))
    normals = np.empty_like(vertices)
    for f in range(n):
        blended_r = np.einsum("vb,bij->vij", weights, rotations[f], optimize=True)
        blended_t = weights @ translations[f]
        vertices[f] = np.einsum("vij,vj->vi", blended_r, body.vertices) + blended_t
        normals[f] = np.einsum("vij,vj->vi", blended_r, body.normals)
    normals /= np.maximum(np.linalg.norm(normals, axis=-1, keepdims=True), 1e-9)
    return vertices, normals
