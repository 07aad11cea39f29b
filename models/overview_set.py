"""OverviewSet: the whole overview in memory, for filtering and sorting as the user types, and brought up to date
row by row as professionals change (models/overview.py reads the rows)."""
from __future__ import annotations

import calendar
import datetime as dt
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import Any

from models.overview import OverviewRow
from models.rules import Status
from models.text import fold

Group = tuple[OverviewRow, ...]  # one registration: its latest period, then the one before if shown


class OverviewSet:
    """One overview's rows, grouped per registration (its latest period, then the one before) and
    prepared once, so that filtering, sorting and summarising stay quick at 100,000 rows.

    Filters and sorts work on registrations, never splitting a latest period from the one
    before it. `view()` without a sort key keeps the order the rows came in (overview_rows()
    returns them in the default order: red first, ending soonest first).

    `replace()` brings a few professionals up to date in place: each registration goes where the
    order puts it, found by bisection, so the cost hardly grows with the list; the last view and
    its counts follow.
    """

    def __init__(self, rows: Sequence[OverviewRow]) -> None:
        self.groups: list[Group] = _groups_in_order(rows) or _groups_by_key(rows)
        self.row_count = len(rows)
        self._by_name: list[Group] | None = None
        self._of: dict[int, list[Group]] = {}  # professional id -> its registrations
        for group in self.groups:
            self._of.setdefault(group[0].professional_id, []).append(group)
        self._registers = Counter(group[0].register for group in self.groups)
        self._view: _View | None = None

    @property
    def by_name(self) -> list[Group]:
        """The registrations in tiebreak order (name, register, number): the base of every sort."""
        if self._by_name is None:
            self._by_name = sorted(self.groups, key=_tiebreak)
        return self._by_name

    @property
    def professional_count(self) -> int:
        return len(self._of)

    def holds(self, professional_ids: Collection[int]) -> set[int]:
        """Those of `professional_ids` that have rows here."""
        return {professional_id for professional_id in professional_ids if professional_id in self._of}

    @property
    def registers(self) -> list[str]:
        """The registers to choose from in the register filter (as registers_present)."""
        return sorted(self._registers)

    def view(self, *, register: str = "", number: str = "", name: str = "", sort_key: str | None = None,
             reverse: bool = False) -> list[OverviewRow]:
        """The rows to show: filtered (as filter_rows), then sorted (as sort_rows) when a key is given.

        Asked again with the same filters and sort, it returns the same list, which `replace()`
        keeps up to date in place (show it again after a replace).
        """
        number, needle = number.strip(), fold(name)
        params = (register, number, needle, sort_key, reverse if sort_key is not None else False)
        if self._view is not None and self._view.params == params:
            return self._view.rows
        groups = self.groups if sort_key is None else self.by_name
        if register or number or needle:
            groups = [group for group in groups
                      if (not register or group[0].register == register)
                      and (not number or number in group[0].number)
                      and (not needle or needle in group[0].search_name)]
        if sort_key is not None:
            primary = SORT_KEYS[sort_key]
            groups = sorted(groups, key=lambda group: primary(group[0]), reverse=reverse)  # stable: ties by name
        rows = [row for group in groups for row in group]
        self._view = _View(params, rows)
        return rows

    def summary(self, today: dt.date) -> Summary:
        """summarise() of the last view's rows, from counts that replace() keeps up to date."""
        if self._view is None:
            self.view()
        assert self._view is not None
        return self._view.summary(today)

    def position(self, professional_id: int, register: str | None = None, number: str | None = None) -> int | None:
        """Where the last view shows this registration's latest period (without register and number: the
        professional's first registration in it); None when it does not show it."""
        if self._view is None:
            return None
        found = [self._view.index_of(group[0]) for group in self._of.get(professional_id, ())
                 if register is None or (group[0].register, group[0].number) == (register, number)]
        return min((index for index in found if index is not None), default=None)

    def replace(self, professional_ids: Collection[int], rows: Sequence[OverviewRow]) -> None:
        """Put `rows` in place of everything held for `professional_ids`: all of their rows, as
        overview_rows(professional_ids=...) returns them (none: they left the overview).

        Each registration is found and placed by bisection (O(log n)) plus a list insert or delete
        (a memory move); the groups, `by_name` and the last view stay in their orders, as a fresh
        set of the same rows would have them.
        """
        wanted = set(professional_ids)
        new_groups = _groups_in_order(rows) or _groups_by_key(rows)
        if any(group[0].professional_id not in wanted for group in new_groups):
            raise ValueError("rows of a professional that is not being replaced")
        for professional_id in wanted:
            for group in self._of.pop(professional_id, ()):
                self._remove(group)
        for group in new_groups:
            self._of.setdefault(group[0].professional_id, []).append(group)
            self._insert(group)

    def _remove(self, group: Group) -> None:
        _delete(self.groups, group, _default_order)
        if self._by_name is not None:
            _delete(self._by_name, group, _tiebreak)
        self._registers[group[0].register] -= 1
        if not self._registers[group[0].register]:
            del self._registers[group[0].register]
        self.row_count -= len(group)
        if self._view is not None:
            self._view.remove(group)

    def _insert(self, group: Group) -> None:
        self.groups.insert(bisect_left(self.groups, _default_order(group), key=_default_order), group)
        if self._by_name is not None:
            self._by_name.insert(bisect_left(self._by_name, _tiebreak(group), key=_tiebreak), group)
        self._registers[group[0].register] += 1
        self.row_count += len(group)
        if self._view is not None:
            self._view.insert(group)


