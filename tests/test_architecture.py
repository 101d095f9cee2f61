"""The core stays pure: it must not import adapters, frameworks, drivers or model runtimes."""

from __future__ import annotations

import ast
from pathlib import Path

import backcoach

FORBIDDEN_IN_CORE = {
    "sqlalchemy", "alembic", "sqlite3", "psycopg", "psycopg2", "starlette", "uvicorn", "fastapi",
    "websockets", "jinja2", "typer", "click", "rich", "cv2", "mediapipe", "matplotlib",
    "weasyprint", "httpx", "requests", "socket", "urllib", "platformdirs",
    "backcoach.storage", "backcoach.cli", "backcoach.web", "backcoach.pose", "backcoach.reports",
    "backcoach.synthetic", "backcoach.voice", "pocketsphinx", "sounddevice",
}  # fmt: skip

PACKAGE_DIR = Path(backcoach.__file__).parent


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _violations(module: str) -> bool:
    return any(module == bad or module.startswith(bad + ".") for bad in FORBIDDEN_IN_CORE)


def test_core_imports_no_adapter_or_framework() -> None:
    offenders = []
    for path in sorted((PACKAGE_DIR / "core").rglob("*.py")):
        for module in sorted(_imported_modules(path)):
            if _violations(module):
                offenders.append(f"{path.relative_to(PACKAGE_DIR)} imports {module}")
    assert offenders == []


def test_forbidden_check_catches_an_adapter_import(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("import sqlalchemy.orm\nfrom backcoach.web import app\n", encoding="utf-8")
    found = [m for m in _imported_modules(sample) if _violations(m)]
    assert sorted(found) == ["backcoach.web", "sqlalchemy.orm"]
