"""Loading one validated TOML data file (screening, progression, disclaimer).

The catalog has its own loader for a folder of files; this one serves the single-file data. Both
report problems the same way: the file, then the field, so a typo in data is fixed in a minute.
"""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

ModelT = TypeVar("ModelT", bound=BaseModel)


def shipped_data_file(name: str) -> Path:
    """The path of a data file shipped inside the package (``backcoach/data/<name>``)."""
    return Path(str(resources.files("backcoach") / "data" / name))


def describe_validation_error(path: Path, error: ValidationError) -> str:
    """``<path>: field 'a.b': message; ...`` for every problem pydantic found."""
    problems = []
    for item in error.errors():
        field = ".".join(str(part) for part in item["loc"]) or "(file)"
        problems.append(f"field '{field}': {item['msg']}")
    return f"{path}: " + "; ".join(problems)


def load_data_file(path: Path, model: type[ModelT], error: type[Exception]) -> ModelT:
    """Read ``path`` as TOML and validate it as ``model``; failures raise ``error``."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise error(f"{path}: cannot be read: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise error(f"{path}: not valid TOML: {exc}") from None
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise error(describe_validation_error(path, exc)) from None
