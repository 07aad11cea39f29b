"""Forgot login details and activation: single-use, hashed, expiring codes by email."""
from __future__ import annotations

import datetime as dt
import json
import re

import pytest

from models import Account, AccountCode, Action, AuditEvent, OutgoingEmail, Role, codes
from models.auth import authenticate
from models.codes import create_manager_account, request_login_details, set_password_with_code
from models.validation import FormErrors
from tests import story

NEW_PASSWORD = "zonnebloem-op-de-dijk"


def codes_in_mail(address: str) -> list[str]:
    mail = OutgoingEmail.select().where(OutgoingEmail.to_address == address).order_by(OutgoingEmail.id.desc()).first()
    return re.findall(r"\b[A-Z2-9]{5}-[A-Z2-9]{5}\b", mail.body)


@pytest.fixture
def kroon(database):
    return story.account("kroon", Role.EMPLOYER)


def test_a_known_email_gets_the_username_and_a_code(kroon, clock):
    request_login_details("KROON@example.nl", clock)
    mail = OutgoingEmail.get()
    assert mail.to_address == "kroon@example.nl"
    assert "kroon" in mail.body
    [code] = codes_in_mail("kroon@example.nl")
    stored = AccountCode.get()
    assert code not in stored.code_hash and stored.code_hash.startswith("$argon2id$")
    assert stored.expires_at == clock.now() + dt.timedelta(minutes=30)


def test_every_code_sent_is_in_the_audit_trail_with_its_purpose(kroon, clock):
    request_login_details("kroon@example.nl", clock)
    manager = create_manager_account("D. Kroon", "d.kroon@example.nl", "dkroon", clock)
    sent = [(event.account_id, json.loads(event.detail)) for event in
            AuditEvent.select().where(AuditEvent.action == Action.CODE_SENT).order_by(AuditEvent.id)]
    assert sent == [(kroon.id, {"purpose": "reset"}), (manager.id, {"purpose": "activation"})]


def test_an_unknown_email_gets_nothing_and_no_error(kroon, clock):
    request_login_details("onbekend@example.nl", clock)
    request_login_details("geen e-mailadres", clock)
    assert OutgoingEmail.select().count() == 0


def test_the_code_sets_a_new_password_once(kroon, clock):
    request_login_details("kroon@example.nl", clock)
    [code] = codes_in_mail("kroon@example.nl")
    set_password_with_code("kroon", code.lower().replace("-", ""), NEW_PASSWORD, NEW_PASSWORD, clock)
    assert authenticate("kroon", NEW_PASSWORD, clock).ok
    with pytest.raises(FormErrors) as refused:
        set_password_with_code("kroon", code, "nog-een-ander-wachtwoord", "nog-een-ander-wachtwoord", clock)
    assert "code" in refused.value.errors


def test_a_code_expires_at_the_exact_minute(kroon, clock):
    request_login_details("kroon@example.nl", clock)
    [code] = codes_in_mail("kroon@example.nl")
    clock.advance(dt.timedelta(minutes=30))
    with pytest.raises(FormErrors):
        set_password_with_code("kroon", code, NEW_PASSWORD, NEW_PASSWORD, clock)
    clock.advance(dt.timedelta(seconds=-1))
    set_password_with_code("kroon", code, NEW_PASSWORD, NEW_PASSWORD, clock)


def test_a_newer_code_invalidates_the_older_one(kroon, clock):
    request_login_details("kroon@example.nl", clock)
    [old] = codes_in_mail("kroon@example.nl")
    clock.advance(dt.timedelta(minutes=1))
    request_login_details("kroon@example.nl", clock)
    [new] = codes_in_mail("kroon@example.nl")
    with pytest.raises(FormErrors):
        set_password_with_code("kroon", old, NEW_PASSWORD, NEW_PASSWORD, clock)
    set_password_with_code("kroon", new, NEW_PASSWORD, NEW_PASSWORD, clock)


def test_the_new_password_must_meet_the_policy(kroon, clock):
    request_login_details("kroon@example.nl", clock)
    [code] = codes_in_mail("kroon@example.nl")
    with pytest.raises(FormErrors) as refused:
        set_password_with_code("kroon", code, "kort", "anders", clock)
    assert set(refused.value.errors) == {"password", "repeat"}
    assert refused.value.errors["repeat"] == "De wachtwoorden zijn niet gelijk."
    assert AccountCode.get().used_at is None  # a refused form does not use up the code


def test_wrong_codes_count_toward_the_lockout(kroon, clock, monkeypatch):
    hashed = []
    monkeypatch.setattr(codes, "hash_password", lambda password: hashed.append(password))
    for _ in range(5):
        with pytest.raises(FormErrors) as refused:
            set_password_with_code("kroon", "AAAAA-AAAAA", NEW_PASSWORD, NEW_PASSWORD, clock)
        assert refused.value.errors == {"code": "Deze code klopt niet of is verlopen. Vraag zo nodig een nieuwe aan."}
    assert not authenticate("kroon", story.PASSWORD, clock).ok  # locked
    assert hashed == []  # a wrong code costs no hashing of the new password


