"""SSH keys per account, signing in with one, and the tickets that hand a login to the app process."""
from __future__ import annotations

import datetime as dt

import asyncssh
import pytest

from models import Action, AuditEvent, SshKey
from models.access import AccessDenied
from models.auth import LoginStatus, authenticate, key_login
from models.ssh_keys import add_key, keys_of, parse_public_key, registered_key, remove_key
from models.tickets import TICKET_LIFETIME, issue_ticket, redeem_ticket
from models.validation import FieldError
from tests import story


def public_line(key: asyncssh.SSHKey, comment: str = "laptop") -> str:
    return key.export_public_key("openssh").decode().strip() + f" {comment}"


def manager(username: str):
    """An employer who may use the app: the manager of a branch of an approved organisation."""
    return story.branch(story.organisation(f"Organisatie {username}"), "Hoofdvestiging", username).manager


@pytest.fixture(scope="module")
def ed25519() -> asyncssh.SSHKey:
    return asyncssh.generate_private_key("ssh-ed25519")


def test_a_public_key_is_stored_with_its_fingerprint_and_audited(database, clock, ed25519):
    kroon = manager("kroon")
    key = add_key(kroon, public_line(ed25519), clock, current=story.PASSWORD)
    assert key.fingerprint == ed25519.get_fingerprint("sha256") and key.comment == "laptop"
    assert key.key_type == "ssh-ed25519" and [k.id for k in keys_of(kroon)] == [key.id]
    event = AuditEvent.get(AuditEvent.action == Action.SSH_KEY_ADDED)
    assert event.actor_id == kroon.id and key.fingerprint in event.detail


def test_a_key_pasted_over_several_lines_is_joined(database, clock, ed25519):
    kind, blob = public_line(ed25519).split()[:2]
    assert parse_public_key(f"{kind}\n{blob[:30]}\n{blob[30:]}\n").fingerprint == ed25519.get_fingerprint("sha256")


@pytest.mark.parametrize("text, message", [
    ("", "Plak hier"),
    ("ssh-ed25519 niet-base64!", "geen openbare SSH-sleutel"),
    ("-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAA\n-----END OPENSSH PRIVATE KEY-----", "privésleutel"),
    ("[bold]hallo[/]", "geen openbare SSH-sleutel"),
])
def test_what_is_not_a_public_key_is_refused_with_a_dutch_message(text, message):
    with pytest.raises(FieldError, match=message):
        parse_public_key(text)


def test_a_private_key_is_refused_and_not_stored(database, clock, ed25519):
    kroon = manager("kroon")
    private = ed25519.export_private_key("openssh").decode()
    with pytest.raises(FieldError, match="privésleutel"):
        add_key(kroon, private, clock, current=story.PASSWORD)
    assert SshKey.select().count() == 0 and AuditEvent.select().count() == 0


def test_short_rsa_and_dsa_keys_are_refused():
    rsa_1024 = asyncssh.generate_private_key("ssh-rsa", key_size=1024)
    with pytest.raises(FieldError, match="te kort"):
        parse_public_key(public_line(rsa_1024))
    rsa_2048 = asyncssh.generate_private_key("ssh-rsa", key_size=2048)
    assert parse_public_key(public_line(rsa_2048)).key_type == "ssh-rsa"


def test_the_same_key_twice_is_refused(database, clock, ed25519):
    kroon = manager("kroon")
    add_key(kroon, public_line(ed25519), clock, current=story.PASSWORD)
    with pytest.raises(FieldError, match="al bij uw account"):
        add_key(kroon, public_line(ed25519, "ander"), clock, current=story.PASSWORD)


def test_only_the_owner_removes_a_key(database, clock, ed25519):
    kroon = manager("kroon")
    jansen = manager("jansen")
    key = add_key(kroon, public_line(ed25519), clock, current=story.PASSWORD)
    with pytest.raises(AccessDenied):
        remove_key(jansen, key.id, clock, current=story.PASSWORD)
    assert SshKey.select().count() == 1
    remove_key(kroon, key.id, clock, current=story.PASSWORD)
    assert SshKey.select().count() == 0
    assert AuditEvent.select().where(AuditEvent.action == Action.SSH_KEY_REMOVED).count() == 1


