"""The server's TLS certificate: one the campaign already has (`--tls-cert/--tls-key`), or the
self-signed one `kiosk central init` makes in the data directory for a laptop at a venue with
no domain name.

Kiosks do not check the self-signed certificate's name or issuer: they pin its key
(kiosk.crypto.tls_pin), whose fingerprint travels in the enrolment link and in the enrolment
answer. So the certificate names this machine and loopback only as a courtesy to browsers, and
is valid for ten years: renewing it means re-enrolling every kiosk (docs/deployment.md).
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from kiosk.central.errors import ServerStartError
from kiosk.crypto.tls_pin import spki_pin
from kiosk.files.atomic import write_atomic

TLS_DIR = "tls"
CERT_FILE = "server-cert.pem"
KEY_FILE = "server-key.pem"
VALID_FOR = timedelta(days=3650)


@dataclass(frozen=True)
class TlsFiles:
    cert: Path
    key: Path

    def pin(self) -> str:
        """The full pin of the certificate (the key kiosks pin)."""
        return certificate_pin(self.cert)


def self_signed_files(data_dir: Path) -> TlsFiles:
    directory = data_dir / TLS_DIR
    return TlsFiles(directory / CERT_FILE, directory / KEY_FILE)


def ensure_self_signed(data_dir: Path) -> tuple[TlsFiles, bool]:
    """The data directory's self-signed certificate, made now if there is none; True if made."""
    files = self_signed_files(data_dir)
    if files.cert.exists() and files.key.exists():
        return files, False
    files.cert.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "kiosk central server")])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(hours=1))
        .not_valid_after(now + VALID_FOR)
        .add_extension(x509.SubjectAlternativeName(_names()), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    write_atomic(files.key, key_pem, mode=0o600)
    write_atomic(files.cert, certificate.public_bytes(serialization.Encoding.PEM), mode=0o644)
    return files, True


def certificate_pin(path: Path) -> str:
    """The pin of the first certificate in a PEM file (a domain certificate's is the leaf)."""
    try:
        certificate = x509.load_pem_x509_certificate(path.read_bytes())
    except OSError as exc:
        raise ServerStartError(f"cannot read the certificate {path} ({exc.strerror})") from None
    except ValueError:
        raise ServerStartError(f"{path} is not a PEM certificate") from None
    return spki_pin(certificate.public_bytes(serialization.Encoding.DER))


def _names() -> list[x509.GeneralName]:
    names: list[x509.GeneralName] = [
        x509.DNSName("localhost"),
        x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
        x509.IPAddress(ipaddress.ip_address("::1")),
    ]
    host = socket.gethostname()
    if host and host != "localhost" and all(c.isalnum() or c in "-." for c in host):
        names.append(x509.DNSName(host))
    return names
