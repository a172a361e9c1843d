"""Interval estimates against hand-computed fixtures, statsmodels, and properties."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd  # type: ignore[import-untyped]
import pytest
import statsmodels.formula.api as smf
from hypothesis import given
from hypothesis import strategies as st

from domain.statistics import (
    DidEstimate,
    Refusal,
    difference_in_differences,
    mean_ci,
    t_quantile,
    wilson,
    z_quantile,
)


def test_quantiles() -> None:
    assert z_quantile(0.95) == pytest.approx(1.959964, abs=1e-6)
    assert t_quantile(0.95, 2) == pytest.approx(4.302653, abs=1e-6)
    assert t_quantile(0.95, 4) == pytest.approx(2.776445, abs=1e-6)
    with pytest.raises(ValueError):
        t_quantile(0.95, 0)


def test_wilson_by_hand() -> None:
    # p = .8, z^2 = 3.841459: centre (.8 + .192073)/1.384146 = .716740,
    # margin 1.959964 * sqrt(.016 + .009604)/1.384146 = .226578
    p = wilson(8, 10)
    assert p.value == 0.8
    assert p.interval is not None
    assert (p.interval.low, p.interval.high) == pytest.approx((0.490162, 0.943318), abs=1e-6)
    # the edges: 0/n has [0, z^2/(n+z^2)], n/n has [n/(n+z^2), 1]
    zero, full = wilson(0, 10), wilson(10, 10)
    assert zero.interval is not None and full.interval is not None
    assert (zero.interval.low, zero.interval.high) == pytest.approx((0, 3.841459 / 13.841459))
    assert (full.interval.low, full.interval.high) == pytest.approx((10 / 13.841459, 1))


def test_wilson_empty_and_invalid() -> None:
    empty = wilson(0, 0)
    assert empty.value is None and empty.interval is None
    with pytest.raises(ValueError):
        wilson(3, 2)


def test_mean_ci_by_hand() -> None:
    # mean 90, s = 10, t(.975, 2) = 4.302653: half width 4.302653 * 10 / sqrt(3) = 24.841377
    m = mean_ci([80, 90, 100])
    assert (m.n, m.mean, m.sd) == (3, 90, 10)
    assert m.interval is not None
    assert (m.interval.low, m.interval.high) == pytest.approx((65.158623, 114.841377), abs=1e-6)


def test_mean_ci_tiny_samples() -> None:
    assert mean_ci([]).mean is None
    one = mean_ci([75])
    assert one.mean == 75 and one.interval is None and one.sd is None


def test_did_by_hand() -> None:
    # cell means 11, 17, 12, 13: DiD = (17 - 11) - (13 - 12) = 5. Residual SS = 2 + 8 + 8 + 8
    # = 26, df = 8 - 4 = 4, s^2 = 6.5, SE = sqrt(6.5 * 4 * 1/2) = sqrt(13), t = 1.386750,
    # p (t, 4 df, closed form) = .237796, CI 5 +- 2.776445 * 3.605551, d = 5 / sqrt(6.5).
    did = difference_in_differences([10, 12], [15, 19], [10, 14], [11, 15], min_group=2)
    assert isinstance(did, DidEstimate)
    assert did.estimate == pytest.approx(5)
    assert did.standard_error == pytest.approx(math.sqrt(13))
    assert (did.interval.low, did.interval.high) == pytest.approx((-5.010615, 15.010615), abs=1e-6)
    assert did.p_value == pytest.approx(0.237796, abs=1e-6)
    assert did.cohens_d == pytest.approx(5 / math.sqrt(6.5))
    assert did.relative == pytest.approx(5 / 11)
    assert (did.df, did.trained, did.control) == (4, 2, 2)


def test_did_refuses_thin_data() -> None:
    thin = difference_in_differences([1], [2, 3], [1, 2], [2, 3], min_group=1)
    assert isinstance(thin, Refusal) and "trained_pre has 1" in thin.reason
    small = difference_in_differences([1, 2], [2, 3], [1, 2], [2, 3])
    assert isinstance(small, Refusal) and "at least 5" in small.reason
    empty = difference_in_differences([], [], [], [])
    assert isinstance(empty, Refusal)
    flat = difference_in_differences([1, 1], [1, 1], [1, 1], [1, 1], min_group=2)
    assert isinstance(flat, Refusal) and "do not vary" in flat.reason


def test_did_equals_ols_with_interaction() -> None:
    """Independent check: statsmodels OLS y ~ trained * post on a generated panel."""
    rng = np.random.default_rng(42)
    rows = []
    for person in range(80):
        trained = int(person < 35)
        base = rng.normal(100, 15)
        for post in (0, 1):
            if rng.random() < 0.1:  # unbalanced: some people miss a period
                continue
            y = base + 4 * post + 9 * trained * post + rng.normal(0, 8)
            rows.append({"y": y, "trained": trained, "post": post})
    fit = smf.ols("y ~ trained * post", data=pd.DataFrame(rows)).fit()

    def cell(t: int, p: int) -> list[float]:
        return [r["y"] for r in rows if r["trained"] == t and r["post"] == p]

    did = difference_in_differences(cell(1, 0), cell(1, 1), cell(0, 0), cell(0, 1))
    assert isinstance(did, DidEstimate)
    low, high = fit.conf_int().loc["trained:post"]
    assert did.estimate == pytest.approx(fit.params["trained:post"], rel=1e-9)
    assert did.standard_error == pytest.approx(fit.bse["trained:post"], rel=1e-9)
    assert (did.interval.low, did.interval.high) == pytest.approx((low, high), rel=1e-9)
    assert did.p_value == pytest.approx(fit.pvalues["trained:post"], rel=1e-6)
    assert did.df == int(fit.df_resid)
    assert did.cohens_d == pytest.approx(fit.params["trained:post"] / math.sqrt(fit.scale))


@given(st.integers(0, 500).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_wilson_stays_in_unit_interval(sample: tuple[int, int]) -> None:
    successes, n = sample
    p = wilson(successes, n)
    if n == 0:
        assert p.value is None and p.interval is None
        return
    assert p.value is not None and p.interval is not None
    assert 0 <= p.interval.low <= p.value <= p.interval.high <= 1


@given(st.lists(st.floats(0, 100), min_size=2, max_size=50))
def test_mean_interval_contains_mean(values: list[float]) -> None:
    m = mean_ci(values)
    assert m.interval is not None and m.mean is not None
    assert m.interval.low <= m.mean + 1e-9 and m.mean - 1e-9 <= m.interval.high
