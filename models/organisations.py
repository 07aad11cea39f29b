"""Employers: organisations and their branches, each with one manager account."""
from __future__ import annotations

from enum import StrEnum

from peewee import SQL, BooleanField, CharField, Check, DateTimeField, ForeignKeyField, IntegerField, TextField

from models.accounts import Account
from models.db import BaseModel, contains
from models.text import fold


class OrganisationStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class ManagerRole(StrEnum):
    CONTACT_PERSON = "contact_person"  # contactpersoon werkgever
    BRANCH_MANAGER = "branch_manager"  # vestigingsmanager


class Organisation(BaseModel):
    """An employer (werkgever). Only approved organisations can be chosen by professionals."""

    name = CharField(max_length=300)
    name_key = CharField(max_length=300, index=True)  # folded name: search and duplicates
    visit_address = CharField(max_length=300)
    visit_postcode = CharField(max_length=20)
    visit_city = CharField(max_length=200)
    postal_address = CharField(max_length=300, null=True)
    postal_postcode = CharField(max_length=20, null=True)
    postal_city = CharField(max_length=200, null=True)
    country = CharField(max_length=100, default="Nederland")
    status = CharField(
        max_length=10,
        default=OrganisationStatus.PENDING,
        index=True,
        constraints=[Check("status IN ('pending', 'approved', 'rejected')")],
    )
    rejection_reason = TextField(null=True)
    decided_by = ForeignKeyField(Account, null=True, backref="decisions")
    decided_at = DateTimeField(null=True)
    created_at = DateTimeField()
    version = IntegerField(default=1, constraints=[SQL("DEFAULT 1")])  # raised by every change of the details

    class Meta:
        constraints = [
            SQL("CHECK (status <> 'rejected' OR rejection_reason IS NOT NULL)"),
            SQL("CHECK ((status = 'pending') = (decided_at IS NULL))"),
        ]


class Branch(BaseModel):
    """A branch or department (vestiging of afdeling) with its one manager.

    The manager's role toward professionals is `role`; independently the manager
    may be beheerder (`is_admin`), who may change all settings of the organisation.
    """

    organisation = ForeignKeyField(Organisation, backref="branches")
    name = CharField(max_length=300)
    manager = ForeignKeyField(Account, unique=True, backref="managed_branches")
    role = CharField(max_length=20, constraints=[Check("role IN ('contact_person', 'branch_manager')")])
    is_admin = BooleanField(default=False)
    removed_at = DateTimeField(null=True)  # removed by a beheerder; kept for the audit trail


# Branch names are unique per organisation among the branches that are not removed.
Branch.add_index(Branch.index(Branch.organisation, Branch.name, unique=True, where=Branch.removed_at.is_null()))


def name_key(name: str) -> str:
    """The folded name kept for search and duplicates, cut to its column: folding can make a name longer
    ("ß" becomes "ss", "㍿" four characters), and PostgreSQL refuses what does not fit."""
    return fold(name)[:Organisation.name_key.max_length]


def approved_organisations(search: str = "", limit: int = 50) -> list[Organisation]:
    """The organisations professionals choose from: approved ones only, matched on folded name."""
    query = (Organisation.select().where(Organisation.status == OrganisationStatus.APPROVED)
             .order_by(Organisation.name_key).limit(limit))
    if fold(search):
        query = query.where(contains(Organisation.name_key, fold(search)))
    return list(query)


def password_context(account: Account) -> dict:
    """What a password may not contain besides the username (models.validation.check_password):
    the account's name and email and, for an employer, the organisation's name and the names of the
    branches it manages (removed ones too: the name is still the account's own); and whether it signs in
    with a code too (then 8 characters are enough, NIST SP 800-63B-4)."""
    rows = list(Branch.select(Branch.name, Organisation.name.alias("organisation")).join(Organisation)
                .where(Branch.manager == account.id).dicts())
    from models.two_factor import has_second_factor  # it reads accounts as models.access does, which reads this

    return {"name": account.name, "email": account.email,
            "organisation": rows[0]["organisation"] if rows else "",
            "places": tuple(row["name"] for row in rows), "has_second_factor": has_second_factor(account.id)}
