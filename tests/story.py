"""Small named data sets, so that a test reads like the story it checks.

"Kroon manages Overvecht; Test granted Overvecht until 31-12; on 1-1 Kroon no longer sees Test."
"""
from __future__ import annotations

import datetime as dt
from itertools import count
from typing import NamedTuple

from models import (
    AccessGrant,
    Account,
    Activity,
    Branch,
    Organisation,
    Professional,
    Register,
    Registration,
    RegistrationPeriod,
    Role,
)
from models.passwords import hash_password
from models.periods import refresh_points, start_period
from models.rules import Norm, RegistrationType
from models.text import fold

PASSWORD = "een-goed-wachtwoord"
NOW = dt.datetime(2026, 11, 1, 12, 0)
_numbers = count(1)


def register(name: str = "Register Sociaal Werkers", code: str = "SW", norm: Norm = Norm(150, 60, 40, 30)) -> Register:
    return Register.create_with_norms(name, code, norm)


def account(username: str, role: Role, name: str | None = None, professional: Professional | None = None) -> Account:
    """An account with PASSWORD; a staff account signs in with a code too, as staff must (second_factor)."""
    created = Account.create(
        username=username, password_hash=hash_password(PASSWORD), name=name or username.title(),
        email=f"{username}@example.nl", role=role, professional=professional, created_at=NOW,
    )
    if role == Role.STAFF:
        second_factor(created)
    return created


def organisation(name: str = "Stichting Welzijn Utrecht", status: str = "approved", staff: Account | None = None) -> Organisation:
    decided = status != "pending"
    return Organisation.create(
        name=name, name_key=fold(name), visit_address="Stationsplein 1", visit_postcode="3511 AB",
        visit_city="Utrecht", status=status,
        rejection_reason="Dubbel account" if status == "rejected" else None,
        decided_by=staff, decided_at=NOW if decided else None, created_at=NOW,
    )


def branch(org: Organisation, name: str, manager_username: str, role: str = "branch_manager",
           admin: bool = False) -> Branch:
    manager = account(manager_username, Role.EMPLOYER, name=manager_username.title())
    return Branch.create(organisation=org, name=name, manager=manager, role=role, is_admin=admin)


def professional(initials: str, surname: str, prefix: str = "", number: str | None = None,
                 with_account: bool = True) -> Professional:
    person = Professional.create(**Professional.name_fields(initials, prefix, surname))
    if with_account:
        account(number or f"4610{next(_numbers):05d}", Role.PROFESSIONAL, name=person.name, professional=person)
    return person


def registration(person: Professional, reg: Register, number: str | None = None,
                 kind: RegistrationType = RegistrationType.REGISTERED,
                 periods: list[tuple[dt.date, dt.date]] = ((dt.date(2024, 1, 1), dt.date(2028, 12, 31)),),
                 first_is_aanmeld: bool = False) -> Registration:
    """A registration with the given periods, oldest first."""
    number = number or f"4610{next(_numbers):05d}"
    registration = Registration.create(professional=person, register=reg, number=number, type=kind,
                                       registered_on=periods[0][0])
    for seq, (start, end) in enumerate(periods, 1):
        start_period(registration, seq, start, end, is_first=first_is_aanmeld and seq == 1)
    return registration


def latest_period(registration: Registration) -> RegistrationPeriod:
    return registration.periods.order_by(RegistrationPeriod.seq.desc()).get()


def activity(period: RegistrationPeriod, category: str, points: int, title: str = "Intervisie",
             day: dt.date | None = None) -> Activity:
    made = Activity.create(period=period, title=title, category=category, date=day or period.start_date,
                           points=points, provider="Movisie", created_at=NOW)
    refresh_points(period)
    return made


def grant(person: Professional, to: Branch, end_date: dt.date | None = None,
          revoked_by: Account | None = None) -> AccessGrant:
    return AccessGrant.create(
        professional=person, branch=to, granted_at=NOW, end_date=end_date,
        revoked_at=NOW if revoked_by else None, revoked_by=revoked_by,
    )


def account_of(person: Professional) -> Account:
    """The login of a professional made by `professional()`."""
    return Account.get(Account.professional == person)


def signs_in_again(account: Account) -> Account:
    """A new session of `account`: as it is stored now. A change to the account's password, email, lock,
    role or branch ends its earlier sessions (models/sessions.py), so a story goes on with a new one."""
    return Account.get_by_id(account.id)


class Employers(NamedTuple):
    """Welzijn Utrecht: Verburg (contact person, beheerder) at Hoofdvestiging, Kroon (vestigingsmanager)
    at Overvecht. Amersfoort: Jansen (beheerder) at Centrum. Plus a staff member and professional Test."""

    utrecht: Organisation
    hoofdvestiging: Branch
    overvecht: Branch
    amersfoort: Organisation
    centrum: Branch
    staff: Account
    test: Professional

    @property
    def verburg(self) -> Account:
        return self.hoofdvestiging.manager

    @property
    def kroon(self) -> Account:
        return self.overvecht.manager

    @property
    def jansen(self) -> Account:
        return self.centrum.manager


def employers() -> Employers:
    utrecht = organisation("Stichting Welzijn Utrecht")
    amersfoort = organisation("Zorggroep Amersfoort")
    return Employers(
        utrecht=utrecht,
        hoofdvestiging=branch(utrecht, "Hoofdvestiging", "verburg", role="contact_person", admin=True),
        overvecht=branch(utrecht, "Overvecht", "kroon"),
        amersfoort=amersfoort,
        centrum=branch(amersfoort, "Centrum", "jansen", role="contact_person", admin=True),
        staff=account("medewerker", Role.STAFF),
        test=professional("T.", "Test"),
    )


def change_email(account: Account, address: str, clock, password: str = PASSWORD) -> Account:
    """`account` moves to `address` as its owner does: the current password, then the code mailed there."""
    import re

    from models.email_change import confirm_email_change
    from models.mail import OutgoingEmail
    from models.profile import update_contact

    update_contact(account, account.name, address, clock, current=password)
    mail = (OutgoingEmail.select().where(OutgoingEmail.to_address == address.lower())
            .order_by(OutgoingEmail.id.desc()).first())
    [code] = re.findall(r"\b[A-Z2-9]{5}-[A-Z2-9]{5}\b", mail.body)
    return confirm_email_change(account, code, clock)


def second_factor(account: Account) -> str:
    """`account` signs in with a code too (models/two_factor), as if it had set it up; returns the secret."""
    import pyotp

    from models.two_factor import SecondFactor

    secret = pyotp.random_base32()
    SecondFactor.create(account=account, secret=secret, created_at=NOW, confirmed_at=NOW)
    return secret