def test_a_key_signs_in_only_its_own_account(database, clock, ed25519):
    kroon = manager("kroon")
    manager("jansen")
    stored = add_key(kroon, public_line(ed25519), clock, current=story.PASSWORD)
    offered = asyncssh.import_public_key(public_line(ed25519))
    assert registered_key("KROON", offered).id == stored.id
    assert registered_key("jansen", offered) is None
    assert not key_login("jansen", stored.id, clock, via="ssh 127.0.0.1").ok
    result = key_login("kroon", stored.id, clock, via="ssh 127.0.0.1")
    assert result.ok and result.account.id == kroon.id
    assert SshKey.get_by_id(stored.id).last_used_at == clock.now()
    event = AuditEvent.get(AuditEvent.action == Action.LOGIN_SUCCEEDED)
    assert '"publickey"' in event.detail and "ssh 127.0.0.1" in event.detail


def test_a_locked_account_cannot_use_its_key(database, clock, ed25519):
    kroon = manager("kroon")
    stored = add_key(kroon, public_line(ed25519), clock, current=story.PASSWORD)
    for _ in range(5):
        authenticate("kroon", "fout-fout-fout", clock, via="ssh 127.0.0.1")
    assert key_login("kroon", stored.id, clock).status == LoginStatus.FAILED
    clock.advance(dt.timedelta(minutes=16))
    assert key_login("kroon", stored.id, clock).ok


def test_a_key_of_a_pending_organisation_account_is_refused(database, clock, ed25519):
    pending = story.organisation("Nog Niet BV", status="pending")
    manager = story.branch(pending, "Hoofdvestiging", "nieuw", role="contact_person", admin=True).manager
    with pytest.raises(AccessDenied, match="goedgekeurde organisatie"):
        add_key(manager, public_line(ed25519), clock, current=story.PASSWORD)  # an applicant cannot act yet ...
    parsed = parse_public_key(public_line(ed25519))
    stored = SshKey.create(account=manager, key_type=parsed.key_type, key_data=parsed.key_data,
                           fingerprint=parsed.fingerprint, comment="", created_at=clock.now())
    assert key_login("nieuw", stored.id, clock).status == LoginStatus.PENDING  # ... nor sign in with a key


def test_password_attempts_over_ssh_say_so_in_the_audit_trail(database, clock):
    manager("kroon")
    authenticate("kroon", "fout-fout-fout", clock, via="ssh 10.0.0.5")
    authenticate("kroon", story.PASSWORD, clock, via="ssh 10.0.0.5")
    details = [e.detail for e in AuditEvent.select().order_by(AuditEvent.id)]
    assert all("ssh 10.0.0.5" in d for d in details) and len(details) == 2


def test_a_ticket_is_redeemed_once_and_only_in_time(database, clock):
    kroon = manager("kroon")
    token = issue_ticket(kroon, clock, peer="127.0.0.1")
    assert redeem_ticket(token, clock).id == kroon.id
    assert redeem_ticket(token, clock) is None
    late = issue_ticket(kroon, clock)
    clock.advance(TICKET_LIFETIME + dt.timedelta(seconds=1))
    assert redeem_ticket(late, clock) is None
    assert redeem_ticket("verzonnen", clock) is None


async def test_a_ticket_carries_when_its_connection_authenticated_and_the_app_counts_its_lifetime_from_there(
        sqlite_db, clock, tmp_path):
    from models.mail import MailSettings
    from tui.app import make_app

    kroon = story.employers().overvecht.manager
    authenticated = clock.now() - dt.timedelta(hours=11, minutes=59)  # the SSH connection is that old
    account = redeem_ticket(issue_ticket(kroon, clock, "127.0.0.1", authenticated), clock)
    assert account.signed_in_at == authenticated
    app = make_app(clock, mail=MailSettings(outbox_dir=tmp_path), idle_minutes=15, signed_in=account,
                   session_hours=12)
    async with app.run_test(size=(120, 40)) as pilot:
        app.lock_if_idle()
        await pilot.pause()
        assert app.account is not None  # 11 h 59 min
        clock.advance(dt.timedelta(minutes=1))
        app.last_input = clock.now()
        app.lock_if_idle()  # 12 h since the connection's login, one minute since this app started
        assert app.account is None  # signed out: the app ends (an SSH session's app exits)


def test_control_characters_in_a_comment_are_dropped(database, clock, ed25519):
    kroon = manager("kroon")
    key = add_key(kroon, public_line(ed25519, "werk\x1b[2J\x07laptop"), clock, current=story.PASSWORD)
    assert key.comment == "werk[2Jlaptop"
