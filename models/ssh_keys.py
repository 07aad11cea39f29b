"""SSH public keys: an account may register keys to log in to `inzage ssh` without a password.

Only public keys are stored; a pasted private key is refused and never written anywhere.
Every function acts for one account and only touches that account's keys.
"""
from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import load_ssh_public_key
from peewee import CharField, DateTimeField, ForeignKeyField, TextField

from models import mail_texts
from models.access import AccessDenied, require_usable
from models.accounts import Account
from models.audit import Action, AuditEvent
from models.clock import Clock
from models.db import BaseModel, retry_on_conflict, write_transaction
from models.mail import enqueue
from models.reauth import require_current_password
from models.validation import FieldError

if TYPE_CHECKING:
    import asyncssh  # loaded only where a key is parsed: the commands that need none of SSH start without it

MAX_KEYS = 20
MIN_RSA_BITS = 2048
ALLOWED_TYPES = (
    "ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521", "ssh-rsa",
    "sk-ssh-ed25519@openssh.com", "sk-ecdsa-sha2-nistp256@openssh.com",
)


class SshKey(BaseModel):
    account = ForeignKeyField(Account, backref="ssh_keys", on_delete="CASCADE")
    key_type = CharField(max_length=40)
    key_data = TextField()  # the OpenSSH public key line without its comment
    fingerprint = CharField(max_length=100)  # SHA256:..., as `ssh-keygen -l` shows it
    comment = CharField(max_length=200, default="")
    created_at = DateTimeField()
    last_used_at = DateTimeField(null=True)

    class Meta:
        indexes = ((("account", "fingerprint"), True),)


@dataclass(frozen=True)
class ParsedKey:
    key_type: str
    key_data: str
    fingerprint: str
    comment: str


def fingerprint_of(key: asyncssh.SSHKey) -> str:
    return key.get_fingerprint("sha256")


def parse_public_key(text: str) -> ParsedKey:
    """One OpenSSH public key line (the contents of e.g. ~/.ssh/id_ed25519.pub), or FieldError."""
    if not text.strip():
        raise FieldError("Plak hier uw openbare sleutel, bijvoorbeeld de inhoud van ~/.ssh/id_ed25519.pub.")
    if "PRIVATE KEY" in text.upper():
        raise FieldError("Dit is een privésleutel: die blijft op uw eigen computer. Plak de openbare sleutel (.pub).")
    if len(text) > 16_384:
        raise FieldError("Deze sleutel is te lang; plak één openbare sleutel.")
    key, comment = _import(text.split())
    key_type = key.get_algorithm()
    key_type = key_type.decode() if isinstance(key_type, bytes) else key_type
    if key_type not in ALLOWED_TYPES:
        raise FieldError("Dit sleuteltype wordt niet aangenomen; gebruik ed25519 (ssh-keygen -t ed25519).")
    line = key.export_public_key("openssh").decode().split()
    if key_type == "ssh-rsa":
        loaded = load_ssh_public_key(" ".join(line[:2]).encode())
        if isinstance(loaded, rsa.RSAPublicKey) and loaded.key_size < MIN_RSA_BITS:
            raise FieldError(f"Deze RSA-sleutel is te kort ({loaded.key_size} bits); gebruik ed25519 of RSA van "
                             f"minstens {MIN_RSA_BITS} bits.")
    comment = "".join(ch for ch in comment if unicodedata.category(ch) not in ("Cc", "Cs"))  # a label, nothing more
    return ParsedKey(key_type, " ".join(line[:2]), fingerprint_of(key), comment[:200])


def _import(words: list[str]) -> tuple[asyncssh.SSHKey, str]:
    """The key and its comment; a terminal may have wrapped the base64 part over several lines."""
    import asyncssh

    for end in range(2, len(words) + 1):
        try:
            key = asyncssh.import_public_key(f"{words[0]} {''.join(words[1:end])}")
        except (asyncssh.KeyImportError, ValueError, TypeError):
            continue
        return key, " ".join(words[end:])
    raise FieldError("Dit is geen openbare SSH-sleutel. Plak één regel zoals ‘ssh-ed25519 AAAA… naam’.")


