"""Ending an account's sessions: a change to what a session was opened with (password, email, lock,
role, branch) raises the account's session version; a session holding an older one can do nothing
any more (models/access.require_active) and the app returns to the login screen or closes.
"""
from __future__ import annotations

from models.accounts import Account, SessionEnd
from models.changes import Kind, Topic, record


def end_sessions(account_id: int, reason: SessionEnd, actor: int | None = None) -> int:
    """Raise the account's session version for `reason` (what the ended sessions are told), in the
    caller's transaction, and announce it in the change
    feed so that open sessions notice within a second; returns the new version. A session that made the
    change and stays signed in sets its own Account's session_version to it."""
    Account.update(session_version=Account.session_version + 1, session_end_reason=reason) \
        .where(Account.id == account_id).execute()
    record([Topic(Kind.ACCOUNT, account_id)], actor)
    return Account.select(Account.session_version).where(Account.id == account_id).scalar() or 0
