"""The layout's arrows, read off the source: every import, including those inside functions
and under TYPE_CHECKING, checked against the layers in docs/architecture.md."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import kiosk

ROOT = Path(kiosk.__file__).parent
MODULES = {
    ".".join(("kiosk", *path.relative_to(ROOT).with_suffix("").parts)).removesuffix(
        ".__init__"
    ): path
    for path in ROOT.rglob("*.py")
    if "migrations" not in path.parts
}

# What each layer may not import (a prefix matches the package and everything in it).
PURE = (
    "PySide6",
    "sqlalchemy",
    "alembic",
    "fastapi",
    "uvicorn",
    "httpx",
    "kiosk.ui",
    "kiosk.central",
    "kiosk.cli",
    "kiosk.vault",
    "kiosk.sync",
    "kiosk.desks",
    "kiosk.files",
    "kiosk.sql",
)
FORBIDDEN: dict[str, tuple[str, ...]] = {
    "kiosk.errors": (*PURE, "kiosk.petition", "kiosk.crypto", "kiosk.protocol"),
    "kiosk.clock": PURE,
    "kiosk.message": (*PURE, "kiosk.petition", "kiosk.crypto", "kiosk.protocol"),
    # SQLite engines and Alembic revisions, for the vault and the server alike.
    "kiosk.sql": (
        "PySide6",
        "kiosk.ui",
        "kiosk.central",
        "kiosk.cli",
        "kiosk.vault",
        "kiosk.sync",
        "kiosk.desks",
        "kiosk.files",
        "kiosk.petition",
        "kiosk.crypto",
        "kiosk.protocol",
    ),
    "kiosk.petition": PURE,
    "kiosk.crypto": (*PURE, "kiosk.petition"),
    "kiosk.protocol": PURE,
    "kiosk.vault": (
        "PySide6",
        "kiosk.ui",
        "kiosk.central",
        "kiosk.cli",
        "kiosk.sync",
        "kiosk.desks",
        "httpx",
    ),
    "kiosk.files": (
        "PySide6",
        "sqlalchemy",
        "kiosk.sql",
        "kiosk.ui",
        "kiosk.central",
        "kiosk.cli",
        "kiosk.vault",
        "kiosk.sync",
        "kiosk.desks",
    ),
    "kiosk.sync": (
        "PySide6",
        "sqlalchemy",
        "kiosk.sql",
        "alembic",
        "kiosk.ui",
        "kiosk.central",
        "kiosk.cli",
        "kiosk.desks",
    ),
    "kiosk.desks": (
        "PySide6",
        "sqlalchemy",
        "alembic",
        "kiosk.sql",
        "kiosk.ui",
        "kiosk.central",
        "kiosk.cli",
    ),
    # The UI reaches the core through the desks; besides them only types and the observable
    # sync status board, never the vault's or the sync's workings.
    "kiosk.ui": (
        "sqlalchemy",
        "kiosk.sql",
        "alembic",
        "kiosk.central",
        "kiosk.cli",
        "kiosk.vault",
        "kiosk.sync.closer",
        "kiosk.sync.worker",
        "kiosk.sync.client",
        "kiosk.sync.enrol",
        "kiosk.sync.service",
        "kiosk.files.keys",
        "kiosk.files.datadir",
    ),
    "kiosk.central": (
        "PySide6",
        "kiosk.ui",
        "kiosk.cli",
        "kiosk.vault",
        "kiosk.sync",
        "kiosk.desks",
    ),
}


def _imports(path: Path, module: str) -> set[str]:
    found: set[str] = set()
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1] + ([base] if base else []))
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def _matches(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def test_the_walk_found_the_layers() -> None:
    assert len(MODULES) > 90
    assert {"kiosk.errors", "kiosk.vault.batches", "kiosk.ui.window", "kiosk.cli.main"} <= set(
        MODULES
    )


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_follow_the_layers(module: str) -> None:
    layer = next((lay for lay in FORBIDDEN if _matches(module, lay)), None)
    imported = _imports(MODULES[module], module)
    wrong = sorted(
        name for name in imported for bad in FORBIDDEN.get(layer or "", ()) if _matches(name, bad)
    )
    assert wrong == [], f"{module} ({layer}) imports {wrong}"
    if not _matches(module, "kiosk.cli"):
        assert not [n for n in imported if _matches(n, "kiosk.cli")], "nothing imports the CLI"


def test_the_check_sees_imports_inside_functions(tmp_path: Path) -> None:
    source = tmp_path / "probe.py"
    source.write_text(
        "def later():\n    from kiosk.vault import outbox\n    import sqlalchemy.orm\n"
    )
    assert {"kiosk.vault.outbox", "sqlalchemy.orm"} <= _imports(source, "kiosk.ui.probe")
