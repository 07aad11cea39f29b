"""Signing in: correct, wrong, unknown; audited; with argon2id at production strength."""
from __future__ import annotations

import dataclasses

import pytest
from argon2 import Type, profiles

from models import Action, AuditEvent, Role, passwords
from models.auth import authenticate
from tests import story


def test_the_right_password_signs_in_and_is_audited(database, clock):
    kroon = story.account("kroon", Role.EMPLOYER)
    result = authenticate("Kroon ", story.PASSWORD, clock)
    assert result.ok and result.account.id == kroon.id
    assert result.account.last_login == clock.now()
    event = AuditEvent.get()
    assert (event.action, event.actor_id) == (Action.LOGIN_SUCCEEDED, kroon.id)


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
    assert "mijn-geheime-zin" not in AuditEvent.get().detail
