"""``trainops certs``: the private CA and certificates for mutual TLS with Temporal."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from runtime.certificates import DEFAULT_SERVER_NAMES, CertificatesExist, generate
from trainops.language import t, unreadable
from trainops.lazy import command_group
from trainops.render import console, fail

certs_app = command_group(
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
    days: Annotated[int, typer.Option(min=1, max=3650, help="Validity in days (1-3650).")] = 365,
    force: Annotated[bool, typer.Option(help="Replace certificates already there.")] = False,
    ca_dir: Annotated[
        Path | None,
        typer.Option(help="Where the CA's key goes (default DIR); keep it from every service."),
    ] = None,
    server_dir: Annotated[
        Path | None,
        typer.Option(help="Where Temporal's server certificate and key go (default DIR)."),
    ] = None,
) -> None:
    """A private CA, the Temporal frontend's server certificate and trainops' client certificate.

    Writes ca.pem and trainops' client.pem, client-key.pem to DIR; ca-key.pem to --ca-dir;
    server.pem, server-key.pem to --server-dir; ca.pem to each (keys mode 0600). Existing files
    are kept unless --force, so a restarted one-shot service never replaces certificates in use.
    Point TRAINOPS_TEMPORAL_TLS_CA_FILE/_CERT_FILE/_KEY_FILE at ca.pem, client.pem and
    client-key.pem."""
    names = tuple(server_name) if server_name else DEFAULT_SERVER_NAMES
    try:
        issued = generate(
            directory,
            server_names=names,
            days=days,
            force=force,
            ca_dir=ca_dir,
            server_dir=server_dir,
        )
    except CertificatesExist as exc:
        kept = t("{paths} exist; pass --force to replace them", paths=", ".join(exc.paths))
        console.print(t("kept: {reason}", reason=kept), markup=False)
        return
    except OSError as exc:  # a file where a folder should be, a folder it may not write
        where = exc.filename or directory  # the file at fault, not always DIR
        said = t("cannot write to {path}: {reason}", path=where, reason=unreadable(exc))
        raise fail(said) from exc
    except ValueError as exc:
        raise fail(str(exc)) from exc
    text = t(
        "wrote a CA, a server certificate for {names} and a client certificate to {path} "
        "(valid until {until})",
        names=", ".join(issued.server_names),
        path=issued.directory,
        until=f"{issued.not_after:%Y-%m-%d}",
    )
    console.print(text, markup=False)
