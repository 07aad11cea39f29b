"""Single-use codes by email: "forgot login details" and activating a new manager's account.

A code is stored hashed (argon2id), only an account's newest code counts, and
it works once. No password ever travels by email.
"""
from __future__ import annotations

import datetime as dt
import secrets

from peewee import fn

from models import mail_texts
from models.accounts import Account, AccountCode, CodePurpose, Role
from models.audit import Action, AuditEvent
from models.auth import count_failure, is_locked
from models.clock import Clock
from models.db import locked, retry_on_conflict, write_transaction
from models.mail import enqueue
from models.passwords import hash_password, verify_password
from models.validation import FieldError, FormChecker, check_password, check_repeat, clean_email

VALIDITY = {CodePurpose.RESET: dt.timedelta(minutes=30), CodePurpose.ACTIVATION: dt.timedelta(days=7)}
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: easy to read and type
CODE_LENGTH = 10  # about 50 bits


def new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return f"{raw[:5]}-{raw[5:]}"


def normalise_code(code: str) -> str:
    compact = "".join(ch for ch in code.upper() if ch.isalnum())
    return f"{compact[:5]}-{compact[5:]}"


def issue_code(account: Account, purpose: CodePurpose, now: dt.datetime) -> str:
    """A fresh code for `account`; any older code of the same purpose stops working."""
    code = new_code()
    AccountCode.create(account=account, purpose=purpose, code_hash=hash_password(code), created_at=now,
                       expires_at=now + VALIDITY[purpose])
    AuditEvent.record(now, Action.CODE_SENT, account=account, detail={"purpose": str(purpose)})
    return code


@retry_on_conflict
def request_login_details(email: str, clock: Clock) -> None:
    """Forgot login details: mail the usernames and a reset code for each account with this email.

    The caller tells the user the same thing whether or not the address is known.
    """
    try:
        address = clean_email(email)
    except FieldError:
        return
    now = clock.now()
    with write_transaction():
        accounts = list(Account.select().where(fn.LOWER(Account.email) == address).order_by(Account.username))
        if not accounts:
            return
        lines = []
        for account in accounts:
            purpose = CodePurpose.RESET if account.is_activated else CodePurpose.ACTIVATION
            lines.append((account.username, issue_code(account, purpose, now), VALIDITY[purpose]))
        subject, body = mail_texts.login_details(lines)
        enqueue(address, subject, body, now)


def send_activation(account: Account, now: dt.datetime) -> None:
    """Mail `account` a new activation code (valid 7 days). Call inside the caller's transaction."""
    code = issue_code(account, CodePurpose.ACTIVATION, now)
    subject, body = mail_texts.activation(account.name, account.username, code, VALIDITY[CodePurpose.ACTIVATION])
    enqueue(account.email, subject, body, now)


@retry_on_conflict
def create_manager_account(name: str, email: str, username: str, clock: Clock) -> Account:
    """An employer account without a password; the manager gets an activation code by email.

    The caller links it to a branch in the same transaction.
    """
    now = clock.now()
    with write_transaction():
        account = Account.create(username=Account.normalise_username(username), name=name, email=email,
                                 role=Role.EMPLOYER, created_at=now)
        AuditEvent.record(now, Action.ACCOUNT_CREATED, account=account)
        send_activation(account, now)
    return account


@retry_on_conflict
def set_password_with_code(username: str, code: str, password: str, repeat: str, clock: Clock) -> Account:
    """Redeem a reset or activation code and set a new password; FormErrors names the fields.

    A wrong code counts as a failed login (the lockout applies), and the answer does not
    say whether the username exists.
    """
    key = Account.lookup_key(username)
    checker = FormChecker()
    checker.check("password", check_password, password, username=key)
    checker.check("repeat", check_repeat, password, repeat, "De wachtwoorden zijn niet gelijk.")
    checker.raise_if_any()
    now = clock.now()
    wrong_code = "Deze code klopt niet of is verlopen. Vraag zo nodig een nieuwe aan."
    newest = _newest_code(key)
    code_ok = verify_password(newest.code_hash if newest else None, normalise_code(code))
    new_hash = hash_password(password) if code_ok else None
    with write_transaction():
        account = locked(Account.select().where(Account.username == key)).first()
        current = _newest_code(key)
        usable = (code_ok and current is not None and current.id == newest.id and current.used_at is None
                  and now < current.expires_at and not is_locked(account, now))
        if usable:
            current.used_at = now
            current.save()
            account.password_hash = new_hash
            account.failed_logins, account.first_failed_at = 0, None
            account.save()
            AuditEvent.record(now, Action.PASSWORD_SET, actor=account, account=account,
                              detail={"purpose": current.purpose})
        elif account is not None and not is_locked(account, now):
            count_failure(account, now)  # committed: the failure must count even though we refuse
    if not usable:
        raise_form("code", wrong_code)
    return account


def _newest_code(username_key: str) -> AccountCode | None:
    """The code issued last to the account with this username, if any."""
    return (AccountCode.select().join(Account).where(Account.username == username_key)
            .order_by(AccountCode.id.desc()).first())


def raise_form(field: str, message: str) -> None:
    checker = FormChecker()
    checker.fail(field, message)
    checker.raise_if_any()
