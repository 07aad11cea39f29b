"""The employer's overview query, on SQLite and PostgreSQL."""
from __future__ import annotations

import datetime as dt

import pytest
from playhouse.test_utils import count_queries

from models import Professional, Role
from models.access import AccessDenied
from models.overview import OverviewRow, overview_rows
from models.overview_set import OverviewSet, Summary, _add_months, filter_rows, summarise
from tests import story

TODAY = dt.date(2026, 11, 28)


@pytest.fixture
def utrecht(database):
    """Stichting Welzijn Utrecht: Kroon manages Overvecht, Verburg manages Centrum."""
    org = story.organisation("Stichting Welzijn Utrecht")
    return {
        "org": org,
        "overvecht": story.branch(org, "Overvecht", "kroon"),
        "centrum": story.branch(org, "Centrum", "verburg", role="contact_person", admin=True),
        "sw": story.register("Register Sociaal Werkers", "SW"),
        "co": story.register("Register Cliëntondersteuners", "CO"),
    }


def names(rows):
    return sorted({row.name for row in rows})


def test_kroon_sees_only_professionals_who_granted_overvecht(utrecht):
    test = story.professional("T.", "Test")
    story.registration(test, utrecht["sw"])
    other = story.professional("A.", "Ander")
    story.registration(other, utrecht["sw"])
    story.grant(test, utrecht["overvecht"])
    story.grant(other, utrecht["centrum"])

    kroon = utrecht["overvecht"].manager
    assert names(overview_rows(kroon, TODAY)) == ["T. Test"]
    assert names(overview_rows(utrecht["centrum"].manager, TODAY)) == ["A. Ander"]


def test_a_grant_ending_on_31_12_is_seen_that_day_and_not_the_next(utrecht):
    test = story.professional("T.", "Test")
    story.registration(test, utrecht["sw"])
    story.grant(test, utrecht["overvecht"], end_date=dt.date(2026, 12, 31))
    kroon = utrecht["overvecht"].manager
    assert names(overview_rows(kroon, dt.date(2026, 12, 31))) == ["T. Test"]
    assert overview_rows(kroon, dt.date(2027, 1, 1)) == []


def test_a_revoked_grant_is_not_seen(utrecht):
    test = story.professional("T.", "Test")
    story.registration(test, utrecht["sw"])
    kroon = utrecht["overvecht"].manager
    story.grant(test, utrecht["overvecht"], revoked_by=kroon)
    assert overview_rows(kroon, TODAY) == []


def test_two_grants_to_the_same_account_do_not_double_the_rows(utrecht):
    test = story.professional("T.", "Test")
    story.registration(test, utrecht["sw"])
    story.grant(test, utrecht["overvecht"])
    story.grant(test, utrecht["overvecht"], revoked_by=utrecht["overvecht"].manager)  # an old, revoked one
    assert len(overview_rows(utrecht["overvecht"].manager, TODAY)) == 1


def test_per_registration_the_latest_period_and_the_one_before(utrecht):
    test = story.professional("T.", "Test")
    periods = [
        (dt.date(2011, 1, 1), dt.date(2015, 12, 31)),
        (dt.date(2016, 1, 1), dt.date(2020, 12, 31)),
        (dt.date(2021, 1, 1), dt.date(2025, 12, 31)),
        (dt.date(2026, 1, 1), dt.date(2030, 12, 31)),
    ]
    story.registration(test, utrecht["sw"], periods=periods)
    story.registration(test, utrecht["co"], periods=periods[3:])  # only one period
    story.grant(test, utrecht["overvecht"])
    rows = overview_rows(utrecht["overvecht"].manager, TODAY)
    by_register = {}
    for row in rows:
        by_register.setdefault(row.register, []).append((row.end_date, row.is_latest))
    assert sorted(by_register["Register Sociaal Werkers"]) == [
        (dt.date(2025, 12, 31), False),
        (dt.date(2030, 12, 31), True),
    ]
    assert by_register["Register Cliëntondersteuners"] == [(dt.date(2030, 12, 31), True)]


