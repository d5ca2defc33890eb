"""`kiosk central deliver`: the delivery pack for the target, page by page, and its manifest."""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from ci import skip_unless_ci
from sqlalchemy import Engine

from kiosk.central import deliver
from kiosk.central.export import open_all
from kiosk.central.ingest import ingest
from kiosk.crypto.campaign_key import CampaignPrivateKey
from kiosk.petition.appeal import Appeal
from kiosk.petition.strokes import Drawing, Point

# Names in every script the form accepts: (first, last, country, how the pack shows them).
SIGNERS = [
    ("محمد", "عبدالله", "EG", "محمد ع."),
    ("דוד", "לוי", "IL", "דוד ל."),
    ("Дмитрий", "Иванов", "RU", "Дмитрий И."),
    ("王", "小明", "CN", "王 小."),
    ("Zoë", "🌈Rainbow", "DE", "Zoë 🌈."),
    ("Ada", "Lovelace", "GB", "Ada L."),
]
SQUIGGLE = Drawing(
    (
        tuple(Point(0.05 + i * 0.03, 0.5 + 0.3 * (-1) ** i, i * 20) for i in range(20)),
        (Point(0.8, 0.2, 500), Point(0.9, 0.8, 560)),
    ),
    aspect=3.0,
)


def _need_poppler() -> None:
    if shutil.which("pdftoppm") is None or shutil.which("pdftotext") is None:
        skip_unless_ci("pdftoppm and pdftotext (Debian: poppler-utils) are not installed")


def _collect(engine: Engine, enrolled: Any) -> list[Any]:
    town, square = enrolled("Town hall"), enrolled("Market square")
    records = []
    for i, (first, last, country, _) in enumerate(SIGNERS):
        kiosk = town if i % 2 else square
        record = kiosk.record(
            first_name=first, last_name=last, country=country, email=f"s{i}@example.org"
        )
        records.append(replace(record, drawing=SQUIGGLE) if i < 3 else record)
    ingest(engine, square.batch(records[0::2]).to_bytes())
    ingest(engine, town.batch(records[1::2]).to_bytes())
    return records


def test_the_pack_reads_right_in_every_script_and_its_manifest_verifies(
    central: Any,
    enrolled: Any,
    engine: Engine,
    tmp_path: Path,
    capsys: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _need_poppler()
    _collect(engine, enrolled)
    monkeypatch.setattr(deliver, "SIGNERS_PER_PART", 4)  # the list in two parts, numbered on
    pack = tmp_path / "pack.pdf"
    assert central("deliver", "--out", pack, "--progress") == 0
    err = capsys.readouterr().err
    assert "laying out: [" in err and "6/6 records" in err
    assert f"wrote the delivery pack {pack} (6 signatures)" in err
    assert (pack.stat().st_mode & 0o077) == 0

    text = subprocess.run(
        ["pdftotext", str(pack), "-"], capture_output=True, text=True, check=True
    ).stdout
    # Lines and cells as words; pdftotext marks right-to-left runs with U+202B ... U+202C.
    text = " ".join(text.translate({0x202B: None, 0x202C: None}).split())
    assert "6 signatures" in text and "UN Secretary General" in text
    assert "Town hall" in text and "Market square" in text
    for _, last, _, shown in SIGNERS:
        # pdftotext gives right-to-left names in their logical order, letter by letter.
        assert shown in text, shown
        assert last not in text  # by default only the initial of the last name
    assert "@example.org" not in text  # no e-mail address ever goes to the target
    for name in ("Egypt", "Israel", "Russia", "China", "Germany", "United Kingdom"):
        assert name in text
    assert "1st signature" in text and "last signature (6 in all)" in text
    assert text.count("Signers") == 1 and "5 Дмитрий И. Russia 6 Ada L. United Kingdom" in text

    pages = tmp_path / "page"
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(pack), str(pages)], check=True)
    images = sorted(tmp_path.glob("page-*.png"))
    assert len(images) >= 2  # the letter and counts, then the signers
    shutil.copytree(tmp_path, Path("/tmp/kiosk-delivery-pages"), dirs_exist_ok=True)

    manifest = json.loads(deliver.manifest_path(pack).read_text("utf-8"))
    assert manifest["signatures"] == 6
    assert central("deliver", "--verify", pack) == 0
    out = capsys.readouterr().out
    assert f"{pack} verifies: 6 signatures" in out


