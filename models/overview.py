"""The employer's overview: per registration, the latest period and the one before it."""
from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import NamedTuple

from peewee import Case, fn

from models.access import own_branches, require_employer, visible_professionals
from models.accounts import Account
from models.db import contains, is_sqlite
from models.grants import AccessGrant
from models.professionals import Professional, Register, Registration, RegistrationPeriod
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
    professional_ids: Collection[int] | None = None,
) -> list[OverviewRow]:
    """The rows an employer sees, filtered by register, registration number and name.

    One statement whatever the number of rows. Name matching ignores case and
    accents; number and name match anywhere in the value. Red periods that end
    soonest come first. `limit`: only the first rows (the first screen, while the rest loads).
    `professional_ids`: only these professionals' rows (to bring a shown overview up to date,
    `OverviewSet.replace`); access is checked as for all rows, so one whose grant ended has none.
    """
    require_employer(account)
    visible = visible_professionals(account, today)
    if professional_ids is not None:
        if not professional_ids:
            return []
        ids = sorted(professional_ids)
        visible = visible.where(AccessGrant.professional.in_(ids))  # narrows the access check, never widens it
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
            Registration.professional.in_(visible),
            P.seq + 1 >= latest.seq,
        )
        # Red registrations ending soonest first; a previous period right under its latest one.
        .order_by(Case(latest.status, [("red", 0)], 1), latest.end_date, Professional.sort_name, Register.name,
                  Registration.number, P.seq.desc())
    )
    if professional_ids is not None:
        query = query.where(Registration.professional.in_(ids))
    if register_id is not None:
        query = query.where(Registration.register == register_id)
    if number.strip():
        query = query.where(contains(Registration.number, number.strip()))
    if fold(name):
        query = query.where(contains(Professional.search_name, fold(name)))
    if limit is not None:
        query = query.limit(limit)
    return _rows(query)


def overview_scope(account: Account) -> frozenset[int]:
    """The branches whose grants make up `account`'s overview. Changes to branches and organisations
    reach the overview through grants (announced per professional), unless they change this set."""
    return frozenset(branch_id for branch_id, in own_branches(account).tuples())


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