def test_rows_carry_norm_points_and_status(utrecht):
    test = story.professional("T.", "Test")
    registration = story.registration(test, utrecht["sw"], periods=[
        (dt.date(2016, 1, 1), dt.date(2020, 12, 31)),
        (dt.date(2021, 1, 1), dt.date(2026, 12, 31)),
    ])
    period = story.latest_period(registration)
    story.activity(period, "training", 70)
    story.activity(period, "intervision", 45)
    story.activity(period, "other", 50)  # only 30 count
    story.grant(test, utrecht["overvecht"])
    latest = next(row for row in overview_rows(utrecht["overvecht"].manager, TODAY) if row.is_latest)
    assert (latest.norm, latest.achieved, latest.status) == (150, 145, "red")
    story.activity(period, "training", 5)
    latest = next(row for row in overview_rows(utrecht["overvecht"].manager, TODAY) if row.is_latest)
    assert (latest.achieved, latest.status) == (150, "green")


def test_red_periods_ending_soonest_come_first(utrecht):
    for surname, end, points in [("Groen", dt.date(2027, 1, 1), 150), ("Laat", dt.date(2029, 1, 1), 0),
                                 ("Vroeg", dt.date(2027, 3, 1), 0)]:
        person = story.professional("A.", surname)
        registration = story.registration(person, utrecht["sw"], periods=[(dt.date(2015, 1, 1), dt.date(2019, 12, 31)),
                                                                          (dt.date(2020, 1, 1), end)])
        if points:
            story.activity(story.latest_period(registration), "training", 80)
            story.activity(story.latest_period(registration), "intervision", 70)
        story.grant(person, utrecht["overvecht"])
    latest = [row.name for row in overview_rows(utrecht["overvecht"].manager, TODAY) if row.is_latest]
    assert latest == ["A. Vroeg", "A. Laat", "A. Groen"]


def test_a_row_carries_what_the_employer_sees_latest_period_first(utrecht):
    test = story.professional("T.", "Test", "de")
    story.registration(test, utrecht["sw"], number="461024366", periods=[
        (dt.date(2016, 1, 1), dt.date(2020, 12, 31)), (dt.date(2021, 1, 1), dt.date(2026, 12, 31))])
    story.grant(test, utrecht["overvecht"])
    common = dict(professional_id=test.id, name="T. de Test", register="Register Sociaal Werkers",
                  number="461024366", norm=150, achieved=0, status="red", sort_name="test de t.",
                  search_name="t. de test")
    assert overview_rows(utrecht["overvecht"].manager, TODAY) == [
        OverviewRow(**common, end_date=dt.date(2026, 12, 31), is_latest=True),
        OverviewRow(**common, end_date=dt.date(2020, 12, 31), is_latest=False),
    ]


