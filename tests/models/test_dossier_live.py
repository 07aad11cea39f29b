"""An open dossier that reads itself again: the same access check as opening it, but no new "Wie keek er"
line; and an activity changed or deleted in another session while its form was open."""
from __future__ import annotations

import datetime as dt

import pytest

from models import AccessGrant, Action, Activity, AuditEvent, Role
from models.access import AccessDenied
from models.activities import ACTIVITY_NOT_YOURS, ActivityForm, delete_activity, edit_activity
from models.changes import ChangeFeed, Kind
from models.dossier import open_dossier
from tests import story

TODAY = dt.date(2026, 11, 28)


@pytest.fixture
def world(database):
    """Test follows the SW register and gives Kroon (Overvecht) inzage; she did one training."""
    world = story.employers()
    period = story.latest_period(story.registration(world.test, story.register()))
    story.activity(period, "training", 12, title="Omgaan met agressie", day=dt.date(2026, 3, 1))
    story.grant(world.test, world.overvecht)
    return world


def views() -> int:
    return AuditEvent.select().where(AuditEvent.action == Action.DOSSIER_VIEWED).count()


def test_a_refresh_reads_the_same_dossier_and_records_no_view(world, clock):
    opened = open_dossier(world.kroon, world.test.id, clock)
    looked = ChangeFeed.select().where(ChangeFeed.kind == Kind.LOOKED).count()
    assert views() == 1 and looked == 1
    again = open_dossier(world.kroon, world.test.id, clock, record_view=False)
    assert again == opened
    assert views() == 1  # the professional's "Wie keek er" does not grow with every change
    assert ChangeFeed.select().where(ChangeFeed.kind == Kind.LOOKED).count() == looked


@pytest.mark.parametrize("record_view", [True, False])
@pytest.mark.parametrize("case", ["revoked", "expired", "other branch", "other organisation", "staff",
                                  "the professional"])
def test_a_refresh_is_refused_exactly_as_an_opening(world, clock, case, record_view):
    acting = world.kroon
    grant = AccessGrant.get()
    if case == "revoked":
        grant.revoked_at, grant.revoked_by = clock.now(), story.account_of(world.test)
        grant.save()
    elif case == "expired":
        grant.end_date = TODAY - dt.timedelta(days=1)
        grant.save()
    elif case == "other branch":
        acting = world.verburg
    elif case == "other organisation":
        acting = world.jansen
    elif case == "staff":
        acting = world.staff
    else:
        acting = story.account_of(world.test)
        assert acting.role == Role.PROFESSIONAL
    with pytest.raises(AccessDenied) as refused:
        open_dossier(acting, world.test.id, clock, record_view=record_view)
    assert "Test" not in str(refused.value)
    assert views() == 0


def test_editing_an_activity_deleted_in_another_session_is_refused_in_dutch(world, clock):
    me = story.account_of(world.test)
    activity = Activity.get()
    delete_activity(me, activity.id, clock)  # the other session
    form = ActivityForm("Omgaan met agressie, deel 2", "training", "01-03-2026", "14", "Movisie", "")
    with pytest.raises(AccessDenied, match=r"^Deze activiteit staat niet \(meer\) in uw dossier\.$"):
        edit_activity(me, activity.id, form, clock)
    assert str(AccessDenied(ACTIVITY_NOT_YOURS)) == "Deze activiteit staat niet (meer) in uw dossier."
    assert not Activity.select().exists()


def test_an_activity_changed_in_another_session_takes_the_last_save(world, clock):
    """No version check: an activity is the professional's own, changed by them alone; the form that is
    saved last holds what they typed last."""
    me = story.account_of(world.test)
    activity = Activity.get()
    edit_activity(me, activity.id, ActivityForm("Agressie (elders gewijzigd)", "training", "01-03-2026", "10"), clock)
    edit_activity(me, activity.id, ActivityForm("Agressie (hier getypt)", "training", "01-03-2026", "16"), clock)
    saved = Activity.get_by_id(activity.id)
    assert (saved.title, saved.points, saved.period.achieved) == ("Agressie (hier getypt)", 16, 16)
