"""Forgot login details and activation: single-use, hashed, expiring codes by email."""
from __future__ import annotations

import datetime as dt
import json
import re

import pytest

from models import Account, AccountCode, Action, AuditEvent, OutgoingEmail, Role, codes, passwords
from models.auth import MAX_FAILURES, authenticate
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


def test_a_valid_code_works_while_the_account_is_locked_and_ends_the_lock(kroon, clock):
    request_login_details("kroon@example.nl", clock)
    [code] = codes_in_mail("kroon@example.nl")
    for _ in range(5):
        authenticate("kroon", "fout-wachtwoord", clock)
    assert Account.get_by_id(kroon.id).locked_until is not None
    failures = AuditEvent.select().where(AuditEvent.action == Action.LOGIN_FAILED).count()
    with pytest.raises(FormErrors):  # a wrong code stays wrong, locked or not
        set_password_with_code("kroon", "AAAAA-AAAAA", NEW_PASSWORD, NEW_PASSWORD, clock)
    assert AuditEvent.select().where(AuditEvent.action == Action.LOGIN_FAILED).count() == failures  # not counted
    set_password_with_code("kroon", code, NEW_PASSWORD, NEW_PASSWORD, clock)  # no waiting for the lock
    stored = Account.get_by_id(kroon.id)
    assert (stored.locked_until, stored.failed_logins, stored.first_failed_at) == (None, 0, None)
    assert authenticate("kroon", NEW_PASSWORD, clock).ok


def _count_work(database, monkeypatch) -> tuple[list[str], list[str]]:
    """From now on: every argon2 hash made (by caller), and the table each SQL statement names first."""
    hashes: list[str] = []
    tables: list[str] = []
    hasher, execute = passwords._hasher, database.execute_sql

    class CountingHasher:
        def __getattr__(self, name):
            return getattr(hasher, name)

        def hash(self, *args, **kwargs):
            hashes.append("hash")
            return hasher.hash(*args, **kwargs)

    def counting(sql, params=None, *args, **kwargs):
        tables.append(re.search(r'(?:FROM|INTO|UPDATE) "(\w+)"', sql).group(1))
        return execute(sql, params, *args, **kwargs)

    monkeypatch.setattr(passwords, "_hasher", CountingHasher())
    monkeypatch.setattr(database, "execute_sql", counting)
    return hashes, tables


def test_known_unknown_and_limited_addresses_cost_the_same_hashing_and_statements(kroon, clock, database,
                                                                                monkeypatch):
    story.account("aarts", Role.EMPLOYER)
    for _ in range(codes.MAILS_PER_HOUR):
        request_login_details("aarts@example.nl", clock)  # aarts has had all mails for this hour
    work = {}
    for case, address in [("known", "kroon@example.nl"), ("unknown", "onbekend@example.nl"),
                          ("limited", "aarts@example.nl")]:
        with monkeypatch.context() as patch:
            hashes, tables = _count_work(database, patch)
            request_login_details(address, clock)
        work[case] = (len(hashes), tables)
    assert work["known"] == (1, ["account", "account_code", "account_code", "audit_event", "outgoing_email"])
    assert work["unknown"] == work["known"] and work["limited"] == work["known"]
    assert OutgoingEmail.select().count() == codes.MAILS_PER_HOUR + 1  # aarts' three, kroon's one


def test_a_fourth_request_within_the_hour_sends_nothing_and_the_third_code_still_works(kroon, clock):
    sent = []
    for _ in range(3):
        request_login_details("kroon@example.nl", clock)
        sent.append(codes_in_mail("kroon@example.nl")[0])
        clock.advance(dt.timedelta(minutes=5))
    request_login_details("kroon@example.nl", clock)  # 9:15: three codes in force
    assert OutgoingEmail.select().count() == 3 and AccountCode.select().count() == 3
    assert AuditEvent.select().where(AuditEvent.action == Action.CODE_SENT).count() == 3
    set_password_with_code("kroon", sent[-1], NEW_PASSWORD, NEW_PASSWORD, clock)
    assert authenticate("kroon", NEW_PASSWORD, clock).ok