def test_registrations_ending_the_same_day_come_by_name_register_and_number(utrecht):
    periods = [(dt.date(2016, 1, 1), dt.date(2020, 12, 31)), (dt.date(2021, 1, 1), dt.date(2027, 6, 30))]
    bakker, other_bakker, aalders = (story.professional("B.", "Bakker"), story.professional("B.", "Bakker"),
                                     story.professional("A.", "Aalders"))
    for person, register, number in [(other_bakker, "sw", "461000003"), (bakker, "sw", "461000002"),
                                     (aalders, "sw", "461000004"), (aalders, "co", "461000005")]:
        story.registration(person, utrecht[register], number=number, periods=periods)
    for person in (other_bakker, bakker, aalders):
        story.grant(person, utrecht["overvecht"])
    rows = overview_rows(utrecht["overvecht"].manager, TODAY)
    assert [(row.name, row.number, row.is_latest) for row in rows] == [
        ("A. Aalders", "461000005", True), ("A. Aalders", "461000005", False),  # Cliëntondersteuners before
        ("A. Aalders", "461000004", True), ("A. Aalders", "461000004", False),  # Sociaal Werkers
        ("B. Bakker", "461000002", True), ("B. Bakker", "461000002", False),
        ("B. Bakker", "461000003", True), ("B. Bakker", "461000003", False),
    ]
    assert overview_rows(utrecht["overvecht"].manager, TODAY, limit=3) == rows[:3]  # the first screen


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("kroon", ["M. Kroon"]),
        ("KROON", ["M. Kroon"]),
        ("cliënt", ["C. Cliënt", "K. Client"]),
        ("client", ["C. Cliënt", "K. Client"]),
        ("zoe", ["Z. Zoëtmulder"]),
        ("van der", ["J. van der Berg"]),
        ("%", []),  # LIKE's wildcards are taken literally
        ("_", []),
        ("", ["C. Cliënt", "J. van der Berg", "K. Client", "M. Kroon", "Z. Zoëtmulder"]),
    ],
)
def test_name_filter_ignores_case_and_accents(utrecht, query, found):
    for initials, prefix, surname in [("M.", "", "Kroon"), ("C.", "", "Cliënt"), ("K.", "", "Client"),
                                      ("Z.", "", "Zoëtmulder"), ("J.", "van der", "Berg")]:
        person = story.professional(initials, surname, prefix)
        story.registration(person, utrecht["sw"])
        story.grant(person, utrecht["overvecht"])
    assert names(overview_rows(utrecht["overvecht"].manager, TODAY, name=query)) == found


def test_register_and_number_filters(utrecht):
    test = story.professional("T.", "Test")
    story.registration(test, utrecht["sw"], number="461024366")
    story.registration(test, utrecht["co"], number="461027636")
    story.grant(test, utrecht["overvecht"])
    kroon = utrecht["overvecht"].manager
    assert [row.number for row in overview_rows(kroon, TODAY, register_id=utrecht["co"].id)] == ["461027636"]
    assert [row.register for row in overview_rows(kroon, TODAY, number="2436")] == ["Register Sociaal Werkers"]
    assert overview_rows(kroon, TODAY, number="999") == []


SW, CO = "Register Sociaal Werkers", "Register Cliëntondersteuners"


def fetched_row(person: int, initials: str, surname: str, register: str, number: str,
                latest: bool = True) -> OverviewRow:
    names = Professional.name_fields(initials, "", surname)
    return OverviewRow(person, names["name"], register, number, dt.date(2028, 12, 31), 150, 0, "red", latest,
                       names["sort_name"], names["search_name"])


# As overview_rows() returns them: José (SW, with the period before), Één (CO), Kroon (SW and CO).
FETCHED = [
    fetched_row(1, "J.", "José", SW, "461024366"),
    fetched_row(1, "J.", "José", SW, "461024366", latest=False),
    fetched_row(2, "E.", "Één", CO, "461027636"),
    fetched_row(3, "M.", "Kroon", SW, "461031234"),
    fetched_row(3, "M.", "Kroon", CO, "461035555"),
]


def shown(rows: list[OverviewRow]) -> list[str]:
    return [row.number if row.is_latest else f"{row.number} (previous)" for row in rows]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, ["461024366", "461024366 (previous)", "461027636", "461031234", "461035555"]),
        ({"register": SW}, ["461024366", "461024366 (previous)", "461031234"]),
        ({"register": CO}, ["461027636", "461035555"]),
        ({"number": "2436"}, ["461024366", "461024366 (previous)"]),  # anywhere in the number
        ({"number": " 5555 "}, ["461035555"]),
        ({"name": "kroon"}, ["461031234", "461035555"]),
        ({"name": "jose"}, ["461024366", "461024366 (previous)"]),
        ({"name": "JOSÉ"}, ["461024366", "461024366 (previous)"]),
        ({"name": "ÉÉN"}, ["461027636"]),
        ({"name": "een"}, ["461027636"]),
        ({"register": CO, "name": "kroon"}, ["461035555"]),
        ({"register": SW, "number": "4610", "name": "o"}, ["461024366", "461024366 (previous)", "461031234"]),
        ({"register": CO, "number": "2436"}, []),  # each matches someone; together no one
        ({"name": "zoe"}, []),
        ({"number": "999"}, []),
        ({"register": "Register Jeugdzorg"}, []),
    ],
)
def test_the_filters_work_on_rows_already_fetched(filters, expected):
    assert shown(filter_rows(FETCHED, **filters)) == expected


