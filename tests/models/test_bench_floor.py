"""The benchmark's floor_sql returns the overview's rows, in its order, on both databases."""
from __future__ import annotations

import datetime as dt

from bench.floor import floor_rows
from models.overview import overview_rows
from models.overview_set import OverviewSet
from tests import story

TODAY = dt.date(2026, 11, 28)


def test_floor_sql_returns_the_overview_rows(database):
    cast = story.employers()
    register = story.register()
    for index in range(6):
        person = story.professional("B.", f"Bank{index}")
        periods = [(dt.date(2016, 1, 1), dt.date(2020, 12, 31)), (dt.date(2021, 1, 1), dt.date(2026 + index, 6, 30))]
        story.registration(person, register, periods=periods[index % 2:])
        story.grant(person, cast.overvecht, end_date=None if index != 5 else TODAY - dt.timedelta(days=1))
    rows = overview_rows(cast.kroon, TODAY)
    floor = floor_rows(database, cast.kroon.id, TODAY)
    assert len(rows) == 8  # five people in force: three with a previous period
    assert [(row[0], row[3], row[7], bool(row[8])) for row in floor] == [
        (row.professional_id, row.number, row.status, row.is_latest) for row in rows]
    assert OverviewSet(rows).view() == rows  # grouping keeps the query's order
