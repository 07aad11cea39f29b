"""An employer's own details (name, email, password) and the organisation's details.

Every employer of the organisation sees the organisation's details; only a beheerder
changes them, and a save never silently overwrites someone else's change (version).
"""
from __future__ import annotations

from dataclasses import dataclass

from models.access import require_admin, require_member, require_usable
from models.accounts import PASSWORD_TRIES, Account, SessionEnd
from models.applications import ApplicationForm, check_organisation
from models import mail_texts
from models.audit import Action, AuditEvent
from models.clock import Clock
from models.db import locked, retry_on_conflict, write_transaction
from models.organisations import Organisation, name_key, password_context
from models.email_change import request_email_change
from models.mail import enqueue
from models.passwords import hash_password
from models.reauth import TOO_MANY_TRIES, require_current_password, wrong_password  # noqa: F401 - shown by screens
from models.refusal import Refusal
from models.sessions import end_sessions
from models.ssh_keys import remove_every_key
from models.validation import FormChecker, FormErrors, check_password, check_repeat, clean_email, clean_text

# The organisation's fields, named as in the application form (and the screens' FormFields).
ORGANISATION_FIELDS = ("company", "visit_address", "visit_postcode", "visit_city", "postal_address",
                       "postal_postcode", "postal_city", "country")

class ChangedMeanwhile(Refusal):
    """Someone else saved the organisation's details after this user loaded them."""

    def __init__(self) -> None:
        super().__init__("De organisatiegegevens zijn intussen door iemand anders gewijzigd. U ziet nu de "
                         "nieuwe gegevens; breng uw wijziging zo nodig opnieuw aan en sla die op.")


class ContactChangedMeanwhile(Refusal):
    """The account's name or email was changed (in another session) after this user loaded them."""

    def __init__(self, current: tuple[str, str]) -> None:
        super().__init__("Uw gegevens zijn intussen elders gewijzigd. U ziet nu de nieuwe gegevens naast de uwe.")
        self.current = current


@dataclass(frozen=True)
class OrganisationForm:
    """The organisation's details as the form shows them, the version they were read at, and
    whether the reader may change them."""

    values: dict[str, str]  # field id (ORGANISATION_FIELDS) -> text
    version: int
    editable: bool


def contact_details(account: Account) -> tuple[str, str]:
    """The account's own name and email as stored now (another session may have changed them)."""
    stored = Account.get_by_id(account.id)
    return stored.name, stored.email


@dataclass(frozen=True)
class ContactSaved:
    """What update_contact did: the account as saved, and the new address a code went to (None: none)."""

    account: Account
    code_sent_to: str | None = None


def update_contact(account: Account, name: str, email: str, clock: Clock,
                   expected: tuple[str, str] | None = None, current: str = "") -> ContactSaved:
    """Change the employer's own name, and ask to change its email; FormErrors names `name`, `email` and
    `current`.

    The name changes at once. A new email address asks the current password (`current`) and takes effect
    only once the code mailed to it is entered (models/email_change.confirm_email_change); the old address
    is told. `expected` is the (name, email) the user saw: if they were changed since (in another session),
    ContactChangedMeanwhile instead of overwriting them (None: no such check). `account` itself is updated
    too, so the session shows the new name.
    """
    require_member(account)
    checker = FormChecker()
    name = checker.check("name", clean_text, name, what="uw naam")
    email = checker.check("email", clean_email, email)
    checker.raise_if_any()
    stored = Account.get_by_id(account.id)
    if expected is not None and (stored.name, stored.email) != tuple(expected):
        raise ContactChangedMeanwhile((stored.name, stored.email))
    code_sent_to = None
    if email.lower() != stored.email.lower():
        code_sent_to = request_email_change(account, email, current, clock)
    _save_name(account, name, expected, clock.now())
    account.name = name
    return ContactSaved(account, code_sent_to)


@retry_on_conflict  # this step alone: a retry must not mail the new address a second code
def _save_name(account: Account, name: str, expected: tuple[str, str] | None, now) -> None:
    with write_transaction():
        current_row = locked(Account.select().where(Account.id == account.id)).get()
        if expected is not None and (current_row.name, current_row.email) != tuple(expected):
            raise ContactChangedMeanwhile((current_row.name, current_row.email))
        if current_row.name != name:
            Account.update(name=name).where(Account.id == account.id).execute()
            AuditEvent.record(now, Action.CONTACT_CHANGED, actor=account, account=account)


