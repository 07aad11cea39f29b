"""Secrets stay secret: every flow that handles a password, a code or a ticket, then a search for them.

The flows run with distinctive secret strings; afterwards every text column of every table,
every file under the test's folders (data, config, outbox, the SQLite files), every log record
and every exception message is searched, case-insensitively. No password may appear anywhere;
each code appears in exactly one email (its .eml file) and nowhere else: once delivered, its queued
row no longer holds it. Only SQLite's own files may, in old page versions (the write-ahead log until
a checkpoint); a backup copies none of those (tests/models/test_mail.py).
"""
from __future__ import annotations

import dataclasses
import logging
import re
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest
from peewee import Database

from models import OutgoingEmail, Role
from models.access import AccessDenied
from models.accounts import Account
from models.applications import ApplicationForm, apply_for_employer_account
from models.auth import authenticate
from models.branches import add_branch
from models.codes import request_login_details, set_password_with_code
from models.mail import MailSettings, deliver_pending
from models.organisations import Branch
from models.profile import change_password
from models.staff import approve_application, resend_activation, unlock_account
from models.tickets import issue_ticket, redeem_ticket
from models.validation import FormErrors
from tests import story
from tui import config

APPLICANT_PASSWORD = "Kwartel-Zeppelin-4471-aanvraag"
WRONG_PASSWORD = "Verkeerd-Vlindernet-8812-fout"
GUESSES = [f"Gokje-{n}-Pelikaan-3390-raden" for n in range(5)]
RESET_PASSWORD = "Herstel-Marmot-6620-nieuw"
ACTIVATED_PASSWORD = "Activeer-Lynx-5173-eerste"
CHANGED_PASSWORD = "Wissel-Okapi-2958-profiel"
WRONG_CURRENT = "Niet-Huidig-Tapir-7734-oud"
REFUSED_PASSWORD = "Zwak-7Q"  # refused by the policy: too short
MISMATCHED_REPEAT = "Anders-Herhaald-Gnoe-1187"
WRONG_CODE = "QXQXQ-ZWZWZ"

PASSWORDS = [story.PASSWORD, APPLICANT_PASSWORD, WRONG_PASSWORD, *GUESSES, RESET_PASSWORD, ACTIVATED_PASSWORD,
             CHANGED_PASSWORD, WRONG_CURRENT, REFUSED_PASSWORD, MISMATCHED_REPEAT, WRONG_CODE]
HASH_COLUMNS = {("account", "password_hash"), ("account_code", "code_hash"), ("session_ticket", "token_hash")}
CODE = re.compile(r"\b[A-Z2-9]{5}-[A-Z2-9]{5}\b")
APPLICATION = ApplicationForm(
    name="A. Aanvrager", email="aanvrager@buurtwerk.nl", email_repeat="aanvrager@buurtwerk.nl", username="aanvrager",
    password=APPLICANT_PASSWORD, password_repeat=APPLICANT_PASSWORD, company="Buurtwerk Zeist",
    visit_address="Slotlaan 1", visit_postcode="3701 GA", visit_city="Zeist",
)


@dataclasses.dataclass
class Trail:
    """What the flows left behind that is not stored: exception messages, and the codes that were mailed."""

    errors: list[str] = dataclasses.field(default_factory=list)
    codes: dict[str, int] = dataclasses.field(default_factory=dict)  # code -> id of the one email that carries it

    def refused(self, call, *args, **kwargs) -> None:
        """Run a call that must be refused, and keep every text of its exception."""
        with pytest.raises((FormErrors, AccessDenied, ValueError)) as caught:
            call(*args, **kwargs)
        error = caught.value
        self.errors += [str(error), repr(error), *getattr(error, "errors", {}).values()]

    def mailed_code(self, address: str) -> str:
        """The code in the newest email to `address` (read the way the user reads it)."""
        mail = (OutgoingEmail.select().where(OutgoingEmail.to_address == address)
                .order_by(OutgoingEmail.id.desc()).first())
        [code] = CODE.findall(mail.body)
        assert code not in self.codes
        self.codes[code] = mail.id
        return code