def test_a_new_manager_activates_with_the_code_and_no_password_is_mailed(database, clock):
    manager = create_manager_account("D. Kroon", "d.kroon@example.nl", "dkroon", clock)
    assert manager.password_hash is None
    assert not authenticate("dkroon", "", clock).ok
    mail = OutgoingEmail.get()
    assert mail.body.startswith("Beste D. Kroon,") and "gebruikersnaam: dkroon" in mail.body
    created = AuditEvent.get(AuditEvent.action == Action.ACCOUNT_CREATED)
    assert (created.account_id, created.actor_id) == (manager.id, None)
    [code] = codes_in_mail("d.kroon@example.nl")
    assert AccountCode.get().expires_at == clock.now() + dt.timedelta(days=7)
    clock.advance(dt.timedelta(days=6, hours=23))
    set_password_with_code("dkroon", code, NEW_PASSWORD, NEW_PASSWORD, clock)
    assert authenticate("dkroon", NEW_PASSWORD, clock).ok
    assert NEW_PASSWORD not in mail.body
    assert all(code not in event.detail for event in AuditEvent.select())


def test_an_activation_code_expires_after_7_days(database, clock):
    create_manager_account("D. Kroon", "d.kroon@example.nl", "dkroon", clock)
    [code] = codes_in_mail("d.kroon@example.nl")
    clock.advance(dt.timedelta(days=7))
    with pytest.raises(FormErrors):
        set_password_with_code("dkroon", code, NEW_PASSWORD, NEW_PASSWORD, clock)
    assert Account.get(Account.username == "dkroon").password_hash is None


def test_one_mail_lists_every_username_of_the_address_each_with_its_own_code(database, clock):
    zeeman = story.account("zeeman", Role.EMPLOYER)  # activated
    aarts = story.account("aarts", Role.EMPLOYER)  # a manager who has not activated yet
    aarts.password_hash = None
    for person in (zeeman, aarts):
        person.email = "team@example.nl"
        person.save()
    request_login_details("team@example.nl", clock)
    body = OutgoingEmail.get().body
    assert body.index("gebruikersnaam: aarts") < body.index("gebruikersnaam: zeeman")  # alphabetical
    assert "(geldig 7 dagen)" in body and "(geldig 30 minuten)" in body
    purposes = {code.account_id: code.purpose for code in AccountCode.select()}
    assert purposes == {aarts.id: "activation", zeeman.id: "reset"}
    set_password_with_code("aarts", codes_in_mail("team@example.nl")[0], NEW_PASSWORD, NEW_PASSWORD, clock)
    assert authenticate("aarts", NEW_PASSWORD, clock).ok


def test_another_accounts_newer_code_leaves_mine_working(kroon, clock):
    request_login_details("kroon@example.nl", clock)
    [code] = codes_in_mail("kroon@example.nl")
    story.account("jansen", Role.EMPLOYER)
    clock.advance(dt.timedelta(minutes=1))
    request_login_details("jansen@example.nl", clock)
    set_password_with_code("kroon", code, NEW_PASSWORD, NEW_PASSWORD, clock)
    assert authenticate("kroon", NEW_PASSWORD, clock).ok


def test_setting_the_password_clears_the_failures_and_is_audited(kroon, clock):
    request_login_details("kroon@example.nl", clock)
    [code] = codes_in_mail("kroon@example.nl")
    for _ in range(2):
        with pytest.raises(FormErrors):
            set_password_with_code("kroon", "AAAAA-AAAAA", NEW_PASSWORD, NEW_PASSWORD, clock)
    set_password_with_code("kroon", code, NEW_PASSWORD, NEW_PASSWORD, clock)
    stored = Account.get_by_id(kroon.id)
    assert (stored.failed_logins, stored.first_failed_at) == (0, None)
    event = AuditEvent.get(AuditEvent.action == Action.PASSWORD_SET)
    assert (event.actor_id, event.account_id, json.loads(event.detail)) == (kroon.id, kroon.id, {"purpose": "reset"})


def test_a_locked_account_cannot_use_its_code_until_the_lock_lifts(kroon, clock):
    request_login_details("kroon@example.nl", clock)
    [code] = codes_in_mail("kroon@example.nl")
    for _ in range(5):
        authenticate("kroon", "fout-wachtwoord", clock)
    failures = AuditEvent.select().where(AuditEvent.action == Action.LOGIN_FAILED).count()
    for attempt in (code, "AAAAA-AAAAA"):
        with pytest.raises(FormErrors):
            set_password_with_code("kroon", attempt, NEW_PASSWORD, NEW_PASSWORD, clock)
    assert AuditEvent.select().where(AuditEvent.action == Action.LOGIN_FAILED).count() == failures  # not counted
    clock.advance(dt.timedelta(minutes=15))
    set_password_with_code("kroon", code, NEW_PASSWORD, NEW_PASSWORD, clock)
    assert authenticate("kroon", NEW_PASSWORD, clock).ok