def test_an_altered_pack_or_manifest_fails_verification(
    central: Any, enrolled: Any, engine: Engine, tmp_path: Path, capsys: Any
) -> None:
    _collect(engine, enrolled)
    pack = tmp_path / "pack.pdf"
    assert central("deliver", "--out", pack) == 0
    original = pack.read_bytes()
    manifest_file = deliver.manifest_path(pack)
    manifest = manifest_file.read_text("utf-8")

    pack.write_bytes(original.replace(b"6 signatures", b"9 signatures", 1) + b"\n")
    assert central("deliver", "--verify", pack) == 2
    assert "is not the pack the manifest was signed for" in capsys.readouterr().err

    pack.write_bytes(original)
    doc = json.loads(manifest)
    doc["signatures"] = 60  # a larger number, with the right hash of the pack
    manifest_file.write_text(json.dumps(doc), "utf-8")
    assert central("deliver", "--verify", pack) == 2
    assert "the manifest's signature does not verify" in capsys.readouterr().err

    manifest_file.write_text(manifest, "utf-8")
    assert central("deliver", "--verify", pack, "--expect-key", "0000-0000-0000-0000-0000") == 2
    assert "not by 0000-0000-0000-0000-0000" in capsys.readouterr().err
    assert central("deliver", "--verify", pack) == 0


def test_full_names_only_where_the_appeal_says_names_are_delivered(
    enrolled: Any, engine: Engine, appeal: Appeal, campaign_private_key: CampaignPrivateKey
) -> None:
    _collect(engine, enrolled)
    full = replace(appeal, consent=replace(appeal.consent, delivered_names="full"))
    made = datetime(2026, 3, 2, tzinfo=UTC)
    rows = open_all(engine, campaign_private_key)[0]
    assert "Lovelace" in "".join(deliver.pack_html(full, rows, made))
    initial = "".join(deliver.pack_html(appeal, rows, made))
    assert "Lovelace" not in initial and "Ada L." in initial


def test_a_missing_font_is_a_message_before_any_passphrase(
    central: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: Any
) -> None:
    monkeypatch.setattr(deliver, "missing_fonts", lambda: ["Noto Sans CJK SC"])
    monkeypatch.setenv("KIOSK_KEY_PASSPHRASE", "")
    assert central("deliver", "--out", tmp_path / "pack.pdf") == 2
    err = capsys.readouterr().err
    assert "needs the fonts Noto Sans CJK SC" in err and "apt-get install fonts-noto-cjk" in err
    assert "Traceback" not in err and not (tmp_path / "pack.pdf").exists()


def test_the_title_in_the_page_footer_cannot_leave_its_css_string() -> None:
    title = 'Save "the" park\\ </style><script>x</script>\n'
    css = deliver.css_string(title)
    assert css.startswith('"') and css.endswith('"') and css.count('"') == 2
    assert "<" not in css and "\n" not in css and "\\22 " in css and "\\3C " in css


def test_a_pack_of_no_signatures_says_so_and_verifies(
    central: Any, campaign: Any, tmp_path: Path, capsys: Any
) -> None:
    pack = tmp_path / "empty.pdf"
    assert central("deliver", "--out", pack) == 0
    assert "(0 signatures)" in capsys.readouterr().err
    assert central("deliver", "--verify", pack) == 0
    assert "verifies: 0 signatures" in capsys.readouterr().out
