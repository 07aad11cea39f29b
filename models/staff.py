"""The Registerplein staff's work: deciding applications, finding accounts, unlocking, resending codes.

Staff never see dossiers: nothing here reads periods, activities or grants.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import NamedTuple

from peewee import JOIN, fn

from models import mail_texts
from models.access import AccessDenied, require_staff
from models.accounts import Account, Role
from models.audit import Action, AuditEvent
from models.clock import Clock
from models.codes import send_activation
from models.db import contains, retry_on_conflict, write_transaction
from models.mail import enqueue
from models.organisations import Branch, Organisation, OrganisationStatus
from models.refusal import Refusal
from models.validation import clean_text

ACCOUNT_SEARCH_LIMIT = 100
MAX_REASON = 1000
NO_SUCH_ACCOUNT = "Dit account bestaat niet (meer)."


@dataclass(frozen=True)
class ApplyingOrganisation:
    id: int
    name: str
    name_key: str
    visit_postcode: str
    visit_city: str
    created_at: dt.datetime


@dataclass(frozen=True)
class Applicant:
    id: int
    username: str
    name: str
    email: str


@dataclass(frozen=True)
class Application:
    """An application waiting for staff: what the console shows (values, never rows: no hash leaves models/)."""

    organisation: ApplyingOrganisation
    applicant: Applicant
    duplicates: tuple[str, ...] = ()  # why it may be a duplicate, in Dutch


def pending_applications(actor: Account) -> list[Application]:
    """Applications waiting for a decision, oldest first, with possible duplicates flagged."""
    require_staff(actor)
    first_branch = (Branch.select(fn.MIN(Branch.id)).where(Branch.organisation == Organisation.id))
    query = (Branch.select(Organisation.id, Organisation.name, Organisation.name_key, Organisation.visit_postcode,
                           Organisation.visit_city, Organisation.created_at,
                           Account.id, Account.username, Account.name, Account.email)
             .join(Organisation).switch(Branch).join(Account, on=Branch.manager)
             .where(Organisation.status == OrganisationStatus.PENDING, Branch.id == first_branch)
             .order_by(Organisation.created_at, Organisation.id).tuples())
    return _flag_duplicates([Application(ApplyingOrganisation(*row[:6]), Applicant(*row[6:])) for row in query])


def _flag_duplicates(rows: list[Application]) -> list[Application]:
    """Same organisation name and postcode as another organisation, or an email already in use."""
    if not rows:
        return rows
    same_place: dict[tuple[str, str], list[tuple[int, str, str]]] = {}
    others = (Organisation.select(Organisation.id, Organisation.name_key, Organisation.visit_postcode,
                                  Organisation.name, Organisation.status)
              .where(Organisation.name_key.in_({row.organisation.name_key for row in rows})).tuples())
    for org_id, name_key, postcode, name, status in others:
        same_place.setdefault((name_key, postcode), []).append((org_id, name, status))
    users: dict[str, list[tuple[int, str]]] = {}
    accounts = (Account.select(Account.id, fn.LOWER(Account.email), Account.username)
                .where(fn.LOWER(Account.email).in_({row.applicant.email.lower() for row in rows})).tuples())
    for account_id, email, username in accounts:
        users.setdefault(email, []).append((account_id, username))
    status_names = {"pending": "aanvraag", "approved": "goedgekeurd", "rejected": "afgewezen"}
    flagged = []
    for row in rows:
        org = row.organisation
        duplicates = [f"zelfde naam en postcode als {name} ({status_names[status]})"
                      for other_id, name, status in same_place.get((org.name_key, org.visit_postcode), [])
                      if other_id != org.id]
        duplicates += [f"e-mailadres al in gebruik door {username}"
                       for other_id, username in users.get(row.applicant.email.lower(), [])
                       if other_id != row.applicant.id]
        flagged.append(dataclasses.replace(row, duplicates=tuple(duplicates)))
    return flagged


@retry_on_conflict
def approve_application(actor: Account, organisation_id: int, clock: Clock) -> Organisation:
    """Approve: the organisation appears at once in the list professionals choose from."""
    return _decide(actor, organisation_id, OrganisationStatus.APPROVED, None, clock)


def clean_reason(reason: str) -> str:
    """The reason for a rejection as the applicant reads it (email, login screen): checked like every
    other text field (clean_text: no control characters, white space collapsed, NFC), at most
    MAX_REASON characters; FieldError names "de reden"."""
    return clean_text(reason, max_length=MAX_REASON, what="de reden van de afwijzing")


@retry_on_conflict
def reject_application(actor: Account, organisation_id: int, reason: str, clock: Clock) -> Organisation:
    """Reject with a reason, which the applicant reads in the email and when logging in.

    A reason that clean_reason refuses raises its FieldError (a Refusal) before anything changes."""
    return _decide(actor, organisation_id, OrganisationStatus.REJECTED, clean_reason(reason), clock)


class AlreadyDecided(Refusal):
    """Another staff member decided this application first."""


def _decide(actor: Account, organisation_id: int, status: OrganisationStatus, reason: str | None,
            clock: Clock) -> Organisation:
    require_staff(actor)
    now = clock.now()
    with write_transaction():
        changed = (Organisation.update(status=status, rejection_reason=reason, decided_by=actor, decided_at=now)
                   .where(Organisation.id == organisation_id, Organisation.status == OrganisationStatus.PENDING)
                   .execute())
        if not changed:
            raise AlreadyDecided("Deze aanvraag is al behandeld.")
        organisation = Organisation.get_by_id(organisation_id)
        applicant = (Account.select().join(Branch, on=Branch.manager).where(Branch.organisation == organisation)
                     .order_by(Branch.id).first())
        approved = status == OrganisationStatus.APPROVED
        AuditEvent.record(now, Action.APPLICATION_APPROVED if approved else Action.APPLICATION_REJECTED,
                          actor=actor, organisation=organisation, account=applicant,
                          detail={"reason": reason} if reason else None)
        if approved:
            subject, body = mail_texts.application_approved(applicant.name, organisation.name, applicant.username)
        else:
            subject, body = mail_texts.application_rejected(applicant.name, organisation.name, reason)
        enqueue(applicant.email, subject, body, now)
    return organisation


@dataclass(frozen=True)
class AccountRow:
    id: int
    username: str
    name: str
    email: str
    role: str
    organisation: str | None
    locked: bool
    activated: bool
    organisation_id: int | None = None


class ListsTouched(NamedTuple):
    applications: bool  # the list of applications may have changed
    accounts: bool  # the accounts found for the search may have changed


@dataclass(frozen=True)
class AccountsShown:
    ids: frozenset[int]
    organisations: dict[int, str | None]  # organisation id -> its name as shown
    last_username: str | None  # of the last row when the list is full (ACCOUNT_SEARCH_LIMIT), else None


def lists_touched(actor: Account, query: str, organisations: set[int], accounts: set[int],
                  shown: AccountsShown) -> ListsTouched:
    """Whether changes to these (not shown) organisations and accounts change the staff console's lists,
    reading only those rows. A grant saved in an organisation whose accounts are shown changes neither list."""
    return ListsTouched(applications_touched(actor, organisations),
                        accounts_touched(actor, query, organisations, accounts, shown))


def applications_touched(actor: Account, organisations: set[int]) -> bool:
    """Whether one of these (not shown) organisations now waits for a decision: a new application."""
    require_staff(actor)
    return bool(organisations) and Organisation.select().where(
        Organisation.id.in_(organisations), Organisation.status == OrganisationStatus.PENDING).exists()


def accounts_touched(actor: Account, query: str, organisations: set[int], accounts: set[int],
                     shown: AccountsShown) -> bool:
    """Whether the accounts found for `query` change: an account of these organisations, or one of these accounts,
    that matches the search and is not shown yet, or an organisation shown under another name now."""
    require_staff(actor)
    new = _account_search(query).where(Account.id.in_(accounts) | Organisation.id.in_(organisations),
                                       Account.id.not_in(shown.ids))
    if shown.last_username is not None:
        new = new.where(Account.username <= shown.last_username)  # only those that would make the list
    if bool(accounts or organisations) and new.exists():
        return True
    in_the_list = organisations & shown.organisations.keys()  # their name is shown: has it changed?
    if not in_the_list:
        return False
    names = dict(Organisation.select(Organisation.id, Organisation.name)
                 .where(Organisation.id.in_(in_the_list)).tuples())
    return any(names.get(organisation) != shown.organisations[organisation] for organisation in in_the_list)


def find_accounts(actor: Account, query: str, clock: Clock) -> list[AccountRow]:
    """Accounts whose username, name or email contains `query` (any role), at most 100."""
    require_staff(actor)
    now = clock.now()
    select = _account_search(query).order_by(Account.username).limit(ACCOUNT_SEARCH_LIMIT)
    return [AccountRow(a.id, a.username, a.name, a.email, a.role, getattr(a, "organisation_name", None),
                       a.locked_until is not None and now < a.locked_until, a.is_activated,
                       getattr(a, "organisation_id", None))
            for a in select.objects()]


def _account_search(query: str):
    """Accounts (with their organisation's name and id, if any) whose username, name, email or organisation
    contains `query`."""
    needle = query.strip().lower()
    select = (Account.select(Account, Organisation.name.alias("organisation_name"),
                             Organisation.id.alias("organisation_id"))
              .join(Branch, JOIN.LEFT_OUTER, on=Branch.manager)
              .join(Organisation, JOIN.LEFT_OUTER))
    if needle:
        select = select.where(contains(fn.LOWER(Account.username), needle)
                              | contains(fn.LOWER(Account.email), needle)
                              | contains(fn.LOWER(Account.name), needle)
                              | contains(fn.LOWER(Organisation.name), needle))
    return select


@retry_on_conflict
def unlock_account(actor: Account, account_id: int, clock: Clock) -> None:
    require_staff(actor)
    now = clock.now()
    with write_transaction():
        if not Account.update(locked_until=None, failed_logins=0, first_failed_at=None).where(
                Account.id == account_id).execute():
            raise AccessDenied(NO_SUCH_ACCOUNT)
        AuditEvent.record(now, Action.ACCOUNT_UNLOCKED, actor=actor, account=account_id)


@retry_on_conflict
def resend_activation(actor: Account, account_id: int, clock: Clock) -> None:
    """A new activation code for an account that has no password yet (older codes stop working)."""
    require_staff(actor)
    with write_transaction():
        account = Account.get_or_none(Account.id == account_id)
        if account is None:
            raise AccessDenied(NO_SUCH_ACCOUNT)
        if account.is_activated:
            raise AccessDenied("Dit account heeft al een wachtwoord. De gebruiker kan zelf "
                               "'Inloggegevens vergeten' gebruiken.")
        if account.role == Role.STAFF:
            raise AccessDenied("Een medewerkersaccount wordt niet zo geactiveerd.")
        send_activation(account, clock.now())