def run_every_flow(clock, outbox: Path) -> tuple[Trail, str]:
    """Apply, log in (right, wrong, password in the username field), lock out, reset, activate,
    resend, change password, SSH ticket; deliver the mail into `outbox`. Returns the trail and the ticket."""
    trail = Trail()
    world = story.employers()
    staff = world.staff

    # Applying: refused forms first (a weak password, a repeat that differs), then the real one.
    trail.refused(apply_for_employer_account,
                  dataclasses.replace(APPLICATION, password=REFUSED_PASSWORD, password_repeat=REFUSED_PASSWORD), clock)
    trail.refused(apply_for_employer_account, dataclasses.replace(APPLICATION, password_repeat=MISMATCHED_REPEAT),
                  clock)
    applicant = apply_for_employer_account(APPLICATION, clock)
    organisation = Branch.get(Branch.manager == applicant).organisation
    approve_application(staff, organisation.id, clock)

    # Logging in: right, wrong, the password typed into the username field (also over SSH).
    assert authenticate("aanvrager", APPLICANT_PASSWORD, clock).ok
    assert not authenticate("aanvrager", WRONG_PASSWORD, clock).ok
    assert not authenticate(APPLICANT_PASSWORD, APPLICANT_PASSWORD, clock).ok
    assert not authenticate(APPLICANT_PASSWORD, "", clock, via="ssh 10.0.0.5").ok
    assert not authenticate(f"  {WRONG_PASSWORD.upper()}  ", WRONG_PASSWORD, clock).ok

    # Lockout: five guesses lock Kroon out, even the right password is refused; staff unlock.
    for guess in GUESSES:
        assert not authenticate("kroon", guess, clock).ok
    assert not authenticate("kroon", story.PASSWORD, clock).ok
    unlock_account(staff, world.kroon.id, clock)
    assert authenticate("kroon", story.PASSWORD, clock, via="ssh 10.0.0.5").ok

    # Forgot login details: a wrong code, a code typed as the username, then the mailed code.
    request_login_details("kroon@example.nl", clock)
    reset_code = trail.mailed_code("kroon@example.nl")
    trail.refused(set_password_with_code, "kroon", WRONG_CODE, RESET_PASSWORD, RESET_PASSWORD, clock)
    trail.refused(set_password_with_code, reset_code, reset_code, RESET_PASSWORD, RESET_PASSWORD, clock)
    trail.refused(set_password_with_code, "kroon", reset_code, RESET_PASSWORD, MISMATCHED_REPEAT, clock)
    set_password_with_code("kroon", reset_code.lower().replace("-", ""), RESET_PASSWORD, RESET_PASSWORD, clock)
    trail.refused(set_password_with_code, "kroon", reset_code, WRONG_PASSWORD, WRONG_PASSWORD, clock)  # used
    assert authenticate("kroon", RESET_PASSWORD, clock).ok

    # A new branch manager's activation code; staff resend a new one, which alone works.
    add_branch(world.verburg, "Zuilen", "P. de Vries", "pdevries@welzijn.nl", "pdevries", "branch_manager", False,
               clock)
    first_code = trail.mailed_code("pdevries@welzijn.nl")
    manager = Account.get(Account.username == "pdevries")
    resend_activation(staff, manager.id, clock)
    activation_code = trail.mailed_code("pdevries@welzijn.nl")
    trail.refused(set_password_with_code, "pdevries", first_code, ACTIVATED_PASSWORD, ACTIVATED_PASSWORD, clock)
    set_password_with_code("pdevries", activation_code, ACTIVATED_PASSWORD, ACTIVATED_PASSWORD, clock)
    assert authenticate("pdevries", ACTIVATED_PASSWORD, clock).ok

    # Changing the password in the profile: a wrong current one, then the right one.
    verburg = world.verburg
    trail.refused(change_password, verburg, WRONG_CURRENT, CHANGED_PASSWORD, CHANGED_PASSWORD, clock)
    trail.refused(change_password, verburg, story.PASSWORD, REFUSED_PASSWORD, REFUSED_PASSWORD, clock)
    change_password(verburg, story.PASSWORD, CHANGED_PASSWORD, CHANGED_PASSWORD, clock)
    assert authenticate("verburg", CHANGED_PASSWORD, clock).ok

    # The SSH server's session ticket for its app process.
    ticket = issue_ticket(world.jansen, clock, "10.0.0.5")
    assert redeem_ticket(ticket, clock).username == "jansen"

    report = deliver_pending(MailSettings(outbox_dir=outbox), clock.now())
    assert report.failed == 0 and report.sent == OutgoingEmail.select().count()
    return trail, ticket


def variants(secret: str) -> set[str]:
    """How a secret may show up: as typed, trimmed, and for codes without the dash (compared case-folded)."""
    return {secret.strip().casefold(), secret.replace("-", "").casefold()} if CODE.fullmatch(secret) \
        else {secret.strip().casefold()}


def found(secret: str, text: str) -> bool:
    folded = text.casefold()
    return any(variant in folded for variant in variants(secret))


