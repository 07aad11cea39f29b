"""Signing in: correct, wrong, unknown; audited; with argon2id at production strength."""
from __future__ import annotations

import dataclasses
import json

import asyncssh

import pytest
from argon2 import Type, profiles

from models import Action, AuditEvent, Role, SshKey, passwords
from models.auth import LoginResult, LoginStatus, authenticate, key_login
from models.ssh_keys import add_key
from tests import story


def test_the_right_password_signs_in_and_is_audited(database, clock):
    kroon = story.account("kroon", Role.EMPLOYER)
    result = authenticate("Kroon ", story.PASSWORD, clock)
    assert result.ok and result.account.id == kroon.id
    assert result.account.last_login == clock.now()
    event = AuditEvent.get()
    assert (event.action, event.actor_id, event.account_id) == (Action.LOGIN_SUCCEEDED, kroon.id, kroon.id)


def test_a_wrong_password_is_refused_and_audited(database, clock):
    kroon = story.account("kroon", Role.EMPLOYER)
    assert not authenticate("kroon", "niet-het-wachtwoord", clock).ok
    event = AuditEvent.get()
    assert (event.action, event.actor_id) == (Action.LOGIN_FAILED, kroon.id)
    assert "niet-het-wachtwoord" not in event.detail


def test_an_unknown_username_costs_one_hash_verification(database, clock, monkeypatch):
    story.account("kroon", Role.EMPLOYER)
    calls = []
    real = passwords._hasher

    class CountingHasher:
        def __getattr__(self, name):
            return getattr(real, name)

        def verify(self, hash_, password):
            calls.append(hash_)
            return real.verify(hash_, password)

    monkeypatch.setattr(passwords, "_hasher", CountingHasher())
    assert not authenticate("bestaat-niet", story.PASSWORD, clock).ok
    assert not authenticate("kroon", "fout", clock).ok
    assert len(calls) == 2  # the same work for both
    assert AuditEvent.select().where(AuditEvent.action == Action.LOGIN_FAILED).count() == 2


def test_an_account_without_a_password_cannot_sign_in(database, clock):
    kroon = story.account("kroon", Role.EMPLOYER)
    kroon.password_hash = None
    kroon.save()
    assert not authenticate("kroon", "", clock).ok
    assert not authenticate("kroon", "inzage: a password nobody has", clock).ok


def test_an_old_hash_is_upgraded_at_sign_in(database, clock):
    kroon = story.account("kroon", Role.EMPLOYER)
    old = kroon.password_hash
    passwords.use_parameters(dataclasses.replace(profiles.CHEAPEST, time_cost=2))
    try:
        authenticate("kroon", story.PASSWORD, clock)
    finally:
        passwords.use_parameters(profiles.CHEAPEST)
    new = type(kroon).get_by_id(kroon.id).password_hash
    assert new != old and "t=2" in new


def test_production_parameters_are_at_least_rfc_9106_low_memory():
    params = passwords.PRODUCTION_PARAMETERS
    low = profiles.RFC_9106_LOW_MEMORY
    assert params.type == Type.ID
    assert params.memory_cost >= low.memory_cost
    assert params.time_cost >= low.time_cost
    assert params.parallelism >= 1


@pytest.mark.parametrize("password", ["", "x" * 1000, "wachtwoord met spaties en ë", "half \ud800 geplakt"])
def test_odd_passwords_do_not_break_verification(database, clock, password):
    story.account("kroon", Role.EMPLOYER)
    assert not authenticate("kroon", password, clock).ok


def test_an_unknown_username_is_not_written_to_the_audit_trail(database, clock):
    # People type their password into the username field by mistake.
    authenticate("mijn-geheime-zin", "x", clock)
    event = AuditEvent.get()
    assert "mijn-geheime-zin" not in event.detail
    assert (event.action, event.actor_id, event.account_id, json.loads(event.detail)) == (
        Action.LOGIN_FAILED, None, None, {"unknown_username": True})


def test_the_manager_of_a_removed_branch_cannot_sign_in(database, clock):
    utrecht = story.organisation("Stichting Welzijn Utrecht")
    story.branch(utrecht, "Hoofdvestiging", "verburg", role="contact_person", admin=True)
    overvecht = story.branch(utrecht, "Overvecht", "kroon")
    assert authenticate("kroon", story.PASSWORD, clock).ok
    overvecht.removed_at = clock.now()
    overvecht.save()
    assert authenticate("kroon", story.PASSWORD, clock) == LoginResult(LoginStatus.FAILED)


@pytest.fixture
def keys(database, clock):
    """Kroon (Overvecht) and Jansen (Centrum) each registered an SSH key, Kroon's first."""
    people = story.employers()
    return {who: add_key(getattr(people, who), asyncssh.generate_private_key("ssh-ed25519").export_public_key(
        "openssh").decode(), clock, current=story.PASSWORD) for who in ("kroon", "jansen")}


@pytest.mark.parametrize(("via", "detail"), [("", {"method": "publickey"}),
                                             ("ssh 10.0.0.5", {"via": "ssh 10.0.0.5", "method": "publickey"})])
def test_a_key_login_is_audited_as_one(keys, clock, via, detail):
    assert key_login("kroon", keys["kroon"].id, clock, via=via).ok
    event = AuditEvent.get(AuditEvent.action == Action.LOGIN_SUCCEEDED)
    assert (event.actor_id, json.loads(event.detail)) == (keys["kroon"].account_id, detail)


@pytest.mark.parametrize("case", ["another account's key", "no such key", "unknown username", "no password"])
def test_a_key_login_is_refused(keys, clock, case):
    username, key_id = "kroon", keys["kroon"].id
    if case == "another account's key":
        key_id = keys["jansen"].id
    elif case == "no such key":
        key_id = keys["jansen"].id + 1000
    elif case == "unknown username":
        username = "niemand"
    else:
        keys["kroon"].account.password_hash = None  # not activated yet
        keys["kroon"].account.save()
    assert key_login(username, key_id, clock).status == LoginStatus.FAILED
    assert not AuditEvent.select().where(AuditEvent.action == Action.LOGIN_SUCCEEDED).exists()
    assert SshKey.select().where(SshKey.last_used_at.is_null(False)).count() == 0


def test_a_locked_account_is_refused_its_key_on_the_audit_trail(keys, clock):
    for _ in range(5):
        authenticate("kroon", "fout-wachtwoord", clock)
    assert key_login("kroon", keys["kroon"].id, clock).status == LoginStatus.FAILED
    event = AuditEvent.select().order_by(AuditEvent.id.desc()).get()
    kroon_id = keys["kroon"].account_id
    assert (event.action, event.actor_id, event.account_id) == (Action.LOGIN_FAILED, kroon_id, kroon_id)
    assert json.loads(event.detail) == {"locked": True, "method": "publickey"}