def test_a_filtered_and_sorted_view_keeps_the_previous_period_under_its_latest_one():
    jumbled = list(reversed(FETCHED))  # José's previous period now comes before his latest one
    view = OverviewSet(jumbled).view(name="o", sort_key="name", reverse=True)
    assert shown(view) == ["461035555", "461031234", "461024366", "461024366 (previous)"]


@pytest.mark.parametrize(
    ("order", "expected"),
    [
        ([0, 1, 2, 3, 4], ["461024366", "461024366 (previous)", "461027636", "461031234", "461035555"]),
        ([1, 0, 2, 3, 4], ["461024366", "461024366 (previous)", "461027636", "461031234", "461035555"]),  # previous first
        ([2, 1, 0, 3, 4], ["461027636", "461024366", "461024366 (previous)", "461031234", "461035555"]),  # ... after Één
        ([0, 2, 1, 3, 4], ["461024366", "461024366 (previous)", "461027636", "461031234", "461035555"]),  # Één between
        ([4, 3, 2, 1, 0], ["461035555", "461031234", "461027636", "461024366", "461024366 (previous)"]),
    ],
)
def test_in_whatever_order_rows_come_the_previous_period_stays_under_its_latest_one(order, expected):
    rows = OverviewSet([FETCHED[index] for index in order])
    assert shown(rows.view()) == expected  # registrations in the order they first came
    assert rows.row_count == 5  # what the screen compares a filtered view with
    assert shown(rows.view(sort_key="name")) == ["461027636", "461024366", "461024366 (previous)", "461035555",
                                                 "461031234"]


@pytest.mark.parametrize("kind", ["staff", "professional", "pending", "rejected"])
def test_only_employers_of_an_approved_organisation_get_an_overview(utrecht, kind):
    if kind == "staff":
        acting = story.account("medewerker", Role.STAFF)
    elif kind == "professional":
        acting = story.account("461000999", Role.PROFESSIONAL, professional=story.professional("P.", "Rof", with_account=False))
    else:
        org = story.organisation(f"Organisatie {kind}", status=kind, staff=story.account(f"staff{kind}", Role.STAFF))
        acting = story.branch(org, "Hoofdkantoor", f"manager{kind}", role="contact_person", admin=True).manager
        # Even a grant to a pending or rejected organisation's branch shows nothing.
        person = story.professional("T.", "Test")
        story.registration(person, utrecht["sw"])
        story.grant(person, acting.managed_branches.get())
    with pytest.raises(AccessDenied):
        overview_rows(acting, TODAY)


def _professionals_with_grants(utrecht, count: int) -> None:
    for index in range(count):
        person = story.professional("P.", f"Persoon{index}", with_account=False)
        registration = story.registration(person, utrecht["sw"], periods=[(dt.date(2016, 1, 1), dt.date(2020, 12, 31)),
                                                                           (dt.date(2021, 1, 1), dt.date(2025, 12, 31))])
        if index % 3 == 0:
            story.registration(person, utrecht["co"])
        story.grant(person, utrecht["overvecht"])
        del registration


