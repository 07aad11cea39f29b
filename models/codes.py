"""Single-use codes by email: "forgot login details" and activating a new manager's account.

A code is stored hashed (argon2id), only an account's newest code counts, and
it works once. No password ever travels by email.
"""
from __future__ import annotations

import datetime as dt
import logging
import secrets

from peewee import fn

from models import mail_texts
from models.accounts import Account, AccountCode, CodePurpose, Role, SessionEnd
from models.audit import Action, AuditEvent
from models.auth import count_failure, is_locked
from models.clock import Clock
from models.db import BaseModel, locked, retry_on_conflict, write_transaction
from models.mail import OutgoingEmail, enqueue
from models.organisations import password_context
from models.passwords import hash_password, verify_password
from models.sessions import end_sessions
from models.ssh_keys import remove_every_key
from models.validation import FieldError, FormChecker, check_password, check_repeat, clean_email

VALIDITY = {CodePurpose.RESET: dt.timedelta(minutes=30), CodePurpose.ACTIVATION: dt.timedelta(days=7)}
MAILS_PER_HOUR = 3  # codes still in force that were mailed to one account within the hour; more sends nothing
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: easy to read and type
CODE_LENGTH = 10  # about 50 bits
log = logging.getLogger(__name__)


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

    The caller tells the user the same thing whether or not the address is known, and the work is the
    same too (one code hashed, the same statements), so the time taken does not tell either.

    An account that was mailed MAILS_PER_HOUR codes in the last hour that are still in force (not expired,
    not used) gets no new one; its last code keeps working. Only codes in force count, so whoever spends
    the quota gives the owner a working code, and once those expire the owner's own request sends a new
    one: nobody but the owner can use up the owner's way back in (a valid code also ends a lock).
    """
    try:
        address = clean_email(email)
    except FieldError:
        return
    now = clock.now()
    with write_transaction():
        accounts = list(locked(Account.select().where(fn.LOWER(Account.email) == address)
                               .order_by(Account.username)))
        mailed = _codes_in_force([account.id for account in accounts], now)
        if not accounts:
            _issue_no_code()
        lines = []
        for account in accounts:
            if mailed.get(account.id, 0) >= MAILS_PER_HOUR:
                log.info("no code for account %d: %d in force, mailed in the last hour", account.id,
                         mailed[account.id])
                _issue_no_code()
                continue
            purpose = CodePurpose.RESET if account.is_activated else CodePurpose.ACTIVATION
            lines.append((account.username, issue_code(account, purpose, now), VALIDITY[purpose]))
        if lines:
            subject, body = mail_texts.login_details(lines)
            enqueue(address, subject, body, now)
        else:
            _write_nothing(OutgoingEmail)


def _codes_in_force(account_ids: list[int], now: dt.datetime) -> dict[int, int]:
    """How many codes each account was mailed in the last hour that are still in force at `now` (not
    expired, not used), activation codes included: those sent by staff or on approval count too.

    Runs for an unknown address too (matching nothing), so that it costs the same statement."""
    query = (AccountCode.select(AccountCode.account, fn.COUNT(AccountCode.id))
             .where(AccountCode.account.in_(account_ids), AccountCode.created_at > now - dt.timedelta(hours=1),
                    AccountCode.expires_at > now, AccountCode.used_at.is_null())
             .group_by(AccountCode.account))
    return dict(query.tuples())


def _issue_no_code() -> None:
    """What issue_code costs, changing nothing: an unknown address or a limited account is not told
    apart by the time the answer takes. The hash is thrown away; the writes match no row."""
    hash_password(new_code())
    _write_nothing(AccountCode)
    _write_nothing(AuditEvent)  # CODE_SENT is QUIET: issue_code writes no change-feed row either


def _write_nothing(model: type[BaseModel]) -> None:
    """An UPDATE of `model`'s table that matches no row (ids start at 1): the statement a write would be."""
    model.update({model.id: model.id}).where(model.id < 0).execute()


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
    say whether the username exists. A valid code works while the account is locked, and ends
    the lock: whoever locks the account by guessing cannot keep its owner out. Setting the
    password ends every session of the account.
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
    if code_ok:  # only now, to the code's holder: what the password may not contain of the account
        checker.check("password", check_password, password, username=key,
                      **password_context(Account.get_by_id(newest.account_id)))
        checker.raise_if_any()
    new_hash = hash_password(password) if code_ok else None
    with write_transaction():
        account = locked(Account.select().where(Account.username == key)).first()
        current = _newest_code(key)
        usable = (code_ok and current is not None and current.id == newest.id and current.used_at is None
                  and now < current.expires_at)
        if usable:
            current.used_at = now
            current.save()
            account.password_hash = new_hash
            account.failed_logins, account.first_failed_at, account.locked_until = 0, None, None
            account.password_failures = 0
            account.save()
            account.session_version = end_sessions(account.id, SessionEnd.PASSWORD, account.id)
            AuditEvent.record(now, Action.PASSWORD_SET, actor=account, account=account,
                              detail={"purpose": current.purpose})
            removed = remove_every_key(account.id, account.id, "password_reset", now)
            if current.purpose == CodePurpose.RESET:  # an activation sets the first password: nothing to tell
                enqueue(account.email, *mail_texts.password_set(account.name, account.username,
                                                                "opnieuw ingesteld met een code", removed), now)
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
