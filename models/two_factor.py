"""Two-factor sign-in: a time-based code (TOTP, RFC 6238, by pyotp) from an app on the owner's phone, after
the password. Optional for every account, required for Registerplein staff.

- Enrolment asks the current password, shows the secret (as text and as a QR code, `qr_lines`) and takes
  effect once a code from the app is entered; it gives ten single-use recovery codes, shown once.
- A code is accepted once: the time step it belongs to is stored, and a code of that step or an earlier one is
  refused (no replay within the window of one step either side).
- A wrong code counts as a failed login (the lockout applies). A recovery code stands in for a code once.
- Turning it off asks the current password and a code; staff cannot turn it off.

The secret is stored as pyotp makes it (base32): the server must read it to check a code. Recovery codes are
stored as SHA-256 (random, 50 bits each: no password hashing needed to make guessing useless).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

import pyotp
import segno
from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField

from models import mail_texts
from models.access import AccessDenied, require_usable
from models.accounts import Account, Role, SessionEnd
from models.audit import Action, AuditEvent
from models.clock import Clock
from models.db import BaseModel, locked, retry_on_conflict, write_transaction
from models.mail import enqueue
from models.reauth import require_current_password
from models.sessions import end_sessions
from models.validation import FormErrors

ISSUER = "inzage"  # plain: a URI without escapes keeps the QR code small enough for 80x24
RECOVERY_CODES = 10
VALID_WINDOW = 1  # one time step (30 s) either side: a phone's clock a little off
WRONG_CODE = "Deze code klopt niet. Neem de code die de app nu toont, of een herstelcode."
ASK_CODE = "Vul de code van zes cijfers uit uw app in."
STAFF_KEEP = "Voor medewerkers van Registerplein is inloggen met een code verplicht; u kunt het niet uitzetten."


class SecondFactor(BaseModel):
    """An account's TOTP secret; `confirmed_at` is None until a code from the app was entered."""

    account = ForeignKeyField(Account, unique=True, backref="second_factor", on_delete="CASCADE")
    secret = CharField(max_length=64)
    created_at = DateTimeField()
    confirmed_at = DateTimeField(null=True)
    last_step = IntegerField(default=0)  # the time step of the last code accepted: it and earlier ones are refused

    class Meta:
        table_name = "second_factor"


class RecoveryCode(BaseModel):
    account = ForeignKeyField(Account, backref="recovery_codes", on_delete="CASCADE")
    code_hash = CharField(max_length=64)
    used_at = DateTimeField(null=True)

    class Meta:
        table_name = "recovery_code"


@dataclass(frozen=True)
class Enrolment:
    """What the owner copies into the app: the secret as text, and the otpauth URI its QR code holds."""

    secret: str
    uri: str

    def qr_lines(self) -> list[str]:
        """The QR code in text, two rows of modules per line (upper and lower half blocks) and a quiet zone
        of one module: drawn dark on light (the screen gives it black on white), 39 columns by 20 lines."""
        rows = [list(row) for row in segno.make(self.uri, error="l").matrix_iter(scale=1, border=1)]
        if len(rows) % 2:
            rows.append([0] * len(rows[0]))
        glyphs = {(1, 1): "█", (1, 0): "▀", (0, 1): "▄", (0, 0): " "}  # a dark module is drawn, a light one not
        return ["".join(glyphs[(top, bottom)] for top, bottom in zip(upper, lower, strict=True))
                for upper, lower in zip(rows[0::2], rows[1::2], strict=True)]


def _digest(code: str) -> str:
    from models.codes import normalise_code  # models.codes signs in through models.auth, which asks this module

    return hashlib.sha256(normalise_code(code).encode()).hexdigest()


def has_second_factor(account_id: int) -> bool:
    """Whether the account signs in with a code after its password (enrolment confirmed)."""
    return SecondFactor.select().where(SecondFactor.account == account_id,
                                       SecondFactor.confirmed_at.is_null(False)).exists()


def second_factor_required(account: Account) -> bool:
    """Staff must have a second factor: without one they are asked to set it up before anything else."""
    return account.role == Role.STAFF


