"""``trainops certs generate``: a CA, a server and a client certificate that verify as a TLS
peer would check them, keys no one else can read, and no silent replacement."""

from __future__ import annotations

import ipaddress
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.x509.verification import PolicyBuilder, Store, VerificationError
from typer.testing import CliRunner

from runtime.certificates import ALL_FILES, CertificatesExist, generate
from trainops.cli import app


def _load(path: Path) -> x509.Certificate:
    return x509.load_pem_x509_certificate(path.read_bytes())


def test_the_server_certificate_verifies_for_its_names_only(tmp_path: Path) -> None:
    generate(tmp_path, server_names=("temporal", "10.0.0.7"))
    store = Store([_load(tmp_path / "ca.pem")])
    server = _load(tmp_path / "server.pem")
    builder = PolicyBuilder().store(store).time(datetime.now(UTC))
    builder.build_server_verifier(x509.DNSName("temporal")).verify(server, [])
    builder.build_server_verifier(x509.IPAddress(ipaddress.ip_address("10.0.0.7"))).verify(
        server, []
    )
    with pytest.raises(VerificationError):
        builder.build_server_verifier(x509.DNSName("elsewhere.example")).verify(server, [])


def test_the_client_certificate_verifies_as_a_client_and_not_as_a_server(tmp_path: Path) -> None:
    generate(tmp_path)
    store = Store([_load(tmp_path / "ca.pem")])
    client = _load(tmp_path / "client.pem")
    builder = PolicyBuilder().store(store).time(datetime.now(UTC))
    builder.build_client_verifier().verify(client, [])
    with pytest.raises(VerificationError):
        builder.build_server_verifier(x509.DNSName("trainops")).verify(client, [])


def test_keys_are_private_and_existing_certificates_are_kept(tmp_path: Path) -> None:
    generate(tmp_path)
    for name in ALL_FILES:
        mode = stat.S_IMODE((tmp_path / name).stat().st_mode)
        assert mode == (0o600 if name.endswith("-key.pem") else 0o644), name
    before = (tmp_path / "ca.pem").read_bytes()
    with pytest.raises(CertificatesExist, match="--force"):
        generate(tmp_path)
    assert (tmp_path / "ca.pem").read_bytes() == before
    generate(tmp_path, force=True)
    assert (tmp_path / "ca.pem").read_bytes() != before


def test_the_command_writes_once_and_then_keeps(tmp_path: Path) -> None:
    cli = CliRunner()
    first = cli.invoke(app, ["certs", "generate", str(tmp_path / "c"), "--server-name", "temporal"])
    assert first.exit_code == 0, first.output
    assert "valid until" in first.output
    ca = (tmp_path / "c" / "ca.pem").read_bytes()
    again = cli.invoke(app, ["certs", "generate", str(tmp_path / "c")])
    assert again.exit_code == 0 and "kept" in again.output
    assert (tmp_path / "c" / "ca.pem").read_bytes() == ca
    bad = cli.invoke(app, ["certs", "generate", str(tmp_path / "d"), "--days", "0"])
    assert bad.exit_code == 2 and "days must be" in bad.output
