"""A self-contained bundle an independent tool can verify without our code.

    events.jsonl   one event per line: the hashed fields exactly as hashed, plus prev_hash, hash
    HASH_FORMULA   the formula, word for word as in the README
    digest.json    position and hash of the last exported event (a ``trainops audit`` digest)
    kpis.json      the execution KPI scorecards, rebuilt from exactly these events
    scorecards.json every KPI rated (L1-L4, ROI, resources), rebuilt from the same events
    keys.json      the public keys the log published, by key id (to check every action's proof)
    proofs.json    what the proof check found: actions proven, events resting on trust, problems

A line of ``events.jsonl`` minus ``prev_hash`` and ``hash``, re-encoded with sorted keys and no
spaces, is the canonical encoding the chain hashes; so twenty lines of standard-library Python
(the README's) check every event and the digest. The scorecards are replayed from the exported
events into a scratch database (the same projections as live), so they describe the bundle, not
whatever the live projector had reached.
"""

from __future__ import annotations

import json
import shutil
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

import structlog
from pydantic import BaseModel

from activities.config_versions import kpi_rules
from audit.digest import Digest, read_seals
from audit.progress import EVERY, Progress, no_progress
from audit.proofs import ProofChecker
from audit.replay import replayed
from audit.verify import AuditProblem
from domain.canonical import encode_json
from domain.evaluation import DEFAULT_PASS_MARK
from domain.kpi import ExecutionKpis
from domain.ratings import Thresholds
from eventlog import EventStore, RecordedEvent, hashing
from eventlog.verify import verify_events
from projections.kpi_queries import kpi_report
from projections.queries import execution_report
from services.kpi_reports import kpi_json

log = structlog.get_logger(__name__)

#: Word for word the README's "Hash formula" block (a test keeps the two equal).
HASH_FORMULA = """\
canonical(row) = UTF-8 JSON of the object
                 {"event_id", "event_type", "metadata", "occurred_at", "payload", "position",
                  "recorded_at", "schema_version", "stream_id", "stream_version"}
                 with keys sorted at every level, separators "," and ":" (no spaces),
                 non-ASCII characters written as themselves (no \\u escapes),
                 times as UTC "YYYY-MM-DDTHH:MM:SS.ffffffZ"
hash(0)        = "0" * 64
hash(n)        = hex( SHA-256( bytes.fromhex(hash(n-1)) || canonical(row n) ) )
"""

EVENTS_FILE = "events.jsonl"
FORMULA_FILE = "HASH_FORMULA"
DIGEST_FILE = "digest.json"
KPIS_FILE = "kpis.json"
SCORECARDS_FILE = "scorecards.json"
KEYS_FILE = "keys.json"
PROOFS_FILE = "proofs.json"


class ExportResult(BaseModel):
    path: str
    events: int
    digest: Digest
    kpis: list[ExecutionKpis]
    problems: list[AuditProblem]
    """Chain problems met while exporting: the bundle is written anyway, so the auditor sees
    (and the standalone script reports) exactly what the log holds."""


def event_line(row: RecordedEvent) -> str:
    """One line of events.jsonl: the canonical document plus the row's two hashes."""
    document: dict[str, Any] = json.loads(hashing.canonical(row._asdict()))
    document["prev_hash"] = row.prev_hash
    document["hash"] = row.hash
    return encode_json(document)


def _is_archive(target: Path) -> bool:
    return target.name.endswith((".tar.gz", ".tgz"))


def _stem(target: Path) -> str:
    return target.name.removesuffix(".tar.gz").removesuffix(".tgz")


def logged_thresholds(store: EventStore, position: int) -> tuple[Thresholds, float]:
    """The defaults with the ``kpi`` section the log's own configuration had at ``position``
    (thresholds and the exam pass mark)."""
    rules = kpi_rules(store, None, up_to=position)
    thresholds = Thresholds.with_overrides({k: t.model_dump() for k, t in rules.thresholds.items()})
    return thresholds, DEFAULT_PASS_MARK if rules.pass_mark is None else rules.pass_mark