@retry_on_conflict
def start_enrolment(account: Account, current: str, clock: Clock) -> Enrolment:
    """A new secret for `account`, not yet in force: the current password first (FormErrors `current`).
    An account that has a second factor already is refused: turn it off first."""
    require_usable(account)
    if has_second_factor(account.id):
        raise AccessDenied("Inloggen met een code staat al aan.")
    require_current_password(account, current, clock, "two_factor")
    secret = pyotp.random_base32()
    with write_transaction():
        SecondFactor.delete().where(SecondFactor.account == account.id).execute()
        SecondFactor.create(account=account.id, secret=secret, created_at=clock.now())
    stored = Account.get_by_id(account.id)
    return Enrolment(secret, pyotp.TOTP(secret).provisioning_uri(name=stored.username, issuer_name=ISSUER))


@retry_on_conflict
def confirm_enrolment(account: Account, code: str, clock: Clock) -> list[str]:
    """Put the second factor in force with a code from the app; returns the recovery codes (shown once).
    The account's other sessions end (its sign-in changed), and its address is told."""
    require_usable(account)
    now = clock.now()
    with write_transaction():
        factor = locked(SecondFactor.select().where(SecondFactor.account == account.id,
                                                    SecondFactor.confirmed_at.is_null())).first()
        step = _matching_step(factor.secret, code, now) if factor is not None else None
        if step is None:
            raise FormErrors({"code": WRONG_CODE if code.strip() else ASK_CODE})
        factor.confirmed_at, factor.last_step = now, step
        factor.save()
        codes = _new_recovery_codes(account.id)
        AuditEvent.record(now, Action.TWO_FACTOR_CHANGED, actor=account, account=account, detail={"on": True})
        account.session_version = end_sessions(account.id, SessionEnd.PASSWORD, account.id)
        stored = Account.get_by_id(account.id)
        enqueue(stored.email, *mail_texts.two_factor_changed(stored.name, stored.username, True), now)
    return codes


@retry_on_conflict
def turn_off(account: Account, current: str, code: str, clock: Clock) -> None:
    """Turn the second factor off: the current password and a code (or a recovery code). Not for staff."""
    require_usable(account)
    if second_factor_required(account):
        raise AccessDenied(STAFF_KEEP)
    require_current_password(account, current, clock, "two_factor")
    if not check_code(account.id, code, clock):
        raise FormErrors({"code": WRONG_CODE})
    now = clock.now()
    with write_transaction():
        SecondFactor.delete().where(SecondFactor.account == account.id).execute()
        RecoveryCode.delete().where(RecoveryCode.account == account.id).execute()
        AuditEvent.record(now, Action.TWO_FACTOR_CHANGED, actor=account, account=account, detail={"on": False})
        account.session_version = end_sessions(account.id, SessionEnd.PASSWORD, account.id)
        stored = Account.get_by_id(account.id)
        enqueue(stored.email, *mail_texts.two_factor_changed(stored.name, stored.username, False), now)


def check_code(account_id: int, code: str, clock: Clock) -> bool:
    """Whether `code` is a code of the account's app not used before, or one of its unused recovery codes;
    either is then spent. Call it after the password was checked; the caller counts a failure."""
    now = clock.now()
    with write_transaction():
        factor = locked(SecondFactor.select().where(SecondFactor.account == account_id,
                                                    SecondFactor.confirmed_at.is_null(False))).first()
        if factor is None:
            return False
        step = _matching_step(factor.secret, code, now)
        if step is not None:
            if step <= factor.last_step:
                return False  # this code (or a later one) was used already: a replay
            factor.last_step = step
            factor.save()
            return True
        recovery = locked(RecoveryCode.select().where(RecoveryCode.account == account_id,
                                                      RecoveryCode.code_hash == _digest(code),
                                                      RecoveryCode.used_at.is_null())).first()
        if recovery is None:
            return False
        recovery.used_at = now
        recovery.save()
        return True


def _matching_step(secret: str, code: str, now: dt.datetime) -> int | None:
    """The time step whose code `code` is, within VALID_WINDOW steps of now; None when none."""
    typed = "".join(ch for ch in code if ch.isdigit())
    if len(typed) != 6:
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now)
    for step in range(current - VALID_WINDOW, current + VALID_WINDOW + 1):
        if secrets.compare_digest(totp.generate_otp(step), typed):
            return step
    return None


def _new_recovery_codes(account_id: int) -> list[str]:
    from models.codes import CODE_ALPHABET

    RecoveryCode.delete().where(RecoveryCode.account == account_id).execute()
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    RecoveryCode.insert_many([{"account": account_id, "code_hash": _digest(code)} for code in codes]).execute()
    return codes
