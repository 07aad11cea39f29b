"""Outgoing email: queued in the database with the change that causes it, then delivered.

Delivery goes through SMTP when it is configured, and otherwise into a local
outbox folder, so every flow can be followed on one machine. A message that
fails to send stays queued with its error until a retry delivers it.
"""
from __future__ import annotations

import datetime as dt
import logging
import os
import re
import smtplib
import ssl
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import format_datetime, make_msgid, parseaddr, parsedate_to_datetime
from pathlib import Path
from typing import NoReturn, Protocol

from peewee import CharField, Check, DateTimeField, IntegerField, TextField

from models.clock import to_local
from models.db import BaseModel, empty_log
from models.private import open_private, private_folder

log = logging.getLogger(__name__)

DEFAULT_SENDER = "Registerplein inzage <noreply@registerplein.nl>"
MAX_ERROR_LENGTH = 300
# A single-use code as models.codes writes it: five and five characters of its alphabet.
CODE_IN_TEXT = re.compile(r"\b[A-Z2-9]{5}-[A-Z2-9]{5}\b")
REDACTED_CODE = "*****-*****"  # as long as a code: SQLite overwrites the row in place, no old text stays behind


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


@dataclass(frozen=True)
class MailSettings:
    """How to deliver: through an SMTP server when `smtp_host` is set, else into `outbox_dir`."""

    outbox_dir: Path
    sender: str = DEFAULT_SENDER
    smtp_host: str | None = None
    smtp_port: int = 587
    smtp_starttls: bool = True
    smtp_user: str | None = None
    smtp_password: str | None = field(default=None, repr=False)
    timeout: float = 10.0

    @property
    def uses_smtp(self) -> bool:
        return bool(self.smtp_host)


@dataclass(frozen=True)
class DeliveryReport:
    """What one delivery run did."""

    sent: int
    failed: int


@dataclass(frozen=True)
class OutboxEntry:
    """A message in the outbox folder, as the CLI lists it; `date` is naive UTC like stored timestamps."""

    path: Path
    date: dt.datetime
    to: str
    subject: str


class DeliveryError(Exception):
    """A message could not be delivered; the text is a short description for `last_error`."""


def queued_messages() -> list[OutgoingEmail]:
    """The messages still waiting to be sent (with the error of their last attempt), oldest first."""
    return list(
        OutgoingEmail.select()
        .where(OutgoingEmail.sent_at.is_null())
        .order_by(OutgoingEmail.created_at, OutgoingEmail.id)
    )


def deliver_pending(settings: MailSettings, now: dt.datetime) -> DeliveryReport:
    """Send every queued message, oldest first. Failures stay queued with their error; nothing raises."""
    transport: Transport = SmtpTransport(settings) if settings.uses_smtp else OutboxTransport(settings.outbox_dir)
    sent = failed = 0
    try:
        for queued in queued_messages():
            try:
                transport.deliver(queued, build_message(queued, settings.sender))
            except DeliveryError as error:
                _record_attempt(queued, error=_one_line(str(error), settings.smtp_password))
                failed += 1
            else:
                _record_attempt(queued, sent_at=now, transport=transport.name)
                sent += 1
    finally:
        transport.close()
    if sent and not empty_log():
        log.warning("mail: the SQLite log could not be emptied after delivery; a reader held it")
    return DeliveryReport(sent=sent, failed=failed)


def _record_attempt(
    queued: OutgoingEmail,
    *,
    sent_at: dt.datetime | None = None,
    transport: str | None = None,
    error: str | None = None,
) -> None:
    """One small conditional write: a message another process already marked sent stays as it is.

    A sent message keeps its text without the codes in it: the queue is in every backup, and a
    code that still works there (an activation code for 7 days) would open the account."""
    values = {"sent_at": sent_at, "transport": transport, "attempts": OutgoingEmail.attempts + 1, "last_error": error}
    if sent_at is not None:
        values.update(subject=redact_codes(queued.subject), body=redact_codes(queued.body))
    OutgoingEmail.update(**values).where(OutgoingEmail.id == queued.id, OutgoingEmail.sent_at.is_null()).execute()


def redact_codes(text: str) -> str:
    """`text` with every single-use code in it blotted out."""
    return CODE_IN_TEXT.sub(REDACTED_CODE, text)


def build_message(queued: OutgoingEmail, sender: str) -> EmailMessage:
    """The queued row as a plain-text UTF-8 email; a malformed header is a DeliveryError."""
    domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    message = EmailMessage()
    try:
        message["From"] = sender
        message["To"] = queued.to_address
        message["Subject"] = queued.subject
        message["Date"] = format_datetime(to_local(queued.created_at))
        message["Message-ID"] = make_msgid(idstring=str(queued.id), domain=domain)
        # quoted-printable keeps the message 7-bit, so any SMTP server accepts it
        message.set_content(queued.body, charset="utf-8", cte="quoted-printable")
    except ValueError as error:
        raise DeliveryError(f"ongeldig bericht: {error}") from error
    return message


class Transport(Protocol):
    name: str

    def deliver(self, queued: OutgoingEmail, message: EmailMessage) -> None: ...

    def close(self) -> None: ...


class OutboxTransport:
    """Writes each message as a .eml file into a folder only its owner can read."""

    name = "outbox"

    def __init__(self, outbox_dir: Path) -> None:
        self.outbox_dir = outbox_dir

    def deliver(self, queued: OutgoingEmail, message: EmailMessage) -> None:
        path = self.outbox_dir / f"{queued.created_at:%Y%m%d-%H%M%S}-{queued.id}.eml"
        partial = path.with_name(f".{path.name}.part")
        try:
            private_folder(self.outbox_dir)
            descriptor = open_private(partial, os.O_WRONLY | os.O_TRUNC)
            with os.fdopen(descriptor, "wb") as file:
                file.write(message.as_bytes())
            os.replace(partial, path)  # a listing never sees half a message
        except OSError as error:
            raise DeliveryError(f"kan niet in de outbox {self.outbox_dir} schrijven: {error}") from error

    def close(self) -> None:
        pass