def _delete(groups: list[Group], group: Group, key: Callable[[Group], tuple]) -> None:
    index = bisect_left(groups, key(group), key=key)
    if index < len(groups) and groups[index] is group:
        del groups[index]
    else:  # rows that did not come in this order (a database collating differently): look it up
        groups.remove(group)


class _View:
    """The last view's rows, in one flat list, kept up to date by OverviewSet.replace(): a registration
    is found by bisection over the rows (a previous period belongs to the row above it)."""

    def __init__(self, params: tuple, rows: list[OverviewRow]) -> None:
        self.params = params
        self.rows = rows
        self.register, self.number, self.needle, sort_key, self.reverse = params
        self.primary = None if sort_key is None else SORT_KEYS[sort_key]
        self._counts: _Counts | None = None

    def accepts(self, latest: OverviewRow) -> bool:
        return ((not self.register or latest.register == self.register)
                and (not self.number or self.number in latest.number)
                and (not self.needle or self.needle in latest.search_name))

    def before(self, a: OverviewRow, b: OverviewRow) -> bool:
        """Whether registration `a` (its latest row) is shown above registration `b`."""
        if self.primary is None:
            return _default_key(a) < _default_key(b)
        first, second = self.primary(a), self.primary(b)
        if first != second:
            return first > second if self.reverse else first < second
        return _tiebreak_key(a) < _tiebreak_key(b)

    def find(self, latest: OverviewRow) -> int:
        """The index of the first row whose registration is not shown above `latest`'s."""
        rows, low, high = self.rows, 0, len(self.rows)
        while low < high:
            middle = (low + high) // 2
            row = rows[middle]
            if self.before(row if row.is_latest else rows[middle - 1], latest):
                low = middle + 1
            else:
                high = middle
        return low

    def index_of(self, latest: OverviewRow) -> int | None:
        if not self.accepts(latest):
            return None
        index = self.find(latest)
        if index < len(self.rows) and self.rows[index] is latest:
            return index
        try:
            return self.rows.index(latest)  # rows in an order this view cannot bisect (see _delete)
        except ValueError:
            return None

    def remove(self, group: Group) -> None:
        index = self.index_of(group[0])
        if index is None:
            return
        del self.rows[index:index + len(group)]
        if self._counts is not None:
            self._counts.add(group[0], -1)

    def insert(self, group: Group) -> None:
        if not self.accepts(group[0]):
            return
        index = self.find(group[0])
        self.rows[index:index] = group
        if self._counts is not None:
            self._counts.add(group[0], 1)

    def summary(self, today: dt.date) -> Summary:
        horizon = _add_months(today, SOON_MONTHS)
        if self._counts is None or self._counts.horizon != horizon:
            self._counts = _Counts(self.rows, horizon)
        return self._counts.summary()


