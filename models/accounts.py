"""Logins: who can sign in, with which role."""
from __future__ import annotations

from enum import StrEnum

from peewee import SQL, CharField, Check, DateTimeField, ForeignKeyField, IntegerField, TextField

from models.db import BaseModel
from models.professionals import Professional


class Role(StrEnum):
    STAFF = "staff"  # Registerplein-medewerker
    EMPLOYER = "employer"  # contactpersoon werkgever / vestigingsmanager
    PROFESSIONAL = "professional"


class Account(BaseModel):
    """A login. A professional's account belongs to one Professional; an employer's
    account manages one Branch (see Branch.manager)."""

    username = CharField(max_length=150, unique=True, constraints=[Check("username = lower(username)")])
    password_hash = TextField(null=True)  # None until the account is activated
    name = CharField(max_length=300)
    email = CharField(max_length=320, index=True)
    role = CharField(max_length=20, constraints=[Check("role IN ('staff', 'employer', 'professional')")])
    professional = ForeignKeyField(Professional, null=True, unique=True, backref="accounts", on_delete="CASCADE")
    locked_until = DateTimeField(null=True)
    failed_logins = IntegerField(default=0)
    last_login = DateTimeField(null=True)
    created_at = DateTimeField()

    class Meta:
        constraints = [SQL("CHECK ((role = 'professional') = (professional_id IS NOT NULL))")]

    @staticmethod
    def normalise_username(username: str) -> str:
        """Usernames are case-insensitive; they are stored lower-case."""
        return username.strip().lower()
