"""Update the translation catalogs from the code, and compile them.

    python scripts/i18n.py            # what `make i18n` runs

pyside6-lupdate collects every string the UI passes to tr()/translate() and every string the core
marks with QT_TRANSLATE_NOOP into resources/i18n/kiosk_<lang>.ts; a translator fills in the
Italian one with Qt Linguist (or any editor); pyside6-lrelease compiles each into the .qm the
kiosk loads. The English catalog holds only the plural forms ("1 person", "2 people"): English is
the language of the source.

tests/test_i18n.py runs the same steps into a temporary folder and fails when the committed
catalogs are behind the code.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CATALOG_DIR = ROOT / "resources" / "i18n"
# The source language first: its catalog is plural forms only.
LANGUAGES = ("en", "it")
SOURCE_LANGUAGE = "en"


def sources() -> list[Path]:
    """Every file whose strings a supporter or a volunteer reads."""
    # The core's modules that mark texts shown on screen (QT_TRANSLATE_NOOP).
    core = [
        ROOT / "kiosk" / "petition" / "form.py",
        ROOT / "kiosk" / "desks" / "admin.py",
        ROOT / "kiosk" / "desks" / "pin.py",
        ROOT / "kiosk" / "vault" / "store.py",
        ROOT / "kiosk" / "vault" / "damage.py",
        ROOT / "kiosk" / "vault" / "batches.py",
        ROOT / "kiosk" / "sync" / "client.py",
        ROOT / "kiosk" / "sync" / "pinning.py",
        ROOT / "kiosk" / "sync" / "backoff.py",
        ROOT / "kiosk" / "sync" / "worker.py",
        ROOT / "kiosk" / "sync" / "enrol.py",
        ROOT / "kiosk" / "sync" / "keyset.py",
        ROOT / "kiosk" / "protocol" / "enrolment_link.py",
        ROOT / "kiosk" / "protocol" / "release.py",
    ]
    return [*core, *sorted((ROOT / "kiosk" / "ui").rglob("*.py"))]


def _tool(name: str) -> str:
    found = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    if found is None:
        raise SystemExit(f"{name} is not installed (it comes with PySide6)")
    return found


def catalog(language: str, folder: Path = CATALOG_DIR) -> Path:
    return folder / f"kiosk_{language}.ts"


def update(folder: Path = CATALOG_DIR) -> None:
    """Bring the .ts catalogs in `folder` up to date with the code (lupdate)."""
    files = [str(p.relative_to(ROOT)) for p in sources()]
    for language in LANGUAGES:
        extra = ["-pluralonly"] if language == SOURCE_LANGUAGE else []
        subprocess.run(
            [
                _tool("pyside6-lupdate"),
                "-silent",
                "-locations",
                "none",
                "-no-obsolete",
                "-source-language",
                SOURCE_LANGUAGE,
                "-target-language",
                language,
                *extra,
                *files,
                "-ts",
                str(catalog(language, folder)),
            ],
            cwd=ROOT,
            check=True,
        )


def release(ts: Path, qm: Path) -> None:
    """Compile one catalog (lrelease)."""
    subprocess.run(
        [_tool("pyside6-lrelease"), "-silent", str(ts), "-qm", str(qm)], check=True, cwd=ROOT
    )


def release_all(folder: Path = CATALOG_DIR) -> None:
    for language in LANGUAGES:
        ts = catalog(language, folder)
        release(ts, ts.with_suffix(".qm"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.parse_args(argv)
    CATALOG_DIR.mkdir(parents=True, exist_ok=True)
    update()
    release_all()
    for language in LANGUAGES:
        print(catalog(language).relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main())
