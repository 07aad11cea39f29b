"""Bringing a shown overview up to date: the rows of a few professionals read again (access checked at that
moment) and put in place, in the same order a fresh reading of everything would give."""
from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models.access import AccessDenied
from models.activities import ActivityForm, add_activity
from models.branches import remove_branch
from models.inzage import GrantChanges, save_changes
from models.overview import OverviewRow, overview_rows, overview_scope
from models.overview_set import OverviewSet, summarise
from models.removal import remove_professional
from tests import story

TODAY = dt.date(2026, 11, 28)
VIEWS = [
    {},
    {"sort_key": "name"},
    {"sort_key": "name", "reverse": True},
    {"sort_key": "status", "reverse": True},
    {"sort_key": "end_date"},
    {"sort_key": "achieved", "reverse": True},
    {"register": "Register Sociaal Werkers"},
    {"name": "de", "sort_key": "number"},
    {"number": "1"},
]


@pytest.fixture
def utrecht(database):
    """Kroon manages Overvecht; Verburg (beheerder) Hoofdvestiging. Eight professionals granted Overvecht:
    red and green, some with two registrations or a previous period, names that sort close together."""
    world = story.employers()
    sw = story.register("Register Sociaal Werkers", "SW")
    co = story.register("Register Cliëntondersteuners", "CO")
    people = {}
    for index, (initials, prefix, surname) in enumerate([
            ("A.", "de", "Vries"), ("A.", "", "Devries"), ("B.", "van der", "Berg"), ("B.", "", "Bergen"),
            ("C.", "", "Cliënt"), ("D.", "", "Dekker"), ("E.", "", "Eindigt"), ("F.", "", "Vries")]):
        person = story.professional(initials, surname, prefix=prefix)
        end = dt.date(2027, 1 + index % 3, 1) if index % 2 else dt.date(2028, 12, 31)  # some end the same day
        registration = story.registration(person, sw, periods=[(dt.date(2014, 1, 1), dt.date(2018, 12, 31)),
                                                               (dt.date(2019, 1, 1), end)])
        if index % 3 == 0:
            story.registration(person, co, periods=[(dt.date(2024, 1, 1), end)])
        if index % 4 == 1:
            story.activity(story.latest_period(registration), "training", 12)
        story.grant(person, world.overvecht)
        people[surname if not prefix else f"{prefix} {surname}"] = person
    return world, people


def rows_of(rows: list[OverviewRow], professional_id: int) -> list[OverviewRow]:
    return [row for row in rows if row.professional_id == professional_id]


def test_the_rows_of_one_professional_are_those_the_full_overview_holds(utrecht):
    world, people = utrecht
    everything = overview_rows(world.kroon, TODAY)
    for person in people.values():
        assert overview_rows(world.kroon, TODAY, professional_ids=[person.id]) == rows_of(everything, person.id)
    some = [people["de Vries"].id, people["Cliënt"].id]
    assert overview_rows(world.kroon, TODAY, professional_ids=some) == [row for row in everything
                                                                       if row.professional_id in some]
    assert overview_rows(world.kroon, TODAY, professional_ids=[]) == []


def test_a_professional_who_never_granted_this_branch_has_no_rows(utrecht):
    world, _ = utrecht
    assert overview_rows(world.kroon, TODAY, professional_ids=[world.test.id]) == []
    assert overview_rows(world.jansen, TODAY, professional_ids=[world.test.id]) == []  # another organisation


