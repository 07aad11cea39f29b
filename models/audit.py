"""The audit trail: who did what to whom, and when."""
from __future__ import annotations

import datetime as dt
import json
from enum import StrEnum
from typing import Any

from peewee import CharField, DateTimeField, ForeignKeyField, TextField, fn

from models import changes
from models.accounts import Account
from models.db import BaseModel
from models.organisations import Branch, Organisation
from models.professionals import Professional
from models.refusal import Refusal


class Action(StrEnum):
    LOGIN_SUCCEEDED = "login_succeeded"
    LOGIN_FAILED = "login_failed"
    LOGIN_REFUSED = "login_refused"  # right password, organisation not approved
    ACCOUNT_LOCKED = "account_locked"
    ACCOUNT_UNLOCKED = "account_unlocked"
    APPLICATION_SUBMITTED = "application_submitted"
    CODE_SENT = "code_sent"  # a reset or activation code was mailed (never the code itself)
    PASSWORD_SET = "password_set"
    ACCOUNT_CREATED = "account_created"
    GRANT_MADE = "grant_made"
    GRANT_CHANGED = "grant_changed"
    GRANT_REVOKED = "grant_revoked"
    PROFESSIONAL_REMOVED = "professional_removed"
    DOSSIER_VIEWED = "dossier_viewed"
    PROFESSIONALS_EXPORTED = "professionals_exported"  # one event per professional in the file
    OVERVIEW_EXPORTED = "overview_exported"  # one event per export, also an empty one: its size and filters
    APPLICATION_APPROVED = "application_approved"
    APPLICATION_REJECTED = "application_rejected"
    ROLE_CHANGED = "role_changed"
    BRANCH_ADDED = "branch_added"
    BRANCH_RENAMED = "branch_renamed"
    BRANCH_REMOVED = "branch_removed"
    ORGANISATION_CHANGED = "organisation_changed"
    CONTACT_CHANGED = "contact_changed"
    ACTIVITY_ADDED = "activity_added"
    ACTIVITY_CHANGED = "activity_changed"
    ACTIVITY_DELETED = "activity_deleted"
    SSH_KEY_ADDED = "ssh_key_added"
    SSH_KEY_REMOVED = "ssh_key_removed"
    EMAIL_CHANGE_REQUESTED = "email_change_requested"  # a code went to the new address; the email changes on it
    TWO_FACTOR_CHANGED = "two_factor_changed"  # detail: {"on": true/false}


class AuditEvent(BaseModel):
    at = DateTimeField(index=True)
    actor = ForeignKeyField(Account, null=True, backref="audit_events")  # None: unknown user
    actor_name = CharField(max_length=300, null=True)  # the actor's name then ("Wie keek er"); None before 0008
    action = CharField(max_length=40)
    professional = ForeignKeyField(Professional, null=True, on_delete="SET NULL")
    account = ForeignKeyField(Account, null=True, backref="audit_subject_events")
    organisation = ForeignKeyField(Organisation, null=True)
    branch = ForeignKeyField(Branch, null=True)
    detail = TextField(default="")  # JSON; never a password or a code

    class Meta:
        indexes = (
            (("professional", "action", "at"), False),
            (("actor", "at"), False),
        )

    @classmethod
    def record(cls, at: dt.datetime, action: Action, actor: Account | None = None, **about: Any) -> AuditEvent:
        """Record an event; `about` holds the subjects (professional=, branch=, ...) and detail=dict.

        The event's subjects also go into the change feed (models/changes.py), in the same transaction,
        unless the event changes nothing another session shows (QUIET). An actor who changed things more
        than RATE_LIMIT times in the last RATE_WINDOW is refused (TooManyChanges): the caller's transaction
        rolls back, and one account's flood cannot keep every open session busy."""
        if actor is not None and action not in NOT_CHANGES:
            _hold_rate(_id(actor), at)
        detail = about.pop("detail", None)
        event = cls.create(
            at=at, action=action, actor=actor, actor_name=name_of(actor),
            detail=json.dumps(detail, ensure_ascii=False) if detail else "", **about
        )
        if action not in QUIET:
            changes.record_event(_id(actor), looked=action in LOOKS,
                                 **{subject: _id(about.get(subject))
                                    for subject in ("professional", "organisation", "branch", "account")})
        return event


QUIET = {Action.LOGIN_SUCCEEDED, Action.LOGIN_FAILED, Action.LOGIN_REFUSED, Action.CODE_SENT, Action.OVERVIEW_EXPORTED,
         Action.EMAIL_CHANGE_REQUESTED}
LOOKS = {Action.DOSSIER_VIEWED}  # someone looked: the professional's "Wie keek er" changed, not the dossier


NOT_CHANGES = QUIET | LOOKS | {Action.PROFESSIONALS_EXPORTED}

# -- how often one account may change things -----------------------------------------------------------------------
RATE_WINDOW = dt.timedelta(minutes=1)
RATE_LIMIT = 60  # saves per account per RATE_WINDOW; entering activities as fast as one can type makes about 10
TOO_FAST = ("U heeft in korte tijd heel veel wijzigingen gedaan. Wacht een minuut en probeer het dan opnieuw; "
            "wat u invulde blijft staan.")


class TooManyChanges(Refusal):
    """The account changed things more than RATE_LIMIT times in RATE_WINDOW (every session and process
    together: the audit trail counts). The message is Dutch, safe to show."""

    def __init__(self) -> None:
        super().__init__(TOO_FAST)


def _hold_rate(actor_id: int, at: dt.datetime) -> None:
    """One save is one moment (`at`), however many events it records: the distinct moments are counted,
    on the audit trail's (actor, at) index."""
    recent = (AuditEvent.select(fn.COUNT(fn.DISTINCT(AuditEvent.at)))
              .where(AuditEvent.actor == actor_id, AuditEvent.at > at - RATE_WINDOW, AuditEvent.at <= at,
                     AuditEvent.action.not_in([action.value for action in NOT_CHANGES]))
              .scalar())
    if recent >= RATE_LIMIT:
        raise TooManyChanges()


def name_of(actor: Account | int | None):
    """The actor's stored name, read in the statement that records the event (not a session's old copy)."""
    if actor is None:
        return None
    return Account.select(Account.name).where(Account.id == _id(actor))


def _id(subject: Any) -> int | None:
    return getattr(subject, "id", subject)
