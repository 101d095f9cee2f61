"""The shipped exercise catalog loads, and a broken file is reported with its name and field."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from backcoach.core.catalog import (
    CatalogError,
    UnknownExerciseError,
    default_catalog_dir,
    load_catalog,
)


@pytest.fixture
def catalog_copy(tmp_path: Path) -> Path:
    target = tmp_path / "exercises"
    shutil.copytree(default_catalog_dir(), target)
    return target


def test_shipped_catalog_holds_the_three_exercises() -> None:
    catalog = load_catalog()
    assert set(catalog.ids) == {"knee-to-chest", "neck-flexion", "hip-flexor-stretch"}
    hip = catalog.get("hip-flexor-stretch")
    assert hip.sided and hip.side_rule
    assert not catalog.get("knee-to-chest").sided
    for exercise in catalog:
        assert exercise.start.reps <= exercise.max.reps
        assert exercise.start.hold_s <= exercise.max.hold_s


def test_malformed_file_names_the_file_and_the_field(catalog_copy: Path) -> None:
    path = catalog_copy / "knee-to-chest.toml"
    text = path.read_text(encoding="utf-8").replace('position = "lying"', 'position = "upside"')
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CatalogError) as info:
        load_catalog(catalog_copy)
    message = str(info.value)
    assert "knee-to-chest.toml" in message
    assert "field 'position'" in message


def test_start_dose_above_maximum_is_rejected(catalog_copy: Path) -> None:
    path = catalog_copy / "neck-flexion.toml"
    text = path.read_text(encoding="utf-8").replace("[start]\nreps = 3", "[start]\nreps = 30")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CatalogError, match=r"neck-flexion\.toml.*maximum dose"):
        load_catalog(catalog_copy)


@pytest.mark.parametrize(("name", "value"), [("face_weight", "1.5"), ("lean_weight", "-1.0")])
def test_a_fusion_weight_out_of_bounds_is_rejected(catalog_copy: Path, name: str,
                                                    value: str) -> None:  # fmt: skip
    for path in catalog_copy.glob("*.toml"):
        text = path.read_text(encoding="utf-8")
        if f"\n{name} = " in text:
            lines = [f"{name} = {value}" if line.startswith(f"{name} = ") else line
                     for line in text.splitlines()]  # fmt: skip
            path.write_text("\n".join(lines) + "\n", encoding="utf-8")
            break
    else:
        pytest.fail(f"no shipped exercise sets {name}")
    with pytest.raises(CatalogError, match=rf"{path.name}.*limits\.{name} must be between"):
        load_catalog(catalog_copy)


def test_invalid_toml_names_the_file(catalog_copy: Path) -> None:
    (catalog_copy / "broken.toml").write_text("id = [unclosed\n", encoding="utf-8")
    with pytest.raises(CatalogError, match=r"broken\.toml: not valid TOML"):
        load_catalog(catalog_copy)


def test_id_must_match_the_file_name(catalog_copy: Path) -> None:
    shutil.copy(catalog_copy / "neck-flexion.toml", catalog_copy / "neck-two.toml")
    with pytest.raises(CatalogError, match=r"field 'id'.*neck-two"):
        load_catalog(catalog_copy)


def test_empty_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(CatalogError, match="no exercise files"):
        load_catalog(tmp_path)


def test_unknown_id_names_the_known_ones() -> None:
    catalog = load_catalog()
    with pytest.raises(UnknownExerciseError) as info:
        catalog.get("toe-touch")
    assert "toe-touch" in str(info.value)
    assert "knee-to-chest" in str(info.value)
    assert "toe-touch" not in catalog


def test_a_lying_exercise_leaves_time_to_get_down_to_the_floor(catalog_copy: Path) -> None:
    path = catalog_copy / "knee-to-chest.toml"
    text = path.read_text(encoding="utf-8").replace("get_ready_s = 15", "get_ready_s = 5")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CatalogError, match=r"knee-to-chest\.toml.*at least 10 s"):
        load_catalog(catalog_copy)


@pytest.mark.parametrize(("old", "new", "field"), [
    ("distance_m = [2.0, 3.0]", "distance_m = [3.0, 2.0]", "distance_m"),
    ('views = ["side"]', 'views = ["above"]', "views"),
    ("height_m = 0.5", "height_m = 4.0", "height_m"),
])  # fmt: skip
def test_the_camera_table_is_checked(catalog_copy: Path, old: str, new: str, field: str) -> None:
    path = catalog_copy / "knee-to-chest.toml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    with pytest.raises(CatalogError, match=rf"knee-to-chest\.toml.*{field}"):
        load_catalog(catalog_copy)


def test_the_placement_sentence_comes_from_the_camera_table() -> None:
    knee = load_catalog().get("knee-to-chest")
    assert knee.camera_placement == (
        "Put the camera 2-3 m away, to your side, with the lens about 0.5 m above the floor (on a "
        "low stool or a box, about knee height), so it sees your whole body from head to feet "
        "as you lie on the mat."
    )
    assert knee.camera.label() == "Seen from above: the camera 2-3 m away, 0.5 m high, side-on"
