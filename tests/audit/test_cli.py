"""``trainops audit`` end to end on the demo's database, through the real API: exit codes, who
may run it, and machine-readable output on stdout (logs go to stderr)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from services.database import Database
from services.signing import load_signer
from tests.api.live import LiveApi, cli_signed_in
from tests.eventlog.support import tamper
from trainops.audit_cli import audit_app


@pytest.fixture
def server(demo: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[LiveApi]:
    """The demo behind a live API with a seal key; the command line signed in as an auditor
    (and nothing else: no database URL, no credentials file)."""
    key = tmp_path / "seal-key.pem"
    load_signer(None, key, create=True)
    monkeypatch.setenv("TRAINOPS_SEAL_KEY_FILE", str(key))
    monkeypatch.setenv("TRAINOPS_WITNESS_DIR", "")
    monkeypatch.setenv("TRAINOPS_DATABASE_URL", "sqlite:///" + str(tmp_path / "not-this.db"))
    with cli_signed_in(demo, monkeypatch, tmp_path, "aud", ["auditor"]) as live:
        yield live


@pytest.fixture
def cli(server: LiveApi) -> CliRunner:
    return CliRunner()


def test_verify_digest_seal_and_verify_again(
    cli: CliRunner, demo: Database, tmp_path: Path
) -> None:
    verified = cli.invoke(audit_app, ["verify", "--json"])
    assert verified.exit_code == 0, verified.output
    assert json.loads(verified.stdout)["ok"] is True

    digest_file = tmp_path / "digest.json"
    taken = cli.invoke(audit_app, ["digest", "--output", str(digest_file)])
    assert taken.exit_code == 0, taken.output
    assert json.loads(taken.stdout)["position"] == demo.store.head()[0]
    assert cli.invoke(audit_app, ["seal"]).exit_code == 0
    seals = json.loads(cli.invoke(audit_app, ["seals", "--json"]).stdout)
    assert [s["seq"] for s in seals] == [1]
    # an 80-column terminal: the hashes whole, to compare with a witness's copy (issue 16:
    # they were shortened to 12 characters), never cut; the instant labelled
    table = cli.invoke(audit_app, ["seals"], terminal_width=80)
    assert table.exit_code == 0, table.output
    words = table.stdout.split()
    assert seals[0]["hash"] in words and seals[0]["seal_hash"] in words, table.stdout
    assert " UTC" in table.stdout and "…" not in table.stdout

    tamper(demo.engine, text('UPDATE events SET metadata = \'{"actor": "x"}\' WHERE position = 12'))
    broken = cli.invoke(audit_app, ["verify", "--digest", str(digest_file)])
    assert broken.exit_code == 1
    assert "altered at position 12" in broken.stdout


def test_replay_history_and_export(cli: CliRunner, demo: Database, tmp_path: Path) -> None:
    replay = cli.invoke(audit_app, ["replay", "--json"])
    assert replay.exit_code == 0, replay.output
    assert json.loads(replay.stdout)["ok"] is True

    as_of = cli.invoke(audit_app, ["replay", "--as-of-position", "50", "--json"])
    assert as_of.exit_code == 0, as_of.output
    assert json.loads(as_of.stdout)["position"] == 50

    bad = cli.invoke(audit_app, ["replay", "--as-of", "2027-01-15T09:00"])
    assert bad.exit_code == 2 and "UTC offset" in bad.stderr

    history = cli.invoke(audit_app, ["history", "--program", "2027Q1-02", "--format", "jsonl"])
    assert history.exit_code == 0, history.output
    lines = [json.loads(line) for line in history.stdout.splitlines()]
    assert lines and {line["program_id"] for line in lines} == {"2027Q1-02"}

    exported = cli.invoke(audit_app, ["export", str(tmp_path / "bundle.tar.gz")])
    assert exported.exit_code == 0, exported.output
    assert (tmp_path / "bundle.tar.gz").stat().st_size > 0

    nowhere = tmp_path / "no" / "such" / "bundle.tar.gz"
    refused = cli.invoke(audit_app, ["export", str(nowhere)])
    assert refused.exit_code == 2 and "no such directory" in refused.stderr, refused.output
    assert "Traceback" not in refused.output and not nowhere.parent.exists()


@pytest.mark.parametrize("role", ["trainee", "specialist"])
def test_only_auditors_read_the_history(
    cli: CliRunner, server: LiveApi, monkeypatch: pytest.MonkeyPatch, role: str
) -> None:
    server.users.create_user("someone", "a long enough password", [role])
    monkeypatch.setenv("TRAINOPS_TOKEN", server.users.issue_token("someone", "cli")[1])
    refused = cli.invoke(audit_app, ["history", "--format", "jsonl"])
    assert refused.exit_code == 3, refused.output
    assert f"reading the history needs the auditor role; someone has: {role}" in refused.stderr
    assert refused.stdout == "" and "Traceback" not in refused.output
    seal = cli.invoke(audit_app, ["seal"])
    assert seal.exit_code == 3 and "sealing the log needs" in seal.stderr


def test_no_token_no_audit(cli: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TRAINOPS_TOKEN")
    refused = cli.invoke(audit_app, ["verify"])
    assert refused.exit_code == 3 and "not signed in: run `trainops login`" in refused.stderr


def test_history_formats_and_proofs(cli: CliRunner, tmp_path: Path) -> None:
    table = cli.invoke(audit_app, ["history", "--program", "2027Q1-02", "--limit", "3"])
    assert table.exit_code == 0 and "history (3 events)" in table.stdout
    out = tmp_path / "h.csv"
    written = cli.invoke(audit_app, ["history", "--format", "csv", "--output", str(out)])
    assert written.exit_code == 0, written.output
    rows = out.read_text(encoding="utf-8").splitlines()
    assert rows[0].startswith("position") and f"{len(rows) - 1} events" in written.stderr
    bad = cli.invoke(audit_app, ["history", "--since", "yesterday"])
    assert bad.exit_code == 2 and "not an ISO time" in bad.stderr
    proofs = cli.invoke(audit_app, ["proofs", "--json"])
    assert proofs.exit_code == 0, proofs.output
    assert json.loads(proofs.stdout)["problems"] == []
    unpacked = tmp_path / "bundle"
    exported = cli.invoke(audit_app, ["export", str(unpacked), "--up-to", "20"])
    assert exported.exit_code == 0, exported.output
    assert "exported 20 events" in exported.stdout
    assert json.loads((unpacked / "digest.json").read_text())["position"] == 20
    again = cli.invoke(audit_app, ["export", str(unpacked)])
    assert again.exit_code == 2 and "exists" in again.stderr


def test_a_mistyped_filter_is_said_never_an_empty_history(cli: CliRunner) -> None:
    """An auditor who mistypes an event type or a program id must not conclude that nothing
    happened: exit 2 (bad input) or 4 (not found), with the reason, and no table."""
    bogus_type = cli.invoke(audit_app, ["history", "--type", "Bogus"])
    assert bogus_type.exit_code == 2, bogus_type.output
    assert "unknown event type 'Bogus'" in bogus_type.stderr and bogus_type.stdout == ""
    no_program = cli.invoke(audit_app, ["history", "--program", "nope"])
    assert no_program.exit_code == 4, no_program.output
    assert "no program 'nope'" in no_program.stderr
    replayed = cli.invoke(audit_app, ["workflows", "--program", "nope"])
    assert replayed.exit_code == 4, replayed.output
    assert "no program 'nope'" in replayed.stderr and "runs replayed" not in replayed.stdout


@pytest.mark.parametrize("command", [["digest"], ["history", "--format", "csv"]])
def test_a_saved_digest_or_history_never_overwrites_a_file(
    command: list[str], tmp_path: Path
) -> None:
    """What an auditor saved before is evidence: refused before the server is asked."""
    kept = tmp_path / "kept.json"
    kept.write_text("an earlier digest\n", encoding="utf-8")
    result = CliRunner().invoke(audit_app, [*command, "--output", str(kept)])
    assert result.exit_code == 2, result.output
    assert "exists; it is not overwritten" in result.stderr
    assert kept.read_text(encoding="utf-8") == "an earlier digest\n"


def test_history_as_json_is_the_tables_events(cli: CliRunner) -> None:
    """``--json`` on every command that answers: the table's events as one array."""
    result = cli.invoke(audit_app, ["history", "--limit", "3", "--json"])
    assert result.exit_code == 0, result.output
    events = json.loads(result.stdout)
    assert len(events) == 3 and {"position", "event_type", "actor", "hash"} <= set(events[0])
    both = cli.invoke(audit_app, ["history", "--json", "--format", "csv"])
    assert both.exit_code == 2 and "--json prints to stdout" in both.stderr