@retry_on_conflict
def change_password(account: Account, current: str, new: str, repeat: str, clock: Clock) -> list[str]:
    """Set a new password after checking the current one; returns the SSH keys it removed (see
    remove_every_key: the owner is mailed which). Slow (argon2id): call it from a worker.

    Any account may change its own password: knowing the current one is the check. The new
    password ends every other session of the account; this one (`account`) stays signed in.

    FormErrors names `current`, `password` and `repeat`. A wrong current password costs a try
    (models/reauth.require_current_password: per session and per account, not a lockout).
    """
    require_usable(account)
    checker = FormChecker()
    if not current:
        checker.fail("current", "Vul uw huidige wachtwoord in.")
    checker.check("password", check_password, new, username=account.username,
                  **password_context(Account.get_by_id(account.id)))
    if "password" not in checker.errors:
        checker.check("repeat", check_repeat, new, repeat, "De wachtwoorden zijn niet gelijk.")
    if "password" not in checker.errors and current and new == current:
        checker.fail("password", "Kies een ander wachtwoord dan uw huidige.")
    checker.raise_if_any()
    checked_against = Account.get_by_id(account.id).password_hash
    require_current_password(account, current, clock, "password")
    new_hash = hash_password(new)
    now = clock.now()
    with write_transaction():
        fresh = locked(Account.select().where(Account.id == account.id)).get()
        require_usable(account)  # again, with the row locked: not locked or ended meanwhile
        if fresh.password_hash != checked_against:  # set elsewhere meanwhile: that session ended this one
            raise FormErrors({"current": "Uw wachtwoord is intussen elders gewijzigd. Vul het nieuwe in."})
        fresh.password_hash, fresh.password_failures = new_hash, 0
        fresh.save()
        AuditEvent.record(now, Action.PASSWORD_SET, actor=account, account=account, detail={"purpose": "change"})
        version = end_sessions(account.id, SessionEnd.PASSWORD, account.id)
        removed = remove_every_key(account.id, account.id, "password_change", now)
        enqueue(fresh.email, *mail_texts.password_set(fresh.name, fresh.username, "gewijzigd", removed), now)
    account.password_hash, account.session_version = new_hash, version
    account.password_tries_left = PASSWORD_TRIES
    return removed


def organisation_form(account: Account) -> OrganisationForm:
    """The details of the account's own organisation; any of its employers may read them."""
    own = require_member(account)
    org = Organisation.get_by_id(own.organisation_id)
    values = {"company": org.name, "visit_address": org.visit_address, "visit_postcode": org.visit_postcode,
              "visit_city": org.visit_city, "postal_address": org.postal_address or "",
              "postal_postcode": org.postal_postcode or "", "postal_city": org.postal_city or "",
              "country": org.country}
    return OrganisationForm(values, org.version, own.is_admin)


@retry_on_conflict
def update_organisation(account: Account, values: dict[str, str], expected_version: int, clock: Clock) -> int:
    """Save the organisation's details, checked as in the application form; returns the new version.

    Only when nobody saved since `expected_version` was read; otherwise ChangedMeanwhile.
    """
    require_admin(account)
    form = ApplicationForm(**{key: values.get(key, "") for key in ORGANISATION_FIELDS})
    checker = FormChecker()
    details = check_organisation(form, checker)
    checker.raise_if_any()
    now = clock.now()
    with write_transaction():
        own = require_admin(account)  # again: the beheerder right may have been taken away meanwhile
        changed = (Organisation.update(name_key=name_key(details.name), version=Organisation.version + 1,
                                       **details.__dict__)
                   .where(Organisation.id == own.organisation_id, Organisation.version == expected_version)
                   .execute())
        if not changed:
            raise ChangedMeanwhile()
        AuditEvent.record(now, Action.ORGANISATION_CHANGED, actor=account, organisation=own.organisation_id,
                          detail={"version": expected_version + 1})
    return expected_version + 1
