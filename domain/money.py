"""Money as people read it: two decimals, rounded half up (1200.5 -> 1200.50, a cost per
trainee of 300.125 -> 300.13), the same on every page, in the inbox and in the command line."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def in_cents(amount: Decimal) -> str:
    """``amount`` with its two decimals."""
    return str(amount.quantize(CENT, ROUND_HALF_UP))
