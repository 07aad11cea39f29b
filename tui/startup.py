"""What every command does first: open the database ready for the app, read the mail settings,
and say what went wrong in a way the user can fix (CommandError)."""
from __future__ import annotations

from peewee import Database, OperationalError

from models.db import open_database
from models.mail import MailSettings
from models.schema import SchemaState, inspect_schema, migrate
from tui.mail_cli import MailConfigError, mail_settings


class CommandError(Exception):
    """A problem the user can fix; printed without a traceback, exit status 2."""


def connect(url: str) -> Database:
    try:
        database = open_database(url)
        database.connect(reuse_if_open=True)
    except (OperationalError, RuntimeError, ValueError) as error:
        raise CommandError(f"kan de database niet openen ({redact(url)}): {error}") from error
    return database


def redact(url: str) -> str:
    """A database URL without its password, for messages."""
    head, sep, tail = url.partition("://")
    if "@" in tail and ":" in tail.split("@", 1)[0]:
        user = tail.split("@", 1)[0].split(":", 1)[0]
        return f"{head}{sep}{user}:***@{tail.split('@', 1)[1]}"
    return url


def ready_database(url: str) -> Database:
    """Open the database for the app: create a new one, refuse one whose schema differs."""
    database = connect(url)
    report = inspect_schema(database)
    if report.state == SchemaState.EMPTY:
        migrate(database)
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


def settings_for_mail() -> MailSettings:
    try:
        return mail_settings()
    except MailConfigError as error:
        raise CommandError(str(error)) from error
