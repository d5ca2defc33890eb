"""The `kiosk` command (kiosk/cli/main.py; named apart from tests/central/test_cli.py, since pytest
needs unique test module names): every expected failure is one clear line and exit status 2,
never a traceback; keygen writes a usable key pair and refuses what would lose one."""

from __future__ import annotations

import ctypes
import os
import stat
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from cli_output import KIOSK, one_error_line, run_kiosk

from kiosk.cli import main as cli
from kiosk.crypto.campaign_key import CampaignPrivateKey, CampaignPublicKey
from kiosk.files import keys
from kiosk.vault import VAULT_FILE

PASSPHRASE = "several unrelated words here"


@pytest.fixture
def headless_env(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """An environment with no display at all, as on a server or a bare console."""
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(name, raising=False)
    return dict(os.environ)


@pytest.fixture
def public_key_file(tmp_path: Path, campaign_public_key: CampaignPublicKey) -> Path:
    path = tmp_path / "handed-over" / keys.PUBLIC_KEY_FILE
    path.parent.mkdir()
    path.write_bytes(campaign_public_key.to_pem())
    return path


@pytest.fixture
def private_key_file(tmp_path: Path, campaign_private_key: CampaignPrivateKey) -> Path:
    path = tmp_path / "coordinator" / keys.PRIVATE_KEY_FILE
    path.parent.mkdir()
    path.write_bytes(campaign_private_key.to_pem(PASSPHRASE, scrypt_n=2**14))
    return path


@pytest.fixture
def bad_appeal(tmp_path: Path) -> Path:
    path = tmp_path / "broken-appeal.toml"
    path.write_text('format = 1\nid = "Not An Id"\n', encoding="utf-8")
    return path


Run = Callable[..., tuple[int, str, str]]


def _in_process(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = cli.main(args)
    out, err = capsys.readouterr()
    return code, out, err


def _drop_root_file_powers() -> None:
    """Run in the child before exec: root without the capabilities that bypass file modes.

    Dropping CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH and CAP_FOWNER from the bounding set makes
    root obey permission bits after exec. (Switching to `nobody` does not work here: the venv's
    interpreter lives under /root, which `nobody` cannot reach.)
    """
    for capability in (1, 2, 3):
        if _LIBC.prctl(_PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP) failed")


_LIBC = ctypes.CDLL(None, use_errno=True)
_PR_CAPBSET_DROP = 24


def _subprocess(
    args: list[str], *, env: dict[str, str] | None = None, unprivileged: bool = False
) -> tuple[int, str, str]:
    preexec = _drop_root_file_powers if unprivileged and os.geteuid() == 0 else None
    result = run_kiosk(args, env=env, preexec_fn=preexec)
    return result.returncode, result.stdout, result.stderr


@pytest.fixture(params=["in-process", "subprocess"])
def run(request: pytest.FixtureRequest, capsys: pytest.CaptureFixture[str]) -> Run:
    """Both ways in: kiosk.cli.main.main([...]), and the installed `kiosk` as a person runs it."""
    if request.param == "in-process":
        return lambda args, env=None: _in_process(args, capsys)
    return lambda args, env=None: _subprocess(args, env=env)


@pytest.fixture
def main(capsys: pytest.CaptureFixture[str]) -> Run:
    """In-process only: for variations whose subprocess path a sibling test already covers."""
    return lambda args, env=None: _in_process(args, capsys)


# --- run / demo: each expected failure is one line ----------------------------------------------


def test_installed_command_exists() -> None:
    assert KIOSK.exists(), f"{KIOSK} is missing; run `make .venv/.installed`"


@pytest.mark.parametrize("command", ["run", "demo"])
def test_malformed_appeal(main: Run, tmp_path: Path, bad_appeal: Path, command: str) -> None:
    code, out, err = main([command, "--data-dir", str(tmp_path / "d"), "--appeal", str(bad_appeal)])
    line = one_error_line(err)
    assert code == 2
    assert line.startswith(f"kiosk: {bad_appeal}: field 'id': ")
    assert "lower-case letters, digits and hyphens" in line
    assert out == ""


def test_malformed_appeal_from_the_installed_command(tmp_path: Path, bad_appeal: Path) -> None:
    args = ["demo", "--data-dir", str(tmp_path / "d"), "--appeal", str(bad_appeal)]
    code, out, err = _subprocess(args)
    assert code == 2
    assert one_error_line(err).startswith(f"kiosk: {bad_appeal}: field 'id': ")
    assert out == ""


def test_missing_appeal_file(main: Run, tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.toml"
    code, _, err = main(["demo", "--data-dir", str(tmp_path / "d"), "--appeal", str(missing)])
    assert code == 2
    assert one_error_line(err) == f"kiosk: {missing}: the file does not exist"


def test_missing_campaign_key(run: Run, tmp_path: Path) -> None:
    data_dir = tmp_path / "d"
    code, _, err = run(["run", "--data-dir", str(data_dir)])
    line = one_error_line(err)
    assert code == 2
    assert line.startswith(f"kiosk: No campaign key at {data_dir / keys.PUBLIC_KEY_FILE}.")
    assert "--campaign-key FILE" in line and "kiosk demo" in line
    assert not (data_dir / "vault.sqlite3").exists()


def test_missing_campaign_key_file_given(main: Run, tmp_path: Path) -> None:
    missing = tmp_path / "campaign-public.pem"
    code, _, err = main(["run", "--data-dir", str(tmp_path / "d"), "--campaign-key", str(missing)])
    assert code == 2
    assert one_error_line(err).startswith(f"kiosk: No campaign key at {missing}.")


def test_private_key_given_as_campaign_key(
    run: Run, tmp_path: Path, private_key_file: Path
) -> None:
    data_dir = tmp_path / "d"
    args = ["run", "--data-dir", str(data_dir), "--campaign-key", str(private_key_file)]
    code, _, err = run(args)
    line = one_error_line(err)
    assert code == 2
    assert line.startswith(f"kiosk: {private_key_file} is not a campaign public key")
    assert "but the campaign's private key, which must never be copied to a kiosk" in line
    # Nothing was installed: the next start still has no key.
    assert not (data_dir / keys.PUBLIC_KEY_FILE).exists()


def test_damaged_installed_key(main: Run, tmp_path: Path, public_key_file: Path) -> None:
    data_dir = tmp_path / "d"
    data_dir.mkdir()
    pem = public_key_file.read_bytes()
    (data_dir / keys.PUBLIC_KEY_FILE).write_bytes(pem[: len(pem) // 2])
    code, _, err = main(["run", "--data-dir", str(data_dir)])
    assert code == 2
    assert "is damaged" in one_error_line(err)


def test_no_display(headless_env: dict[str, str], run: Run, tmp_path: Path) -> None:
    data_dir = tmp_path / "d"
    code, _, err = run(["demo", "--data-dir", str(data_dir)], env=headless_env)
    # Said before the demo key is made and announced: the one line.
    assert code == 2
    last = one_error_line(err)
    assert last.startswith("kiosk: no display found")
    assert not list(data_dir.rglob("*.pem"))
    assert "QT_QPA_PLATFORM=offscreen" in last and "xvfb-run" in last
    assert "qt.qpa" not in err and "Could not load the Qt platform plugin" not in err


def test_campaign_key_is_installed_before_the_display_check(
    headless_env: dict[str, str], run: Run, tmp_path: Path, public_key_file: Path
) -> None:
    data_dir = tmp_path / "d"
    args = ["run", "--data-dir", str(data_dir), "--campaign-key", str(public_key_file)]
    code, _, err = run(args, env=headless_env)
    assert code == 2
    assert one_error_line(err).startswith("kiosk: no display found")
    installed = CampaignPublicKey.from_pem((data_dir / keys.PUBLIC_KEY_FILE).read_bytes(), "k")
    assert installed.to_pem() == public_key_file.read_bytes()
    # Next time the handed-over file is not needed.
    code, _, err = run(["run", "--data-dir", str(data_dir)], env=headless_env)
    assert code == 2
    assert one_error_line(err).startswith("kiosk: no display found")


def test_data_dir_that_is_a_file(main: Run, tmp_path: Path) -> None:
    not_a_dir = tmp_path / "file"
    not_a_dir.write_text("x")
    code, _, err = main(["demo", "--data-dir", str(not_a_dir)])
    assert code == 2
    line = one_error_line(err)
    assert line.startswith(f"kiosk: The data directory {not_a_dir} cannot be written")
    assert "--data-dir" in line


@pytest.fixture
def read_only_data_dir(tmp_path: Path) -> Iterator[Path]:
    data_dir = tmp_path / "read-only"
    data_dir.mkdir(mode=0o555)
    data_dir.chmod(0o555)
    yield data_dir
    data_dir.chmod(0o700)


@pytest.mark.parametrize("command", ["run", "demo"])
def test_read_only_data_dir(read_only_data_dir: Path, command: str) -> None:
    # Root writes through permission bits, so as root the kiosk runs without that power here.
    code, out, err = _subprocess(
        [command, "--data-dir", str(read_only_data_dir)], unprivileged=True
    )
    line = one_error_line(err)
    assert code == 2
    assert line.startswith(f"kiosk: The data directory {read_only_data_dir} cannot be written")
    assert "Permission denied" in line and "--data-dir" in line
    assert out == ""
    assert list(read_only_data_dir.iterdir()) == []


def test_read_only_data_dir_really_refuses_writes(read_only_data_dir: Path) -> None:
    # Proof that the test above is not passing for another reason: the same child cannot write.
    probe = read_only_data_dir / "probe"
    result = subprocess.run(
        [sys.executable, "-c", f"open({str(probe)!r}, 'w')"],
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=_drop_root_file_powers if os.geteuid() == 0 else None,
    )
    assert result.returncode == 1 and "PermissionError" in result.stderr
    assert not probe.exists()


@pytest.mark.slow  # the real `kiosk run`, started end to end
def test_a_vault_that_cannot_be_opened_after_the_window_showed(
    tmp_path: Path, public_key_file: Path
) -> None:
    """The vault opens once the appeal is on screen (kiosk/cli/launch.py): its failure still ends
    with one line, exit status 2, and no traceback or Qt complaint, even from a locked kiosk."""
    data_dir = tmp_path / "d"
    data_dir.mkdir()
    damaged = b"not a database, whatever it once was " * 50
    (data_dir / VAULT_FILE).write_bytes(damaged)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    args = ["run", "--data-dir", str(data_dir), "--campaign-key", str(public_key_file)]
    code, out, err = _subprocess([*args, "--quit-after-shown"], env=env)
    line = one_error_line(err)
    assert code == 2 and out == ""
    assert line.startswith(f"kiosk: The signature store {data_dir / VAULT_FILE} ")
    assert (data_dir / VAULT_FILE).read_bytes() == damaged


def test_unknown_command_is_a_usage_error(tmp_path: Path) -> None:
    code, _, err = _subprocess(["sign-everything"])
    assert code == 2
    assert "Traceback" not in err and "invalid choice" in err


# --- keygen ---------------------------------------------------------------------------------------


def _passphrase_file(tmp_path: Path, passphrase: str) -> Path:
    path = tmp_path / "passphrase.txt"
    path.write_text(passphrase + "\n", encoding="utf-8")
    return path


def test_keygen_writes_a_usable_key_pair(run: Run, tmp_path: Path) -> None:
    out_dir = tmp_path / "keys"
    args = ["keygen", "--out", str(out_dir), "--passphrase-file"]
    code, out, err = run([*args, str(_passphrase_file(tmp_path, PASSPHRASE))])
    assert (code, err) == (0, "")
    private_path, public_path = out_dir / keys.PRIVATE_KEY_FILE, out_dir / keys.PUBLIC_KEY_FILE
    assert sorted(p.name for p in out_dir.iterdir()) == sorted(
        [private_path.name, public_path.name]
    )
    assert stat.S_IMODE(private_path.stat().st_mode) == 0o600
    assert stat.S_IMODE(public_path.stat().st_mode) == 0o644

    private = CampaignPrivateKey.from_pem(private_path.read_bytes(), PASSPHRASE, "private")
    public = CampaignPublicKey.from_pem(public_path.read_bytes(), "public")
    assert private.public_key().fingerprint == public.fingerprint
    assert public.fingerprint in out
    assert str(private_path) in out and str(public_path) in out
    assert PASSPHRASE not in out


def test_keygen_refuses_to_overwrite(run: Run, tmp_path: Path) -> None:
    out_dir = tmp_path / "keys"
    out_dir.mkdir()
    existing = out_dir / keys.PRIVATE_KEY_FILE
    existing.write_bytes(b"the only copy of last year's key")
    args = ["keygen", "--out", str(out_dir), "--passphrase-file"]
    code, _, err = run([*args, str(_passphrase_file(tmp_path, PASSPHRASE))])
    assert code == 2
    assert one_error_line(err).startswith(f"kiosk: {existing} already exists.")
    assert existing.read_bytes() == b"the only copy of last year's key"
    assert not (out_dir / keys.PUBLIC_KEY_FILE).exists()


@pytest.mark.parametrize("passphrase", ["", "short", "eleven char"])
def test_keygen_rejects_short_passphrases(main: Run, tmp_path: Path, passphrase: str) -> None:
    out_dir = tmp_path / "keys"
    args = ["keygen", "--out", str(out_dir), "--passphrase-file"]
    code, _, err = main([*args, str(_passphrase_file(tmp_path, passphrase))])
    assert code == 2
    line = one_error_line(err)
    assert f"the passphrase is {len(passphrase)} characters; use at least 12" in line
    assert "Nothing was written" in line
    assert not out_dir.exists()


def test_keygen_without_a_passphrase_source(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(cli.PASSPHRASE_ENV, raising=False)
    code, _, err = _subprocess(["keygen", "--out", str(tmp_path / "keys")], env=dict(os.environ))
    assert code == 2
    assert "--passphrase-file" in one_error_line(err)
    assert not (tmp_path / "keys").exists()


def test_keygen_passphrase_from_the_environment(tmp_path: Path) -> None:
    env = {**os.environ, cli.PASSPHRASE_ENV: PASSPHRASE}
    code, _, err = _subprocess(["keygen", "--out", str(tmp_path / "keys")], env=env)
    assert (code, err) == (0, "")
    private = (tmp_path / "keys" / keys.PRIVATE_KEY_FILE).read_bytes()
    CampaignPrivateKey.from_pem(private, PASSPHRASE, "private")


def test_keygen_unreadable_passphrase_file(main: Run, tmp_path: Path) -> None:
    missing = tmp_path / "no-such-file"
    code, _, err = main(["keygen", "--out", str(tmp_path / "k"), "--passphrase-file", str(missing)])
    assert code == 2
    assert one_error_line(err).startswith(f"kiosk: cannot read the passphrase file {missing}")


def test_installed_keygen_rejects_a_short_passphrase(tmp_path: Path) -> None:
    args = ["keygen", "--out", str(tmp_path / "keys"), "--passphrase-file"]
    code, _, err = _subprocess([*args, str(_passphrase_file(tmp_path, "too short"))])
    assert code == 2
    assert "use at least 12" in one_error_line(err)
    assert not (tmp_path / "keys").exists()


def test_a_reader_that_goes_away_ends_the_command_quietly(tmp_path: Path) -> None:
    """`kiosk ... | head` must not end in a BrokenPipeError traceback."""
    passphrase = tmp_path / "pass.txt"
    passphrase.write_text("a passphrase long enough\n")
    proc = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("kiosk")),
            "keygen",
            "--out",
            str(tmp_path / "keys"),
            "--passphrase-file",
            str(passphrase),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None
    proc.stdout.close()  # the reader leaves before the first line is written
    _, err = proc.communicate(timeout=60)
    assert (tmp_path / "keys" / keys.PRIVATE_KEY_FILE).exists()
    assert b"Traceback" not in err and b"BrokenPipe" not in err, err.decode()


def _help(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    with pytest.raises(SystemExit) as exited:
        cli.main([*argv, "--help"])
    assert exited.value.code == 0
    return " ".join(capsys.readouterr().out.split())


def test_keygen_and_export_batches_say_what_they_do(capsys: pytest.CaptureFixture[str]) -> None:
    keygen = _help(capsys, "keygen")
    assert "Create a campaign key pair in --out: campaign-private.pem, encrypted with a" in keygen
    assert "Existing key files are never overwritten." in keygen
    export = _help(capsys, "export-batches")
    assert "write every batch the server has not acknowledged into DIR as <batch id>.kbatch" in (
        export
    )
    assert "'kiosk central import'" in export


def test_the_demo_has_no_window_option_since_it_always_is_one(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`kiosk demo --window` did nothing: the demo is a window either way."""
    assert "--window" not in _help(capsys, "demo")
    assert "--window a window instead of fullscreen" in _help(capsys, "run")
    with pytest.raises(SystemExit) as exited:
        cli.main(["demo", "--window"])
    assert exited.value.code == 2
    assert "unrecognized arguments: --window" in capsys.readouterr().err
    assert cli._parser().parse_args(["demo"]).window is True


def test_counts_are_said_in_the_singular_for_one() -> None:
    from kiosk.cli.options import counted

    assert counted(1, "duplicate") == "1 duplicate"
    assert counted(0, "duplicate") == "0 duplicates"
    assert counted(2, "signature") == "2 signatures"
    assert counted(1, "batch", "batches") == "1 batch"
    assert counted(3, "batch", "batches") == "3 batches"