def test_the_limit_counts_codes_in_force_and_lets_a_mail_through_once_they_expire_or_are_used(kroon, clock):
    for _ in range(3):
        request_login_details("kroon@example.nl", clock)  # 9:00, valid until 9:30
    clock.advance(dt.timedelta(minutes=29, seconds=59))
    request_login_details("kroon@example.nl", clock)
    assert OutgoingEmail.select().count() == 3
    clock.advance(dt.timedelta(seconds=1))  # 9:30: the three have expired
    request_login_details("kroon@example.nl", clock)
    assert OutgoingEmail.select().count() == 4
    [code] = codes_in_mail("kroon@example.nl")
    set_password_with_code("kroon", code, NEW_PASSWORD, NEW_PASSWORD, clock)
    for _ in range(3):  # 9:30: the one in force is used: three more go out
        request_login_details("kroon@example.nl", clock)
    assert OutgoingEmail.select().count() == 8  # and the notice of the new password


def test_activation_codes_count_towards_the_limit(database, clock):
    """Codes staff or an approval send are mails to the same person: a planted bug that counts reset codes
    only would let three activation mails and three reset mails through in the same hour."""
    manager = create_manager_account("D. Kroon", "d.kroon@example.nl", "dkroon", clock)  # one activation mail
    codes.send_activation(manager, clock.now())
    codes.send_activation(manager, clock.now())  # three, valid 7 days
    request_login_details("d.kroon@example.nl", clock)
    assert OutgoingEmail.select().count() == 3
    clock.advance(dt.timedelta(hours=1))  # older than an hour: the limit is an hourly one
    request_login_details("d.kroon@example.nl", clock)
    assert OutgoingEmail.select().count() == 4


def test_nobody_but_the_owner_can_spend_the_owners_way_back_in(kroon, clock):
    """The outside test's sequence: request three codes for the owner's address, wait until they expire,
    keep the account locked with wrong passwords. At any minute of the hour after, the owner asks for a code
    (or takes the newest from the mailbox), sets a password with it and signs in: kept out 0 minutes."""
    start, owners = clock.now(), story.PASSWORD
    kept_out = []
    for minute in range(0, 61):
        clock.set(start + dt.timedelta(minutes=minute))
        if minute == 0:
            for _ in range(codes.MAILS_PER_HOUR):
                request_login_details("kroon@example.nl", clock)  # the attacker spends the quota
        for _ in range(MAX_FAILURES):
            authenticate("kroon", "geraden-wachtwoord", clock)  # ... and keeps the account locked
        assert not authenticate("kroon", owners, clock).ok  # the owner's right password fails
        request_login_details("kroon@example.nl", clock)  # the owner's own request
        [code] = codes_in_mail("kroon@example.nl")  # new, or the newest the attacker had sent
        password = f"zonnebloem-op-de-dijk-{minute}"
        try:
            set_password_with_code("kroon", code, password, password, clock)
        except FormErrors:
            kept_out.append(minute)
            continue
        owners = password
        if not authenticate("kroon", password, clock).ok:
            kept_out.append(minute)
    assert kept_out == []
def test_the_limit_is_per_account_not_per_address(database, clock):
    zeeman, aarts = story.account("zeeman", Role.EMPLOYER), story.account("aarts", Role.EMPLOYER)
    for _ in range(3):
        request_login_details("zeeman@example.nl", clock)
    for person in (zeeman, aarts):
        person.email = "team@example.nl"
        person.save()
    request_login_details("team@example.nl", clock)
    body = OutgoingEmail.select().where(OutgoingEmail.to_address == "team@example.nl").get().body
    assert "gebruikersnaam: aarts" in body and "zeeman" not in body
    assert AccountCode.select().where(AccountCode.account == zeeman).count() == 3
