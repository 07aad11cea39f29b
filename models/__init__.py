"""inzage's domain: Peewee models, rules, queries and every access decision.

Nothing in this package imports Textual.
"""
from models.accounts import Account, AccountCode, CodePurpose, Role
from models.audit import Action, AuditEvent
from models.changes import ChangeFeed
from models.db import db, open_database
from models.email_change import EmailChange
from models.grants import AccessGrant
from models.mail import OutgoingEmail
from models.organisations import Branch, ManagerRole, Organisation, OrganisationStatus
from models.professionals import Activity, NormRule, Professional, Register, Registration, RegistrationPeriod
from models.ssh_keys import SshKey
from models.tickets import SessionTicket
from models.two_factor import RecoveryCode, SecondFactor

# In dependency order, as the initial migration creates them.
ALL_MODELS = [
    Professional,
    Register,
    NormRule,
    Registration,
    RegistrationPeriod,
    Activity,
    Account,
    Organisation,
    Branch,
    AccessGrant,
    AuditEvent,
    AccountCode,
    OutgoingEmail,
    SshKey,
    SessionTicket,
    ChangeFeed,
    EmailChange,
    SecondFactor,
    RecoveryCode,
]

__all__ = [
    "ALL_MODELS",
    "AccessGrant",
    "Account",
    "AccountCode",
    "CodePurpose",
    "OutgoingEmail",
    "Action",
    "Activity",
    "AuditEvent",
    "ChangeFeed",
    "EmailChange",
    "RecoveryCode",
    "SecondFactor",
    "Branch",
    "ManagerRole",
    "NormRule",
    "Organisation",
    "OrganisationStatus",
    "Professional",
    "Register",
    "Registration",
    "RegistrationPeriod",
    "Role",
    "SessionTicket",
    "SshKey",
    "db",
    "open_database",
]
