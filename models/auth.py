"""Signing in: checking a username and password, locking out guessers, recording every attempt."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from models.accounts import Account, Role, SessionEnd
from models.audit import Action, AuditEvent
from models.clock import Clock
from models.db import locked, retry_on_conflict, write_transaction
from models.organisations import Branch, Organisation, OrganisationStatus
from models.passwords import hash_password, needs_rehash, verify_password
from models.sessions import end_sessions
from models.ssh_keys import SshKey, mark_used
from models.two_factor import check_code, has_second_factor

MAX_FAILURES = 5  # failed logins within FAILURE_WINDOW lock the account ...
FAILURE_WINDOW = dt.timedelta(minutes=15)
LOCK_DURATION = dt.timedelta(minutes=15)  # ... for this long (staff can unlock sooner)


class LoginStatus(StrEnum):
    OK = "ok"
    FAILED = "failed"  # wrong password, unknown user or locked: deliberately one answer
    NEEDS_CODE = "needs_code"  # right password; the account signs in with a code too: ask it, then try again
    PENDING = "pending"  # right password, organisation not yet approved
    REJECTED = "rejected"  # right password, application rejected (reason given)


@dataclass(frozen=True)
class LoginResult:
    status: LoginStatus
    account: Account | None = None
    reason: str | None = None  # the rejection reason

    @property
    def ok(self) -> bool:
        return self.status == LoginStatus.OK


@retry_on_conflict
def authenticate(username: str, password: str, clock: Clock, via: str = "", code: str | None = None) -> LoginResult:
    """Check credentials. Slow by design (argon2id): call it from a worker thread.

    An unknown username costs the same hashing work as a wrong password, a locked
    account gives the same answer as a wrong password, and every attempt is audited
    (`via` says where from, e.g. "ssh 10.0.0.5"; empty for the app's own login screen).
    An account with a second factor (models/two_factor) answers NEEDS_CODE to the right password
    without `code`; with it, the password and the code are checked together, and a wrong code is
    a failed login like a wrong password.
    """
    origin = {"via": via} if via else {}
    key = Account.lookup_key(username)
    found = Account.get_or_none(Account.username == key)
    password_ok = verify_password(found.password_hash if found else None, password)
    now = clock.now()
    with write_transaction():
        account = locked(Account.select().where(Account.username == key)).first()
        if account is None:
            # Not the typed name: people type their password into the username field by mistake.
            AuditEvent.record(now, Action.LOGIN_FAILED, detail={"unknown_username": True, **origin})
            return LoginResult(LoginStatus.FAILED)
        if is_locked(account, now):
            return _refuse_locked(account, now, origin)
        if not password_ok or account.password_hash != found.password_hash:
            count_failure(account, now, origin)
            return LoginResult(LoginStatus.FAILED)
        if has_second_factor(account.id):
            if code is None:
                return LoginResult(LoginStatus.NEEDS_CODE)
            if not check_code(account.id, code, clock):
                count_failure(account, now, {**origin, "second_factor": True})
                return LoginResult(LoginStatus.FAILED)
        account.failed_logins, account.first_failed_at = 0, None
        account.password_failures = 0  # the password typed right: the Account tab's tries are back
        if needs_rehash(account.password_hash):
            account.password_hash = hash_password(password)
        return _admit(account, now, origin)


@retry_on_conflict
def confirm_code(account: Account, code: str, clock: Clock, via: str = "") -> bool:
    """The code of the app of `account`, signed in a moment ago without a password (an SSH key): True once it
    is right; a wrong one is a failed login (the lockout applies), and a locked account gets False."""
    now = clock.now()
    with write_transaction():
        current = locked(Account.select().where(Account.id == account.id)).get()
        if is_locked(current, now):
            return False
        if check_code(account.id, code, clock):
            return True
        count_failure(current, now, {"via": via, "second_factor": True} if via else {"second_factor": True})
        return False


@retry_on_conflict
def key_login(username: str, key_id: int, clock: Clock, via: str = "") -> LoginResult:
    """Sign in with an SSH key whose signature the SSH server has checked (`key_id`: the SshKey).

    The same gates as a password: a locked account, a removed branch or an organisation that is
    not approved stays out, and the attempt is audited.
    """
    now = clock.now()
    origin = {"via": via, "method": "publickey"} if via else {"method": "publickey"}
    with write_transaction():
        account = locked(Account.select().where(Account.username == Account.lookup_key(username))).first()
        key = SshKey.get_or_none(SshKey.id == key_id)
        if account is None or key is None or key.account_id != account.id or account.password_hash is None:
            return LoginResult(LoginStatus.FAILED)
        if is_locked(account, now):
            return _refuse_locked(account, now, origin)
        result = _admit(account, now, origin)
        if result.ok:
            mark_used(key.id, now)
        return result


def _refuse_locked(account: Account, now: dt.datetime, origin: dict) -> LoginResult:
    AuditEvent.record(now, Action.LOGIN_FAILED, actor=account, account=account, detail={"locked": True, **origin})
    return LoginResult(LoginStatus.FAILED)


def _admit(account: Account, now: dt.datetime, origin: dict) -> LoginResult:
    """The credentials are right: let the account in unless its organisation keeps it out. In a transaction."""
    refusal = _organisation_refusal(account)
    if refusal is not None:
        account.save()
        AuditEvent.record(now, Action.LOGIN_REFUSED, actor=account, account=account,
                          detail={"status": refusal.status, **origin})
        return refusal
    account.last_login = now
    account.save()
    AuditEvent.record(now, Action.LOGIN_SUCCEEDED, actor=account, account=account, detail=origin or None)
    return LoginResult(LoginStatus.OK, account.without_secrets())


def is_locked(account: Account, now: dt.datetime) -> bool:
    return account.locked_until is not None and now < account.locked_until


def count_failure(account: Account, now: dt.datetime, origin: dict | None = None) -> None:
    """One more failure in the window; the fifth locks the account."""
    if account.first_failed_at is None or now - account.first_failed_at >= FAILURE_WINDOW:
        account.first_failed_at, account.failed_logins = now, 0
    account.failed_logins += 1
    AuditEvent.record(now, Action.LOGIN_FAILED, actor=account, account=account,
                      detail={"failures": account.failed_logins, **(origin or {})})
    locks = account.failed_logins >= MAX_FAILURES
    if locks:
        account.locked_until = now + LOCK_DURATION
        account.failed_logins, account.first_failed_at = 0, None
        AuditEvent.record(now, Action.ACCOUNT_LOCKED, account=account, detail={"until": str(account.locked_until)})
    account.save()
    if locks:  # after the save, which writes the version it read: every open session of the account ends
        account.session_version = end_sessions(account.id, SessionEnd.LOCK)


def _organisation_refusal(account: Account) -> LoginResult | None:
    """An employer whose organisation is not approved may not go in yet; say why."""
    if account.role != Role.EMPLOYER:
        return None
    branch = Branch.select(Branch, Organisation).join(Organisation).where(Branch.manager == account).first()
    if branch is not None and branch.removed_at is not None:
        return LoginResult(LoginStatus.FAILED)  # the branch was removed: this login no longer exists
    organisation = branch.organisation if branch else None
    if organisation is None or organisation.status == OrganisationStatus.APPROVED:
        return None
    if organisation.status == OrganisationStatus.PENDING:
        return LoginResult(LoginStatus.PENDING, account)
    return LoginResult(LoginStatus.REJECTED, account, organisation.rejection_reason)
