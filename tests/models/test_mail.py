"""Delivering queued email: through a real SMTP server on loopback, or into the outbox folder."""
from __future__ import annotations

import datetime as dt
import socket
import stat
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from models.auth import authenticate
from models.backup import backup_sqlite
from models.codes import CODE_ALPHABET, create_manager_account, new_code, set_password_with_code
from models.mail import (
    CODE_IN_TEXT,
    DeliveryReport,
    MailSettings,
    OutgoingEmail,
    deliver_pending,
    enqueue,
    outbox_messages,
    queued_messages,
    read_outbox_message,
    redact_codes,
)
from tests.ports import free_port

PASSWORD = "geheim-Wachtwoord-42"
BODY = "Beste Cliënt Zoë,\n\nUw code is 123456.\n"


class Inbox:
    """An SMTP handler that keeps what it receives; it refuses recipients in `refuse`."""

    def __init__(self) -> None:
        self.envelopes = []
        self.peers = []
        self.refuse: set[str] = set()
        self.port = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        self.peers.append(session.peer)
        return "250 Message accepted"

    @property
    def messages(self) -> list[EmailMessage]:
        """The received messages, with the wire's CRLF line ends read as newlines."""
        parse = BytesParser(policy=policy.default).parsebytes
        return [parse(e.original_content.replace(b"\r\n", b"\n")) for e in self.envelopes]


@pytest.fixture
def start_smtp():
    """Start an SMTP server on 127.0.0.1 (a given port or a free one); all stop after the test."""
    controllers = []

    def start(port: int | None = None, **options) -> Inbox:
        inbox = Inbox()
        inbox.port = port or free_port()
        controller = Controller(inbox, hostname="127.0.0.1", port=inbox.port, ready_timeout=5, **options)
        controller.start()
        controllers.append(controller)
        return inbox

    yield start
    for controller in controllers:
        controller.stop()


def smtp_settings(tmp_path, port: int, **options) -> MailSettings:
    options = {"smtp_starttls": False, "timeout": 2.0, **options}
    return MailSettings(outbox_dir=tmp_path / "outbox", smtp_host="127.0.0.1", smtp_port=port, **options)


def row(message: OutgoingEmail) -> OutgoingEmail:
    return OutgoingEmail.get_by_id(message.id)


def test_a_message_arrives_through_smtp(database, clock, start_smtp, tmp_path):
    inbox = start_smtp()
    queued = enqueue("zoe@example.nl", "Uw code voor Cliënt Zoë", BODY, clock.now())
    clock.advance(dt.timedelta(minutes=1))

    assert deliver_pending(smtp_settings(tmp_path, inbox.port), clock.now()) == DeliveryReport(sent=1, failed=0)

    [envelope] = inbox.envelopes
    assert envelope.mail_from == "noreply@registerplein.nl" and envelope.rcpt_tos == ["zoe@example.nl"]
    [message] = inbox.messages
    assert message["To"] == "zoe@example.nl"
    assert message["From"] == "Registerplein inzage <noreply@registerplein.nl>"
    assert message["Subject"] == "Uw code voor Cliënt Zoë"
    assert message["Message-ID"].endswith("@registerplein.nl>")
    assert message["Date"].datetime == dt.datetime(2026, 11, 28, 9, 0, tzinfo=dt.UTC)
    assert message.get_content_charset() == "utf-8"
    assert message.get_content() == BODY
    sent = row(queued)
    assert (sent.sent_at, sent.transport, sent.attempts, sent.last_error) == (clock.now(), "smtp", 1, None)
    assert queued_messages() == []


def test_a_batch_travels_over_one_connection_oldest_first(database, clock, start_smtp, tmp_path):
    inbox = start_smtp()
    for minute in (3, 1, 2):
        enqueue(f"p{minute}@example.nl", f"Bericht {minute}", "tekst", clock.now() + dt.timedelta(minutes=minute))

    assert deliver_pending(smtp_settings(tmp_path, inbox.port), clock.now()).sent == 3

    assert [m["Subject"] for m in inbox.messages] == ["Bericht 1", "Bericht 2", "Bericht 3"]
    assert len(set(inbox.peers)) == 1


