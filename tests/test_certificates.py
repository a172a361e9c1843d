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
    assert bad.exit_code == 2 and "'--days': 0 is not in the range 1<=x<=3650" in bad.output


def test_each_side_gets_only_its_own_key_and_the_ca_key_stays_apart(tmp_path: Path) -> None:
    """The layout compose uses: trainops' volume and Temporal's each hold the CA certificate
    and their own pair; the CA's key is only in the one-shot's private directory."""
    client, server, ca = tmp_path / "client", tmp_path / "server", tmp_path / "ca"
    cli = CliRunner()
    done = cli.invoke(
        app,
        ["certs", "generate", str(client), "--server-dir", str(server), "--ca-dir", str(ca)],
    )
    assert done.exit_code == 0, done.output
    assert {p.name for p in client.iterdir()} == {"ca.pem", "client.pem", "client-key.pem"}
    assert {p.name for p in server.iterdir()} == {"ca.pem", "server.pem", "server-key.pem"}
    assert {p.name for p in ca.iterdir()} == {"ca.pem", "ca-key.pem"}
    assert stat.S_IMODE((ca / "ca-key.pem").stat().st_mode) == 0o600
    ca_pem = (ca / "ca.pem").read_bytes()
    assert (client / "ca.pem").read_bytes() == ca_pem == (server / "ca.pem").read_bytes()
    store = Store([x509.load_pem_x509_certificate(ca_pem)])
    builder = PolicyBuilder().store(store).time(datetime.now(UTC))
    builder.build_client_verifier().verify(_load(client / "client.pem"), [])
    builder.build_server_verifier(x509.DNSName("temporal")).verify(_load(server / "server.pem"), [])

    again = cli.invoke(app, ["certs", "generate", str(client), "--ca-dir", str(ca)])
    assert again.exit_code == 0 and "kept" in again.output  # the CA's key alone is enough to keep
    assert (ca / "ca.pem").read_bytes() == ca_pem
