"""The sealing activity: verify the log, seal its head with the seal key, hand the seals to
every witness. Idempotent: a retry finds nothing new to seal and re-syncs the witnesses, so a
seal taken by an attempt whose witness push failed is witnessed by the next attempt."""

from __future__ import annotations

from collections.abc import Sequence

import structlog
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.contracts import LOG_NOT_INTACT, SEAL_LOG, SealLogOutput
from audit.digest import SealSigner, read_seals
from audit.verify import LogNotIntact, seal_log
from audit.witness import Witness, sync_witnesses
from eventlog import EventStore

log = structlog.get_logger(__name__)


class LogSealer:
    """Seals one log with one key, for the schedule's workflow and for ``trainops audit seal``."""

    def __init__(
        self,
        store: EventStore,
        signer: SealSigner,
        witnesses: Sequence[Witness] = (),
        *,
        min_new_events: int = 1,
    ) -> None:
        self.store = store
        self.signer = signer
        self.witnesses = list(witnesses)
        self.min_new_events = min_new_events

    def seal_once(self, min_new_events: int | None = None) -> SealLogOutput:
        """Seal (when enough is new) and sync the witnesses; ``LogNotIntact`` if the log does
        not verify, ``WitnessError`` if a witness failed (after the others were synced)."""
        wanted = self.min_new_events if min_new_events is None else min_new_events
        sealed = seal_log(self.store, min_new_events=wanted, signer=self.signer)
        witnessed = sync_witnesses(self.witnesses, list(read_seals(self.store.engine)))
        return SealLogOutput(
            seq=sealed.seq if sealed else None,
            position=sealed.position if sealed else None,
            witnessed=witnessed,
        )

    @activity.defn(name=SEAL_LOG)
    def seal_log(self) -> SealLogOutput:
        try:
            return self.seal_once()
        except LogNotIntact as exc:
            log.error("log not sealed: it does not verify", error=str(exc))
            raise ApplicationError(str(exc), type=LOG_NOT_INTACT, non_retryable=True) from exc
