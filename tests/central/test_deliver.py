"""`kiosk central deliver`: the delivery pack for the target, page by page, and its manifest."""

from __future__ import annotations

import base64
import json
import re
import shutil
import subprocess
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from ci import skip_unless_ci
from cli_output import one_error_line
from coordinator import PASSPHRASE
from sqlalchemy import Engine, update
from sqlalchemy.orm import Session

from kiosk.central import deliver
from kiosk.central.export import open_all
from kiosk.central.ingest import ingest
from kiosk.central.keyring import COORDINATOR_KEY_FILE
from kiosk.central.models import Campaign
from kiosk.cli.main import main
from kiosk.crypto.campaign_key import CampaignPrivateKey
from kiosk.crypto.coordinator_key import coordinator_fingerprint, coordinator_key_to_pem
from kiosk.crypto.device_key import MANIFEST_SIGNATURE_CONTEXT, DeviceKey
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
    signing: DeviceKey,
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
    bar = r"\[[#-]{30}\] 6/6 records, [\d,]+/s, \d+ s left"
    assert re.search("deliver: opening: " + bar, err) and re.search(
        "deliver: laying out: " + bar, err
    )
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
    fingerprint = coordinator_fingerprint(signing.public_bytes)
    assert f"signed by the campaign's coordinator key {fingerprint}" in text
    assert text.count("Signers") == 1 and "5 Дмитрий И. Russia 6 Ada L. United Kingdom" in text

    pages = tmp_path / "page"
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(pack), str(pages)], check=True)
    images = sorted(tmp_path.glob("page-*.png"))
    assert len(images) >= 2  # the letter and counts, then the signers
    shutil.copytree(tmp_path, Path("/tmp/kiosk-delivery-pages"), dirs_exist_ok=True)

    manifest = json.loads(deliver.manifest_path(pack).read_text("utf-8"))
    assert manifest["signatures"] == 6
    assert manifest["coordinator_key_fingerprint"] == fingerprint
    assert central("deliver", "--verify", pack) == 0
    out = capsys.readouterr().out
    assert f"{pack} verifies: 6 signatures" in out and fingerprint in out


def _resign(manifest: dict[str, Any], key: DeviceKey) -> dict[str, Any]:
    """The manifest signed again, as deliver signs it, by `key`, naming `key` as its signer."""
    forged = dict(manifest)
    forged["coordinator_key"] = base64.b64encode(key.public_bytes).decode()
    forged["coordinator_key_fingerprint"] = coordinator_fingerprint(key.public_bytes)
    forged.pop("signature")
    body = deliver.signed_bytes(forged)
    forged["signature"] = base64.b64encode(
        key.sign(body, context=MANIFEST_SIGNATURE_CONTEXT)
    ).decode()
    return forged


