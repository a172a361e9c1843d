"""Interval estimates behind the evaluation KPIs: Wilson, mean with a t interval, and
difference-in-differences with its standard error, interval, p-value and effect size.

Every estimate keeps its sample sizes, and an estimate the data cannot support is not made:
the functions return a ``Refusal`` that says why instead of a number. The quantiles come from
``scipy.special`` (the Student t and normal distributions), never from a hand-rolled table.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from fractions import Fraction
from functools import lru_cache

from pydantic import BaseModel, ConfigDict

from domain.exact import Number, exact, exact_sum

#: Fewest observations per cell of a difference-in-differences (pre/post x trained/control).
MIN_DID_CELL = 2
#: Fewest people per group (trained, control) before an effect is reported at all.
MIN_DID_GROUP = 5


class Refusal(BaseModel):
    """No number: the data cannot support one, and ``reason`` says why."""

    model_config = ConfigDict(frozen=True)

    reason: str


class Interval(BaseModel):
    model_config = ConfigDict(frozen=True)

    low: float
    high: float
    confidence: float = 0.95

    def within(self, bottom: float, top: float) -> Interval:
        """The interval cut to a scale's ends: a mean of scores on 0-100 cannot be above 100,
        however few and spread the scores (the t interval is symmetric and knows no scale)."""
        return self.model_copy(update={"low": max(self.low, bottom), "high": min(self.high, top)})


class Proportion(BaseModel):
    """A rate with its sample and its Wilson score interval (None when nothing was counted)."""

    model_config = ConfigDict(frozen=True)

    successes: int
    n: int
    interval: Interval | None

    @property
    def value(self) -> float | None:
        return None if self.n == 0 else self.successes / self.n


class MeanEstimate(BaseModel):
    """A sample mean with its t interval; no interval for fewer than two observations.
    ``exact_mean`` is the mean of the values as typed (``domain.exact``): ratings use it."""

    model_config = ConfigDict(frozen=True)

    n: int
    mean: float | None
    sd: float | None
    interval: Interval | None
    exact_mean: Fraction | None = None


class DidEstimate(BaseModel):
    """Difference in differences: (trained post - trained pre) - (control post - control pre).

    Equal to the interaction coefficient of the OLS ``y ~ trained + post + trained:post``; the
    standard error is that regression's (homoskedastic, df = N - 4). ``cohens_d`` divides the
    estimate by the residual standard deviation, and ``relative`` by the trained group's
    pre-training mean (None when that mean is 0)."""

    model_config = ConfigDict(frozen=True)

    estimate: float
    standard_error: float
    interval: Interval
    p_value: float
    cohens_d: float
    relative: float | None
    df: int
    trained: int
    control: int
    cells: dict[str, int]
    means: dict[str, float]


@lru_cache(maxsize=256)
def z_quantile(confidence: float) -> float:
    """The two-sided normal quantile, e.g. 1.959964 for 95 % (kept per confidence: a report
    asks for the same one for every rate it estimates)."""
    _check_confidence(confidence)
    from scipy.special import ndtri  # here, not at the top: scipy costs 0.15 s to import

    return float(ndtri(0.5 + confidence / 2))


@lru_cache(maxsize=4096)
def t_quantile(confidence: float, df: int) -> float:
    """The two-sided Student t quantile with ``df`` degrees of freedom (kept per confidence
    and ``df``, as ``z_quantile``)."""
    _check_confidence(confidence)
    if df < 1:
        raise ValueError("a t quantile needs at least one degree of freedom")
    from scipy.special import stdtrit

    return float(stdtrit(df, 0.5 + confidence / 2))


def two_sided_p(t: float, df: int) -> float:
    """P(|T| >= |t|) for a Student t with ``df`` degrees of freedom."""
    from scipy.special import stdtr

    return float(2 * stdtr(df, -abs(t)))


def _check_confidence(confidence: float) -> None:
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1, not {confidence}")


def wilson(successes: int, n: int, confidence: float = 0.95) -> Proportion:
    """The Wilson score interval: unlike the normal approximation it stays inside [0, 1] and
    is sensible for rates near 0 or 1 and for small samples."""
    if n < 0 or not 0 <= successes <= n:
        raise ValueError(f"need 0 <= successes <= n, got {successes}/{n}")
    if n == 0:
        return Proportion(successes=0, n=0, interval=None)
    z = z_quantile(confidence)
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    margin = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    low, high = max(0.0, centre - margin), min(1.0, centre + margin)
    # Exact at the edges: 0 successes has a lower bound of 0, all successes an upper of 1.
    if successes == 0:
        low = 0.0
    if successes == n:
        high = 1.0
    return Proportion(
        successes=successes, n=n, interval=Interval(low=low, high=high, confidence=confidence)
    )


def mean_ci(values: Iterable[Number], confidence: float = 0.95) -> MeanEstimate:
    """Mean +- t(df = n - 1) * s / sqrt(n), with s the sample standard deviation."""
    typed = [exact(v) for v in values]
    data = [float(v) for v in typed]
    n = len(data)
    if n == 0:
        return MeanEstimate(n=0, mean=None, sd=None, interval=None)
    exact_mean = exact_sum(typed) / n
    mean = float(exact_mean)
    if n == 1:
        return MeanEstimate(n=1, mean=mean, sd=None, interval=None, exact_mean=exact_mean)
    sd = math.sqrt(math.fsum((x - mean) ** 2 for x in data) / (n - 1))
    return t_estimate(n, mean, sd, confidence, exact_mean)


def t_estimate(
    n: int, mean: float, sd: float, confidence: float, exact_mean: Fraction | None
) -> MeanEstimate:
    """The estimate of a mean of ``n`` (2 or more) values from their mean and sample standard
    deviation: mean +- t(df = n - 1) * sd / sqrt(n)."""
    half = t_quantile(confidence, n - 1) * sd / math.sqrt(n)
    return MeanEstimate(
        n=n,
        mean=mean,
        sd=sd,
        interval=Interval(low=mean - half, high=mean + half, confidence=confidence),
        exact_mean=exact_mean,
    )


def difference_in_differences(
    trained_pre: Sequence[float],
    trained_post: Sequence[float],
    control_pre: Sequence[float],
    control_post: Sequence[float],
    *,
    trained_people: int | None = None,
    control_people: int | None = None,
    confidence: float = 0.95,
    min_cell: int = MIN_DID_CELL,
    min_group: int = MIN_DID_GROUP,
) -> DidEstimate | Refusal:
    """The DiD estimate of a training effect against an untrained control group.

    Observations are pooled per cell (an employee may appear pre and post). Group sizes are the
    number of people (``trained_people``/``control_people``; default: the larger of a group's
    two cells). Refuses when a cell has fewer than ``min_cell`` observations, a group fewer than
    ``min_group`` people, or the outcomes do not vary (the standard error would be 0)."""
    cells = {
        "trained_pre": [float(v) for v in trained_pre],
        "trained_post": [float(v) for v in trained_post],
        "control_pre": [float(v) for v in control_pre],
        "control_post": [float(v) for v in control_post],
    }
    sizes = {name: len(values) for name, values in cells.items()}
    trained = (
        trained_people
        if trained_people is not None
        else max(sizes["trained_pre"], sizes["trained_post"])
    )
    control = (
        control_people
        if control_people is not None
        else max(sizes["control_pre"], sizes["control_post"])
    )
    thin = [name for name, size in sizes.items() if size < min_cell]
    if thin:
        return Refusal(
            reason=f"too little data: {', '.join(f'{n} has {sizes[n]}' for n in thin)}"
            f" observation(s), at least {min_cell} needed in each"
        )
    if trained < min_group or control < min_group:
        return Refusal(
            reason=f"too little data: {trained} trained and {control} control people,"
            f" at least {min_group} needed in each group"
        )
    means = {name: math.fsum(values) / len(values) for name, values in cells.items()}
    estimate = (means["trained_post"] - means["trained_pre"]) - (
        means["control_post"] - means["control_pre"]
    )
    residual = math.fsum((x - means[name]) ** 2 for name, values in cells.items() for x in values)
    df = sum(sizes.values()) - 4
    variance = residual / df
    if variance <= 0:
        return Refusal(reason="the outcomes do not vary: no standard error can be estimated")
    se = math.sqrt(variance * sum(1 / size for size in sizes.values()))
    t = estimate / se
    half = t_quantile(confidence, df) * se
    baseline = means["trained_pre"]
    return DidEstimate(
        estimate=estimate,
        standard_error=se,
        interval=Interval(low=estimate - half, high=estimate + half, confidence=confidence),
        p_value=two_sided_p(t, df),
        cohens_d=estimate / math.sqrt(variance),
        relative=None if baseline == 0 else estimate / abs(baseline),
        df=df,
        trained=trained,
        control=control,
        cells=sizes,
        means=means,
    )
