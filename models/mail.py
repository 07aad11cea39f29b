"""Outgoing email: queued in the database with the change that causes it, then delivered.

Delivery goes through SMTP when it is configured, and otherwise into a local
outbox folder, so every flow can be followed on one machine. A message that
fails to send stays queued with its error until a retry delivers it.
"""
from __future__ import annotations

import datetime as dt

from peewee import CharField, Check, DateTimeField, IntegerField, TextField

from models.db import BaseModel


class OutgoingEmail(BaseModel):
    created_at = DateTimeField(index=True)
    to_address = CharField(max_length=320)
    subject = CharField(max_length=300)
    body = TextField()
    sent_at = DateTimeField(null=True, index=True)  # None: still queued
    transport = CharField(max_length=10, null=True, constraints=[Check("transport IN ('smtp', 'outbox')")])
    attempts = IntegerField(default=0)
    last_error = TextField(null=True)


def enqueue(to_address: str, subject: str, body: str, now: dt.datetime) -> OutgoingEmail:
    """Queue a message. Call it inside the transaction of the change it reports."""
    return OutgoingEmail.create(created_at=now, to_address=to_address, subject=subject, body=body)
