"""Forgot login details and activation: single-use, hashed, expiring codes by email."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from models import Account, AccountCode, AuditEvent, OutgoingEmail, Role
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
    assert AccountCode.get().used_at is None  # a refused form does not use up the code


def test_wrong_codes_count_toward_the_lockout(kroon, clock):
    for _ in range(5):
        with pytest.raises(FormErrors):
            set_password_with_code("kroon", "AAAAA-AAAAA", NEW_PASSWORD, NEW_PASSWORD, clock)
    assert not authenticate("kroon", story.PASSWORD, clock).ok  # locked


def test_a_new_manager_activates_with_the_code_and_no_password_is_mailed(database, clock):
    manager = create_manager_account("D. Kroon", "d.kroon@example.nl", "dkroon", clock)
    assert manager.password_hash is None
    assert not authenticate("dkroon", "", clock).ok
    mail = OutgoingEmail.get()
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
