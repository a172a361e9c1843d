"""Errors an append can end with; each message says what happened and what to do."""


class EventLogError(Exception):
    """Base of every refusal by the event log; nothing was written."""


class StreamVersionConflict(EventLogError):
    def __init__(self, stream_id: str, expected: int, actual: int) -> None:
        self.stream_id, self.expected, self.actual = stream_id, expected, actual
        super().__init__(
            f"stream {stream_id!r} is at version {actual}, not the expected {expected}: "
            "another writer appended first; reload the stream and decide again"
        )


class DuplicateEventError(EventLogError):
    """Some, not all, of a batch's event ids are already in the log: a client bug, not a retry."""
