"""Check every person's action in an exported trainops bundle against the published keys.

    python verify_proofs.py BUNDLE            (needs only the `cryptography` package)

BUNDLE is the folder `trainops audit export` wrote, or its .tar.gz as downloaded.

Exit 0: every action recorded for a person after the first key was published carries an
Ed25519 assertion by a published key, for that actor, program, action and content, issued at
most 5 minutes (plus 1 minute of clock skew) before it was recorded. Exit 1 names each failure.
"""

import base64
import hashlib
import json
import sys
import tarfile
from datetime import datetime, timedelta
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey


def canonical(value):
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def utc(text):
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def scope(row):
    """The program's id; for direct requests, the configuration or the reference data."""
    if row["metadata"].get("workflow_id"):
        return row["metadata"]["workflow_id"]
    if row["stream_id"] in ("configuration", "accounts"):
        return row["stream_id"]
    return "reference-data"


def event_lines(bundle):
    """The lines of the bundle's events.jsonl, from its folder or from its .tar.gz."""
    if bundle.is_dir():
        return (bundle / "events.jsonl").read_text(encoding="utf-8").splitlines()
    with tarfile.open(bundle, "r:*") as archive:
        for member in archive.getmembers():
            if member.isfile() and Path(member.name).name == "events.jsonl":
                return archive.extractfile(member).read().decode("utf-8").splitlines()
    raise FileNotFoundError(f"{bundle} holds no events.jsonl")


if len(sys.argv) != 2:
    sys.exit("usage: python verify_proofs.py BUNDLE (an exported folder or its .tar.gz)")
try:
    lines = event_lines(Path(sys.argv[1]))
except (OSError, tarfile.TarError, UnicodeDecodeError) as exc:
    sys.exit(f"cannot read the bundle: {exc}")
keys, failures, proven, last = {}, [], 0, None
for line in lines:
    row = json.loads(line)
    meta, position = row["metadata"], row["position"]
    if row["stream_id"] == "signing-keys" and row["event_type"] == "SigningKeyPublished":
        keys[row["payload"]["key_id"]] = base64.b64decode(row["payload"]["public_key"])
        continue
    if meta.get("role", "system") in ("system", "migration"):  # no person acted here
        continue
    if "proved_by" in meta:
        if last is None or last != (meta["proved_by"], meta["actor"]):
            failures.append(f"{position}: not part of the proven action it names")
        continue
    proof = meta.get("proof")
    if proof is None:
        if keys and row["stream_id"].startswith("program-"):
            failures.append(f"{position}: {row['event_type']} by {meta['actor']} has no proof")
        continue
    claims, command = dict(proof["assertion"]), proof["command"]
    signature = base64.urlsafe_b64decode(claims.pop("signature") + "==")
    claims["issued_at"] = utc(claims["issued_at"]).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    signed = b"trainops-actor-assertion-v1\n" + canonical(claims).encode()
    try:
        Ed25519PublicKey.from_public_bytes(keys[claims["key_id"]]).verify(signature, signed)
    except Exception:
        failures.append(f"{position}: the signature does not verify with a published key")
        continue
    age = utc(row["occurred_at"]) - utc(claims["issued_at"])
    checks = {
        "content": hashlib.sha256(canonical(command).encode()).hexdigest()
        == claims["payload_digest"],
        "actor": claims["actor"] == meta["actor"],
        "program": claims["workflow_id"] == scope(row),
        "action": claims["action"] == command.get("kind", "plan"),
        "time": timedelta(minutes=-1) <= age <= timedelta(minutes=6),
    }
    wrong = [name for name, holds in checks.items() if not holds]
    if wrong:
        failures.append(f"{position}: the proof does not match its event ({', '.join(wrong)})")
    else:
        proven += 1
        last = (row["event_id"], meta["actor"])
for failure in failures:
    print(failure)
print(f"{proven} actions proven by {len(keys)} key(s); {len(failures)} failure(s)")
sys.exit(1 if failures else 0)
