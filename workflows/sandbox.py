"""The workflow sandbox as trainops runs it: workers and replayers must use the same one.

``holidays`` (and ``dateutil``, which it imports) read the clock while being imported, which
the sandbox forbids. Their data is deterministic for a given release, so they pass through.
``cryptography`` (Ed25519 checks of actor assertions in update validators) is a native
extension that imports its exception classes lazily; re-importing it in the sandbox breaks that.
"""

from __future__ import annotations

from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

PASSTHROUGH_MODULES = ("holidays", "dateutil", "cryptography")


def sandbox_runner() -> SandboxedWorkflowRunner:
    return SandboxedWorkflowRunner(
        restrictions=SandboxRestrictions.default.with_passthrough_modules(*PASSTHROUGH_MODULES)
    )