def test_revoked_ended_or_removed_by_the_employer_and_the_rows_are_gone(utrecht, clock):
    world, people = utrecht
    kroon = world.kroon
    revoker, ender, removed = people["Dekker"], people["Eindigt"], people["Bergen"]
    grant = revoker.grants.get()
    save_changes(story.account_of(revoker), GrantChanges(revoke={grant.id}), clock)  # the professional revokes
    assert overview_rows(kroon, TODAY, professional_ids=[revoker.id]) == []
    ending = ender.grants.get()
    save_changes(story.account_of(ender), GrantChanges(change={ending.id: TODAY}), clock)  # ends today
    assert overview_rows(kroon, TODAY, professional_ids=[ender.id]) != []
    assert overview_rows(kroon, TODAY + dt.timedelta(days=1), professional_ids=[ender.id]) == []
    remove_professional(kroon, removed.id, clock)  # the employer removes one
    assert overview_rows(kroon, TODAY, professional_ids=[removed.id]) == []
    left = overview_rows(kroon, TODAY)
    assert {revoker.id, removed.id}.isdisjoint(row.professional_id for row in left)


def test_a_refused_employer_is_refused_whatever_professionals_are_asked_for(utrecht, clock):
    world, people = utrecht
    assert overview_scope(world.kroon) == {world.overvecht.id}
    remove_branch(world.verburg, world.overvecht.id, True, clock)
    assert overview_scope(world.kroon) == frozenset()
    for ids in ([people["Dekker"].id], []):
        with pytest.raises(AccessDenied):
            overview_rows(world.kroon, TODAY, professional_ids=ids)


def same_as_fresh(overview: OverviewSet, fresh: OverviewSet, view: dict) -> None:
    assert overview.view(**view) == fresh.view(**view), view
    assert overview.summary(TODAY) == summarise(fresh.view(**view), TODAY)
    assert overview.groups == fresh.groups and overview.by_name == fresh.by_name
    assert (overview.row_count, overview.professional_count, overview.registers) == \
        (fresh.row_count, fresh.professional_count, fresh.registers)


def test_replacing_after_real_changes_gives_what_a_fresh_reading_gives(utrecht, clock):
    """On SQLite and PostgreSQL: the database's order and the set's own order agree, in every view."""
    world, people = utrecht
    kroon = world.kroon
    shown = []  # one set per view, as a screen showing that view keeps it
    for view in VIEWS:
        overview = OverviewSet(overview_rows(kroon, TODAY))
        overview.by_name  # noqa: B018 - kept up to date once it exists
        overview.view(**view)
        overview.summary(TODAY)
        shown.append((overview, view))
    changes = [
        ("Vries", lambda: add_activity(story.account_of(people["Vries"]),
                                       story.latest_period(people["Vries"].registrations.get()).id,
                                       ActivityForm("Intervisie", "intervision", "15-11-2026", "40", "Movisie"),
                                       clock)),
        ("de Vries", lambda: save_changes(story.account_of(people["de Vries"]),
                                          GrantChanges(revoke={people["de Vries"].grants.get().id}), clock)),
        ("Bergen", lambda: remove_professional(kroon, people["Bergen"].id, clock)),
        ("de Vries", lambda: save_changes(story.account_of(people["de Vries"]),
                                          GrantChanges(add=[(world.overvecht.id, None)]), clock)),  # grants again
        (None, lambda: story.grant(world.test, world.overvecht)),  # no registration: no rows
    ]
    for who, change in changes:
        change()
        ids = [people[who].id] if who else [world.test.id]
        rows = overview_rows(kroon, TODAY, professional_ids=ids)
        fresh = OverviewSet(overview_rows(kroon, TODAY))
        for overview, view in shown:
            overview.replace(ids, rows)
            same_as_fresh(overview, fresh, view)
    last = fresh.view()
    assert people["de Vries"].id in {row.professional_id for row in last}
    assert 40 in {row.achieved for row in last if row.professional_id == people["Vries"].id}
    assert people["Bergen"].id not in {row.professional_id for row in last}


# -- the same, on rows made up here: any overview, any few changes ------------------------------------------------
REGISTERS = ["Register Cliëntondersteuners", "Register Jeugdzorg", "Register Sociaal Werkers"]


