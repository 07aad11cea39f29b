"""Wie heeft mijn dossier bekeken: every time an employer opened the professional's dossier."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import JOIN

from models.access import require_professional
from models.accounts import Account
from models.audit import Action, AuditEvent
from models.clock import to_local
from models.organisations import Branch, Organisation


@dataclass(frozen=True)
class LookRow:
    """One opening of the dossier: when (Dutch local time), by whom, from which organisation and branch."""

    at: dt.datetime  # local (Europe/Amsterdam), timezone-aware
    viewer: str
    organisation: str
    branch: str


def who_looked(account: Account) -> list[LookRow]:
    """The DOSSIER_VIEWED events about the acting professional, newest first, in one statement."""
    professional_id = require_professional(account)
    viewer = Account.alias("viewer")
    query = (
        AuditEvent.select(AuditEvent.at, viewer.name, Organisation.name, Branch.name)
        .join(viewer, JOIN.LEFT_OUTER, on=(AuditEvent.actor == viewer.id))
        .switch(AuditEvent).join(Organisation, JOIN.LEFT_OUTER, on=(AuditEvent.organisation == Organisation.id))
        .switch(AuditEvent).join(Branch, JOIN.LEFT_OUTER, on=(AuditEvent.branch == Branch.id))
        .where(AuditEvent.professional == professional_id, AuditEvent.action == Action.DOSSIER_VIEWED)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    )
    return [LookRow(to_local(at), name or "onbekend", organisation or "", branch or "")
            for at, name, organisation, branch in query.tuples()]
