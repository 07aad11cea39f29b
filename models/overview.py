"""The employer's overview: per registration, the latest period and the one before it."""
from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from peewee import Case, fn

from models.access import require_employer, visible_professionals
from models.accounts import Account
from models.db import contains
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
    latest = RegistrationPeriod.alias("latest")
    latest_seq = latest.select(fn.MAX(latest.seq)).where(latest.registration == Registration.id)
    P = RegistrationPeriod
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
            Case(None, [(P.seq == latest_seq, True)], False),
        )
        .join(Registration)
        .join(Professional)
        .switch(Registration)
        .join(Register)
        .where(
            Registration.professional.in_(visible_professionals(account, today)),
            P.seq + 1 >= latest_seq,
        )
        .order_by(Case(P.status, [("red", 0)], 1), P.end_date, Professional.sort_name, Register.name, P.seq.desc())
    )
    if register_id is not None:
        query = query.where(Registration.register == register_id)
    if number.strip():
        query = query.where(contains(Registration.number, number.strip()))
    if fold(name):
        query = query.where(contains(Professional.search_name, fold(name)))
    return [OverviewRow(*row[:8], bool(row[8])) for row in query.tuples()]
