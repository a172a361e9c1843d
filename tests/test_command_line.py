"""What a new user does: start the embedded stack, create the first admin with the setup code,
sign in, drive a program from the shell as the people it belongs to, read the KPIs. Nobody can
act in someone else's name: not with `--as`, not without a token, not through Temporal."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from runtime.temporal_bins import dev_server_path
from tests.embedded_stack import PASSWORD, person, trainops


def test_a_program_from_the_shell(stack: dict[str, str], tmp_path: Path) -> None:
    env = stack
    setup = ["setup", "--username", "admin", "--password-stdin", "--code"]
    assert "wrong or expired setup code" in trainops(
        env, *setup, "not-the-code", stdin=PASSWORD + "\n", ok=False, code=3
    )
    piped = ["setup", "--username", "admin", "--code", env["SETUP_CODE"]]  # no --password-stdin
    said = trainops(env, *piped, stdin=PASSWORD + "\n", ok=False, code=2)
    assert "add --password-stdin" in said and "Warning" not in said  # never getpass's echo warning
    trainops(env, *setup, env["SETUP_CODE"], stdin=PASSWORD + "\n")
    assert "has an admin already" in trainops(
        env, *setup, env["SETUP_CODE"], stdin=PASSWORD + "\n", ok=False, code=3
    )  # the code works once, and only while there is no admin
    admin = person(env, tmp_path, "admin")
    for name, roles in (
        ("li", ["specialist", "approver"]),
        ("wang", ["approver"]),
        ("e1", ["trainee"]),  # a plan names only known people
        ("e2", ["trainee"]),
    ):
        flags = [flag for role in roles for flag in ("--role", role)]
        trainops(admin, "users", "create", name, *flags, "--password-stdin", stdin=PASSWORD)
    li, wang = person(env, tmp_path, "li"), person(env, tmp_path, "wang")
    assert "li (approver, specialist)" in trainops(li, "whoami")

    create = [
        "program", "create", "--id", "cli-1", "--title", "Safety", "--approver", "wang",
        "--planned-date", "2099-01-20", "--session", "s1@2099-01-15T09:30/3",
        "--trainee", "e1", "--trainee", "e2", "--timezone", "Asia/Shanghai",
    ]  # fmt: skip
    created = json.loads(trainops(li, *create, "--json"))
    assert created["events"] == ["ProgramPlanned"]
    assert "already exists" in trainops(li, *create, ok=False, code=3)
    # What only the plan named can be revised: its approvers, department, budget (issue 16).
    revise = ["program", "revise", "cli-1", "--department", "HR", "--budget", "1200.50"]
    assert "approver of their own program" in trainops(li, *revise, "--approver", "li", ok=False)
    trainops(li, *revise, "--approver", "wang")
    plan = json.loads(trainops(li, "program", "show", "cli-1", "--json"))["plan"]
    assert (plan["department"], plan["budget"], plan["approvers"]) == ("HR", "1200.50", ["wang"])
    assert (plan["planned_trainees"], plan["cost_per_trainee"]) == (2, "600.25")
    shown = trainops(li, "program", "show", "cli-1")
    assert "600.25" in shown and "2099-01-15 09:30" in shown
    # An id is sent as typed: a space or "?" is a malformed id (exit 2), never "cannot reach".
    assert "program_id" in trainops(li, "program", "show", "a b?c", ok=False, code=2)
    assert "no program 'no-such'" in trainops(li, "program", "show", "no-such", ok=False, code=4)
    # No door without a proven actor: no token, `--as`, a raw Temporal update.
    assert "not signed in" in trainops(env, "program", "submit", "cli-1", ok=False, code=3)
    assert "No such option" in trainops(li, "program", "submit", "cli-1", "--as", "wang", ok=False)
    raw = subprocess.run(
        [str(dev_server_path()), "workflow", "update", "execute",
         "--address", env["TRAINOPS_TEMPORAL_ADDRESS"], "--workflow-id", "cli-1", "--name", "act",
         "--input", '{"kind": "submit", "actor": "li"}'],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert raw.returncode != 0 and "no actor assertion" in raw.stdout + raw.stderr

    trainops(li, "program", "submit", "cli-1")
    assert "four-eyes" in trainops(li, "program", "approve", "cli-1", ok=False, code=3)
    assert "reason" in trainops(
        wang, "program", "reject", "cli-1", "--reason", "", ok=False, code=2
    )
    inbox = json.loads(trainops(wang, "inbox", "--json"))
    assert [t["program_id"] for t in inbox] == ["cli-1"]
    approved = json.loads(
        trainops(wang, "program", "approve", "cli-1", "--comment", "ok", "--json")
    )
    assert approved["status"] == "approved"
    trainops(li, "program", "publish", "cli-1")
    assert json.loads(trainops(wang, "inbox", "--json")) == []
    assert trainops(wang, "inbox").strip() == "no open tasks: your inbox is empty"
    header = trainops(wang, "inbox", "-o", "csv").splitlines()[0]
    assert header.startswith("task_id,person,relation,program_id")  # the same as with tasks
    shown = json.loads(trainops(li, "program", "show", "cli-1", "--json"))
    assert shown["program"]["status"] == "published" and shown["program"]["enrolled"] == 2
    actors = {entry["event_type"]: entry["actor"] for entry in shown["timeline"]}
    assert actors["ApprovalGranted"] == "wang" and actors["ProgramPublished"] == "li"
    assert shown["people_listed"] is True and shown["timeline_older"] is None
    positions = [entry["position"] for entry in shown["timeline"]]
    before = str(positions[2])
    older = json.loads(trainops(li, "program", "show", "cli-1", "--before", before, "--json"))
    assert [e["position"] for e in older["timeline"]] == positions[:2]  # only lines before it
    # Its people a page at a time: the next page's start said beside the rows, not among them.
    page = json.loads(trainops(li, "program", "trainees", "cli-1", "--json"))
    assert [(r["trainee"], r["enrolled"]) for r in page["trainees"]] == [("e1", True), ("e2", True)]
    first = trainops(li, "program", "trainees", "cli-1", "--limit", "1")
    assert "e1" in first and "e2" not in first and "--after e1" in first
    assert "e2" in trainops(li, "program", "trainees", "cli-1", "--after", "e1", "-o", "csv")
    assert "--limit" in trainops(li, "program", "trainees", "cli-1", "--limit", "0", ok=False)

    local = {**env, "TRAINOPS_CREDENTIALS_FILE": str(tmp_path / "none.json")}
    # Reads go through the API too: the database's address alone reads nothing.
    assert "run `trainops login`" in trainops(local, "kpi", "report", ok=False, code=3)
    assert "needs the auditor role" in trainops(li, "audit", "proofs", ok=False, code=3)
    kpis = json.loads(trainops(admin, "kpi", "report", "--json"))
    assert kpis["scorecards"]
    assert "log intact" in trainops(local, "log", "verify")  # the operator's direct check
    trainops(admin, "users", "create", "zhao", "--role", "auditor", "--password-stdin",
             stdin=PASSWORD)  # fmt: skip
    proofs = json.loads(trainops(person(env, tmp_path, "zhao"), "audit", "proofs", "--json"))
    assert proofs["problems"] == [] and proofs["proven_actions"] >= 5

    trainops(wang, "logout")
    assert not Path(wang["TRAINOPS_CREDENTIALS_FILE"]).exists()
    token = json.loads(Path(li["TRAINOPS_CREDENTIALS_FILE"]).read_text())["token"]
    trainops(li, "logout")
    revoked = {**local, "TRAINOPS_TOKEN": token}
    refused = trainops(revoked, "whoami", ok=False, code=3)
    assert "your sign-in was refused" in refused
    assert "sign in again with `trainops login`" in refused
