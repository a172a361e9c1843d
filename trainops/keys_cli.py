"""``trainops keys``: the API's signing key (generate one) and the keys the log trusts."""

from __future__ import annotations

import base64
from contextlib import closing
from datetime import UTC
from typing import Annotated

import typer
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from audit.signing_keys import trusted_keys
from runtime.settings import get_settings
from services.database import open_existing_database
from trainops.language import t
from trainops.lazy import command_group
from trainops.options import OutputOption
from trainops.render import show_rows

keys_app = command_group(
    no_args_is_help=True,
    help="Signing keys: the API signs every person's action; workers and auditors verify.",
)


@keys_app.command()
def generate() -> None:
    """Print a new Ed25519 private key for TRAINOPS_SIGNING_KEY (base64 of its 32-byte seed).

    Keep it secret (a secret store, not the compose file). Rotating: start the API with the new
    key; it publishes its public key in the log; then retire the old one (its past proofs stay
    verifiable)."""
    seed = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    print(base64.b64encode(seed).decode())


@keys_app.command("list")
def list_keys(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
    output: OutputOption = None,
) -> None:
    """The public keys published in the log, with their retirement if any."""
    with closing(open_existing_database(get_settings().database_url)) as database:
        keys = trusted_keys(database.store)
    rows = [
        {
            "key_id": key.key_id,
            "public_key": base64.b64encode(key.public_key).decode(),
            "retired_at": key.retired_at.astimezone(UTC).isoformat() if key.retired_at else None,
        }
        for key in keys.values()
    ]
    show_rows(
        t("signing keys"),
        rows,
        ["key_id", "public_key", "retired_at"],
        output=output,
        as_json=as_json,
        empty=t("no signing key is published yet (the API publishes its key at start)"),
    )
