"""An auditor checks, without trusting the server, that every person's action was proven: with
`trainops audit proofs` and with the standalone script on an exported bundle."""

from __future__ import annotations

import json
import subprocess
import sys
import tarfile
from pathlib import Path
from uuid import uuid4

from audit.proofs import check_proofs
from eventlog import RecordedEvent
from services.audit_export import KEYS_FILE, export_bundle
from services.audit_texts import audit_detail
from services.database import Database

SCRIPT = Path(__file__).resolve().parents[2] / "docs" / "verify_proofs.py"


def run_script(bundle: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), str(bundle)], capture_output=True, text=True, check=False
    )


def test_every_action_of_the_demo_is_proven(demo: Database) -> None:
    report = check_proofs(demo.store.read_all())
    assert report.ok, report.problems[:3]
    assert len(report.keys) == 1
    assert report.proven_actions > 50
    program_events = [r for r in demo.store.read_all() if r.stream_id.startswith("program-")]
    people = [r for r in program_events if r.metadata["role"] != "system"]
    assert report.proven_events == len(people)


def _doctor(rows: list[RecordedEvent], position: int, change: dict[str, object]) -> None:
    index = next(i for i, r in enumerate(rows) if r.position == position)
    row = rows[index]
    rows[index] = row._replace(metadata={**row.metadata, **change})


def test_the_checker_names_forged_relabelled_and_missing_proofs(demo: Database) -> None:
    rows = list(demo.store.read_all())
    carriers = [r for r in rows if "proof" in r.metadata]
    approve = next(r for r in carriers if r.metadata["proof"]["command"].get("kind") == "approve")
    plan = next(r for r in carriers if "kind" not in r.metadata["proof"]["command"])
    follower = next(r for r in rows if "proved_by" in r.metadata)
    # An approval relabelled as someone else's; a plan whose kept content was changed; an
    # action whose proof was stripped; a follower pointing at a proof of another action.
    _doctor(rows, approve.position, {"actor": "intruder"})
    forged = json.loads(json.dumps(plan.metadata["proof"]))
    forged["command"]["title"] = "Something else"
    _doctor(rows, plan.position, {"proof": forged})
    stripped = next(r for r in carriers if r.position not in (approve.position, plan.position))
    _doctor(rows, stripped.position, {"proof": None})
    rows = [
        r._replace(metadata={k: v for k, v in r.metadata.items() if v is not None}) for r in rows
    ]
    _doctor(rows, follower.position, {"proved_by": str(uuid4())})
    problems = check_proofs(rows).problems
    found = {(p.position, p.kind, p.detail) for p in problems}
    for problem in problems:  # said in Chinese too (issue 16)
        assert audit_detail(problem.detail, "zh-CN") != problem.detail, problem.detail
    assert (approve.position, "bad_proof", "signed for another actor") in found
    assert (plan.position, "bad_proof", "the kept command is not what was signed") in found
    assert any(p == stripped.position and k == "unproven" for p, k, _ in found)
    assert any(p == follower.position and k == "bad_proof" for p, k, _ in found)


def test_the_standalone_script_verifies_the_bundle_and_catches_a_forgery(
    demo: Database, tmp_path: Path
) -> None:
    bundle = tmp_path / "bundle"
    export_bundle(demo.store, bundle)
    keys = json.loads((bundle / KEYS_FILE).read_text())
    assert keys["algorithm"] == "ed25519" and len(keys["keys"]) == 1
    clean = run_script(bundle)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert " 0 failure(s)" in clean.stdout

    lines = (bundle / "events.jsonl").read_text(encoding="utf-8").splitlines()
    for index, line in enumerate(lines):
        row = json.loads(line)
        proof = row["metadata"].get("proof")
        if proof and proof["command"].get("kind") == "approve":
            proof["command"]["comment"] = "approved, and the budget doubled"
            lines[index] = json.dumps(row, sort_keys=True, separators=(",", ":"))
            position = row["position"]
            break
    (bundle / "events.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    doctored = run_script(bundle)
    assert doctored.returncode == 1
    assert f"{position}: the proof does not match its event (content)" in doctored.stdout


def test_the_standalone_script_reads_the_downloaded_archive_too(
    demo: Database, tmp_path: Path
) -> None:
    """The .tar.gz as `trainops audit export x.tar.gz` saves it; anything else is one line."""
    bundle = tmp_path / "bundle"
    export_bundle(demo.store, bundle)
    archive = tmp_path / "bundle.tar.gz"
    with tarfile.open(archive, "w:gz") as out:
        out.add(bundle, arcname="trainops-export")
    from_archive = run_script(archive)
    assert from_archive.returncode == 0, from_archive.stdout + from_archive.stderr
    assert from_archive.stdout == run_script(bundle).stdout
    (tmp_path / "notes.txt").write_text("not a bundle", encoding="utf-8")
    wrong = run_script(tmp_path / "notes.txt")
    assert wrong.returncode == 1 and wrong.stderr.startswith("cannot read the bundle:")
    assert "Traceback" not in wrong.stderr


def _migrated(rows: list[RecordedEvent]) -> RecordedEvent:
    """A program event as ``data migrate`` records it after the first key: another system's
    history, role ``migration``, with the file's name and hash and no proof."""
    planned = next(r for r in rows if r.event_type == "ProgramPlanned")
    metadata = {"actor": "migration", "role": "migration", "source": "old.csv", "sha256": "ab"}
    return planned._replace(
        position=rows[-1].position + 1,
        stream_id="program-migrated-1",
        event_id=uuid4(),
        metadata=metadata,
    )


def test_migrated_history_rests_on_the_operators_word(demo: Database, tmp_path: Path) -> None:
    """Issue 16: after `data migrate`, every migrated event was "a person's action without a
    proof", in `audit proofs` and in the standalone script alike."""
    rows = list(demo.store.read_all())
    rows.append(_migrated(rows))
    report = check_proofs(rows)
    assert report.ok, report.problems[:3]
    assert report.unproven["migration"] == 1
    bundle = tmp_path / "bundle"
    export_bundle(demo.store, bundle)
    events = bundle / "events.jsonl"
    extra = rows[-1]
    line = {
        "position": extra.position,
        "stream_id": extra.stream_id,
        "event_type": extra.event_type,
        "metadata": extra.metadata,
        "payload": extra.payload,
    }
    with events.open("a", encoding="utf-8") as out:
        out.write(json.dumps(line) + "\n")
    checked = run_script(bundle)
    assert checked.returncode == 0, checked.stdout + checked.stderr
