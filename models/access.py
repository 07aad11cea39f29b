"""Who may see what. Every screen asks here; nothing is decided in the screens."""
from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from peewee import Select

from models.accounts import Account, Role, SessionEnd
from models.clock import Clock
from models.grants import AccessGrant
from models.organisations import Branch, Organisation, OrganisationStatus
from models.refusal import Refusal

# What a lock is compared with. Operations take the account, not a clock, so this one is shared;
# the tests pin it to each test's own clock (tests/conftest.py), so no check there reads the wall clock.
lock_clock: Clock = Clock()

LOCKED = "Uw account is tijdelijk geblokkeerd. Probeer het later opnieuw of neem contact op met Registerplein."
GONE = "Dit account bestaat niet meer."
ACCOUNT_CHANGED = "U bent uitgelogd: uw account is gewijzigd. Log opnieuw in."
# Why the session ended, as far as its user needs to know: what changed, never to what or by whom.
SESSION_ENDED = {
    SessionEnd.PASSWORD: "U bent uitgelogd: het wachtwoord van uw account is gewijzigd. Log opnieuw in.",
    SessionEnd.EMAIL: "U bent uitgelogd: het e-mailadres van uw account is gewijzigd. Log opnieuw in.",
    SessionEnd.ROLE: "U bent uitgelogd: uw rol in de organisatie is gewijzigd. Log opnieuw in.",
    SessionEnd.BRANCH: "U bent uitgelogd: uw vestiging is gewijzigd. Log opnieuw in.",
    SessionEnd.LOCK: "U bent uitgelogd: uw account is geblokkeerd geweest na te veel mislukte inlogpogingen. "
                     "Log opnieuw in.",
}


class AccessDenied(Refusal):
    """The acting account may not do this. The message is safe to show (Dutch)."""


class SessionEnded(AccessDenied):
    """The session may not go on at all; the message says so whole ("U bent uitgelogd: …")."""


def require_active(account: Account) -> Account:
    """The acting account as stored now, if it is not locked; else AccessDenied.

    Every require_* below starts here, so a session held by an account that was locked
    since it signed in (five wrong passwords, by anyone) can do nothing until it is unlocked,
    and a changed role or professional in the database counts, not the copy in the session.
    A session opened before the account's password, email, lock, role or branch changed (its
    session_version is older than the stored one, models/sessions.py) is ended: SessionEnded.
    """
    current = Account.get_or_none(Account.id == account.id)
    if current is None:
        raise AccessDenied(GONE)
    if current.locked_until is not None and lock_clock.now() < current.locked_until:
        raise AccessDenied(LOCKED)
    if current.session_version != account.session_version:
        raise SessionEnded(SESSION_ENDED.get(current.session_end_reason, ACCOUNT_CHANGED))
    return current


def own_branches(account: Account) -> Select:
    """Subquery: the ids of the branches `account` manages in an approved organisation."""
    return (
        Branch.select(Branch.id)
        .join(Organisation)
        .where(Branch.manager == account, Organisation.status == OrganisationStatus.APPROVED,
               Branch.removed_at.is_null())
    )


class Places(NamedTuple):
    """The organisations and branches whose change may end or narrow `account`'s session: those it manages
    (removed or not) and their organisations. Empty for a professional or staff member."""

    organisations: frozenset[int] = frozenset()
    branches: frozenset[int] = frozenset()


def own_places(account: Account) -> Places:
    rows = list(Branch.select(Branch.id, Branch.organisation).where(Branch.manager == account.id).tuples())
    return Places(frozenset(organisation for _, organisation in rows), frozenset(branch for branch, _ in rows))


def require_employer(account: Account) -> None:
    """An employer account of an approved organisation, or AccessDenied."""
    if require_active(account).role != Role.EMPLOYER:
        raise AccessDenied("Alleen een werkgeversaccount kan professionals volgen.")
    if not own_branches(account).exists():
        raise AccessDenied("Uw organisatie is nog niet goedgekeurd door Registerplein.")


def visible_professionals(account: Account, today: dt.date) -> Select:
    """Subquery: ids of professionals with a grant in force today to one of `account`'s branches.

    The branch ids are looked up first and written into the query as values: PostgreSQL then
    plans with the branch's real number of grants (hash joins at 40,000 grants) instead of a
    guess that picked nested loops and took three times as long.
    """
    branch_ids = [branch_id for branch_id, in own_branches(account).tuples()]
    return AccessGrant.select(AccessGrant.professional).where(
        AccessGrant.branch.in_(branch_ids), AccessGrant.in_force_on(today)
    )


def require_staff(account: Account) -> None:
    """A Registerplein staff account, or AccessDenied."""
    if require_active(account).role != Role.STAFF:
        raise AccessDenied("Alleen medewerkers van Registerplein kunnen dit doen.")


def require_member(account: Account) -> Branch:
    """The branch (with its organisation) that an employer of an approved organisation manages, or AccessDenied.

    A removed branch no longer counts: its manager has no part in the organisation any more.
    """
    if require_active(account).role != Role.EMPLOYER:
        raise AccessDenied("Alleen een werkgeversaccount kan dit doen.")
    return _live_branch(account)


def _live_branch(account: Account) -> Branch:
    """The live branch of an approved organisation that `account` manages, or AccessDenied."""
    branch = (Branch.select(Branch, Organisation).join(Organisation)
              .where(Branch.manager == account, Branch.removed_at.is_null(),
                     Organisation.status == OrganisationStatus.APPROVED)
              .first())
    if branch is None:
        raise AccessDenied("Uw account hoort (nog) niet bij een goedgekeurde organisatie.")
    return branch


def require_admin(account: Account) -> Branch:
    """The branch of a beheerder (an employer whose own branch is_admin, organisation approved), or AccessDenied."""
    branch = require_member(account)
    if not branch.is_admin:
        raise AccessDenied("Alleen een beheerder kan de instellingen van de organisatie wijzigen.")
    return branch


def require_usable(account: Account) -> Account:
    """An account that may use the app at all: not locked, and an employer only while managing a
    live branch of an approved organisation (an applicant waiting for approval cannot act yet)."""
    current = require_active(account)
    if current.role == Role.EMPLOYER:
        _live_branch(current)  # require_member without asking require_active twice
    return current


def why_ended(account: Account) -> str | None:
    """Why a session held by `account` (at its session version) may no longer be used, as the Dutch
    line its user reads; None while it may. What require_usable refuses, said rather than raised."""
    try:
        require_usable(account)
    except SessionEnded as ended:
        return str(ended)
    except AccessDenied as refused:
        return f"U bent uitgelogd. {refused}"
    return None


def require_professional(account: Account) -> int:
    """A professional's own account: returns the professional's id, or AccessDenied."""
    current = require_active(account)
    if current.role != Role.PROFESSIONAL:  # the database gives every professional account its professional
        raise AccessDenied("Alleen een professional kan dit doen, voor het eigen dossier.")
    return current.professional_id