def test_an_altered_pack_a_changed_count_or_another_signer_is_refused(
    central: Any, signing: DeviceKey, enrolled: Any, engine: Engine, tmp_path: Path, capsys: Any
) -> None:
    _collect(engine, enrolled)
    pack = tmp_path / "pack.pdf"
    assert central("deliver", "--out", pack) == 0
    fingerprint = coordinator_fingerprint(signing.public_bytes)
    assert f"signed by the coordinator key {fingerprint}" in capsys.readouterr().err
    original = pack.read_bytes()
    manifest_file = deliver.manifest_path(pack)
    manifest = json.loads(manifest_file.read_text("utf-8"))

    # One byte of the pack changed.
    middle = len(original) // 2
    pack.write_bytes(original[:middle] + bytes([original[middle] ^ 0x01]) + original[middle + 1 :])
    assert central("deliver", "--verify", pack) == 2
    assert "is not the pack the manifest was signed for" in capsys.readouterr().err
    pack.write_bytes(original)

    # A larger count, the pack's hash right, the signature left as it was.
    manifest_file.write_text(json.dumps({**manifest, "signatures": 60}), "utf-8")
    assert central("deliver", "--verify", pack) == 2
    err = capsys.readouterr().err
    assert "the manifest's signature does not verify" in err and "was changed" in err

    # A larger count, signed again by another key that the manifest names as its signer.
    intruder = DeviceKey.generate()
    forged = _resign({**manifest, "signatures": 60}, intruder)
    manifest_file.write_text(json.dumps(forged), "utf-8")
    assert central("deliver", "--verify", pack) == 2  # against the campaign's key (database)
    err = capsys.readouterr().err
    assert f"signed by coordinator key {coordinator_fingerprint(intruder.public_bytes)}" in err
    assert f"not by the campaign's coordinator key {fingerprint}" in err
    # ... and for an auditor with no database, against the fingerprint the campaign published
    auditor = tmp_path / "auditor"
    assert main(["central", "deliver", "--data-dir", str(auditor), "--verify", str(pack),
                 "--expect-key", fingerprint]) == 2  # fmt: skip
    assert "not by the campaign's coordinator key" in capsys.readouterr().err
    # an auditor who names no key is told what to give, not told "verifies"
    assert main(["central", "deliver", "--data-dir", str(auditor), "--verify", str(pack)]) == 2
    assert "give --expect-key FINGERPRINT" in capsys.readouterr().err
    assert not auditor.exists()  # no database was made to look for a campaign

    # The manifest as written verifies, for the coordinator and for the auditor.
    manifest_file.write_text(json.dumps(manifest), "utf-8")
    assert central("deliver", "--verify", pack) == 0
    args = ["central", "deliver", "--data-dir", str(auditor), "--verify", str(pack)]
    assert main([*args, "--expect-key", fingerprint]) == 0
    assert "verifies: 6 signatures" in capsys.readouterr().out
    assert main([*args, "--expect-key", "0" * 32]) == 2
    assert f"signed by coordinator key {fingerprint}" in capsys.readouterr().err
    # The fingerprint as a person may copy it: upper case, in groups; still this key.
    grouped = "-".join(fingerprint[i : i + 4] for i in range(0, 32, 4)).upper()
    assert main([*args, "--expect-key", f" {grouped} "]) == 0
    capsys.readouterr()
    # A fingerprint cut short, or another kind (a campaign key's 20 digits), is a typing
    # mistake to say, not a pack to call forged.
    for typed in (fingerprint[:20], "d2ca-48e7-1064-d7e3-ba1b", fingerprint[:31] + "g"):
        assert main([*args, "--expect-key", typed]) == 2
        line = one_error_line(capsys.readouterr().err)
        assert f"--expect-key {typed!r} is not a coordinator key fingerprint" in line
        assert "Nothing was checked" in line and "proves nothing" not in line


def test_a_pack_of_the_old_format_is_refused_with_what_to_do(
    central: Any, signing: DeviceKey, campaign: Any, tmp_path: Path, capsys: Any
) -> None:
    pack = tmp_path / "pack.pdf"
    assert central("deliver", "--out", pack) == 0
    manifest_file = deliver.manifest_path(pack)
    old = {**json.loads(manifest_file.read_text("utf-8")), "format": "kiosk-delivery-manifest/1"}
    manifest_file.write_text(json.dumps(old), "utf-8")
    capsys.readouterr()
    assert central("deliver", "--verify", pack) == 2
    assert "make the pack again" in capsys.readouterr().err


def test_a_pack_needs_the_campaigns_own_coordinator_key(
    central: Any, campaign: Any, engine: Engine, tmp_path: Path, capsys: Any
) -> None:
    pack = tmp_path / "pack.pdf"
    assert central("deliver", "--out", pack) == 2  # a campaign made before signing keys
    assert "made before coordinator signing keys" in capsys.readouterr().err
    other = DeviceKey.generate()
    pem = coordinator_key_to_pem(other, PASSPHRASE, scrypt_n=2**14)
    (tmp_path / "coordinator" / COORDINATOR_KEY_FILE).write_bytes(pem)
    with Session(engine) as s, s.begin():
        s.execute(update(Campaign).values(coordinator_key=DeviceKey.generate().public_bytes))
    assert central("deliver", "--out", pack) == 2
    assert "is not this campaign's" in capsys.readouterr().err
    assert not pack.exists()


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
    central: Any, signing: DeviceKey, tmp_path: Path, capsys: Any
) -> None:
    pack = tmp_path / "empty.pdf"
    assert central("deliver", "--out", pack) == 0
    assert "(0 signatures)" in capsys.readouterr().err
    assert central("deliver", "--verify", pack) == 0
    assert "verifies: 0 signatures" in capsys.readouterr().out
