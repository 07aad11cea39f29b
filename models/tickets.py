"""Session tickets: how the SSH server hands an authenticated login to the app process it starts.

The server issues a random ticket after SSH authentication and passes it to the child over a
pipe; the child redeems it once, within a minute. Only a SHA-256 of the ticket is stored, so
someone who can run `inzage` on the server cannot open an app as another user without
writing to the database, which would give them everything anyway.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField

from models.access import require_usable
from models.accounts import Account
from models.clock import Clock
from models.db import BaseModel, locked, retry_on_conflict, write_transaction

TICKET_LIFETIME = dt.timedelta(minutes=1)


class SessionTicket(BaseModel):
    token_hash = CharField(max_length=64, unique=True)
    account = ForeignKeyField(Account, on_delete="CASCADE")
    expires_at = DateTimeField(index=True)
    peer = CharField(max_length=100, default="")
    session_version = IntegerField(default=1)  # the account's, as at SSH authentication
    signed_in_at = DateTimeField(null=True)  # when the SSH connection authenticated: the session's lifetime starts


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@retry_on_conflict
def issue_ticket(account: Account, clock: Clock, peer: str = "", signed_in_at: dt.datetime | None = None) -> str:
    """A ticket for a session of `account`, at the session version it authenticated with, and with the
    moment it authenticated (`signed_in_at`, default now): the app's lifetime counts from there."""
    require_usable(account)  # signed in a moment ago, but checked here too: a ticket is a session
    now = clock.now()
    token = secrets.token_urlsafe(32)
    with write_transaction():
        SessionTicket.delete().where(SessionTicket.expires_at < now).execute()
        SessionTicket.create(token_hash=_digest(token), account=account, expires_at=now + TICKET_LIFETIME,
                             peer=peer[:100], session_version=account.session_version,
                             signed_in_at=signed_in_at or now)
    return token


@retry_on_conflict
def redeem_ticket(token: str, clock: Clock) -> Account | None:
    """The account the ticket was issued for, once; None when unknown, used or expired.

    The account carries the session version of the ticket, not the stored one: a password changed
    since the SSH login ends the app at its first check."""
    with write_transaction():
        ticket = locked(SessionTicket.select().where(SessionTicket.token_hash == _digest(token.strip()))).first()
        if ticket is None:
            return None
        ticket.delete_instance()
        if clock.now() > ticket.expires_at:
            return None
        account = Account.get_by_id(ticket.account_id)
        account.session_version = ticket.session_version
        account.signed_in_at = ticket.signed_in_at
        return account.without_secrets()
