"""A new email address takes effect only once a code sent to it is entered, and the old address is told.

The address is where reset codes go: whoever could change it without the password (a session left
unattended) could take the account over. So a change asks the current password, mails a code to the new
address (valid 30 minutes, only the newest works), and tells the old address; the code makes it the
account's address, ends the account's other sessions and tells the old address again.
"""
from __future__ import annotations

import datetime as dt

from peewee import CharField, DateTimeField, ForeignKeyField, TextField, fn

from models import mail_texts
from models.access import require_member
from models.accounts import Account, SessionEnd
from models.audit import Action, AuditEvent
from models.clock import Clock
from models.codes import new_code, normalise_code
from models.db import BaseModel, locked, retry_on_conflict, write_transaction
from models.mail import enqueue
from models.passwords import hash_password, verify_password
from models.reauth import require_current_password
from models.sessions import end_sessions
from models.validation import FormErrors, clean_email

VALIDITY = dt.timedelta(minutes=30)
CODES_IN_FORCE = 3  # codes for new addresses still in force at once; a further request is refused
SAME = "Dit is al uw e-mailadres."
TOO_MANY = ("Er zijn al drie codes onderweg. Gebruik de code uit de laatste e-mail, of vraag over een half uur een "
            "nieuwe aan.")
WRONG_CODE = "Deze code klopt niet of is verlopen. Wijzig zo nodig uw e-mailadres opnieuw voor een nieuwe code."


class EmailChange(BaseModel):
    """A requested new address and the code (hashed) that confirms it."""

    account = ForeignKeyField(Account, backref="email_changes", on_delete="CASCADE")
    new_email = CharField(max_length=320)
    code_hash = TextField()
    created_at = DateTimeField()
    expires_at = DateTimeField()
    used_at = DateTimeField(null=True)

    class Meta:
        table_name = "email_change"
        indexes = ((("account", "created_at"), False),)


@retry_on_conflict
def request_email_change(account: Account, email: str, current: str, clock: Clock) -> str:
    """Ask to change `account`'s address to `email`: checks the current password, mails a code to the new
    address and a notice to the old one; returns the new address, as cleaned. FormErrors names `email`,
    `current`. Slow (argon2id): call it from a worker."""
    require_member(account)
    address = clean_email(email) if email else ""
    if not address:
        raise FormErrors({"email": "Vul uw nieuwe e-mailadres in."})
    stored = Account.get_by_id(account.id)
    if address == stored.email.lower():
        raise FormErrors({"email": SAME})
    require_current_password(account, current, clock, "email")
    code = new_code()
    code_hash = hash_password(code)
    now = clock.now()
    with write_transaction():
        fresh = locked(Account.select().where(Account.id == account.id)).get()
        in_force = (EmailChange.select(fn.COUNT(EmailChange.id))
                    .where(EmailChange.account == account.id, EmailChange.expires_at > now,
                           EmailChange.used_at.is_null()).scalar())
        if in_force >= CODES_IN_FORCE:
            raise FormErrors({"email": TOO_MANY})
        EmailChange.create(account=account.id, new_email=address, code_hash=code_hash, created_at=now,
                           expires_at=now + VALIDITY)
        AuditEvent.record(now, Action.EMAIL_CHANGE_REQUESTED, actor=account, account=account,
                          detail={"email": [fresh.email, address]})
        enqueue(address, *mail_texts.email_code(fresh.name, fresh.username, code, VALIDITY), now)
        enqueue(fresh.email, *mail_texts.email_change_asked(fresh.name, fresh.username, address), now)
    return address


@retry_on_conflict
def confirm_email_change(account: Account, code: str, clock: Clock) -> Account:
    """Make the address of the newest request the account's, with the code mailed to it; the account's
    other sessions end and the old address is told. FormErrors names `code` (a wrong code costs a try
    of the current password: it stands in for it). `account` is updated too."""
    require_member(account)
    newest = (EmailChange.select().where(EmailChange.account == account.id)
              .order_by(EmailChange.id.desc()).first())
    now = clock.now()
    good = verify_password(newest.code_hash if newest else None, normalise_code(code))
    if not (good and newest.used_at is None and now < newest.expires_at):
        raise FormErrors({"code": WRONG_CODE})
    with write_transaction():
        fresh = locked(Account.select().where(Account.id == account.id)).get()
        still = locked(EmailChange.select().where(EmailChange.id == newest.id, EmailChange.used_at.is_null())).first()
        if still is None:
            raise FormErrors({"code": WRONG_CODE})
        still.used_at = now
        still.save()
        old = fresh.email
        Account.update(email=newest.new_email).where(Account.id == account.id).execute()
        AuditEvent.record(now, Action.CONTACT_CHANGED, actor=account, account=account,
                          detail={"email": [old, newest.new_email]})
        account.session_version = end_sessions(account.id, SessionEnd.EMAIL, account.id)
        enqueue(old, *mail_texts.email_changed(fresh.name, fresh.username, newest.new_email), now)
    account.email = newest.new_email
    return account