class _Counts:
    """Per professional, how many of the view's registrations they have, red ones, and red ones ending soon."""

    def __init__(self, rows: Sequence[OverviewRow], horizon: dt.date) -> None:
        self.horizon = horizon
        latest = [row for row in rows if row.is_latest]
        red = [row for row in latest if row.status == Status.RED]
        self.shown = Counter(row.professional_id for row in latest)
        self.red = Counter(row.professional_id for row in red)
        self.soon = Counter(row.professional_id for row in red if row.end_date <= horizon)

    def add(self, latest: OverviewRow, step: int) -> None:
        counters = [self.shown]
        if latest.status == Status.RED:
            counters.append(self.red)
            if latest.end_date <= self.horizon:
                counters.append(self.soon)
        for counter in counters:
            counter[latest.professional_id] += step
            if not counter[latest.professional_id]:
                del counter[latest.professional_id]

    def summary(self) -> Summary:
        return Summary(len(self.shown), len(self.red), len(self.soon))


def _groups_in_order(rows: Sequence[OverviewRow]) -> list[Group] | None:
    """Groups in one pass when every previous period follows its latest one (as overview_rows() gives them)."""
    groups: list[Group] = []
    for row in rows:
        if row.is_latest:
            groups.append((row,))
            continue
        last = groups[-1][0] if groups else None
        if last is None or len(groups[-1]) > 1 or (last.professional_id, last.register, last.number) != (
                row.professional_id, row.register, row.number):
            return None
        groups[-1] = (last, row)
    return groups


def _groups_by_key(rows: Sequence[OverviewRow]) -> list[Group]:
    by_registration: dict[tuple, list[OverviewRow]] = {}
    for row in rows:
        by_registration.setdefault((row.professional_id, row.register, row.number), []).append(row)
    return [tuple(sorted(group, key=_not_latest)) for group in by_registration.values()]


def _not_latest(row: OverviewRow) -> bool:
    return not row.is_latest


def _tiebreak(group: Group) -> tuple:
    return _tiebreak_key(group[0])


def _tiebreak_key(row: OverviewRow) -> tuple:
    return row.sort_name, row.register, row.number


def _default_order(group: Group) -> tuple:
    return _default_key(group[0])


def _default_key(row: OverviewRow) -> tuple:
    """overview_rows()' order, for a registration's latest row: red first, ending soonest, then the tiebreak."""
    return row.status != Status.RED, row.end_date, row.sort_name, row.register, row.number


def filter_rows(rows: Sequence[OverviewRow], *, register: str = "", number: str = "", name: str = ""
                ) -> list[OverviewRow]:
    """The same filters as overview_rows(), applied to rows already fetched (as the user types).

    `register` is a register's name ("" for all); number and name match anywhere, name
    ignoring case and accents.
    """
    return OverviewSet(rows).view(register=register, number=number, name=name)


# The primary key per column, taken from a registration's latest period (see sort_rows).
SORT_KEYS: dict[str, Callable[[OverviewRow], Any]] = {
    "name": lambda row: row.sort_name,
    "register": lambda row: row.register,
    "number": lambda row: row.number,
    "end_date": lambda row: row.end_date,
    "norm": lambda row: row.norm,
    "achieved": lambda row: row.achieved,
    "status": lambda row: (row.status != Status.RED, row.end_date),
}
DEFAULT_SORT = "status"  # red first, ending soonest first: as overview_rows() returns them


def sort_rows(rows: Sequence[OverviewRow], key: str = DEFAULT_SORT, reverse: bool = False) -> list[OverviewRow]:
    """Sorted on one column, ascending or descending, by each registration's latest period, so that
    a previous period always stays right under its latest one; ties in name order."""
    return OverviewSet(rows).view(sort_key=key, reverse=reverse)


@dataclass(frozen=True)
class Summary:
    professionals: int
    red: int  # professionals with at least one red current period
    red_ending_soon: int  # ... of which one ends within SOON_MONTHS


SOON_MONTHS = 6


def summarise(rows: Sequence[OverviewRow], today: dt.date) -> Summary:
    """Counts for the summary line, over the latest periods in `rows`."""
    horizon = _add_months(today, SOON_MONTHS)
    red_now = [row for row in rows if row.is_latest and row.status == Status.RED]
    return Summary(len({row.professional_id for row in rows}), len({row.professional_id for row in red_now}),
                   len({row.professional_id for row in red_now if row.end_date <= horizon}))


def registers_present(rows: Sequence[OverviewRow]) -> list[str]:
    """The registers to choose from in the register filter."""
    return sorted({row.register for row in rows})


def _add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later, or the last day of that month when it is shorter (31-8 + 6: 28-2)."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
