"""Signing in: checking a username and password, and recording the attempt."""
from __future__ import annotations

from models.accounts import Account
from models.audit import Action, AuditEvent
from models.clock import Clock
from models.db import db
from models.passwords import hash_password, needs_rehash, verify_password


def authenticate(username: str, password: str, clock: Clock) -> Account | None:
    """The account for these credentials, or None. Slow by design: call it from a worker.

    An unknown username costs the same hashing work as a wrong password, and the
    answer does not say which of the two was wrong. Every attempt is audited.
    """
    key = Account.normalise_username(username)
    account = Account.get_or_none(Account.username == key)
    ok = verify_password(account.password_hash if account else None, password)
    now = clock.now()
    with db.atomic():
        if not ok:
            AuditEvent.record(now, Action.LOGIN_FAILED, actor=account, detail={"username": key[:150]})
            return None
        account.last_login = now
        if needs_rehash(account.password_hash):
            account.password_hash = hash_password(password)
        account.save()
        AuditEvent.record(now, Action.LOGIN_SUCCEEDED, actor=account)
    return account
