"""How long-running audit work reports progress without knowing who is watching."""

from __future__ import annotations

from collections.abc import Callable

#: ``progress(done, total)``: called now and then with events done so far and the total if known.
Progress = Callable[[int, int | None], None]


def no_progress(done: int, total: int | None) -> None:
    """The default: nobody is watching."""


#: Report progress every this many events: often enough for a bar, rarely enough to be free.
EVERY = 1000
