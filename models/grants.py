"""Access grants (inzage): a professional lets one branch follow their dossier."""
from __future__ import annotations

import datetime as dt

from peewee import SQL, DateField, DateTimeField, Expression, ForeignKeyField

from models.accounts import Account
from models.db import BaseModel
from models.organisations import Branch
from models.professionals import Professional


class AccessGrant(BaseModel):
    """Revoking keeps the row (when, by whom) for the audit trail and the professional's view."""

    professional = ForeignKeyField(Professional, backref="grants", on_delete="CASCADE")
    branch = ForeignKeyField(Branch, backref="grants")
    granted_at = DateTimeField()
    end_date = DateField(null=True)  # geautoriseerd tot; None = until revoked
    revoked_at = DateTimeField(null=True)
    revoked_by = ForeignKeyField(Account, null=True, backref="revoked_grants")

    class Meta:
        constraints = [SQL("CHECK ((revoked_at IS NULL) = (revoked_by_id IS NULL))")]

    @classmethod
    def in_force_on(cls, day: dt.date) -> Expression:
        """SQL twin of rules.grant_in_force: not revoked, end date not past."""
        return cls.revoked_at.is_null() & (cls.end_date.is_null() | (cls.end_date >= day))


# At most one live grant per professional and branch; revoked ones stay as history.
AccessGrant.add_index(
    AccessGrant.index(AccessGrant.professional, AccessGrant.branch, unique=True, where=AccessGrant.revoked_at.is_null())
)
AccessGrant.add_index(AccessGrant.index(AccessGrant.branch, AccessGrant.professional))
