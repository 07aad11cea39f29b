"""Who may see what. Every screen asks here; nothing is decided in the screens."""
from __future__ import annotations

import datetime as dt

from peewee import Select

from models.accounts import Account, Role
from models.grants import AccessGrant
from models.organisations import Branch, Organisation, OrganisationStatus


class AccessDenied(Exception):
    """The acting account may not do this. The message is safe to show (Dutch)."""


def own_branches(account: Account) -> Select:
    """Subquery: the ids of the branches `account` manages in an approved organisation."""
    return (
        Branch.select(Branch.id)
        .join(Organisation)
        .where(Branch.manager == account, Organisation.status == OrganisationStatus.APPROVED)
    )


def require_employer(account: Account) -> None:
    """An employer account of an approved organisation, or AccessDenied."""
    if account.role != Role.EMPLOYER:
        raise AccessDenied("Alleen een werkgeversaccount kan professionals volgen.")
    if not own_branches(account).exists():
        raise AccessDenied("Uw organisatie is nog niet goedgekeurd door Registerplein.")


def visible_professionals(account: Account, today: dt.date) -> Select:
    """Subquery: ids of professionals with a grant in force today to one of `account`'s branches."""
    return AccessGrant.select(AccessGrant.professional).where(
        AccessGrant.branch.in_(own_branches(account)), AccessGrant.in_force_on(today)
    )


def require_staff(account: Account) -> None:
    """A Registerplein staff account, or AccessDenied."""
    if account.role != Role.STAFF:
        raise AccessDenied("Alleen medewerkers van Registerplein kunnen dit doen.")
