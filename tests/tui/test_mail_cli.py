"""`inzage mail`: the Dutch listing of outbox and queue, showing one message, retrying; and the mail settings."""
from __future__ import annotations

import argparse
import datetime as dt
import socket

import pytest

from models.mail import MailSettings, deliver_pending, enqueue
from tui import config
from tui.mail_cli import MailConfigError, add_mail_parser, mail_settings, run_mail

PASSWORD = "geheim-Wachtwoord-42"


def parse(*argv: str) -> argparse.Namespace:
    """Parse `inzage mail …` the way tui/cli.py does: a subcommand with the shared --db option."""
    db_option = argparse.ArgumentParser(add_help=False)
    db_option.add_argument("--db", default=argparse.SUPPRESS)
    parser = argparse.ArgumentParser(prog="inzage")
    add_mail_parser(parser.add_subparsers(dest="command"), [db_option])
    return parser.parse_args(["mail", *argv])


@pytest.fixture
def outbox_settings(tmp_path) -> MailSettings:
    return MailSettings(outbox_dir=tmp_path / "outbox")


@pytest.fixture
def dead_smtp(tmp_path) -> MailSettings:
    """SMTP settings pointing at a loopback port nobody listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return MailSettings(outbox_dir=tmp_path / "outbox", smtp_host="127.0.0.1", smtp_port=port, timeout=2.0)


def test_an_empty_outbox_and_queue(sqlite_db, outbox_settings, capsys):
    assert run_mail(parse(), outbox_settings) == 0
    out = capsys.readouterr().out
    assert f"Geen berichten in de outbox ({outbox_settings.outbox_dir})." in out
    assert "Wachtrij: leeg, alle berichten zijn verstuurd." in out


def test_the_outbox_is_listed_newest_first_in_local_time(sqlite_db, outbox_settings, clock, capsys):
    enqueue("oud@example.nl", "Uw aanvraag is ontvangen", "tekst", clock.now())
    enqueue("zoe@example.nl", "Uw code voor Cliënt Zoë", "tekst", clock.now() + dt.timedelta(hours=2))
    deliver_pending(outbox_settings, clock.now())

    assert run_mail(parse(), outbox_settings) == 0

    lines = capsys.readouterr().out.splitlines()
    assert lines[:3] == [
        f"Outbox ({outbox_settings.outbox_dir}): 2 bericht(en)",
        "  1  28-11-2026 12:00  zoe@example.nl  Uw code voor Cliënt Zoë",
        "  2  28-11-2026 10:00  oud@example.nl  Uw aanvraag is ontvangen",
    ]


def test_showing_a_message_by_number_or_file_name(sqlite_db, outbox_settings, clock, capsys):
    body = "Beste Cliënt Zoë,\n\nUw code is 123456.\n"
    queued = enqueue("zoe@example.nl", "Uw code voor Cliënt Zoë", body, clock.now())
    deliver_pending(outbox_settings, clock.now())

    assert run_mail(parse("1"), outbox_settings) == 0
    shown = capsys.readouterr().out
    assert "To: zoe@example.nl\nSubject: Uw code voor Cliënt Zoë\n" in shown
    assert shown.endswith("\n\n" + body + "\n")

    assert run_mail(parse(f"20261128-090000-{queued.id}.eml"), outbox_settings) == 0
    assert capsys.readouterr().out == shown


@pytest.mark.parametrize("wanted", ["2", "0", "bestaat-niet.eml", "."])
def test_an_unknown_message_is_a_message_not_a_traceback(sqlite_db, outbox_settings, clock, capsys, wanted):
    enqueue("zoe@example.nl", "Onderwerp", "tekst", clock.now())
    deliver_pending(outbox_settings, clock.now())

    assert run_mail(parse(wanted), outbox_settings) == 2
    assert f"bericht {wanted} staat niet in de outbox" in capsys.readouterr().err


def test_retry_into_the_outbox(sqlite_db, outbox_settings, clock, capsys):
    enqueue("a@example.nl", "Eerste", "tekst", clock.now())
    enqueue("b@example.nl", "Tweede", "tekst", clock.now())

    assert run_mail(parse("--retry"), outbox_settings, clock) == 0
    out = capsys.readouterr().out
    assert out == f"Verstuurd naar de outbox ({outbox_settings.outbox_dir}): 2 bericht(en); mislukt: 0.\n"

    assert run_mail(parse("--retry"), outbox_settings, clock) == 0
    assert capsys.readouterr().out == "Er wachten geen berichten op verzending.\n"


def test_failed_messages_wait_in_the_queue_with_their_error(sqlite_db, dead_smtp, clock, capsys):
    enqueue("a@example.nl", "Eerste", "tekst", clock.now())
    enqueue("b@example.nl", "Tweede", "tekst", clock.now())

    assert run_mail(parse("--retry"), dead_smtp, clock) == 1
    out = capsys.readouterr().out
    assert "Verstuurd via SMTP (127.0.0.1): 0 bericht(en); mislukt: 2." in out
    assert "`inzage mail` toont de foutmeldingen" in out

    assert run_mail(parse(), dead_smtp) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "Wachtrij: 2 bericht(en) nog niet verstuurd" in lines
    assert "  28-11-2026 10:00  a@example.nl  Eerste" in lines
    server = f"127.0.0.1:{dead_smtp.smtp_port}"
    error = f"      poging 1 mislukt: SMTP-server {server}: verbinding mislukt: Connection refused"
    assert lines.count(error) == 2


def test_retry_and_a_message_number_exclude_each_other(capsys):
    with pytest.raises(SystemExit):
        parse("1", "--retry")


def test_settings_default_to_the_outbox_in_the_data_folder():
    settings = mail_settings({})
    assert settings == MailSettings(outbox_dir=config.data_dir() / "outbox")
    assert not settings.uses_smtp


def test_settings_from_the_environment():
    settings = mail_settings(
        {
            "INZAGE_SMTP_HOST": "smtp.example.nl",
            "INZAGE_SMTP_PORT": "2525",
            "INZAGE_SMTP_STARTTLS": "false",
            "INZAGE_SMTP_USER": "inzage",
            "INZAGE_SMTP_PASSWORD": PASSWORD,
            "INZAGE_MAIL_FROM": "Test <test@example.nl>",
        }
    )
    assert settings.uses_smtp
    assert (settings.smtp_host, settings.smtp_port, settings.smtp_starttls) == ("smtp.example.nl", 2525, False)
    assert (settings.smtp_user, settings.smtp_password) == ("inzage", PASSWORD)
    assert settings.sender == "Test <test@example.nl>"


def write_config(text: str) -> None:
    config.config_dir().mkdir(parents=True, exist_ok=True)
    (config.config_dir() / "config.toml").write_text(text, encoding="utf-8")


def test_the_environment_wins_over_the_config_file():
    write_config('[smtp]\nhost = "file.example.nl"\nport = 465\nstarttls = false\nuser = "uit-bestand"\n')
    settings = mail_settings({"INZAGE_SMTP_HOST": "env.example.nl", "INZAGE_SMTP_USER": ""})
    assert (settings.smtp_host, settings.smtp_port, settings.smtp_starttls) == ("env.example.nl", 465, False)
    assert settings.smtp_user == "uit-bestand"  # an empty variable does not count


@pytest.mark.parametrize(("word", "expected"), [("1", True), ("TRUE", True), ("0", False), ("false", False)])
def test_starttls_words(word, expected):
    assert mail_settings({"INZAGE_SMTP_STARTTLS": word}).smtp_starttls is expected


@pytest.mark.parametrize(
    ("env", "file", "fragment"),
    [
        ({"INZAGE_SMTP_PORT": "vijf"}, "", "INZAGE_SMTP_PORT"),
        ({"INZAGE_SMTP_PORT": "70000"}, "", "poortnummer"),
        ({"INZAGE_SMTP_STARTTLS": "misschien"}, "", "INZAGE_SMTP_STARTTLS"),
        ({}, f"[smtp]\npassword = [\"{PASSWORD}\"]\n", "INZAGE_SMTP_PASSWORD"),
        ({}, "[smtp\n", "kan"),
    ],
)
def test_unusable_settings_say_what_to_fix(env, file, fragment):
    if file:
        write_config(file)
    with pytest.raises(MailConfigError) as raised:
        mail_settings(env)
    assert fragment in str(raised.value)
    assert PASSWORD not in str(raised.value)
