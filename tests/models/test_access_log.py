"""Wie heeft mijn dossier bekeken: the professional sees every opening by an employer, on both databases."""
from __future__ import annotations

import datetime as dt

import pytest
from playhouse.test_utils import count_queries

from models.access import AccessDenied
from models.access_log import who_looked
from models.dossier import open_dossier
from tests import story


@pytest.fixture
def world(database):
    world = story.employers()
    sw = story.register()
    story.registration(world.test, sw)
    story.grant(world.test, world.overvecht)
    story.grant(world.test, world.centrum)
    return world


def test_nobody_has_looked_yet(world):
    assert who_looked(story.account_of(world.test)) == []


def test_every_opening_is_shown_newest_first_in_local_time(world, clock):
    open_dossier(world.kroon, world.test.id, clock)  # 28-11-2026 09:00 UTC = 10:00 in Amsterdam
    clock.advance(dt.timedelta(days=1, hours=5, minutes=30))
    open_dossier(world.jansen, world.test.id, clock)
    account = story.account_of(world.test)
    with count_queries() as counter:
        looks = who_looked(account)
    assert counter.count == 2  # the access check (is the account locked?), then one statement
    assert [(look.at.strftime("%d-%m-%Y %H:%M"), look.viewer, look.organisation, look.branch) for look in looks] == [
        ("29-11-2026 15:30", "Jansen", "Zorggroep Amersfoort", "Centrum"),
        ("28-11-2026 10:00", "Kroon", "Stichting Welzijn Utrecht", "Overvecht"),
    ]


def test_another_professionals_views_are_not_included(world, clock):
    other = story.professional("A.", "Ander")
    story.registration(other, story.register("Register Cliëntondersteuners", "CO"))
    story.grant(other, world.overvecht)
    open_dossier(world.kroon, other.id, clock)
    assert who_looked(story.account_of(world.test)) == []
    assert [look.viewer for look in who_looked(story.account_of(other))] == ["Kroon"]


@pytest.mark.parametrize("who", ["kroon", "staff"])
def test_only_the_professional_sees_their_log(world, clock, who):
    open_dossier(world.kroon, world.test.id, clock)
    with pytest.raises(AccessDenied):
        who_looked(world.kroon if who == "kroon" else world.staff)
