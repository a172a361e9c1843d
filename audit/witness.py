"""Witnesses: copies of the signed seals kept where the application cannot rewrite them.

Triggers keep the application's role from changing the log, but the database's owner (or a
superuser, or on SQLite whoever can write the file) can still rewrite it, seals included. A
witness keeps each signed seal outside the database; ``verify_audit(witness=...)`` then checks
the log against it (``docs/log-integrity.md``).

- ``DirectoryWitness``: one file per seal, ``seal-<seq, 10 digits>.json``, created with
  ``O_EXCL`` (never overwritten, never rewritten; mode 0444). It belongs on another host or on
  WORM storage (an NFS export or object-lock bucket mounted append-only): a directory the
  database's owner can also write only stops mistakes.
- ``HttpWitness``: POSTs the latest seal (its chain pins every earlier one) as the witness
  file's JSON to a URL, e.g. a transparency log or another organisation's archive; the
  receiver should refuse a different seal under a seq it already holds (409).

Every sealing run syncs every witness, so a witness that was unreachable catches up next time.
"""

from __future__ import annotations

import os
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Protocol

import structlog
from pydantic import ValidationError

from audit.digest import Seal
from domain.seals import SignedSeal

log = structlog.get_logger(__name__)

FILE_PATTERN = re.compile(r"^seal-(\d{10})\.json$")


class WitnessError(RuntimeError):
    """A witness refused a seal, holds a different one, or cannot be read; says which."""


class Witness(Protocol):
    name: str

    def sync(self, seals: Sequence[Seal]) -> list[int]:
        """Hand over the signed seals the witness does not hold yet; their seqs."""
        ...


def file_name(seq: int) -> str:
    return f"seal-{seq:010d}.json"


def _signed(seals: Iterable[Seal]) -> list[SignedSeal]:
    return [signed for seal in seals if (signed := seal.signed()) is not None]


class DirectoryWitness:
    """An append-only directory: a file per seal, created once, never rewritten."""

    def __init__(self, path: Path) -> None:
        self.path = path
        # Shown to remote auditors (`trainops audit seal`): the folder's name, never where the
        # server keeps it (the operator's TRAINOPS_WITNESS_DIR says that; the command says so).
        self.name = f"directory {path.name}"

    def record(self, seal: SignedSeal) -> bool:
        """Write ``seal``'s file; False if the very same seal is already there. A different
        seal under that seq is a ``WitnessError``: the seals were rewritten since."""
        self.path.mkdir(parents=True, exist_ok=True)
        target = self.path / file_name(seal.seq)
        document = seal.document().encode()
        try:
            descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o444)
        except FileExistsError:
            if target.read_bytes() == document:
                return False
            raise WitnessError(
                f"{target} already holds a different seal {seal.seq}: the seal table was"
                " rewritten after the witness kept it (run `trainops log verify --witness`)"
            ) from None
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(document)
            handle.flush()
            os.fsync(handle.fileno())
        directory = os.open(self.path, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)
        return True

    def sync(self, seals: Sequence[Seal]) -> list[int]:
        held = {int(m.group(1)) for p in self._files() if (m := FILE_PATTERN.match(p.name))}
        written = []
        for seal in _signed(seals):
            if seal.seq not in held:
                if self.record(seal):
                    written.append(seal.seq)
            elif _load(self.path / file_name(seal.seq)) != seal:
                raise WitnessError(
                    f"{self.path / file_name(seal.seq)} holds a different seal {seal.seq} than"
                    " log_seals: the seal table was rewritten after the witness kept it"
                )
        return written

    def _files(self) -> list[Path]:
        return sorted(self.path.glob("seal-*.json")) if self.path.is_dir() else []

    def load(self) -> list[SignedSeal]:
        """Every seal the directory holds, in seq order."""
        return load_witness(self.path)


def _load(path: Path) -> SignedSeal:
    try:
        seal = SignedSeal.model_validate_json(path.read_bytes())
    except (OSError, ValidationError) as exc:
        raise WitnessError(f"{path} is not a readable signed seal: {exc}") from exc
    match = FILE_PATTERN.match(path.name)
    if match is None or int(match.group(1)) != seal.seq:
        raise WitnessError(f"{path} holds seal {seal.seq}, not the one its name says")
    return seal


def load_witness(path: Path) -> list[SignedSeal]:
    """The seals a witness directory holds, in seq order; other files are ignored."""
    if not path.exists():
        raise WitnessError(
            f"{path} does not exist: no seal was handed to this witness yet (the schedule "
            "takes the first within TRAINOPS_SEAL_EVERY_MINUTES; `trainops audit seal` takes "
            "one now)"
        )
    if not path.is_dir():
        raise WitnessError(f"{path} is not a directory of witnessed seals")
    seals = [_load(p) for p in sorted(path.iterdir()) if FILE_PATTERN.match(p.name)]
    return sorted(seals, key=lambda s: s.seq)


class HttpWitness:
    """POSTs the latest signed seal to ``url`` (idempotent: the receiver keys it by seq)."""

    def __init__(self, url: str, *, timeout: float = 10.0) -> None:
        self.url = url
        self.timeout = timeout
        host = urllib.parse.urlsplit(url).hostname or "?"
        self.name = f"http {host}"  # never the full URL: it may carry a token

    def sync(self, seals: Sequence[Seal]) -> list[int]:
        signed = _signed(seals)
        if not signed:
            return []
        latest = signed[-1]
        request = urllib.request.Request(
            self.url,
            data=latest.document().encode(),
            method="POST",
            headers={
                "Content-Type": "application/json",
                "Idempotency-Key": f"trainops-seal-{latest.seq}-{latest.seal_hash[:16]}",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout):
                pass
        except urllib.error.HTTPError as exc:
            raise WitnessError(f"{self.name} refused seal {latest.seq}: HTTP {exc.code}") from exc
        except (urllib.error.URLError, OSError) as exc:
            raise WitnessError(f"{self.name} is unreachable: {type(exc).__name__}") from exc
        return [latest.seq]


def sync_witnesses(witnesses: Sequence[Witness], seals: Sequence[Seal]) -> dict[str, list[int]]:
    """Hand the seals to every witness; a witness that fails does not stop the others, and the
    first failure is raised once all were tried (the next run tries again)."""
    done: dict[str, list[int]] = {}
    failures: list[WitnessError] = []
    for witness in witnesses:
        try:
            done[witness.name] = witness.sync(seals)
        except WitnessError as exc:
            log.error("witness failed", witness=witness.name, error=str(exc))
            failures.append(exc)
    if failures:
        raise failures[0]
    return done