def test_a_refused_recipient_fails_alone_and_the_batch_goes_on(database, clock, start_smtp, tmp_path):
    inbox = start_smtp()
    inbox.refuse.add("weg@example.nl")
    refused = enqueue("weg@example.nl", "Eerste", "tekst", clock.now())
    enqueue("er@example.nl", "Tweede", "tekst", clock.now())

    assert deliver_pending(smtp_settings(tmp_path, inbox.port), clock.now()) == DeliveryReport(sent=1, failed=1)

    assert [m["Subject"] for m in inbox.messages] == ["Tweede"]
    assert queued_messages() == [refused]
    assert row(refused).last_error == "ontvanger geweigerd (550): 5.1.1 no such user"


def test_without_smtp_the_message_goes_into_the_outbox(database, clock, tmp_path):
    queued = enqueue("zoe@example.nl", "Uw code voor Cliënt Zoë", BODY, clock.now())
    outbox = tmp_path / "data" / "outbox"

    assert deliver_pending(MailSettings(outbox_dir=outbox), clock.now()) == DeliveryReport(sent=1, failed=0)

    path = outbox / f"20261128-090000-{queued.id}.eml"
    assert [p.name for p in outbox.iterdir()] == [path.name]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(outbox.stat().st_mode) == 0o700
    [entry] = outbox_messages(outbox)
    assert (entry.path, entry.date, entry.to, entry.subject) == (
        path, clock.now(), "zoe@example.nl", "Uw code voor Cliënt Zoë"
    )
    text = read_outbox_message(outbox, path.name)
    assert "To: zoe@example.nl\nSubject: Uw code voor Cliënt Zoë\nDate: Sat, 28 Nov 2026 10:00:00 +0100\n" in text
    assert text.endswith("\n\n" + BODY)
    sent = row(queued)
    assert (sent.sent_at, sent.transport, sent.attempts) == (clock.now(), "outbox", 1)


def test_the_outbox_lists_newest_first(database, clock, tmp_path):
    for subject, minutes in (("oud", 0), ("nieuw", 60), ("nieuwst", 60)):
        enqueue("a@example.nl", subject, "tekst", clock.now() + dt.timedelta(minutes=minutes))
    deliver_pending(MailSettings(outbox_dir=tmp_path / "outbox"), clock.now())

    assert [e.subject for e in outbox_messages(tmp_path / "outbox")] == ["nieuwst", "nieuw", "oud"]
    assert outbox_messages(tmp_path / "nowhere") == []
    with pytest.raises(FileNotFoundError):
        read_outbox_message(tmp_path / "outbox", "../../etc/passwd")


