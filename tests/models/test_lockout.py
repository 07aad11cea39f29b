"""Brute force: five failures within 15 minutes lock an account for 15 minutes."""
from __future__ import annotations

import datetime as dt
import json

import pytest

from models import Account, Action, AuditEvent, Role
from models.auth import LoginStatus, authenticate
from models.staff import unlock_account
from tests import story


@pytest.fixture
def kroon(database):
    return story.account("kroon", Role.EMPLOYER)


def fail(times: int, clock, username: str = "kroon") -> None:
    for _ in range(times):
        assert authenticate(username, "fout-wachtwoord", clock).status == LoginStatus.FAILED


def test_the_fifth_failure_locks_even_the_right_password_out(kroon, clock):
    fail(4, clock)
    assert authenticate("kroon", story.PASSWORD, clock).ok  # four failures: still fine, and they reset
    fail(5, clock)
    result = authenticate("kroon", story.PASSWORD, clock)
    assert result.status == LoginStatus.FAILED and result.account is None
    assert Account.get_by_id(kroon.id).locked_until == clock.now() + dt.timedelta(minutes=15)
    assert AuditEvent.select().where(AuditEvent.action == Action.ACCOUNT_LOCKED).count() == 1


def test_a_successful_login_resets_the_failure_count(kroon, clock):
    fail(4, clock)
    assert authenticate("kroon", story.PASSWORD, clock).ok
    stored = Account.get_by_id(kroon.id)
    assert (stored.failed_logins, stored.first_failed_at) == (0, None)
    fail(4, clock)  # four new failures in the same window: still not locked
    assert authenticate("kroon", story.PASSWORD, clock).ok
    assert Account.get_by_id(kroon.id).locked_until is None


def test_the_lock_lifts_after_exactly_15_minutes(kroon, clock):
    fail(5, clock)
    clock.advance(dt.timedelta(minutes=15) - dt.timedelta(seconds=1))
    assert not authenticate("kroon", story.PASSWORD, clock).ok
    clock.advance(dt.timedelta(seconds=1))
    assert authenticate("kroon", story.PASSWORD, clock).ok


def test_failures_spread_beyond_the_window_do_not_lock(kroon, clock):
    fail(4, clock)
    clock.advance(dt.timedelta(minutes=15))
    fail(4, clock)  # a new window began
    assert authenticate("kroon", story.PASSWORD, clock).ok


def test_a_locked_account_gives_the_same_answer_as_an_unknown_one(kroon, clock):
    fail(5, clock)
    locked = authenticate("kroon", story.PASSWORD, clock)
    unknown = authenticate("niemand", story.PASSWORD, clock)
    assert (locked.status, locked.account, locked.reason) == (unknown.status, unknown.account, unknown.reason)


def test_staff_can_unlock(kroon, clock):
    staff = story.account("medewerker", Role.STAFF)
    fail(5, clock)
    unlock_account(staff, kroon.id, clock)
    assert authenticate("kroon", story.PASSWORD, clock).ok
    assert AuditEvent.select().where(AuditEvent.action == Action.ACCOUNT_UNLOCKED, AuditEvent.actor == staff).exists()


def test_every_attempt_is_audited(kroon, clock):
    fail(2, clock)
    authenticate("kroon", story.PASSWORD, clock)
    authenticate("niemand", "x", clock)
    actions = [e.action for e in AuditEvent.select().where(
        AuditEvent.action.in_([Action.LOGIN_FAILED, Action.LOGIN_SUCCEEDED])).order_by(AuditEvent.id)]
    assert actions == ["login_failed", "login_failed", "login_succeeded", "login_failed"]


@pytest.mark.parametrize(("status", "expected"), [("pending", LoginStatus.PENDING), ("rejected", LoginStatus.REJECTED)])
def test_an_unapproved_organisation_is_told_why_after_the_right_password(database, clock, status, expected):
    staff = story.account("medewerker", Role.STAFF)
    org = story.organisation("Dubbel BV", status=status, staff=staff)
    story.branch(org, "Hoofdvestiging", "dubbel", role="contact_person", admin=True)
    result = authenticate("dubbel", story.PASSWORD, clock)
    assert result.status == expected and result.account.username == "dubbel"
    assert result.reason == ("Dubbel account" if status == "rejected" else None)
    refused = AuditEvent.get(AuditEvent.action == Action.LOGIN_REFUSED)
    assert (refused.actor_id, refused.account_id, json.loads(refused.detail)) == (
        result.account.id, result.account.id, {"status": status})
    assert authenticate("dubbel", "fout", clock).status == LoginStatus.FAILED  # nothing told without the password


def test_the_lockout_is_on_the_audit_trail(kroon, clock):
    fail(5, clock)
    authenticate("kroon", story.PASSWORD, clock, via="ssh 10.0.0.5")
    events = [(e.action, e.actor_id, e.account_id, json.loads(e.detail))
              for e in AuditEvent.select().order_by(AuditEvent.id)]
    assert events == [
        *[("login_failed", kroon.id, kroon.id, {"failures": n}) for n in range(1, 6)],
        ("account_locked", None, kroon.id, {"until": "2026-11-28 09:15:00"}),
        ("login_failed", kroon.id, kroon.id, {"locked": True, "via": "ssh 10.0.0.5"}),
    ]
    stored = Account.get_by_id(kroon.id)
    assert (stored.failed_logins, stored.first_failed_at) == (0, None)  # after the lock a fresh count begins