def stored_texts(database: Database) -> list[tuple[str, str, object, str]]:
    """(table, column, id, text) for every non-null value of every column of every table, as text."""
    texts = []
    for table in database.get_tables():
        cursor = database.execute_sql(f'SELECT * FROM "{table}"')
        columns = [description[0] for description in cursor.description]
        for row in cursor.fetchall():
            values = dict(zip(columns, row))
            for column, value in values.items():
                if value is not None:
                    texts.append((table, column, values.get("id"), str(value)))
    return texts


def files_under(folder: Path) -> list[Path]:
    return sorted(path for path in folder.rglob("*") if path.is_file())


def eml_text(path: Path) -> str:
    """An outbox file as stored (bytes) and as read (decoded body), so an encoding cannot hide a secret."""
    raw = path.read_bytes()
    message = BytesParser(policy=policy.default).parsebytes(raw)
    return raw.decode("utf-8", "replace") + "\n" + message.get_body(preferencelist=("plain",)).get_content()


@pytest.fixture
def every_log_record(caplog):
    caplog.set_level(logging.DEBUG)  # everything, including libraries' debug output (peewee logs its queries)
    return caplog


def test_no_secret_is_stored_logged_or_raised_except_each_code_in_its_email(database, clock, tmp_path,
                                                                          every_log_record):
    outbox = config.data_dir() / "outbox"
    trail, ticket = run_every_flow(clock, outbox)
    assert len(trail.codes) == 3  # the reset code, the first and the resent activation code
    secrets = [*PASSWORDS, ticket]
    stored = stored_texts(database)
    assert any(table == "outgoing_email" for table, *_ in stored)  # the scan sees the tables

    for table, column, row_id, text in stored:
        if (table, column) in HASH_COLUMNS:
            for secret in [*secrets, *trail.codes]:
                assert secret not in text and text != secret, f"{table}.{column} holds a secret in the clear"
            continue
        for secret in secrets:
            assert not found(secret, text), f"{secret!r} is stored in {table}.{column} (row {row_id})"
    for code in trail.codes:  # every mail is delivered: the queue keeps no working code
        places = [(table, column, row_id) for table, column, row_id, text in stored
                  if (table, column) not in HASH_COLUMNS and found(code, text)]
        assert places == [], f"code {code} is stored in {places}"

    emails = {int(path.stem.rpartition("-")[2]): path for path in outbox.glob("*.eml")}
    assert len(emails) == OutgoingEmail.select().count()
    sqlite_files = []
    for path in files_under(tmp_path):
        if path.name.startswith("inzage.sqlite3"):  # the database itself, scanned byte for byte
            sqlite_files.append(path)
            text = path.read_bytes().decode("utf-8", "replace")
        else:
            text = eml_text(path) if path.suffix == ".eml" else path.read_bytes().decode("utf-8", "replace")
        for secret in secrets:
            assert not found(secret, text), f"{secret!r} is in the file {path}"
        for code, email_id in trail.codes.items():
            if found(code, text) and path not in sqlite_files:
                assert path == emails[email_id], f"code {code} is in {path}, not only in its email"
    for code, email_id in trail.codes.items():
        assert found(code, eml_text(emails[email_id]))
    assert bool(sqlite_files) == (database.__class__.__name__.startswith("Sqlite"))

    records = every_log_record.records
    for record in records:
        text = record.getMessage() + (record.exc_text or "")
        for secret in [*secrets, *trail.codes]:
            assert not found(secret, text), f"{secret!r} is in a log record of {record.name}: {text[:200]}"
    for message in trail.errors:
        for secret in [*secrets, *trail.codes]:
            assert not found(secret, message), f"{secret!r} is in an exception message: {message[:200]}"
    assert trail.errors and all(message for message in trail.errors)


def test_the_search_finds_a_secret_where_one_is_left(database, clock, tmp_path):
    """The search above is not blind: a password and a code put where they do not belong are found."""
    story.account("kroon", Role.EMPLOYER)
    request_login_details("kroon@example.nl", clock)
    mail = OutgoingEmail.get()
    [code] = CODE.findall(mail.body)
    Account.update(name=f"K. {APPLICANT_PASSWORD.lower()}").where(Account.username == "kroon").execute()
    stored = stored_texts(database)
    assert any(found(APPLICANT_PASSWORD, text) for *_, text in stored)
    assert [(table, column) for table, column, _, text in stored if found(code, text)] == [("outgoing_email", "body")]
    assert found(code, code.replace("-", "").lower())