def test_the_number_of_statements_does_not_grow_with_the_rows(utrecht):
    kroon = utrecht["overvecht"].manager
    _professionals_with_grants(utrecht, 10)
    with count_queries() as small:
        rows_small = overview_rows(kroon, TODAY)
    _professionals_with_grants(utrecht, 490)
    with count_queries() as large:
        rows_large = overview_rows(kroon, TODAY)
    assert len(rows_small) == 24  # 10 x 2 SW periods + 4 CO registrations
    assert len(rows_large) == 1000 + 4 + 164  # CO for every third of each batch
    assert small.count == large.count


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (dt.date(2026, 11, 28), 0, dt.date(2026, 11, 28)),
        (dt.date(2026, 1, 15), 1, dt.date(2026, 2, 15)),
        (dt.date(2026, 5, 28), 6, dt.date(2026, 11, 28)),
        (dt.date(2026, 11, 28), 6, dt.date(2027, 5, 28)),  # into the next year
        (dt.date(2026, 12, 15), 1, dt.date(2027, 1, 15)),  # December to January
        (dt.date(2026, 1, 1), 11, dt.date(2026, 12, 1)),  # still the same year
        (dt.date(2026, 1, 1), 12, dt.date(2027, 1, 1)),
        (dt.date(2026, 3, 10), 30, dt.date(2028, 9, 10)),  # more than a year ahead
        (dt.date(2026, 8, 31), 1, dt.date(2026, 9, 30)),  # the 31st: the last day of a shorter month
        (dt.date(2026, 3, 31), 6, dt.date(2026, 9, 30)),
        (dt.date(2026, 8, 31), 6, dt.date(2027, 2, 28)),
        (dt.date(2027, 8, 31), 6, dt.date(2028, 2, 29)),  # leap year
        (dt.date(2027, 8, 30), 6, dt.date(2028, 2, 29)),
        (dt.date(2027, 8, 29), 6, dt.date(2028, 2, 29)),
        (dt.date(2027, 8, 28), 6, dt.date(2028, 2, 28)),
        (dt.date(2028, 2, 29), 12, dt.date(2029, 2, 28)),
        (dt.date(2026, 1, 31), 2, dt.date(2026, 3, 31)),  # a long month keeps the 31st
    ],
)
def test_adding_months_keeps_the_day_or_takes_the_last_of_a_shorter_month(day, months, expected):
    assert _add_months(day, months) == expected


def overview_row(person: int, end: dt.date, status: str = "red", latest: bool = True, register: str = SW
                 ) -> OverviewRow:
    return fetched_row(person, "P.", f"Persoon{person}", register, f"46100{person:04d}", latest)._replace(
        end_date=end, status=status)


@pytest.mark.parametrize(
    ("today", "end", "soon"),
    [
        (TODAY, dt.date(2027, 5, 27), True),
        (TODAY, dt.date(2027, 5, 28), True),  # exactly six months ahead still counts
        (TODAY, dt.date(2027, 5, 29), False),
        (dt.date(2026, 8, 31), dt.date(2027, 2, 28), True),  # six months from the 31st: the last of February
        (dt.date(2026, 8, 31), dt.date(2027, 3, 1), False),
        (TODAY, TODAY, True),
    ],
)
def test_a_red_period_ends_soon_up_to_six_months_ahead(today, end, soon):
    assert summarise([overview_row(1, end)], today) == Summary(1, 1, 1 if soon else 0)


def test_the_summary_counts_professionals_not_rows():
    rows = [
        overview_row(1, dt.date(2027, 1, 1)),  # Persoon1: red in SW, soon ...
        overview_row(1, dt.date(2026, 12, 31), latest=False),
        overview_row(1, dt.date(2027, 2, 1), register=CO),  # ... and in CO: still one professional
        overview_row(2, dt.date(2030, 1, 1)),  # Persoon2: red, not soon
        overview_row(3, dt.date(2027, 1, 1), status="green"),  # Persoon3: green, however soon
        overview_row(4, dt.date(2027, 1, 1), status="green"),  # Persoon4: only the previous period is red
        overview_row(4, dt.date(2026, 12, 31), latest=False),
    ]
    assert summarise(rows, TODAY) == Summary(professionals=4, red=2, red_ending_soon=1)
