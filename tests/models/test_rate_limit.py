"""One account's flood of writes is held back, across sessions and processes (the audit trail counts), with a
calm Dutch refusal; a real user never meets it (issue 29, point 8)."""
from __future__ import annotations

import datetime as dt

import pytest

from models import Action, AuditEvent
from models.activities import ActivityForm, add_activity
from models import audit
from models.audit import RATE_WINDOW, TOO_FAST, TooManyChanges
from models.export import export_overview
from tests import story


PRODUCTION_LIMIT = audit.RATE_LIMIT
RATE_LIMIT = 6  # the rule with a small number: each test makes a few times this many saves


@pytest.fixture(autouse=True)
def small_limit(monkeypatch):
    monkeypatch.setattr(audit, "RATE_LIMIT", RATE_LIMIT)


def test_the_limit_is_generous():
    assert PRODUCTION_LIMIT >= 60 and RATE_WINDOW <= dt.timedelta(minutes=1)  # a save a second, for a minute


@pytest.fixture
def test_period(database):
    cast = story.employers()
    period = story.latest_period(story.registration(cast.test, story.register()))
    story.grant(cast.test, cast.overvecht)
    return cast, period


def form(title: str = "Intervisie") -> ActivityForm:
    return ActivityForm(title, "training", "12-11-2026", "1", "Movisie", "")


def test_a_flood_is_refused_calmly_and_lets_go_after_a_minute(test_period, clock):
    cast, period = test_period
    me = story.account_of(cast.test)
    step = RATE_WINDOW / (RATE_LIMIT + 5)  # faster than RATE_LIMIT per RATE_WINDOW
    for _ in range(RATE_LIMIT):
        clock.advance(step)
        add_activity(me, period.id, form(), clock)
    clock.advance(step)
    with pytest.raises(TooManyChanges) as refused:
        add_activity(me, period.id, form("Eén te veel"), clock)
    assert str(refused.value) == TOO_FAST
    assert "Eén te veel" not in {activity.title for activity in period.activities}  # rolled back whole
    clock.advance(RATE_WINDOW)
    add_activity(me, period.id, form("Na een minuut"), clock)


def test_a_real_users_pace_and_other_accounts_are_not_held(test_period, clock, tmp_path):
    cast, period = test_period
    me = story.account_of(cast.test)
    for _ in range(3 * RATE_LIMIT):  # just under the limit, for three minutes
        clock.advance(RATE_WINDOW / (RATE_LIMIT - 1))
        add_activity(me, period.id, form(), clock)
    export_overview(cast.kroon, clock, tmp_path)  # Kroon's count is his own


def test_one_save_of_many_events_counts_once(test_period, clock):
    cast, period = test_period
    me = story.account_of(cast.test)
    add_activity(me, period.id, form(), clock)
    assert AuditEvent.select().where(AuditEvent.actor == me.id, AuditEvent.action == Action.ACTIVITY_ADDED).count() == 1
    for _ in range(RATE_LIMIT - 2):  # the same moment (a FixedClock): one save as far as the limit goes
        add_activity(me, period.id, form(), clock)
    clock.advance(dt.timedelta(seconds=1))
    add_activity(me, period.id, form(), clock)

