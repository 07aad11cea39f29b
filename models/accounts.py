"""Logins: who can sign in, with which role."""
from __future__ import annotations

from enum import StrEnum

from peewee import SQL, CharField, Check, DateTimeField, ForeignKeyField, IntegerField, TextField

from models.db import BaseModel
from models.professionals import Professional
from models.text import replace_unstorable


PASSWORD_TRIES = 5  # wrong current passwords a session, and the account in all, may type before it ends


class Role(StrEnum):
    STAFF = "staff"  # Registerplein-medewerker
    EMPLOYER = "employer"  # contactpersoon werkgever / vestigingsmanager
    PROFESSIONAL = "professional"


class SessionEnd(StrEnum):
    """What ended an account's other sessions; the signed-out session is told which, and nothing more."""

    PASSWORD = "password"
    EMAIL = "email"
    ROLE = "role"
    BRANCH = "branch"
    LOCK = "lock"


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
    failed_logins = IntegerField(default=0)  # within the window that began at first_failed_at
    first_failed_at = DateTimeField(null=True)
    last_login = DateTimeField(null=True)
    created_at = DateTimeField()
    # Raised by models/sessions.end_sessions when the password, email, lock, role or branch changes: a
    # session whose Account was read at another version can do nothing any more (models/access.py).
    session_version = IntegerField(default=1)
    session_end_reason = CharField(max_length=20, null=True)  # a SessionEnd: why the version was last raised
    # Wrong current passwords on the Account tab since the password was last typed right (at a login too),
    # over all sessions: a new session (an SSH channel) brings no fresh tries (models/profile.change_password).
    password_failures = IntegerField(default=0)

    # Not stored: wrong current passwords this session (this in-memory Account, held by one app) may
    # still type on the Account tab before the session ends (models/profile.change_password).
    password_tries_left: int = PASSWORD_TRIES
    # Not stored: when this session's login was checked (an SSH connection's authentication, through its
    # ticket); the session's lifetime counts from here. None: from when the app signed in.
    signed_in_at = None

    class Meta:
        constraints = [SQL("CHECK ((role = 'professional') = (professional_id IS NOT NULL))")]

    def without_secrets(self) -> Account:
        """A copy for a session to hold: every column but the password hash, which never leaves models/
        (a session's checks read what is stored now, not what it was handed)."""
        copy = Account(**{name: value for name, value in self.__data__.items() if name != "password_hash"})
        copy._dirty.clear()
        copy.signed_in_at = self.signed_in_at
        return copy

    @property
    def is_activated(self) -> bool:
        return self.password_hash is not None

    @staticmethod
    def normalise_username(username: str) -> str:
        """Usernames are case-insensitive; they are stored lower-case."""
        return username.strip().lower()

    @staticmethod
    def lookup_key(typed: str) -> str:
        """What someone typed as a username, as it is stored (cut to the column's length); a NUL or
        lone surrogate, which no username holds, becomes U+FFFD so that the lookup finds nothing
        instead of failing in the database driver."""
        return replace_unstorable(Account.normalise_username(typed)[:150])


class CodePurpose(StrEnum):
    RESET = "reset"  # forgot login details: valid 30 minutes
    ACTIVATION = "activation"  # a new manager sets their first password: valid 7 days


class AccountCode(BaseModel):
    """A single-use code, stored hashed. Only the newest code of a purpose counts."""

    account = ForeignKeyField(Account, backref="codes", on_delete="CASCADE")
    purpose = CharField(max_length=20, constraints=[Check("purpose IN ('reset', 'activation')")])
    code_hash = TextField()
    created_at = DateTimeField()
    expires_at = DateTimeField()
    used_at = DateTimeField(null=True)

    class Meta:
        indexes = ((("account", "purpose", "created_at"), False),)
