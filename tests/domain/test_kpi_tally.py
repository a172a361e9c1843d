"""A group's mean from its score tally (what the database returns) equals, to the last bit,
the mean and interval of the scores one by one (``statistics.mean_ci``)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.kpi_inputs import tally
from domain.kpi_rows import mean_of
from domain.statistics import MeanEstimate, mean_ci

scores = st.one_of(
    st.integers(min_value=0, max_value=100).map(float),
    st.floats(min_value=0, max_value=100, allow_nan=False).map(lambda x: round(x, 2)),
)


def _on_the_scale(values: list[float]) -> MeanEstimate:
    """``mean_ci`` of the scores, its interval cut to 0-100 as a KPI shows it."""
    estimate = mean_ci(values)
    if estimate.interval is None:
        return estimate
    return estimate.model_copy(update={"interval": estimate.interval.within(0, 100)})


@settings(deadline=None)  # the first t quantile imports scipy
@given(st.lists(scores, max_size=40))
def test_a_tally_gives_the_mean_of_its_scores(values: list[float]) -> None:
    assert mean_of(tally(values)) == _on_the_scale(values)


def test_repeated_scores_keep_their_spread() -> None:
    values = [0.1] * 7 + [0.7] * 3 + [99.9]
    assert mean_of(tally(values)) == _on_the_scale(values)
    assert mean_of({}) == mean_ci([])


def test_the_interval_of_a_mean_score_stays_on_its_scale() -> None:
    """Issue 16: two answers of 70 and 100 were shown as "21.5 - 148.5" on a 0-100 scale."""
    unbounded = mean_ci([70.0, 100.0]).interval
    assert unbounded is not None and unbounded.low < 0 and unbounded.high > 100
    shown = mean_of(tally([70.0, 100.0])).interval
    assert shown is not None and (shown.low, shown.high) == (0.0, 100.0)
    narrow = mean_of(tally([80.0, 82.0, 84.0])).interval
    assert narrow is not None and narrow == mean_ci([80.0, 82.0, 84.0]).interval
