"""Sign-in throttling: after repeated failures, an account (and the address trying it) waits.

An account waits after ``max_failures`` (5) in the window; an address (``ip:…`` keys) only after
``max_address_failures`` (50): a whole office behind one NAT shares an address, and five typos
there must not lock everyone else out, while one address guessing across many accounts is still
stopped. A successful sign-in clears the account's count, never the address's.

In memory, per API process: enough to stop password guessing through the form; a deployment
with several API replicas gets one budget per replica. The memory is bounded: keys whose failures
have all left the window are dropped once ``max_keys`` is reached (made-up usernames would
otherwise pile up for ever), and if every key is still recent the oldest-inserted goes.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

#: The prefix of an address's key (``api.dependencies.client_key``).
ADDRESS = "ip:"


@dataclass
class SignInThrottle:
    max_failures: int = 5
    max_address_failures: int = 50
    window_seconds: float = 15 * 60
    max_keys: int = 100_000
    clock: Callable[[], float] = time.monotonic
    _failures: dict[str, deque[float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def wait_seconds(self, *keys: str) -> float:
        """How long any of ``keys`` must still wait (0: it may try now)."""
        now = self.clock()
        with self._lock:
            waits = [self._wait(key, now) for key in keys]
        return max(waits, default=0.0)

    def failed(self, *keys: str) -> None:
        now = self.clock()
        with self._lock:
            for key in keys:
                if key not in self._failures and len(self._failures) >= self.max_keys:
                    self._make_room(now)
                limit = self._limit(key)
                self._failures.setdefault(key, deque(maxlen=limit)).append(now)

    def succeeded(self, *keys: str) -> None:
        with self._lock:
            for key in keys:
                if not key.startswith(ADDRESS):
                    self._failures.pop(key, None)

    def _make_room(self, now: float) -> None:
        """Drop the keys with no failure left in the window; if none, the oldest-inserted."""
        expired = [
            k for k, times in self._failures.items() if times[-1] + self.window_seconds <= now
        ]
        for key in expired:
            del self._failures[key]
        if len(self._failures) >= self.max_keys:
            del self._failures[next(iter(self._failures))]

    def _limit(self, key: str) -> int:
        return self.max_address_failures if key.startswith(ADDRESS) else self.max_failures

    def _wait(self, key: str, now: float) -> float:
        recent = self._failures.get(key)
        if recent is None or len(recent) < self._limit(key):
            return 0.0
        return max(0.0, recent[0] + self.window_seconds - now)
