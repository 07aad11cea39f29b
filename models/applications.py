"""Applying for an employer account (werkgeversaccount aanvragen)."""
from __future__ import annotations

from dataclasses import dataclass

from peewee import IntegrityError

from models import mail_texts
from models.accounts import Account, Role
from models.audit import Action, AuditEvent
from models.clock import Clock
from models.db import retry_on_conflict, write_transaction
from models.mail import enqueue
from models.organisations import Branch, ManagerRole, Organisation, OrganisationStatus, name_key
from models.passwords import hash_password
from models.validation import (
    FieldError,
    FormChecker,
    check_password,
    check_repeat,
    clean_email,
    clean_postcode,
    clean_text,
    clean_username,
)

FIRST_BRANCH_NAME = "Hoofdvestiging"


@dataclass
class ApplicationForm:
    """What the applicant typed, field by field, as in the seed's form."""

    name: str = ""
    email: str = ""
    email_repeat: str = ""
    username: str = ""
    password: str = ""
    password_repeat: str = ""
    company: str = ""
    visit_address: str = ""
    visit_postcode: str = ""
    visit_city: str = ""
    postal_address: str = ""
    postal_postcode: str = ""
    postal_city: str = ""
    country: str = "Nederland"


@dataclass(frozen=True)
class OrganisationDetails:
    """An organisation's checked details (also used when a beheerder edits them)."""

    name: str
    visit_address: str
    visit_postcode: str
    visit_city: str
    postal_address: str | None
    postal_postcode: str | None
    postal_city: str | None
    country: str


def check_organisation(form: ApplicationForm, checker: FormChecker) -> OrganisationDetails | None:
    """Check the organisation part of a form; messages go into `checker`."""
    country = checker.check("country", clean_text, form.country, what="het land", max_length=100) or "Nederland"
    details = {
        "name": checker.check("company", clean_text, form.company, what="de bedrijfsnaam"),
        "visit_address": checker.check("visit_address", clean_text, form.visit_address, what="het bezoekadres"),
        "visit_postcode": checker.check("visit_postcode", clean_postcode, form.visit_postcode, country),
        "visit_city": checker.check("visit_city", clean_text, form.visit_city, what="de plaats", max_length=200),
    }
    postal = {
        "postal_address": checker.check("postal_address", clean_text, form.postal_address, required=False,
                                        what="het postadres"),
        "postal_postcode": checker.check("postal_postcode", clean_postcode, form.postal_postcode, country,
                                         required=False),
        "postal_city": checker.check("postal_city", clean_text, form.postal_city, required=False, what="de plaats",
                                     max_length=200),
    }
    if any(postal.values()):  # a postal address is optional, but then complete
        for field, message in (("postal_address", "Vul ook het postadres in."),
                               ("postal_postcode", "Vul ook de postcode van het postadres in."),
                               ("postal_city", "Vul ook de plaats van het postadres in.")):
            if not postal[field] and field not in checker.errors:
                checker.fail(field, message)
    if checker.errors:
        return None
    return OrganisationDetails(country=country, **details, **{k: v or None for k, v in postal.items()})


def check_application(form: ApplicationForm) -> tuple[dict, OrganisationDetails]:
    """Every field checked at once; FormErrors lists each wrong field with its Dutch message."""
    checker = FormChecker()
    name = checker.check("name", clean_text, form.name, what="uw naam")
    email = checker.check("email", clean_email, form.email)
    if email:
        try:
            same = clean_email(form.email_repeat) == email
        except FieldError:
            same = False
        if not same:
            checker.fail("email_repeat", "De e-mailadressen zijn niet gelijk.")
    username = checker.check("username", clean_username, form.username)
    checker.check("password", check_password, form.password, username=username or form.username.strip(),
                  name=name or "", email=email or "", organisation=form.company)
    if "password" not in checker.errors:
        checker.check("password_repeat", check_repeat, form.password, form.password_repeat,
                      "De wachtwoorden zijn niet gelijk.")
    organisation = check_organisation(form, checker)
    checker.raise_if_any()
    return {"name": name, "email": email, "username": username}, organisation


@retry_on_conflict
def apply_for_employer_account(form: ApplicationForm, clock: Clock) -> Account:
    """Check the form, then create the pending organisation, its first branch and the applicant's
    account (contact person and beheerder), and queue the confirmation email. Slow: hashes a password."""
    person, details = check_application(form)
    password_hash = hash_password(form.password)
    now = clock.now()
    try:
        with write_transaction():
            organisation = Organisation.create(name_key=name_key(details.name), status=OrganisationStatus.PENDING,
                                               created_at=now, **details.__dict__)
            account = Account.create(password_hash=password_hash, role=Role.EMPLOYER, created_at=now, **person)
            Branch.create(organisation=organisation, name=FIRST_BRANCH_NAME, manager=account,
                          role=ManagerRole.CONTACT_PERSON, is_admin=True)
            AuditEvent.record(now, Action.APPLICATION_SUBMITTED, actor=account, organisation=organisation)
            enqueue(account.email, *mail_texts.application_received(account.name, organisation.name), now)
    except IntegrityError:  # someone took the username between the check and the save
        checker = FormChecker()
        checker.fail("username", "Deze gebruikersnaam is al in gebruik. Kies een andere.")
        checker.raise_if_any()
    return account