@st.composite
def professional_rows(draw, professional_id: int) -> list[OverviewRow]:
    """One professional's rows as overview_rows() gives them: per registration its latest period and perhaps
    the one before; names, end dates and statuses from small sets, so that ties are common."""
    surname = draw(st.sampled_from(["berg", "bergen", "vries", "vries de", "devries"]))
    rows = []
    for register in draw(st.lists(st.sampled_from(REGISTERS), max_size=3, unique=True)):
        end = dt.date(2026, 12, 1) + dt.timedelta(days=draw(st.sampled_from([0, 1, 200, 900])))
        status = draw(st.sampled_from(["red", "green"]))
        number = f"{professional_id:05d}{REGISTERS.index(register)}"
        row = OverviewRow(professional_id, surname.title(), register, number, end, 150,
                          draw(st.integers(0, 160)), status, True, surname, surname)
        rows.append(row)
        if draw(st.booleans()):
            rows.append(row._replace(end_date=end - dt.timedelta(days=1826), status="green", is_latest=False))
    return rows


def in_query_order(rows: list[OverviewRow]) -> list[OverviewRow]:
    """The order of overview_rows(): red first, ending soonest, name, register, number; the previous period under."""
    return sorted(rows, key=lambda row: (*_latest_key(rows, row), not row.is_latest))


def _latest_key(rows: list[OverviewRow], row: OverviewRow) -> tuple:
    latest = next(other for other in rows if other.is_latest and (other.professional_id, other.number) ==
                  (row.professional_id, row.number))
    return latest.status != "red", latest.end_date, latest.sort_name, latest.register, latest.number


@st.composite
def overview_and_changes(draw):
    count = draw(st.integers(0, 25))
    people = {person: draw(professional_rows(person)) for person in range(count)}
    changes = []
    for _ in range(draw(st.integers(1, 6))):
        changed = draw(st.lists(st.integers(0, count + 2), min_size=1, max_size=3, unique=True))
        changes.append({person: draw(professional_rows(person)) for person in changed})
    return people, changes, draw(st.sampled_from(VIEWS))


@settings(max_examples=150, deadline=None)
@given(overview_and_changes())
def test_replacing_keeps_every_order_a_fresh_set_would_have(case):
    people, changes, view = case
    overview = OverviewSet(in_query_order([row for rows in people.values() for row in rows]))
    overview.by_name  # noqa: B018
    overview.view(**view)
    for change in changes:
        people.update(change)
        overview.replace(list(change), in_query_order([row for rows in change.values() for row in rows]))
        fresh = OverviewSet(in_query_order([row for rows in people.values() for row in rows]))
        assert overview.view(**view) == fresh.view(**view)
        assert overview.summary(TODAY) == summarise(fresh.view(**view), TODAY)
        assert overview.groups == fresh.groups and overview.by_name == fresh.by_name
        assert (overview.row_count, overview.professional_count, overview.registers) == \
            (fresh.row_count, fresh.professional_count, fresh.registers)


def test_the_position_of_a_registration_in_the_view():
    rows = in_query_order([
        OverviewRow(1, "A", "Register Sociaal Werkers", "1", dt.date(2027, 1, 1), 150, 0, "red", True, "a", "a"),
        OverviewRow(1, "A", "Register Sociaal Werkers", "1", dt.date(2022, 1, 1), 150, 150, "green", False, "a", "a"),
        OverviewRow(2, "B", "Register Jeugdzorg", "2", dt.date(2027, 2, 1), 150, 0, "red", True, "b", "b"),
        OverviewRow(2, "B", "Register Sociaal Werkers", "3", dt.date(2029, 2, 1), 150, 0, "green", True, "b", "b"),
    ])
    overview = OverviewSet(rows)
    overview.view()
    assert overview.position(2, "Register Sociaal Werkers", "3") == 3
    assert overview.position(2) == 2  # the professional's first registration in the view
    assert overview.position(3) is None
    overview.view(register="Register Sociaal Werkers")
    assert overview.position(2) == 2 and overview.position(2, "Register Jeugdzorg", "2") is None
    with pytest.raises(ValueError):
        overview.replace([1], rows[2:])  # rows of another professional