def export_bundle(
    store: EventStore,
    target: Path,
    *,
    up_to: int | None = None,
    progress: Progress = no_progress,
    thresholds_at: Callable[[int], tuple[Thresholds, float]] | None = None,
) -> ExportResult:
    """Write the bundle to ``target``: a new directory, or a ``.tar.gz``/``.tgz`` archive whose
    files sit in one folder named after it. Events 1..``up_to`` (default: the head).

    The scorecards are rated with ``thresholds_at(last position)`` (the server passes the
    thresholds its dashboard uses); by default with those the log's own configuration had in
    force at that position, so the bundle rates as the system did."""
    if target.exists():
        raise FileExistsError(f"{target} exists; the export will not overwrite it")
    last = store.head()[0] if up_to is None else min(up_to, store.head()[0])
    workdir = Path(tempfile.mkdtemp(prefix="trainops-export-")) if _is_archive(target) else None
    folder = workdir / _stem(target) if workdir is not None else target
    folder.mkdir(parents=True)
    try:
        exported = 0

        proofs = ProofChecker()

        def rows(out: Any) -> Iterator[RecordedEvent]:
            nonlocal exported
            for row in store.read_all():
                if row.position > last:
                    return
                out.write(event_line(row) + "\n")
                proofs.check(row)
                exported += 1
                if exported % EVERY == 0:
                    progress(exported, 2 * last)
                yield row

        progress(0, 2 * last)
        with (folder / EVENTS_FILE).open("w", encoding="utf-8", newline="\n") as out:
            chain = verify_events(rows(out), head=None)
        problems = [
            AuditProblem(position=p.position, kind=p.kind, detail=p.detail) for p in chain.problems
        ]
        seals = [s for s in read_seals(store.engine) if s.position <= chain.last_position]
        digest = Digest(
            position=chain.last_position,
            hash=chain.last_hash,
            taken_at=datetime.now(UTC),
            seal_seq=seals[-1].seq if seals else None,
            seal_hash=seals[-1].seal_hash if seals else None,
        )
        (folder / DIGEST_FILE).write_text(digest.model_dump_json(indent=2) + "\n", "utf-8")
        (folder / FORMULA_FILE).write_text(HASH_FORMULA, "utf-8")
        proof_report = proofs.finish()
        keys = {"algorithm": "ed25519", "encoding": "base64", "keys": proof_report.keys}
        (folder / KEYS_FILE).write_text(json.dumps(keys, indent=2) + "\n", "utf-8")
        (folder / PROOFS_FILE).write_text(
            json.dumps(proof_report.model_dump(mode="json", exclude={"keys"}), indent=2) + "\n",
            "utf-8",
        )
        with replayed(
            store,
            up_to=chain.last_position,
            progress=lambda done, _total: progress(exported + done, 2 * last),
        ) as replay:
            replayed_to = replay.position
            execution = execution_report(replay.engine)
            rate_with = thresholds_at or partial(logged_thresholds, store)
            thresholds, pass_mark = rate_with(replayed_to)
            cards = kpi_report(replay.engine, thresholds, pass_mark=pass_mark)
        # The same shape as `trainops kpi execution --json`, so the two compare directly.
        scorecards = {"position": replayed_to, "scorecards": kpi_json(execution)}
        (folder / KPIS_FILE).write_text(
            json.dumps(scorecards, indent=2, ensure_ascii=False) + "\n", "utf-8"
        )
        # Every KPI, rated with the thresholds in force: `trainops kpi report --json`'s cards.
        rated = {
            "position": replayed_to,
            "thresholds": {k: t.model_dump(mode="json") for k, t in thresholds.by_kpi.items()},
            "pass_mark": pass_mark,
            "scorecards": [card.model_dump(mode="json") for card in cards],
        }
        (folder / SCORECARDS_FILE).write_text(
            json.dumps(rated, indent=2, ensure_ascii=False) + "\n", "utf-8"
        )
        if workdir is not None:
            with tarfile.open(target, "w:gz") as archive:
                archive.add(folder, arcname=folder.name)
        progress(2 * last, 2 * last)
    except BaseException:
        if workdir is None:
            shutil.rmtree(folder, ignore_errors=True)
        else:
            target.unlink(missing_ok=True)
        raise
    finally:
        if workdir is not None:
            shutil.rmtree(workdir, ignore_errors=True)
    log.info("log exported", path=str(target), events=exported, problems=len(problems))
    return ExportResult(
        path=str(target),
        events=exported,
        digest=digest,
        kpis=execution,
        problems=problems,
    )
