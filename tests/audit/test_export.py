"""The export bundle verifies with docs/auditing.md's standalone script (stdlib only), which also
catches tampering; its scorecards equal the live KPI report."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from sqlalchemy import text

from audit.digest import Digest, save_digest
from audit.export import HASH_FORMULA, export_bundle
from audit.verify import verify_audit
from projections import queries
from projections.kpi_queries import kpi_report
from services.database import Database
from tests.audit.conftest import Live
from tests.eventlog.support import tamper
from tests.projections.history import generate
from trainops.render import kpi_json

DOCS = Path(__file__).resolve().parents[2] / "docs"


def doc_script() -> str:
    """The standalone bundle check, exactly as docs/auditing.md shows it."""
    doc = (DOCS / "auditing.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", doc, re.S)
    [script] = [b for b in blocks if "events.jsonl" in b and "sha256" in b]
    return str(script)


def run_script(tmp_path: Path, *args: Path) -> subprocess.CompletedProcess[str]:
    script = tmp_path / "verify_bundle.py"
    script.write_text(doc_script(), encoding="utf-8")
    return subprocess.run(
        [sys.executable, "-I", str(script), *map(str, args)],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )


def test_the_event_log_doc_formula_is_the_bundles() -> None:
    doc = (DOCS / "event-log.md").read_text(encoding="utf-8")
    section = doc[doc.index("## Hash formula") :]
    block = re.search(r"```\n(.*?)```", section, re.S)
    assert block is not None and block.group(1) == HASH_FORMULA


def test_the_demo_export_verifies_with_the_doc_script(demo: Database, tmp_path: Path) -> None:
    # A digest the auditor kept when the log was at position 100; it has grown since.
    [then] = demo.store.read_page(99, 1)
    earlier = tmp_path / "my-digest.json"
    save_digest(Digest(position=100, hash=then.hash, taken_at=then.recorded_at), earlier)
    head = demo.store.head()
    assert head[0] > 100

    bundle = tmp_path / "demo-audit.tar.gz"
    result = export_bundle(demo.store, bundle)
    assert (result.events, result.problems) == (head[0], [])
    assert (result.digest.position, result.digest.hash) == head

    checked = run_script(tmp_path, bundle, earlier)
    assert checked.returncode == 0, checked.stderr
    assert checked.stdout.strip() == f"{head[0]} events verified, head {head[1]}"

    with tarfile.open(bundle) as archive:
        names = sorted(m.name for m in archive.getmembers() if m.isfile())
        assert names == [
            f"demo-audit/{n}"
            for n in (
                "HASH_FORMULA",
                "digest.json",
                "events.jsonl",
                "keys.json",
                "kpis.json",
                "proofs.json",
                "scorecards.json",
            )
        ]

        def read(name: str) -> bytes:
            member = archive.extractfile(f"demo-audit/{name}")
            assert member is not None
            return member.read()

        kpis = json.loads(read("kpis.json"))
        rated = json.loads(read("scorecards.json"))
        digest = Digest.model_validate_json(read("digest.json"))
        assert read("HASH_FORMULA").decode() == HASH_FORMULA
    assert kpis["position"] == head[0]
    assert kpis["scorecards"] == kpi_json(queries.execution_report(demo.engine))
    assert kpis["scorecards"] and all(
        k["plan_completion_rate"]["denominator"] for k in kpis["scorecards"]
    )
    assert verify_audit(demo.store, digests=[digest]).ok  # the bundle's digest is a digest
    # Every KPI, rated, equal to the live report's cards (the demo's live read models).
    live_cards = [c.model_dump(mode="json") for c in kpi_report(demo.engine)]
    assert rated["position"] == head[0] and rated["scorecards"] == live_cards
    assert any(k["rating"] for card in rated["scorecards"] for k in card["kpis"])


def test_the_script_catches_a_doctored_bundle(demo: Database, tmp_path: Path) -> None:
    folder = tmp_path / "bundle"
    export_bundle(demo.store, folder, up_to=60)
    assert run_script(tmp_path, folder).returncode == 0

    events = folder / "events.jsonl"
    lines = events.read_text(encoding="utf-8").splitlines(keepends=True)
    original = list(lines)
    row = json.loads(lines[41])
    row["metadata"]["actor"] = "mallory"
    lines[41] = json.dumps(row, sort_keys=True, separators=(",", ":"), ensure_ascii=False) + "\n"
    events.write_text("".join(lines), encoding="utf-8")
    doctored = run_script(tmp_path, folder)
    assert doctored.returncode == 1 and "event at position 42 altered" in doctored.stderr

    events.write_text("".join(original[:30] + original[31:]), encoding="utf-8")
    assert "position 31 missing" in run_script(tmp_path, folder).stderr

    events.write_text("".join(original[:-1]), encoding="utf-8")
    assert "do not end at digest.json" in run_script(tmp_path, folder).stderr

    events.write_text("".join(original), encoding="utf-8")
    other = tmp_path / "other-digest.json"
    other.write_text(json.dumps({"position": 50, "hash": "0" * 64}), encoding="utf-8")
    assert (
        "no longer extends your digest at position 50" in run_script(tmp_path, folder, other).stderr
    )


def test_export_on_both_databases_and_of_a_tampered_log(live: Live, tmp_path: Path) -> None:
    generate(live.store, programs=3)
    live.projector.catch_up()
    first = tmp_path / "clean"
    result = export_bundle(live.store, first)
    assert result.problems == [] and result.kpis == queries.execution_report(live.engine)
    assert run_script(tmp_path, first).returncode == 0

    tamper(live.engine, text("DELETE FROM events WHERE position = 7"))
    tampered = tmp_path / "tampered.tgz"
    result = export_bundle(live.store, tampered)
    assert [(p.kind, p.position) for p in result.problems][:1] == [("missing", 7)]
    assert "position 7 missing" in run_script(tmp_path, tampered).stderr

    with pytest.raises(FileExistsError):
        export_bundle(live.store, first)
