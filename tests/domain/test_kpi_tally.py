"""A group's mean from its score tally (what the database returns) equals, to the last bit,
the mean and interval of the scores one by one (``statistics.mean_ci``)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.kpi_inputs import tally
from domain.kpi_rows import mean_of
from domain.statistics import mean_ci

scores = st.one_of(
    st.integers(min_value=0, max_value=100).map(float),
    st.floats(min_value=0, max_value=100, allow_nan=False).map(lambda x: round(x, 2)),
)


@settings(deadline=None)  # the first t quantile imports scipy
@given(st.lists(scores, max_size=40))
def test_a_tally_gives_the_mean_of_its_scores(values: list[float]) -> None:
    assert mean_of(tally(values)) == mean_ci(values)


def test_repeated_scores_keep_their_spread() -> None:
    values = [0.1] * 7 + [0.7] * 3 + [99.9]
    assert mean_of(tally(values)) == mean_ci(values)
    assert mean_of({}) == mean_ci([])
