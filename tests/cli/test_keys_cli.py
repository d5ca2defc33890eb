"""`kiosk run --campaign-key FILE` with a file that is not the campaign public key it should be:
damaged, cut short, the private key, not a key at all, or another campaign's. Each is one line
saying which and what to do, exit status 2, no traceback, and nothing installed."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_output import one_error_line, run_kiosk

from kiosk.cli import main as cli
from kiosk.crypto.campaign_key import CampaignPrivateKey, CampaignPublicKey
from kiosk.files import keys

FRESH_COPY = "Ask your coordinator for a fresh copy of the campaign public key."


def _flip_in_x25519_key(pem: bytes) -> bytes:
    """One base64 character changed in the raw X25519 key bytes of the second block."""
    start = pem.rindex(b"-----BEGIN PUBLIC KEY-----\n") + len(b"-----BEGIN PUBLIC KEY-----\n")
    at = start + 40
    return pem[:at] + (b"A" if pem[at : at + 1] != b"A" else b"B") + pem[at + 1 :]


def _run(capsys: pytest.CaptureFixture[str], data_dir: Path, key_file: Path) -> str:
    code = cli.main(["run", "--data-dir", str(data_dir), "--campaign-key", str(key_file)])
    out, err = capsys.readouterr()
    assert code == 2
    assert out == ""
    return one_error_line(err)


@pytest.mark.parametrize(
    ("contents", "message"),
    [
        (
            lambda public, private: _flip_in_x25519_key(public),
            "is damaged: its keys do not match the fingerprint written in it",
        ),
        (
            lambda public, private: public[: len(public) - 40],
            "is damaged: it holds 1 complete key blocks where a campaign public key has 2, "
            f"and it ends in the middle of one. {FRESH_COPY}",
        ),
        (
            lambda public, private: public.replace(b"\n", b"\n#", 4).replace(b"#", b"", 3),
            "is damaged: part 1 of the key is not valid base64 (a character was changed or "
            f"lost). {FRESH_COPY}",
        ),
        (
            lambda public, private: private,
            "is not a campaign public key but the campaign's private key, which must never be "
            "copied to a kiosk. Give the kiosk the public key file made with it (made by "
            "'kiosk keygen' or 'kiosk central init').",
        ),
        (
            lambda public, private: b"\x89PNG\r\n\x1a\n" + bytes(200),
            "is not a campaign public key: it holds no PEM key at all. Ask your coordinator "
            "for the campaign public key (made by 'kiosk keygen' or 'kiosk central init').",
        ),
    ],
    ids=["flipped byte", "truncated", "not base64", "private key", "not PEM"],
)
def test_a_bad_campaign_key_file_is_one_line_and_installs_nothing(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    campaign_public_key: CampaignPublicKey,
    campaign_private_key: CampaignPrivateKey,
    contents: object,
    message: str,
) -> None:
    key_file = tmp_path / "campaign-public.pem"
    public = campaign_public_key.to_pem()
    private = campaign_private_key.to_pem("several unrelated words", scrypt_n=2**14)
    key_file.write_bytes(contents(public, private))  # type: ignore[operator]
    data_dir = tmp_path / "kiosk"
    line = _run(capsys, data_dir, key_file)
    assert line.startswith(f"kiosk: {key_file} {message}")
    assert not (data_dir / keys.PUBLIC_KEY_FILE).exists()


def test_another_campaigns_key_is_refused_and_the_installed_one_kept(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], campaign_public_key: CampaignPublicKey
) -> None:
    data_dir = tmp_path / "kiosk"
    data_dir.mkdir()
    handed_over = tmp_path / "first.pem"
    handed_over.write_bytes(campaign_public_key.to_pem())
    keys.install_public_key(handed_over, data_dir)
    other = CampaignPrivateKey.generate().public_key()
    other_file = tmp_path / "other-campaign.pem"
    other_file.write_bytes(other.to_pem())

    line = _run(capsys, data_dir, other_file)

    installed = data_dir / keys.PUBLIC_KEY_FILE
    assert line == (
        f"kiosk: {other_file} is the key of campaign {other.fingerprint}, but this kiosk "
        f"collects for campaign {campaign_public_key.fingerprint} ({installed}). To move it to "
        "the other campaign, first sync its signatures (or export them with 'kiosk "
        f"export-batches'), then remove {installed} and start it again; or give it a data "
        "directory of its own with --data-dir."
    )
    assert installed.read_bytes() == campaign_public_key.to_pem()


def test_the_same_key_handed_over_again_is_fine(
    tmp_path: Path, campaign_public_key: CampaignPublicKey
) -> None:
    data_dir = tmp_path / "kiosk"
    data_dir.mkdir()
    handed_over = tmp_path / "campaign-public.pem"
    handed_over.write_bytes(campaign_public_key.to_pem())
    keys.install_public_key(handed_over, data_dir)
    again = keys.install_public_key(handed_over, data_dir)
    assert again.fingerprint == campaign_public_key.fingerprint


def test_a_damaged_key_from_the_installed_command(
    tmp_path: Path, campaign_public_key: CampaignPublicKey
) -> None:
    key_file = tmp_path / "campaign-public.pem"
    key_file.write_bytes(_flip_in_x25519_key(campaign_public_key.to_pem()))
    args = ["run", "--data-dir", str(tmp_path / "kiosk"), "--campaign-key", str(key_file)]
    result = run_kiosk(args, timeout=60)
    assert result.returncode == 2
    line = one_error_line(result.stderr)
    assert line.startswith(f"kiosk: {key_file} is damaged")
    assert line.endswith(FRESH_COPY)
