"""The employer's overview: per registration, the latest period and the one before it."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from peewee import Case, fn

from models.access import require_employer, visible_professionals
from models.accounts import Account
from models.db import contains
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
) -> list[OverviewRow]:
    """The rows an employer sees, filtered by register, registration number and name.

    One statement whatever the number of rows. Name matching ignores case and
    accents; number and name match anywhere in the value. Red periods that end
    soonest come first.
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
    return [OverviewRow(*row[:8], bool(row[8]), *row[9:]) for row in query.tuples()]  # bool: SQLite gives 1/0


def filter_rows(rows: Sequence[OverviewRow], *, register: str = "", number: str = "", name: str = ""
                ) -> list[OverviewRow]:
    """The same filters as overview_rows(), applied to rows already fetched (as the user types).

    `register` is a register's name ("" for all); number and name match anywhere, name
    ignoring case and accents.
    """
    number, needle = number.strip(), fold(name)
    return [row for row in rows
            if (not register or row.register == register)
            and (not number or number in row.number)
            and (not needle or needle in row.search_name)]


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


def _tiebreak(row: OverviewRow) -> tuple:
    return row.sort_name, row.register, row.number, not row.is_latest


def sort_rows(rows: Sequence[OverviewRow], key: str = DEFAULT_SORT, reverse: bool = False) -> list[OverviewRow]:
    """Sorted on one column, ascending or descending, by each registration's latest period, so that
    a previous period always stays right under its latest one; ties in name order."""
    latest = {(row.professional_id, row.register, row.number): row for row in rows if row.is_latest}
    primary = SORT_KEYS[key]

    def registration_key(row: OverviewRow) -> Any:
        return primary(latest.get((row.professional_id, row.register, row.number), row))

    ordered = sorted(rows, key=_tiebreak)
    ordered.sort(key=registration_key, reverse=reverse)  # stable: keeps the tiebreak order within equal keys
    return ordered


@dataclass(frozen=True)
class Summary:
    professionals: int
    red: int  # professionals with at least one red current period
    red_ending_soon: int  # ... of which one ends within SOON_MONTHS


SOON_MONTHS = 6


def summarise(rows: Sequence[OverviewRow], today: dt.date) -> Summary:
    """Counts for the summary line, over the latest periods in `rows`."""
    horizon = _add_months(today, SOON_MONTHS)
    red = {row.professional_id for row in rows if row.is_latest and row.status == Status.RED}
    soon = {row.professional_id for row in rows
            if row.is_latest and row.status == Status.RED and row.end_date <= horizon}
    return Summary(len({row.professional_id for row in rows}), len(red), len(soon))


def registers_present(rows: Sequence[OverviewRow]) -> list[str]:
    """The registers to choose from in the register filter."""
    return sorted({row.register for row in rows})


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=candidate)
        except ValueError:
            continue
    raise AssertionError("unreachable")
