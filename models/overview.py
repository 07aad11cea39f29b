"""The employer's overview: per registration, the latest period and the one before it."""
from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from peewee import Case, fn

from models.access import require_employer, visible_professionals
from models.accounts import Account
from models.db import contains, is_sqlite
from models.professionals import Professional, Register, Registration, RegistrationPeriod
from models.rules import Status
from models.text import fold


class OverviewRow(NamedTuple):
    professional_id: int
    name: str
    register: str
    number: str
    end_date: dt.date
    norm: int
    achieved: int
    status: str
    is_latest: bool  # False: the period before the latest one
    sort_name: str  # folded "surname prefix initials", for sorting by name
    search_name: str  # folded display name, for filtering as the user types


def overview_rows(
    account: Account,
    today: dt.date,
    *,
    register_id: int | None = None,
    number: str = "",
    name: str = "",
    limit: int | None = None,
) -> list[OverviewRow]:
    """The rows an employer sees, filtered by register, registration number and name.

    One statement whatever the number of rows. Name matching ignores case and
    accents; number and name match anywhere in the value. Red periods that end
    soonest come first. `limit`: only the first rows (the first screen, while the rest loads).
    """
    require_employer(account)
    P = RegistrationPeriod
    latest = RegistrationPeriod.alias("latest")  # the registration's latest period, joined to each row
    newest = RegistrationPeriod.alias("newest")
    latest_seq = newest.select(fn.MAX(newest.seq)).where(newest.registration == Registration.id)
    query = (
        P.select(
            Professional.id,
            Professional.name,
            Register.name,
            Registration.number,
            P.end_date,
            P.norm_total,
            P.achieved,
            P.status,
            Case(None, [(P.seq == latest.seq, True)], False),
            Professional.sort_name,
            Professional.search_name,
        )
        .join(Registration)
        .join(Professional)
        .switch(Registration)
        .join(Register)
        .switch(Registration)
        .join(latest, on=((latest.registration == Registration.id) & (latest.seq == latest_seq)))
        .where(
            Registration.professional.in_(visible_professionals(account, today)),
            P.seq + 1 >= latest.seq,
        )
        # Red registrations ending soonest first; a previous period right under its latest one.
        .order_by(Case(latest.status, [("red", 0)], 1), latest.end_date, Professional.sort_name, Register.name,
                  Registration.number, P.seq.desc())
    )
    if register_id is not None:
        query = query.where(Registration.register == register_id)
    if number.strip():
        query = query.where(contains(Registration.number, number.strip()))
    if fold(name):
        query = query.where(contains(Professional.search_name, fold(name)))
    if limit is not None:
        query = query.limit(limit)
    return _rows(query)


def _rows(query) -> list[OverviewRow]:
    """The query's rows straight from the driver: Peewee's per-value conversion doubled the time at 100,000 rows."""
    database = query._database
    sql, params = query.sql()
    cursor = database.execute_sql(sql, params)
    make = OverviewRow
    if is_sqlite(database):  # dates come back as ISO text, booleans as 1/0
        day = dt.date.fromisoformat
        return [make(a, b, c, d, day(e), f, g, h, i == 1, j, k) for a, b, c, d, e, f, g, h, i, j, k in cursor]
    return [make(*row) for row in cursor]


class OverviewSet:
    """One overview's rows, grouped per registration (its latest period, then the one before) and
    prepared once, so that filtering, sorting and summarising stay quick at 100,000 rows.

    Filters and sorts work on registrations, never splitting a latest period from the one
    before it. `view()` without a sort key keeps the order the rows came in (overview_rows()
    returns them in the default order: red first, ending soonest first).
    """

    def __init__(self, rows: Sequence[OverviewRow]) -> None:
        self.groups: list[tuple[OverviewRow, ...]] = _groups_in_order(rows) or _groups_by_key(rows)
        self.row_count = len(rows)
        self._by_name: list[tuple[OverviewRow, ...]] | None = None

    @property
    def by_name(self) -> list[tuple[OverviewRow, ...]]:
        """The registrations in tiebreak order (name, register, number): the base of every sort."""
        if self._by_name is None:
            self._by_name = sorted(self.groups, key=_tiebreak)
        return self._by_name

    def view(self, *, register: str = "", number: str = "", name: str = "", sort_key: str | None = None,
             reverse: bool = False) -> list[OverviewRow]:
        """The rows to show: filtered (as filter_rows), then sorted (as sort_rows) when a key is given."""
        groups = self.groups if sort_key is None else self.by_name
        number, needle = number.strip(), fold(name)
        if register or number or needle:
            groups = [group for group in groups
                      if (not register or group[0].register == register)
                      and (not number or number in group[0].number)
                      and (not needle or needle in group[0].search_name)]
        if sort_key is not None:
            primary = SORT_KEYS[sort_key]
            groups = sorted(groups, key=lambda group: primary(group[0]), reverse=reverse)  # stable: ties by name
        return [row for group in groups for row in group]


def _groups_in_order(rows: Sequence[OverviewRow]) -> list[tuple[OverviewRow, ...]] | None:
    """Groups in one pass when every previous period follows its latest one (as overview_rows() gives them)."""
    groups: list[tuple[OverviewRow, ...]] = []
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


def _groups_by_key(rows: Sequence[OverviewRow]) -> list[tuple[OverviewRow, ...]]:
    by_registration: dict[tuple, list[OverviewRow]] = {}
    for row in rows:
        by_registration.setdefault((row.professional_id, row.register, row.number), []).append(row)
    return [tuple(sorted(group, key=_not_latest)) for group in by_registration.values()]


def _not_latest(row: OverviewRow) -> bool:
    return not row.is_latest


def _tiebreak(group: tuple[OverviewRow, ...]) -> tuple:
    return group[0].sort_name, group[0].register, group[0].number


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
