"""Certificates for mutual TLS between trainops processes and the Temporal frontend.

Temporal is not a door for people: in production only the worker, the projector's schedules and
the API may reach it, and each proves itself with a client certificate that a private CA issued.
``trainops certs generate DIR`` makes that CA, one server certificate for the Temporal frontend
and one client certificate for trainops (a one-shot compose service runs it); every key file is
mode 0600. Each side can get a directory of its own (``ca_dir``, ``server_dir``, default DIR), so
no service is handed a key it does not use: whoever holds the CA's key can mint a certificate
Temporal accepts, so in production it stays in the one-shot's private volume (or offline).

ECDSA P-256 keys in PKCS#8 PEM: both Go's TLS (the Temporal server) and rustls (the Python
SDK's core) accept them.
"""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

#: File names in the certificate directory; compose and Kubernetes mount them by these names.
CA_CERT, CA_KEY = "ca.pem", "ca-key.pem"
SERVER_CERT, SERVER_KEY = "server.pem", "server-key.pem"
CLIENT_CERT, CLIENT_KEY = "client.pem", "client-key.pem"
ALL_FILES = (CA_CERT, CA_KEY, SERVER_CERT, SERVER_KEY, CLIENT_CERT, CLIENT_KEY)
DEFAULT_SERVER_NAMES = ("temporal", "localhost", "127.0.0.1")
CLIENT_NAME = "trainops"


class CertificatesExist(Exception):
    """Refusing to overwrite certificates already in force (pass ``force`` to replace them);
    ``paths``: the files already there."""

    def __init__(self, paths: list[str]) -> None:
        self.paths = paths
        super().__init__(f"{', '.join(paths)} exist; pass --force to replace them")


@dataclass(frozen=True)
class Issued:
    directory: Path
    server_names: tuple[str, ...]
    not_after: datetime
    ca_dir: Path | None = None
    server_dir: Path | None = None


def _files(directory: Path, ca_dir: Path, server_dir: Path) -> list[Path]:
    """Every file ``generate`` writes: the CA certificate goes with each side, its key only to
    ``ca_dir``; the client's pair to ``directory``, the server's to ``server_dir``."""
    paths = [directory / CA_CERT, directory / CLIENT_CERT, directory / CLIENT_KEY]
    paths += [ca_dir / CA_CERT, ca_dir / CA_KEY]
    paths += [server_dir / CA_CERT, server_dir / SERVER_CERT, server_dir / SERVER_KEY]
    return list(dict.fromkeys(paths))


def _key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "trainops"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _subject_names(names: tuple[str, ...]) -> x509.SubjectAlternativeName:
    entries: list[x509.GeneralName] = []
    for name in names:
        try:
            entries.append(x509.IPAddress(ipaddress.ip_address(name)))
        except ValueError:
            entries.append(x509.DNSName(name))
    return x509.SubjectAlternativeName(entries)


def _builder(
    subject: x509.Name,
    issuer: x509.Name,
    key: ec.EllipticCurvePrivateKey,
    not_before: datetime,
    not_after: datetime,
) -> x509.CertificateBuilder:
    """What every certificate here starts with: who it names, who issues it, its public key,
    a random serial number and when it is valid."""
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
    )


def _key_usage(*, ca: bool) -> x509.KeyUsage:
    """The CA's key only signs certificates and revocation lists; a leaf's key signs and agrees
    on keys (ECDHE) in the TLS handshake."""
    return x509.KeyUsage(
        digital_signature=not ca,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=not ca,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )


def _leaf(
    common_name: str,
    usages: list[x509.ObjectIdentifier],
    ca_cert: x509.Certificate,
    ca_key: ec.EllipticCurvePrivateKey,
    not_before: datetime,
    not_after: datetime,
    names: tuple[str, ...],
) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    key = _key()
    certificate = (
        _builder(_name(common_name), ca_cert.subject, key, not_before, not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(ca=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage(usages), critical=False)
        .add_extension(_subject_names(names), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    return certificate, key


def _certificate_authority(
    not_before: datetime, not_after: datetime
) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    key = _key()
    name = _name("trainops internal CA")
    certificate = (
        _builder(name, name, key, not_before, not_after)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(ca=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return certificate, key


def _write(path: Path, data: bytes, secret: bool) -> None:
    """Create the file with its final mode from the start: a key is never readable by others,
    not even for a moment."""
    mode = 0o600 if secret else 0o644
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.chmod(path, mode)


def _pem_key(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def generate(
    directory: Path,
    *,
    server_names: tuple[str, ...] = DEFAULT_SERVER_NAMES,
    days: int = 365,
    force: bool = False,
    now: datetime | None = None,
    ca_dir: Path | None = None,
    server_dir: Path | None = None,
) -> Issued:
    """A CA, a server certificate for ``server_names`` and a client certificate: the client's
    in ``directory``, the CA's key in ``ca_dir`` and the server's in ``server_dir`` (both
    default ``directory``), the CA certificate in each. Existing files are kept unless
    ``force``: a restart of the one-shot service must not replace the certificates the running
    processes trust."""
    if not server_names:
        raise ValueError("give at least one server name")
    if not 1 <= days <= 3650:
        raise ValueError("days must be between 1 and 3650")
    ca_dir, server_dir = ca_dir or directory, server_dir or directory
    existing = [str(path) for path in _files(directory, ca_dir, server_dir) if path.exists()]
    if existing and not force:
        raise CertificatesExist(existing)
    for folder in (directory, ca_dir, server_dir):
        folder.mkdir(parents=True, exist_ok=True)
    not_before = (now or datetime.now(UTC)) - timedelta(minutes=5)  # a little clock skew
    not_after = not_before + timedelta(days=days)
    ca_cert, ca_key = _certificate_authority(not_before, not_after + timedelta(days=1))
    server_cert, server_key = _leaf(
        server_names[0],
        # Temporal's services also present it to each other (internode mutual TLS).
        [ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH],
        ca_cert,
        ca_key,
        not_before,
        not_after,
        server_names,
    )
    client_cert, client_key = _leaf(
        CLIENT_NAME,
        [ExtendedKeyUsageOID.CLIENT_AUTH],
        ca_cert,
        ca_key,
        not_before,
        not_after,
        (CLIENT_NAME,),
    )
    pem = serialization.Encoding.PEM
    for folder in dict.fromkeys((directory, ca_dir, server_dir)):
        _write(folder / CA_CERT, ca_cert.public_bytes(pem), secret=False)
    _write(ca_dir / CA_KEY, _pem_key(ca_key), secret=True)
    _write(server_dir / SERVER_CERT, server_cert.public_bytes(pem), secret=False)
    _write(server_dir / SERVER_KEY, _pem_key(server_key), secret=True)
    _write(directory / CLIENT_CERT, client_cert.public_bytes(pem), secret=False)
    _write(directory / CLIENT_KEY, _pem_key(client_key), secret=True)
    return Issued(directory, server_names, not_after, ca_dir, server_dir)
