"""Wie heeft mijn dossier bekeken: every time an employer opened the professional's dossier, or exported
an overview that held the professional."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import JOIN, fn

from models.access import require_professional
from models.accounts import Account
from models.audit import Action, AuditEvent
from models.clock import to_local
from models.organisations import Branch, Organisation


@dataclass(frozen=True)
class LookRow:
    """One look: when (Dutch local time), by whom, from which organisation and branch, and what:
    `kind` is Action.DOSSIER_VIEWED (the dossier opened) or Action.PROFESSIONALS_EXPORTED (in an export)."""

    at: dt.datetime  # local (Europe/Amsterdam), timezone-aware
    viewer: str
    organisation: str
    branch: str
    kind: Action = Action.DOSSIER_VIEWED


LOOKS = (Action.DOSSIER_VIEWED, Action.PROFESSIONALS_EXPORTED)


def who_looked(account: Account) -> list[LookRow]:
    """The DOSSIER_VIEWED and PROFESSIONALS_EXPORTED events about the acting professional, newest first,
    in one statement."""
    professional_id = require_professional(account)
    viewer = Account.alias("viewer")
    query = (
        AuditEvent.select(AuditEvent.at, fn.COALESCE(AuditEvent.actor_name, viewer.name), Organisation.name, Branch.name, AuditEvent.action)
        .join(viewer, JOIN.LEFT_OUTER, on=(AuditEvent.actor == viewer.id))
        .switch(AuditEvent).join(Organisation, JOIN.LEFT_OUTER, on=(AuditEvent.organisation == Organisation.id))
        .switch(AuditEvent).join(Branch, JOIN.LEFT_OUTER, on=(AuditEvent.branch == Branch.id))
        .where(AuditEvent.professional == professional_id, AuditEvent.action.in_(LOOKS))
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    )
    return [LookRow(to_local(at), name or "onbekend", organisation or "", branch or "", Action(action))
            for at, name, organisation, branch, action in query.tuples()]