class SmtpTransport:
    """One SMTP connection for the whole batch, opened at the first message.

    Once the connection fails, every further message fails at once with the
    same error instead of waiting for another timeout.
    """

    name = "smtp"

    def __init__(self, settings: MailSettings) -> None:
        self.settings = settings
        self._smtp: smtplib.SMTP | None = None
        self._broken: str | None = None

    def deliver(self, queued: OutgoingEmail, message: EmailMessage) -> None:
        smtp = self._connection()
        try:
            smtp.send_message(message)
        except (smtplib.SMTPResponseException, smtplib.SMTPRecipientsRefused, smtplib.SMTPNotSupportedError) as error:
            if getattr(error, "smtp_code", None) == 421:  # the server is closing the connection
                self._fail(error)
            raise DeliveryError(_describe(error)) from error
        except (OSError, ValueError) as error:  # includes SMTPServerDisconnected and timeouts
            self._fail(error)

    def close(self) -> None:
        if self._smtp is None:
            return
        try:
            self._smtp.quit()
        except OSError:
            self._smtp.close()
        self._smtp = None

    def _connection(self) -> smtplib.SMTP:
        if self._broken is not None:
            raise DeliveryError(self._broken)
        if self._smtp is None:
            try:
                self._smtp = self._open()
            except (OSError, ValueError) as error:  # ValueError: e.g. a host name IDNA cannot encode
                self._fail(error)
        return self._smtp

    def _open(self) -> smtplib.SMTP:
        settings = self.settings
        smtp = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=settings.timeout)
        try:
            if settings.smtp_starttls:
                smtp.starttls(context=ssl.create_default_context())
            if settings.smtp_user:
                smtp.login(settings.smtp_user, settings.smtp_password or "")
        except BaseException:
            smtp.close()
            raise
        return smtp

    def _fail(self, error: Exception) -> NoReturn:
        """Give up on this connection: this and every later message fail with the reason."""
        if self._smtp is not None:
            self._smtp.close()
            self._smtp = None
        self._broken = f"SMTP-server {self.settings.smtp_host}:{self.settings.smtp_port}: {_describe(error)}"
        raise DeliveryError(self._broken) from error


def _describe(error: Exception) -> str:
    """A short reason; the server's reply to a login is left out, it may echo the credentials."""
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return f"inloggen geweigerd ({error.smtp_code})"
    if isinstance(error, smtplib.SMTPResponseException):
        return f"geweigerd ({error.smtp_code}): {_decode(error.smtp_error)}"
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        code, reply = next(iter(error.recipients.values()), (0, b""))
        return f"ontvanger geweigerd ({code}): {_decode(reply)}"
    if isinstance(error, TimeoutError) or isinstance(error.__context__, TimeoutError):  # smtplib wraps it
        return "geen antwoord binnen de time-out"
    if isinstance(error, smtplib.SMTPException):
        return str(error) or type(error).__name__
    return f"verbinding mislukt: {getattr(error, 'strerror', None) or error}"


def _decode(reply: bytes | str) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else reply


def _one_line(text: str, secret: str | None) -> str:
    """`text` on one short line, with the secret (the SMTP password) blotted out."""
    if secret:
        text = text.replace(secret, "***")
    line = " ".join(text.split())
    return line if len(line) <= MAX_ERROR_LENGTH else line[: MAX_ERROR_LENGTH - 1] + "…"


def outbox_messages(outbox_dir: Path) -> list[OutboxEntry]:
    """The messages in the outbox folder, newest first (an absent folder is an empty outbox)."""
    entries = []
    for path in outbox_dir.glob("*.eml"):
        message = _read(path)
        to, subject = str(message["To"] or ""), str(message["Subject"] or "")
        entries.append(OutboxEntry(path, _utc_date(message, path), to, subject))
    return sorted(entries, key=lambda entry: (entry.date, _sequence(entry.path)), reverse=True)


def read_outbox_message(outbox_dir: Path, name: str) -> str:
    """One outbox message as a person reads it: From, To, Subject, Date and the decoded body.

    `name` is a file name inside `outbox_dir` (any folder part is ignored);
    FileNotFoundError when there is no such message.
    """
    path = outbox_dir / Path(name).name
    if path.suffix != ".eml" or not path.is_file():
        raise FileNotFoundError(path)
    message = _read(path)
    headers = [f"{header}: {message[header]}" for header in ("From", "To", "Subject", "Date") if message[header]]
    body = message.get_body(preferencelist=("plain",))
    return "\n".join(headers) + "\n\n" + (body.get_content() if body is not None else "")


def _read(path: Path) -> EmailMessage:
    with path.open("rb") as file:
        return BytesParser(policy=policy.default).parse(file)


def _utc_date(message: EmailMessage, path: Path) -> dt.datetime:
    """The Date header as naive UTC; the file's time when the header is missing or unreadable."""
    try:
        moment = parsedate_to_datetime(message["Date"])
    except (TypeError, ValueError):
        moment = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC)
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(dt.UTC).replace(tzinfo=None)


def _sequence(path: Path) -> int:
    """The queue id at the end of a file name, so that message 10 sorts after message 9."""
    tail = path.stem.rpartition("-")[2]
    return int(tail) if tail.isdigit() else 0
