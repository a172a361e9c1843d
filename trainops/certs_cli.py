"""``trainops certs``: the private CA and certificates for mutual TLS with Temporal."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from runtime.certificates import DEFAULT_SERVER_NAMES, CertificatesExist, generate
from trainops.render import console, fail

certs_app = typer.Typer(
    no_args_is_help=True,
    help="Certificates for mutual TLS between trainops processes and Temporal.",
)


@certs_app.command("generate")
def generate_command(
    directory: Annotated[Path, typer.Argument(help="Where to write the PEM files.")],
    server_name: Annotated[
        list[str] | None,
        typer.Option(
            "--server-name",
            help="A name (or IP) the Temporal frontend is reached by; repeat for several. "
            f"Default: {', '.join(DEFAULT_SERVER_NAMES)}.",
        ),
    ] = None,
    days: Annotated[int, typer.Option(help="Validity in days (1-3650).")] = 365,
    force: Annotated[bool, typer.Option(help="Replace certificates already there.")] = False,
) -> None:
    """A private CA, the Temporal frontend's server certificate and trainops' client certificate.

    Writes ca.pem, ca-key.pem, server.pem, server-key.pem, client.pem, client-key.pem (keys
    mode 0600). Existing files are kept unless --force, so a restarted one-shot service never
    replaces certificates in use. Point TRAINOPS_TEMPORAL_TLS_CA_FILE/_CERT_FILE/_KEY_FILE at
    ca.pem, client.pem and client-key.pem."""
    names = tuple(server_name) if server_name else DEFAULT_SERVER_NAMES
    try:
        issued = generate(directory, server_names=names, days=days, force=force)
    except CertificatesExist as exc:
        console.print(f"kept: {escape(str(exc))}")
        return
    except (ValueError, OSError) as exc:
        raise fail(str(exc)) from exc
    console.print(
        escape(
            f"wrote a CA, a server certificate for {', '.join(issued.server_names)} and a "
            f"client certificate to {issued.directory} (valid until {issued.not_after:%Y-%m-%d})"
        )
    )
