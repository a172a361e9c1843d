"""``make bench``'s table: a row whose target is not met says what stands in the way beside its
verdict (one table, so the reasons travel with the figures); a met row says only "met"."""

from __future__ import annotations

from bench.table import OBSTACLES, Row, render


def test_a_missed_target_names_what_stands_in_the_way() -> None:
    missed = Row("KPI report", "1.6 s", "0.36 s", 4.5, 0.1, 2.0, obstacle=OBSTACLES["kpi"])
    met = Row("inbox", "2 ms", "1.5 ms", 1.3, 0.1, 2.0, obstacle=OBSTACLES["inbox"])
    unnamed = Row("writers", "800/s", "1,500/s", 0.5, None, 2.0, "at least")
    table = render([missed, met, unnamed]).splitlines()
    assert len(table) == 5  # header, rule, three rows: one table
    assert f"NOT met: {OBSTACLES['kpi']}" in table[2]
    assert "| met " in table[3] and OBSTACLES["inbox"] not in table[3]
    assert "NOT met: what stands in the way is not named" in table[4]


def test_every_obstacle_is_short_enough_for_a_table_cell() -> None:
    assert all(len(text) <= 160 for text in OBSTACLES.values())
