"""Verify a trainops event log, and a witness's signed seals, with nothing but Python and psql.

    python verify_log.py [-d DATABASE] [--witness DIR] [--seal-key-id KEY_ID]...

Reads the log with psql (connection from the usual PG* environment variables, or -d), then:

1. the hash chain: every row's hash, positions 1, 2, 3... (docs/log-integrity.md,
   docs/event-log.md);
2. with --witness DIR (the directory the witness keeps, one seal-*.json per seal), each seal:
   its Ed25519 signature by a seal key (the keys published in the log's "seal-keys" stream,
   only those named by --seal-key-id if given: pin the ids you wrote down), its seal hash, the
   log's hash at its position, the log still reaching that position, and the same seal still
   in the log_seals table.

Exits 1 naming the first problem and its position. Ed25519 verification below is the
reference algorithm of RFC 8032 (section 6), in pure Python: slow, but a seal an hour is few.
"""

import argparse
import base64
import hashlib
import json
import subprocess
import sys
from datetime import datetime
from pathlib import Path

# ---------------------------------------------------------------------- Ed25519 (RFC 8032)
P = 2**255 - 19
L = 2**252 + 27742317777372353535851937790883648493
D = -121665 * pow(121666, P - 2, P) % P
SQRT_M1 = pow(2, (P - 1) // 4, P)


def _recover_x(y, sign):
    if y >= P:
        return None
    x2 = (y * y - 1) * pow(D * y * y + 1, P - 2, P) % P
    if x2 == 0:
        return None if sign else 0
    x = pow(x2, (P + 3) // 8, P)
    if (x * x - x2) % P:
        x = x * SQRT_M1 % P
    if (x * x - x2) % P:
        return None
    return P - x if (x & 1) != sign else x


def _add(a, b):
    e1, f1 = (a[1] - a[0]) * (b[1] - b[0]) % P, (a[1] + a[0]) * (b[1] + b[0]) % P
    c, d = 2 * a[3] * b[3] * D % P, 2 * a[2] * b[2] % P
    e, f, g, h = f1 - e1, d - c, d + c, f1 + e1
    return (e * f % P, g * h % P, f * g % P, e * h % P)


def _mul(scalar, point):
    result = (0, 1, 1, 0)
    while scalar:
        if scalar & 1:
            result = _add(result, point)
        point, scalar = _add(point, point), scalar >> 1
    return result


def _decompress(data):
    y = int.from_bytes(data, "little")
    x = _recover_x(y & ((1 << 255) - 1), y >> 255)
    return None if x is None else (x, y & ((1 << 255) - 1), 1, x * (y & ((1 << 255) - 1)) % P)


_GY = 4 * pow(5, P - 2, P) % P
BASE = (_recover_x(_GY, 0), _GY, 1, _recover_x(_GY, 0) * _GY % P)


def ed25519_verify(public, message, signature):
    if len(public) != 32 or len(signature) != 64:
        return False
    a, r = _decompress(public), _decompress(signature[:32])
    s = int.from_bytes(signature[32:], "little")
    if a is None or r is None or s >= L:
        return False
    k = int.from_bytes(hashlib.sha512(signature[:32] + public + message).digest(), "little") % L
    left, right = _mul(s, BASE), _add(r, _mul(k, a))
    return (left[0] * right[2] - right[0] * left[2]) % P == 0 and (
        left[1] * right[2] - right[1] * left[2]
    ) % P == 0


# ---------------------------------------------------------------------- the log, via psql
def canonical(document):
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def moment(text):
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def psql(database, query):
    """The rows ``query`` gives, read with psql; one line and exit 1 when psql cannot (no psql,
    no such database, or a database that is not PostgreSQL: this script reads PostgreSQL only;
    an SQLite log is verified with `trainops log verify`)."""
    if database and (database.startswith("sqlite") or Path(database).is_file()):
        sys.exit("verify_log.py reads a PostgreSQL log; verify SQLite with `trainops log verify`")
    command = ["psql", "-At", *(["-d", database] if database else []), "-c", query]
    try:
        done = subprocess.run(command, capture_output=True, text=True, check=False)
    except OSError as exc:
        sys.exit(f"cannot run psql: {exc.strerror}")
    if done.returncode != 0:
        said = done.stderr.strip().splitlines()[0] if done.stderr.strip() else "failed"
        sys.exit(f"psql could not read the log: {said}")
    return [json.loads(line) for line in done.stdout.splitlines()]


EVENTS = (
    "select row_to_json(e) from (select position, stream_id, stream_version, event_id,"
    " event_type, schema_version, payload, metadata, to_char(occurred_at at time zone 'UTC',"
    " 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') occurred_at, to_char(recorded_at at time zone 'UTC',"
    ' \'YYYY-MM-DD"T"HH24:MI:SS.US"Z"\') recorded_at, hash from events order by position) e'
)
SEALS = "select row_to_json(s) from (select * from log_seals order by seq) s"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-d", "--database", help="psql's -d (default: PGDATABASE)")
    parser.add_argument("--witness", type=Path, help="the witness's directory of seal files")
    parser.add_argument("--seal-key-id", action="append", default=[], help="trust only this key")
    args = parser.parse_args()

    hashes, prev = {}, "0" * 64
    keys = {}  # seal keys published in the log: key id -> (raw public key, retired_at)
    for n, row in enumerate(psql(args.database, EVENTS), start=1):
        stored = row.pop("hash")
        if row["position"] != n:
            sys.exit(f"position {n} missing")
        prev = hashlib.sha256(bytes.fromhex(prev) + canonical(row).encode()).hexdigest()
        if prev != stored:
            sys.exit(f"event at position {n} altered or out of order")
        hashes[n] = prev
        if row["stream_id"] == "seal-keys" and row["event_type"] == "SigningKeyPublished":
            raw = base64.b64decode(row["payload"]["public_key"])
            if hashlib.sha256(raw).hexdigest()[:16] == row["payload"]["key_id"]:
                keys[row["payload"]["key_id"]] = (raw, None)
        if row["stream_id"] == "seal-keys" and row["event_type"] == "SigningKeyRetired":
            known = keys.get(row["payload"]["key_id"])
            if known:
                keys[row["payload"]["key_id"]] = (known[0], row["payload"]["retired_at"])
    print(f"{len(hashes)} events verified, head {prev}")
    if args.witness is None:
        return
    if args.seal_key_id:
        missing = set(args.seal_key_id) - set(keys)
        if missing:
            sys.exit(f"seal key(s) {', '.join(sorted(missing))} are not published in the log")
        keys = {k: v for k, v in keys.items() if k in args.seal_key_id}
    in_table = {s["seq"]: s for s in psql(args.database, SEALS)}
    files = sorted(args.witness.glob("seal-*.json"))
    for path in files:
        seal = json.loads(path.read_text(encoding="utf-8"))
        where = f"witness seal {seal['seq']} (position {seal['position']})"
        claims = {k: v for k, v in seal.items() if k != "signature"}
        key = keys.get(seal["key_id"])
        signature = base64.urlsafe_b64decode(
            seal["signature"] + "=" * (-len(seal["signature"]) % 4)
        )
        message = b"trainops-seal-v1\n" + canonical(claims).encode()
        if key is None or not ed25519_verify(key[0], message, signature):
            sys.exit(f"{where}: the signature does not verify with a trusted seal key")
        if key[1] is not None and moment(seal["sealed_at"]) >= moment(key[1]):
            sys.exit(f"{where}: signed after its key was retired")
        fields = {k: seal[k] for k in ("hash", "position", "sealed_at", "seq")}
        chained = bytes.fromhex(seal["prev_seal_hash"]) + canonical(fields).encode()
        if hashlib.sha256(chained).hexdigest() != seal["seal_hash"]:
            sys.exit(f"{where}: its seal hash does not match its fields")
        if seal["position"] > len(hashes):
            sys.exit(f"the log ends at position {len(hashes)}, before {where}")
        if seal["position"] and hashes[seal["position"]] != seal["hash"]:
            sys.exit(f"the log has another hash at position {seal['position']} than {where}")
        stored = in_table.get(seal["seq"])
        if not stored or (stored["seal_hash"], stored["signature"]) != (
            seal["seal_hash"],
            seal["signature"],
        ):
            sys.exit(f"{where} is not in log_seals as the witness kept it (deleted or replaced)")
    print(f"{len(files)} witness seals verified with seal key(s) {', '.join(sorted(keys))}")


if __name__ == "__main__":
    main()
