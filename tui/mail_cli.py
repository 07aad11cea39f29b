"""The `inzage mail` command: the outbox, the messages still waiting to be sent, and a retry.

Also where the mail settings come from: environment variables first, then the
`[smtp]` table of the config file. tui/cli.py wires the command in.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tomllib
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from models.clock import Clock, to_local
from models.mail import MailSettings, deliver_pending, outbox_messages, queued_messages, read_outbox_message
from tui import config

# setting: (environment variable, key in the config file's [smtp] table)
SETTING_SOURCES = {
    "smtp_host": ("INZAGE_SMTP_HOST", "host"),
    "smtp_port": ("INZAGE_SMTP_PORT", "port"),
    "smtp_starttls": ("INZAGE_SMTP_STARTTLS", "starttls"),
    "smtp_user": ("INZAGE_SMTP_USER", "user"),
    "smtp_password": ("INZAGE_SMTP_PASSWORD", "password"),
    "sender": ("INZAGE_MAIL_FROM", "from"),
}
TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off"}


class MailConfigError(ValueError):
    """The mail settings cannot be used; the text says (in Dutch) what to fix. Never holds the password."""


def add_mail_parser(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], parents: Sequence[argparse.ArgumentParser]
) -> argparse.ArgumentParser:
    """Add the `mail` subcommand to `commands`; `parents` carries the shared --db option."""
    mail = commands.add_parser(
        "mail",
        parents=list(parents),
        help="list the outbox and the unsent messages, show one message, or retry sending",
        description="Without arguments: list the outbox (newest first) and the messages waiting to be sent.",
        epilog=f"SMTP is set with {', '.join(variable for variable, _ in SETTING_SOURCES.values())} "
        f"or an [smtp] table in {config.config_file()}; without a host, messages go into the outbox folder.",
    )
    choice = mail.add_mutually_exclusive_group()
    choice.add_argument("message", nargs="?", metavar="N|FILE", help="show message N of the list (or an outbox file)")
    choice.add_argument("--retry", action="store_true", help="deliver every queued message now")
    return mail


def run_mail(args: argparse.Namespace, settings: MailSettings, clock: Clock | None = None) -> int:
    """Carry out `inzage mail`; the caller has opened the database. Returns the exit status."""
    if args.retry:
        return _retry(settings, clock or Clock())
    if args.message:
        return _show(settings.outbox_dir, args.message)
    _list_outbox(settings.outbox_dir)
    _list_queue()
    return 0


def _retry(settings: MailSettings, clock: Clock) -> int:
    report = deliver_pending(settings, clock.now())
    if report.sent == report.failed == 0:
        print("Er wachten geen berichten op verzending.")
        return 0
    where = f"via SMTP ({settings.smtp_host})" if settings.uses_smtp else f"naar de outbox ({settings.outbox_dir})"
    print(f"Verstuurd {where}: {report.sent} bericht(en); mislukt: {report.failed}.")
    if report.failed:
        print("De mislukte berichten blijven in de wachtrij; `inzage mail` toont de foutmeldingen.")
        return 1
    return 0


def _show(outbox_dir: Path, wanted: str) -> int:
    name = wanted
    if wanted.isdigit():
        entries = outbox_messages(outbox_dir)
        number = int(wanted)
        if not 1 <= number <= len(entries):
            return _not_found(wanted)
        name = entries[number - 1].path.name
    try:
        print(read_outbox_message(outbox_dir, name))
    except FileNotFoundError:
        return _not_found(wanted)
    return 0


def _not_found(wanted: str) -> int:
    print(f"inzage: bericht {wanted} staat niet in de outbox; `inzage mail` toont de lijst.", file=sys.stderr)
    return 2


def _list_outbox(outbox_dir: Path) -> None:
    entries = outbox_messages(outbox_dir)
    if not entries:
        print(f"Geen berichten in de outbox ({outbox_dir}).")
        return
    print(f"Outbox ({outbox_dir}): {len(entries)} bericht(en)")
    width = len(str(len(entries)))
    for number, entry in enumerate(entries, start=1):
        print(f"  {number:>{width}}  {_when(entry.date)}  {entry.to}  {entry.subject}")


def _list_queue() -> None:
    queued = queued_messages()
    if not queued:
        print("Wachtrij: leeg, alle berichten zijn verstuurd.")
        return
    print(f"Wachtrij: {len(queued)} bericht(en) nog niet verstuurd")
    for message in queued:
        print(f"  {_when(message.created_at)}  {message.to_address}  {message.subject}")
        if message.last_error:
            print(f"      poging {message.attempts} mislukt: {message.last_error}")


def _when(moment: dt.datetime) -> str:
    """A stored (naive UTC) moment as Dutch local time: 28-11-2026 10:00."""
    return f"{to_local(moment):%d-%m-%Y %H:%M}"


def mail_settings(env: Mapping[str, str] | None = None) -> MailSettings:
    """The mail settings: environment variables win over the `[smtp]` table of config.toml.

    Without an SMTP host, messages go into the outbox folder in the data folder.
    """
    env = os.environ if env is None else env
    table = _config_table()
    values: dict[str, object] = {}
    for setting, (variable, key) in SETTING_SOURCES.items():
        value = env.get(variable) or table.get(key)
        if value is None or value == "":
            continue
        try:
            values[setting] = CONVERTERS.get(setting, _text)(value)
        except (TypeError, ValueError):
            raise MailConfigError(
                f"ongeldige instelling {variable} (of `{key}` in [smtp] van {config.config_file()}): "
                f"verwacht {EXPECTED.get(setting, 'tekst')}."
            ) from None  # the value may be the password: never shown
    return MailSettings(outbox_dir=config.data_dir() / "outbox", **values)


def _config_table() -> Mapping[str, object]:
    """The [smtp] table of the config file; empty when there is no file or no table."""
    path = config.config_file()
    try:
        with path.open("rb") as file:
            table = tomllib.load(file).get("smtp", {})
    except FileNotFoundError:
        return {}
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise MailConfigError(f"kan {path} niet lezen: {error}") from error
    if not isinstance(table, dict):
        raise MailConfigError(f"`smtp` in {path} moet een tabel zijn: [smtp].")
    return table


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError("not text")
    return value


def _port(value: object) -> int:
    if isinstance(value, bool):
        raise TypeError("not a port")
    port = int(value)
    if not 1 <= port <= 65535:
        raise ValueError("not a port")
    return port


def _flag(value: object) -> bool:
    if isinstance(value, bool):
        return value
    word = str(value).strip().lower()
    if word in TRUE_WORDS | FALSE_WORDS:
        return word in TRUE_WORDS
    raise ValueError("not a yes/no value")


CONVERTERS: dict[str, Callable[[object], object]] = {"smtp_port": _port, "smtp_starttls": _flag}
EXPECTED = {"smtp_port": "een poortnummer (1-65535)", "smtp_starttls": "0, 1, true of false"}
