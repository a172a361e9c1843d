"""Exact numbers for KPIs: ratings compare exact values, never binary floating point.

A stored or typed number is taken as the decimal a person meant: ``4.6`` is 46/10, not the
binary double nearest to it (``Fraction(4.6)`` would be 5179139571476070/1125899906842624). So
a 4.6 average on a 1-5 scale is exactly 90 % and rates *excellent* at a 90 threshold. Rates are
exact fractions of counts, money is ``Decimal``. Floats remain for display and for interval
estimates (which are approximations by nature).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache

Number = int | float | Decimal | Fraction


def exact(value: Number) -> Fraction:
    """``value`` as the exact fraction a person meant (floats by their shortest decimal)."""
    if type(value) is float and math.isfinite(value):  # the common case first: a score
        return _shortest(value)
    if isinstance(value, Fraction):
        return value
    if isinstance(value, bool):
        raise TypeError("a truth value is not a number")
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{value} is not a finite number")
        return _shortest(value)
    return Fraction(value)


@lru_cache(maxsize=1 << 16)
def _shortest(value: float) -> Fraction:
    """Scores repeat (a 0-100 scale has few values): parse each decimal once."""
    return Fraction(repr(value))


def exact_sum(values: Iterable[Fraction]) -> Fraction:
    """The exact sum, over a common denominator: the same value as adding the fractions one
    by one, without reducing after every addition (KPI means add thousands of scores)."""
    terms = list(values)
    if not terms:
        return Fraction(0)
    common = math.lcm(*{v.denominator for v in terms})
    return Fraction(sum(v.numerator * (common // v.denominator) for v in terms), common)


def text(value: Fraction) -> str:
    """The exact value as text: a decimal when it terminates (``0.9``, ``90``), else the
    reduced fraction (``2/3``), so a reader can recompute it without rounding."""
    twos = fives = 0
    rest = value.denominator
    while rest % 2 == 0:
        rest, twos = rest // 2, twos + 1
    while rest % 5 == 0:
        rest, fives = rest // 5, fives + 1
    if rest != 1:
        return f"{value.numerator}/{value.denominator}"
    places = max(twos, fives)
    scaled = abs(value.numerator) * 10**places // value.denominator
    sign = "-" if value < 0 else ""
    whole, fraction = divmod(scaled, 10**places) if places else (scaled, 0)
    if not places:
        return f"{sign}{whole}"
    return f"{sign}{whole}.{fraction:0{places}d}".rstrip("0").rstrip(".")
