"""What every command does first: open the database ready for the app, read the mail settings,
and say what went wrong in a way the user can fix (CommandError)."""
from __future__ import annotations

import re
from urllib.parse import unquote

from peewee import Database, OperationalError

from models.db import open_database
from models.mail import MailSettings
from models.schema import MigrationError, SchemaState, inspect_schema, migrate
from tui.mail_cli import MailConfigError, mail_settings


class CommandError(Exception):
    """A problem the user can fix; printed without a traceback, exit status 2."""


def connect(url: str) -> Database:
    try:
        database = open_database(url)
        database.connect(reuse_if_open=True)
    except (OperationalError, RuntimeError, ValueError) as error:
        raise CommandError(f"kan de database niet openen ({redact(url)}): {scrub(str(error), url)}") from error
    return database


def scrub(text: str, url: str) -> str:
    """`text` (a driver's or parser's message about `url`) with every piece of the URL's passwords blotted
    out: a parser that read part of a password as a port ("as 'S3c'") quotes only that piece."""
    for secret in _secrets(url):
        for piece in sorted({secret, *re.split(r"[/?#@:;&=%\s]+", secret)}, key=len, reverse=True):
            if len(piece) >= 2:
                text = text.replace(piece, "***")
    return text


def _secrets(url: str) -> list[str]:
    """The passwords in `url`, as written and unescaped: after the user name, and every `password=` value."""
    found: list[str] = []
    rest = url.partition("://")[2] or url
    userinfo = rest.rpartition("@")[0]
    if ":" in userinfo:
        found.append(userinfo.split(":", 1)[1])
    for match in _PASSWORD_PARAMETER.finditer(url):
        key, _, value = match.group(0).partition("=")
        if unquote(key).strip().lower() in _PASSWORD_NAMES:
            found.append(value)
    return [form for secret in found for form in {secret, unquote(secret)} if form]


def redact(url: str) -> str:
    """A database URL without any password, for messages: the one after the user name (it may hold
    `@`, `/` or percent-escapes) and that of every `password=` parameter (also `sslpassword`, `passwd`,
    a percent-encoded name). When unsure where the password ends, more is hidden rather than less."""
    head, sep, rest = url.partition("://")
    if not sep:
        head, rest = "", url
    if "@" in rest:  # everything up to the last "@" is the user info: a password may hold "@" itself
        userinfo, _, host = rest.rpartition("@")
        if ":" in userinfo:
            rest = f"{userinfo.split(':', 1)[0]}:***@{host}"
    return f"{head}{sep}{_PASSWORD_PARAMETER.sub(_blot, rest)}"


# A name=value pair (in a query string, or a libpq keyword string) whose name says password.
_PASSWORD_PARAMETER = re.compile(r"(?P<key>(?:^|(?<=[?&;\s]))[^?&;=\s]+)=[^&;#\s]*")
_PASSWORD_NAMES = {"password", "passwd", "pass", "pwd", "sslpassword"}


def _blot(match: re.Match[str]) -> str:
    key = match.group("key")
    return f"{key}=***" if unquote(key).strip().lower() in _PASSWORD_NAMES else match.group(0)


def ready_database(url: str) -> Database:
    """Open the database for the app: create a new one, refuse one whose schema differs."""
    database = connect(url)
    report = inspect_schema(database)
    if report.state == SchemaState.EMPTY:
        run_migrations(database)
    elif report.state == SchemaState.DAMAGED:
        raise CommandError(report.damage())
    elif report.state == SchemaState.OUTDATED:
        raise CommandError(
            "de database heeft een verouderd schema (nog niet toegepast: "
            f"{', '.join(report.pending)}). Maak een back-up en voer `inzage migrate` uit."
        )
    elif report.state == SchemaState.NEWER:
        raise CommandError(
            "de database is bijgewerkt door een nieuwere versie van inzage "
            f"({', '.join(report.unknown)}). Werk inzage bij voordat u deze database gebruikt."
        )
    return database


def run_migrations(database: Database) -> list[str]:
    """migrate(), with what stops it (a damaged history, a failed migration) as a CommandError."""
    try:
        return migrate(database)
    except MigrationError as error:
        raise CommandError(str(error)) from error


def settings_for_mail() -> MailSettings:
    try:
        return mail_settings()
    except MailConfigError as error:
        raise CommandError(str(error)) from error