def test_an_unwritable_outbox_keeps_the_message_queued(database, clock, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    queued = enqueue("a@example.nl", "Onderwerp", "tekst", clock.now())

    assert deliver_pending(MailSettings(outbox_dir=blocker / "outbox"), clock.now()) == DeliveryReport(0, 1)

    assert row(queued).last_error.startswith("kan niet in de outbox")


def test_a_header_injection_fails_that_message_only(database, clock, tmp_path):
    bad = enqueue("a@example.nl\nBcc: b@example.nl", "Onderwerp", "tekst", clock.now())
    enqueue("c@example.nl", "Onderwerp", "tekst", clock.now())

    assert deliver_pending(MailSettings(outbox_dir=tmp_path / "outbox"), clock.now()) == DeliveryReport(1, 1)

    assert row(bad).last_error.startswith("ongeldig bericht")
    assert "\n" not in row(bad).last_error


def test_a_server_that_is_down_keeps_everything_queued_until_the_retry(database, clock, start_smtp, tmp_path):
    port = free_port()  # nobody listens here yet
    settings = smtp_settings(tmp_path, port)
    first = enqueue("a@example.nl", "Eerste", BODY, clock.now())
    second = enqueue("b@example.nl", "Tweede", BODY, clock.now())

    assert deliver_pending(settings, clock.now()) == DeliveryReport(sent=0, failed=2)

    assert queued_messages() == [first, second]
    for message in (first, second):
        failed = row(message)
        assert (failed.sent_at, failed.transport, failed.attempts) == (None, None, 1)
        assert failed.last_error == f"SMTP-server 127.0.0.1:{port}: verbinding mislukt: Connection refused"

    inbox = start_smtp(port=port)
    clock.advance(dt.timedelta(minutes=5))
    assert deliver_pending(settings, clock.now()) == DeliveryReport(sent=2, failed=0)

    assert [m["Subject"] for m in inbox.messages] == ["Eerste", "Tweede"]
    retried = row(first)
    assert (retried.sent_at, retried.attempts, retried.last_error) == (clock.now(), 2, None)


def test_a_server_that_never_answers_times_out(database, clock, tmp_path):
    with socket.socket() as silent:  # accepts connections, never says hello
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        settings = smtp_settings(tmp_path, silent.getsockname()[1], timeout=0.2)
        enqueue("a@example.nl", "Eerste", "tekst", clock.now())
        enqueue("b@example.nl", "Tweede", "tekst", clock.now())

        assert deliver_pending(settings, clock.now()) == DeliveryReport(sent=0, failed=2)

    assert {m.last_error.rpartition(": ")[2] for m in queued_messages()} == {"geen antwoord binnen de time-out"}


def test_a_message_already_sent_is_never_sent_again(database, clock, start_smtp, tmp_path):
    inbox = start_smtp()
    settings = smtp_settings(tmp_path, inbox.port)
    queued = enqueue("a@example.nl", "Eenmaal", "tekst", clock.now())
    deliver_pending(settings, clock.now())
    clock.advance(dt.timedelta(hours=1))

    assert deliver_pending(settings, clock.now()) == DeliveryReport(sent=0, failed=0)

    assert len(inbox.envelopes) == 1
    assert row(queued).sent_at == dt.datetime(2026, 11, 28, 9, 0) and row(queued).attempts == 1


def accept(logins: list):
    def authenticator(server, session, envelope, mechanism, auth_data):
        logins.append((mechanism, auth_data.login.decode(), auth_data.password.decode()))
        return AuthResult(success=True)

    return authenticator


def refuse_and_echo(server, session, envelope, mechanism, auth_data):
    return AuthResult(success=False, handled=False, message=f"535 5.7.8 bad password {auth_data.password.decode()}")


def test_the_client_logs_in_when_a_user_is_set(database, clock, start_smtp, tmp_path):
    logins = []
    inbox = start_smtp(authenticator=accept(logins), auth_require_tls=False)
    enqueue("a@example.nl", "Onderwerp", "tekst", clock.now())

    settings = smtp_settings(tmp_path, inbox.port, smtp_user="inzage", smtp_password=PASSWORD)
    assert deliver_pending(settings, clock.now()).sent == 1

    assert [(user, password) for _, user, password in logins] == [("inzage", PASSWORD)]


def test_the_password_never_appears_in_an_error(database, clock, start_smtp, tmp_path):
    inbox = start_smtp(authenticator=refuse_and_echo, auth_require_tls=False)
    refused = enqueue("a@example.nl", "Onderwerp", "tekst", clock.now())
    settings = smtp_settings(tmp_path, inbox.port, smtp_user="inzage", smtp_password=PASSWORD)

    assert deliver_pending(settings, clock.now()).failed == 1
    assert row(refused).last_error == f"SMTP-server 127.0.0.1:{inbox.port}: inloggen geweigerd (535)"

    down = smtp_settings(tmp_path, free_port(), smtp_user="inzage", smtp_password=PASSWORD)
    deliver_pending(down, clock.now())
    assert PASSWORD not in row(refused).last_error
    assert PASSWORD not in repr(down)
    assert inbox.envelopes == []


def test_starttls_is_required_before_the_password_is_sent(database, clock, start_smtp, tmp_path):
    logins = []
    inbox = start_smtp(authenticator=accept(logins), auth_require_tls=False)  # offers no STARTTLS
    queued = enqueue("a@example.nl", "Onderwerp", "tekst", clock.now())
    settings = smtp_settings(tmp_path, inbox.port, smtp_starttls=True, smtp_user="inzage", smtp_password=PASSWORD)

    assert deliver_pending(settings, clock.now()).failed == 1

    assert "STARTTLS" in row(queued).last_error
    assert logins == [] and inbox.envelopes == []


# -- a delivered message keeps no working code --------------------------------------------------------------
NEW_PASSWORD = "zonnebloem-op-de-dijk-bij-Gouda"


def test_a_delivered_message_keeps_no_code_and_the_code_still_works(database, clock, tmp_path):
    """The queue is in every backup; a code in it would let whoever holds the backup set the password."""
    create_manager_account("D. Kroon", "d.kroon@example.nl", "dkroon", clock)
    [queued] = queued_messages()
    [code] = CODE_IN_TEXT.findall(queued.body)
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    assert deliver_pending(MailSettings(outbox_dir=blocker / "outbox"), clock.now()) == DeliveryReport(0, 1)
    assert code in row(queued).body  # not delivered yet: it must still be sendable, code and all

    outbox = tmp_path / "outbox"
    assert deliver_pending(MailSettings(outbox_dir=outbox), clock.now()) == DeliveryReport(1, 0)

    [entry] = outbox_messages(outbox)
    assert code in read_outbox_message(outbox, entry.path.name)  # the manager got it
    stored = row(queued)
    assert stored.sent_at == clock.now()
    assert all(code not in message.body and code not in message.subject for message in OutgoingEmail.select())
    assert "activeringscode: *****-***** (geldig 7 dagen)" in stored.body
    assert stored.body.startswith("Beste D. Kroon,") and "gebruikersnaam: dkroon" in stored.body
    set_password_with_code("dkroon", code, NEW_PASSWORD, NEW_PASSWORD, clock)
    assert authenticate("dkroon", NEW_PASSWORD, clock).ok


def test_a_backup_after_delivery_holds_no_code(sqlite_db, clock, tmp_path):
    """Not in the row, nor left over in the file's free space: the backup copies every page."""
    create_manager_account("D. Kroon", "d.kroon@example.nl", "dkroon", clock)
    [code] = CODE_IN_TEXT.findall(queued_messages()[0].body)
    deliver_pending(MailSettings(outbox_dir=tmp_path / "outbox"), clock.now())
    backup_sqlite(tmp_path / "inzage.sqlite3", tmp_path / "backup.sqlite3")
    assert code.encode() not in (tmp_path / "backup.sqlite3").read_bytes()


def test_a_delivered_code_is_not_left_in_the_database_file_or_its_log(sqlite_db, clock, tmp_path):
    """The -wal file keeps the page with the code until a checkpoint, and the main file keeps a changed
    row's old bytes in free space: delivery checkpoints the log to nothing, and deleted content is zeroed."""
    create_manager_account("D. Kroon", "d.kroon@example.nl", "dkroon", clock)
    [code] = CODE_IN_TEXT.findall(queued_messages()[0].body)
    files = [tmp_path / "inzage.sqlite3", tmp_path / "inzage.sqlite3-wal"]
    assert any(code.encode() in path.read_bytes() for path in files if path.exists())  # queued: it must be there
    deliver_pending(MailSettings(outbox_dir=tmp_path / "outbox"), clock.now())
    assert not any(code.encode() in path.read_bytes() for path in files if path.exists())


def test_every_code_is_recognised_in_a_message():
    assert set(CODE_ALPHABET) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ23456789")
    for _ in range(200):
        code = new_code()
        assert CODE_IN_TEXT.fullmatch(code) and redact_codes(f"code: {code}.") == "code: *****-*****."
