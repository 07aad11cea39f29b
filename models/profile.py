"""An employer's own details (name, email, password) and the organisation's details.

Every employer of the organisation sees the organisation's details; only a beheerder
changes them, and a save never silently overwrites someone else's change (version).
"""
from __future__ import annotations

from dataclasses import dataclass

from models.access import SessionEnded, require_admin, require_member, require_usable
from models.accounts import PASSWORD_TRIES, Account, SessionEnd
from models.applications import ApplicationForm, check_organisation
from models import mail_texts
from models.audit import Action, AuditEvent
from models.clock import Clock
from models.db import locked, retry_on_conflict, write_transaction
from models.organisations import Organisation, name_key, password_context
from models.mail import enqueue
from models.passwords import hash_password, verify_password
from models.sessions import end_sessions
from models.ssh_keys import remove_every_key
from models.validation import FormChecker, FormErrors, check_password, check_repeat, clean_email, clean_text

# The organisation's fields, named as in the application form (and the screens' FormFields).
ORGANISATION_FIELDS = ("company", "visit_address", "visit_postcode", "visit_city", "postal_address",
                       "postal_postcode", "postal_city", "country")
TOO_MANY_TRIES = ("U bent uitgelogd: het huidige wachtwoord was {tries} keer onjuist. Log opnieuw in; "
                  "wachtwoord vergeten? Vraag dan op het inlogscherm een code aan (F3).").format(tries=PASSWORD_TRIES)


def wrong_password(tries_left: int) -> str:
    """The message next to the current password field when it was wrong."""
    return f"Het huidige wachtwoord klopt niet. U kunt het nog {tries_left} keer proberen."


class ChangedMeanwhile(Exception):
    """Someone else saved the organisation's details after this user loaded them."""

    def __init__(self) -> None:
        super().__init__("De organisatiegegevens zijn intussen door iemand anders gewijzigd. U ziet nu de "
                         "nieuwe gegevens; breng uw wijziging zo nodig opnieuw aan en sla die op.")


class ContactChangedMeanwhile(ValueError):
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


@retry_on_conflict
def update_contact(account: Account, name: str, email: str, clock: Clock,
                   expected: tuple[str, str] | None = None) -> Account:
    """Change the employer's own name and email; FormErrors names `name` and `email`.

    `expected` is the (name, email) the user saw: if they were changed since (in another session),
    ContactChangedMeanwhile instead of overwriting them (None: no such check).
    `account` itself is updated too, so the session shows the new details.
    """
    require_member(account)
    checker = FormChecker()
    name = checker.check("name", clean_text, name, what="uw naam")
    email = checker.check("email", clean_email, email)
    checker.raise_if_any()
    now = clock.now()
    with write_transaction():
        current = locked(Account.select().where(Account.id == account.id)).get()
        if (current.name, current.email) != (name, email):
            if expected is not None and (current.name, current.email) != tuple(expected):
                raise ContactChangedMeanwhile((current.name, current.email))
            Account.update(name=name, email=email).where(Account.id == account.id).execute()
            AuditEvent.record(now, Action.CONTACT_CHANGED, actor=account, account=account,
                              detail={"email": [current.email, email]} if current.email != email else None)
            if current.email != email:  # where reset codes go: every other session of the account ends
                account.session_version = end_sessions(account.id, SessionEnd.EMAIL, account.id)
    account.name, account.email = name, email
    return account


@retry_on_conflict
def change_password(account: Account, current: str, new: str, repeat: str, clock: Clock) -> list[str]:
    """Set a new password after checking the current one. Slow (argon2id): call it from a worker.

    Any account may change its own password: knowing the current one is the check. The new
    password ends every other session of the account; this one (`account`) stays signed in.

    FormErrors names `current`, `password` and `repeat`. A wrong current password costs one try of
    the session (`account`, the Account the session holds: its `password_tries_left`, in memory) and
    one of the account (`password_failures`, stored: a new session or SSH channel brings no fresh
    ones); the message says how many remain, the fewer of the two, and after the last one SessionEnded
    ends this session. It is not a failed login: the account is not locked, so its owner's other
    sessions go on, and a login with the right password gives the account its tries back.
    """
    if _tries_left(account, require_usable(account)) <= 0:
        raise SessionEnded(TOO_MANY_TRIES)
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
    stored = Account.get_by_id(account.id)
    current_ok = verify_password(stored.password_hash, current)
    new_hash = hash_password(new) if current_ok else None
    now = clock.now()
    with write_transaction():
        fresh = locked(Account.select().where(Account.id == account.id)).get()
        require_usable(account)  # again, with the row locked: not locked or ended meanwhile
        usable = current_ok and fresh.password_hash == stored.password_hash
        if usable:
            fresh.password_hash, fresh.password_failures = new_hash, 0
            fresh.save()
            AuditEvent.record(now, Action.PASSWORD_SET, actor=account, account=account,
                              detail={"purpose": "change"})
            version = end_sessions(account.id, SessionEnd.PASSWORD, account.id)
            removed = remove_every_key(account.id, account.id, "password_change", now)
            enqueue(fresh.email, *mail_texts.password_set(fresh.name, fresh.username, "gewijzigd", removed), now)
        else:
            fresh.password_failures += 1
            fresh.save()
            left = min(account.password_tries_left - 1, PASSWORD_TRIES - fresh.password_failures)
            AuditEvent.record(now, Action.LOGIN_FAILED, actor=account, account=account,
                              detail={"current_password": True, "tries_left": max(0, left)})
    # Counted here, after the commit: a retried transaction costs no extra try of the session.
    if not usable:
        account.password_tries_left -= 1
        left = _tries_left(account, fresh)
        if left <= 0:
            raise SessionEnded(TOO_MANY_TRIES)
        raise FormErrors({"current": wrong_password(left)})
    account.password_hash, account.session_version = new_hash, version
    account.password_tries_left = PASSWORD_TRIES
    return removed


def _tries_left(session: Account, stored: Account) -> int:
    """Wrong current passwords `session` may still type: the fewer of its own and its account's."""
    return min(session.password_tries_left, PASSWORD_TRIES - stored.password_failures)


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
