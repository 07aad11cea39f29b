"""Re-authentication: what takes over an account (its email, password, SSH keys) asks the current password
in the same form, however long the session has been open.

A wrong current password costs one try of the session (in memory) and one of the account (stored: a new
session or SSH channel brings no fresh ones); the fewer of the two remain (tries_left). It is not a failed
login, so nobody can lock the owner out from here; a login with the password gives the account its tries back.
"""
from __future__ import annotations

from models.access import SessionEnded, require_usable
from models.accounts import PASSWORD_TRIES, Account
from models.audit import Action, AuditEvent
from models.clock import Clock
from models.db import locked, write_transaction
from models.passwords import verify_password
from models.validation import FormErrors

TOO_MANY_TRIES = ("U bent uitgelogd: het huidige wachtwoord was {tries} keer onjuist. Log opnieuw in; "
                  "wachtwoord vergeten? Vraag dan op het inlogscherm een code aan (F3).").format(tries=PASSWORD_TRIES)
ASK_CURRENT = "Vul uw huidige wachtwoord in: daarmee bevestigt u dat u het zelf bent."


def wrong_password(tries_left: int) -> str:
    """The message next to the current password field when it was wrong."""
    return f"Het huidige wachtwoord klopt niet. U kunt het nog {tries_left} keer proberen."


def tries_left(session: Account, stored: Account) -> int:
    """Wrong current passwords `session` may still type: the fewer of its own and its account's."""
    return min(session.password_tries_left, PASSWORD_TRIES - stored.password_failures)


def require_current_password(account: Account, current: str, clock: Clock, what: str) -> None:
    """Nothing when `current` is the account's password (its tries are back); FormErrors naming `current`
    when it is empty or wrong (one try spent, committed at once), and SessionEnded after the last try.
    `what` is written to the audit trail with a wrong try ("email", "ssh_key"). Slow (argon2id)."""
    stored = require_usable(account)
    if tries_left(account, stored) <= 0:
        raise SessionEnded(TOO_MANY_TRIES)
    if not current:
        raise FormErrors({"current": ASK_CURRENT})
    if verify_password(stored.password_hash, current):
        if stored.password_failures:
            Account.update(password_failures=0).where(Account.id == account.id).execute()
        account.password_tries_left = PASSWORD_TRIES
        return
    with write_transaction():
        fresh = locked(Account.select().where(Account.id == account.id)).get()
        fresh.password_failures += 1
        fresh.save()
        account.password_tries_left -= 1
        left = tries_left(account, fresh)
        AuditEvent.record(clock.now(), Action.LOGIN_FAILED, actor=account, account=account,
                          detail={"current_password": True, "for": what, "tries_left": max(0, left)})
    if left <= 0:
        raise SessionEnded(TOO_MANY_TRIES)
    raise FormErrors({"current": wrong_password(left)})