def keys_of(account: Account) -> list[SshKey]:
    require_usable(account)
    return list(SshKey.select().where(SshKey.account == account).order_by(SshKey.created_at, SshKey.id))


@retry_on_conflict
def add_key(account: Account, text: str, clock: Clock, *, current: str) -> SshKey:
    """Register a public key for `account`; FieldError with a Dutch message when it cannot be used. A key
    opens the account without its password, so adding one asks the current password (`current`,
    models/reauth) and the account's address is told."""
    require_usable(account)
    parsed = parse_public_key(text)
    require_current_password(account, current, clock, "ssh_key")
    now = clock.now()
    with write_transaction():
        mine = SshKey.select().where(SshKey.account == account)
        if mine.where(SshKey.fingerprint == parsed.fingerprint).exists():
            raise FieldError("Deze sleutel staat al bij uw account.")
        if mine.count() >= MAX_KEYS:
            raise FieldError(f"U kunt hooguit {MAX_KEYS} sleutels bewaren; verwijder er eerst een.")
        key = SshKey.create(account=account, key_type=parsed.key_type, key_data=parsed.key_data,
                            fingerprint=parsed.fingerprint, comment=parsed.comment, created_at=now)
        AuditEvent.record(now, Action.SSH_KEY_ADDED, actor=account, account=account,
                          detail={"fingerprint": parsed.fingerprint})
        _tell_owner(account, True, key, now)
    return key


@retry_on_conflict
def remove_key(account: Account, key_id: int, clock: Clock, *, current: str) -> None:
    """Remove one of `account`'s own keys, after the current password (`current`); another account's key is
    refused, whatever its id. The account's address is told."""
    require_usable(account)
    if not SshKey.select().where((SshKey.id == key_id) & (SshKey.account == account)).exists():
        raise AccessDenied("Deze sleutel staat niet (meer) bij uw account.")
    require_current_password(account, current, clock, "ssh_key")
    now = clock.now()
    with write_transaction():
        key = SshKey.get_or_none((SshKey.id == key_id) & (SshKey.account == account))
        if key is None:
            raise AccessDenied("Deze sleutel staat niet (meer) bij uw account.")
        key.delete_instance()
        AuditEvent.record(now, Action.SSH_KEY_REMOVED, actor=account, account=account,
                          detail={"fingerprint": key.fingerprint})
        _tell_owner(account, False, key, now)


def _tell_owner(account: Account, added: bool, key: SshKey, now: dt.datetime) -> None:
    """Inside the caller's transaction: mail the account's address that `key` was added or removed."""
    stored = Account.get_by_id(account.id)
    line = f"{key.fingerprint} {key.comment}".strip()
    enqueue(stored.email, *mail_texts.ssh_key_changed(stored.name, stored.username, added, line), now)


def remove_every_key(account_id: int, actor_id: int, reason: str, now: dt.datetime) -> list[str]:
    """Inside the caller's transaction: remove all of the account's keys; returns what they were, as the
    owner is told ("SHA256:… naam"). A password reset or change calls this: a key added from a session left
    unattended would otherwise outlive the new password."""
    keys = list(SshKey.select().where(SshKey.account == account_id).order_by(SshKey.created_at, SshKey.id))
    for key in keys:
        key.delete_instance()
        AuditEvent.record(now, Action.SSH_KEY_REMOVED, actor=actor_id, account=account_id,
                          detail={"fingerprint": key.fingerprint, "reason": reason})
    return [f"{key.fingerprint} {key.comment}".strip() for key in keys]


def registered_key(username: str, key: asyncssh.SSHKey) -> SshKey | None:
    """The stored key matching what an SSH client offers for `username`, if any. Reads only."""
    fingerprint = fingerprint_of(key)
    return (SshKey.select().join(Account)
            .where(Account.username == Account.lookup_key(username),
                   SshKey.fingerprint == fingerprint)
            .first())


def mark_used(key_id: int, now: dt.datetime) -> None:
    SshKey.update(last_used_at=now).where(SshKey.id == key_id).execute()
