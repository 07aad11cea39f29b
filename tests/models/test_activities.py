"""A professional keeps their own activities: points and status follow at once, and only their own, running periods."""
from __future__ import annotations

import datetime as dt
import json

import pytest

from models import Activity, AuditEvent, Role
from models.access import AccessDenied
from models.activities import (
    FIELDS,
    ActivityForm,
    PeriodClosed,
    add_activity,
    delete_activity,
    edit_activity,
    my_dossier,
)
from models.audit import Action
from models.overview import overview_rows
from models.professionals import RegistrationPeriod
from models.rules import Norm
from tests import story

SW_NORM = Norm(150, 60, 40, 30)  # 150 in total, at least 60 training and 40 reflection, at most 30 other
A_GOOD_FORM = ActivityForm(title="Meldcode huiselijk geweld", category="training", date="12-11-2026", points="10",
                           provider="Movisie", reflection="")


def reloaded(period: RegistrationPeriod) -> RegistrationPeriod:
    return RegistrationPeriod.get_by_id(period.id)


def with_form(**changes: str) -> ActivityForm:
    return ActivityForm(**{**A_GOOD_FORM.__dict__, **changes})


@pytest.fixture
def world(database):
    """Test is in the Register Sociaal Werkers from 2024 to 2028 with 140 points, 10 training points short.
    She granted Overvecht (Kroon) access. Anders is another professional with his own period."""
    sw = story.register("Register Sociaal Werkers", "SW", norm=SW_NORM)
    org = story.organisation("Stichting Welzijn Utrecht")
    overvecht = story.branch(org, "Overvecht", "kroon")
    test = story.professional("T.", "Test")
    period = story.latest_period(story.registration(test, sw, number="461000001"))
    story.activity(period, "training", 50, title="Motiverende gespreksvoering")
    story.activity(period, "supervision", 60, title="Supervisie")
    story.activity(period, "other", 30, title="Congres")
    story.grant(test, overvecht)
    anders = story.professional("A.", "Anders")
    others_period = story.latest_period(story.registration(anders, sw, number="461000002"))
    others_activity = story.activity(others_period, "training", 8, title="Van Anders")
    return {"test": test, "me": story.account_of(test), "period": reloaded(period), "kroon": overvecht.manager,
            "anders": anders, "others_period": others_period, "others_activity": others_activity}


def test_adding_the_last_training_points_turns_the_period_green_and_deleting_turns_it_red(world, clock):
    me, period = world["me"], world["period"]
    assert (period.achieved, period.status) == (140, "red")
    activity = add_activity(me, period.id, A_GOOD_FORM, clock)
    after = reloaded(period)
    assert (after.achieved, after.points_training, after.status) == (150, 60, "green")
    assert (activity.title, activity.category, activity.date, activity.points, activity.provider,
            activity.reflection) == ("Meldcode huiselijk geweld", "training", dt.date(2026, 11, 12), 10, "Movisie",
                                     None)
    delete_activity(me, activity.id, clock)
    after = reloaded(period)
    assert (after.achieved, after.points_training, after.status) == (140, 50, "red")
    assert not Activity.select().where(Activity.id == activity.id).exists()
    events = list(AuditEvent.select().order_by(AuditEvent.id))
    assert [event.action for event in events] == [Action.ACTIVITY_ADDED, Action.ACTIVITY_DELETED]
    assert all(event.actor_id == me.id and event.professional_id == world["test"].id for event in events)
    assert json.loads(events[0].detail) == {"activity": activity.id, "period": period.id, "category": "training",
                                            "points": 10}


def test_editing_moves_points_and_status_with_it(world, clock):
    me, period = world["me"], world["period"]
    activity = add_activity(me, period.id, A_GOOD_FORM, clock)
    edited = edit_activity(me, activity.id, with_form(points="4", title="Meldcode, deel 1"), clock)
    assert (edited.id, edited.points, edited.title) == (activity.id, 4, "Meldcode, deel 1")
    assert (reloaded(period).achieved, reloaded(period).status) == (144, "red")
    # "Other" is capped at 30: moving the points there adds nothing to the total.
    edit_activity(me, activity.id, with_form(points="10", category="other"), clock)
    after = reloaded(period)
    assert (after.points_training, after.points_other, after.achieved, after.status) == (50, 40, 140, "red")
    edit_activity(me, activity.id, with_form(points="10", category="training"), clock)
    assert reloaded(period).status == "green"
    changed = AuditEvent.select().where(AuditEvent.action == Action.ACTIVITY_CHANGED).order_by(AuditEvent.id)
    assert [json.loads(event.detail)["changed"] for event in changed] == [
        ["title", "points"], ["title", "category", "points"], ["category"]]


def test_saving_an_unchanged_activity_changes_and_records_nothing(world, clock):
    activity = add_activity(world["me"], world["period"].id, A_GOOD_FORM, clock)
    edit_activity(world["me"], activity.id, with_form(title="  Meldcode   huiselijk geweld "), clock)
    assert AuditEvent.select().where(AuditEvent.action == Action.ACTIVITY_CHANGED).count() == 0


def test_the_employers_overview_shows_the_new_points_at_once(world, clock, today):
    def kroon_sees():
        return [(row.achieved, row.status) for row in overview_rows(world["kroon"], today) if row.is_latest]

    assert kroon_sees() == [(140, "red")]
    activity = add_activity(world["me"], world["period"].id, A_GOOD_FORM, clock)
    assert kroon_sees() == [(150, "green")]
    edit_activity(world["me"], activity.id, with_form(points="25"), clock)
    assert kroon_sees() == [(165, "green")]
    delete_activity(world["me"], activity.id, clock)
    assert kroon_sees() == [(140, "red")]


def test_my_dossier_is_my_own_and_not_audited(world, clock):
    dossier = my_dossier(world["me"])
    assert dossier.professional_id == world["test"].id
    [period] = dossier.periods
    assert (period.period_id, period.number, period.achieved, period.status) == (world["period"].id, "461000001",
                                                                                 140, "red")
    assert [line.title for line in period.activities] == ["Congres", "Supervisie", "Motiverende gespreksvoering"]
    assert AuditEvent.select().count() == 0
    with pytest.raises(AccessDenied):
        my_dossier(world["kroon"])


# -- what is typed ------------------------------------------------------------------------------------------------
INVALID = [
    ("title", "", "Vul de titel in."),
    ("title", "   ", "Vul de titel in."),
    ("title", "x" * 301, "Gebruik voor de titel hooguit 300 tekens."),
    ("category", "", "Kies een categorie."),
    ("category", "webinar", "Kies een categorie."),
    ("date", "", "Vul de datum in als dag-maand-jaar, bijvoorbeeld 31-12-2026."),
    ("date", "2026-11-12", "Vul de datum in als dag-maand-jaar, bijvoorbeeld 31-12-2026."),
    ("date", "31-02-2026", "31-02-2026 bestaat niet als datum."),
    ("date", "31-12-2023", "Kies een datum in deze periode: van 01-01-2024 t/m 31-12-2028."),
    ("date", "1-1-2029", "Kies een datum in deze periode: van 01-01-2024 t/m 31-12-2028."),
    ("date", "29-11-2026", "Deze datum ligt in de toekomst. Vul de datum in waarop u de activiteit deed."),
    ("points", "", "Vul het aantal punten in: één punt per netto uur."),
    ("points", "8,5", "Vul een heel aantal punten in, zonder komma: één punt per netto uur."),
    ("points", "8.5", "Vul een heel aantal punten in, zonder komma: één punt per netto uur."),
    ("points", "0", "Vul minstens 1 punt in."),
    ("points", "-3", "Vul minstens 1 punt in."),
    ("points", "veel", "Vul het aantal punten in als getal, bijvoorbeeld 8."),
    ("points", "8 uur", "Vul het aantal punten in als getal, bijvoorbeeld 8."),
    ("points", "1001", "Vul hooguit 1000 punten in voor één activiteit."),
    ("points", "9" * 5000, "Vul hooguit 1000 punten in voor één activiteit."),
    ("provider", "x" * 301, "Gebruik voor de aanbieder hooguit 300 tekens."),
    ("reflection", "x" * 10_001, "Gebruik voor de reflectie hooguit 10.000 tekens; het zijn er nu 10.001."),
    ("reflection", "Goed\x00gesprek", "Gebruik in de reflectie geen stuurtekens."),
]


@pytest.mark.parametrize(("field", "value", "message"), INVALID,
                         ids=[f"{field}={value[:12]!r}" for field, value, _ in INVALID])
def test_what_is_refused_gets_a_message_next_to_its_field(world, clock, field, value, message):
    from models.validation import FormErrors

    with pytest.raises(FormErrors) as refused:
        add_activity(world["me"], world["period"].id, with_form(**{field: value}), clock)
    assert refused.value.errors == {field: message}
    assert Activity.select().where(Activity.period == world["period"].id).count() == 3
    assert reloaded(world["period"]).achieved == 140
    assert AuditEvent.select().count() == 0


def test_every_field_is_checked_at_once(world, clock):
    from models.validation import FormErrors

    wrong = ActivityForm(title="", category="", date="morgen", points="veel", provider="x" * 301,
                         reflection="x" * 10_001)
    with pytest.raises(FormErrors) as refused:
        add_activity(world["me"], world["period"].id, wrong, clock)
    assert set(refused.value.errors) == set(FIELDS)


@pytest.mark.parametrize(("changes", "stored"), [
    ({"points": "8"}, {"points": 8}),
    ({"points": " 8 "}, {"points": 8}),
    ({"points": "1000"}, {"points": 1000}),
    ({"points": "1"}, {"points": 1}),
    ({"date": "28-11-2026"}, {"date": dt.date(2026, 11, 28)}),  # today
    ({"date": "1-1-2024"}, {"date": dt.date(2024, 1, 1)}),  # the first day of the period
    ({"date": " 2/3/2025 "}, {"date": dt.date(2025, 3, 2)}),
    ({"provider": ""}, {"provider": ""}),
    ({"title": "  Meldcode \t in  de praktijk "}, {"title": "Meldcode in de praktijk"}),
    ({"category": "peer_consultation"}, {"category": "peer_consultation"}),
    ({"reflection": "Wat ik leerde:\r\n- signalen herkennen  \n\n  Volgende keer: eerder vragen.\n\n"},
     {"reflection": "Wat ik leerde:\n- signalen herkennen\n\n  Volgende keer: eerder vragen."}),
    ({"reflection": " \n \n"}, {"reflection": None}),
    ({"reflection": "x" * 10_000}, {"reflection": "x" * 10_000}),
])
def test_what_is_accepted_is_stored_cleaned(world, clock, changes, stored):
    activity = add_activity(world["me"], world["period"].id, with_form(**changes), clock)
    fresh = Activity.get_by_id(activity.id)
    assert {column: getattr(fresh, column) for column in stored} == stored


# -- who may change what, and until when -------------------------------------------------------------------------
def nothing_changed(world) -> bool:
    others = RegistrationPeriod.get_by_id(world["others_period"].id)
    activity = Activity.get_by_id(world["others_activity"].id)
    return (others.achieved, activity.title, activity.points, AuditEvent.select().count()) == (8, "Van Anders", 8, 0) \
        and Activity.select().count() == 4


def test_another_professionals_period_and_activities_are_out_of_reach(world, clock):
    me = world["me"]
    with pytest.raises(AccessDenied):
        add_activity(me, world["others_period"].id, A_GOOD_FORM, clock)
    with pytest.raises(AccessDenied):
        edit_activity(me, world["others_activity"].id, with_form(title="Overschreven"), clock)
    with pytest.raises(AccessDenied):
        delete_activity(me, world["others_activity"].id, clock)
    with pytest.raises(AccessDenied):
        add_activity(me, 999_999, A_GOOD_FORM, clock)
    with pytest.raises(AccessDenied):
        edit_activity(me, 999_999, A_GOOD_FORM, clock)
    assert nothing_changed(world)


@pytest.mark.parametrize("role", [Role.EMPLOYER, Role.STAFF])
def test_employers_and_staff_change_no_activities(world, clock, role):
    account = world["kroon"] if role == Role.EMPLOYER else story.account("medewerker", Role.STAFF)
    with pytest.raises(AccessDenied):
        add_activity(account, world["others_period"].id, A_GOOD_FORM, clock)
    with pytest.raises(AccessDenied):
        edit_activity(account, world["others_activity"].id, A_GOOD_FORM, clock)
    with pytest.raises(AccessDenied):
        delete_activity(account, world["others_activity"].id, clock)
    with pytest.raises(AccessDenied):
        my_dossier(account)
    assert nothing_changed(world)


def test_a_period_can_be_changed_on_its_end_date_and_not_the_day_after(database, clock, today):
    sw = story.register(norm=SW_NORM)
    person = story.professional("E.", "Eindigt")
    period = story.latest_period(story.registration(person, sw, periods=[(dt.date(2021, 11, 29), today)]))
    me = story.account_of(person)
    activity = add_activity(me, period.id, with_form(date="28-11-2026"), clock)
    edit_activity(me, activity.id, with_form(date="28-11-2026", points="12"), clock)
    extra = add_activity(me, period.id, with_form(date="27-11-2026", points="3"), clock)
    delete_activity(me, extra.id, clock)
    assert reloaded(period).achieved == 12

    clock.advance(dt.timedelta(days=1))
    with pytest.raises(PeriodClosed) as closed:
        add_activity(me, period.id, with_form(date="28-11-2026"), clock)
    assert str(closed.value) == ("Deze registratieperiode is afgelopen op 28-11-2026. U kunt de activiteiten nog "
                                 "bekijken, maar niet meer toevoegen, wijzigen of verwijderen.")
    with pytest.raises(PeriodClosed):
        edit_activity(me, activity.id, with_form(date="28-11-2026", points="20"), clock)
    with pytest.raises(PeriodClosed):
        delete_activity(me, activity.id, clock)
    assert (Activity.get_by_id(activity.id).points, reloaded(period).achieved) == (12, 12)
    assert Activity.select().where(Activity.period == period.id).count() == 1
    assert AuditEvent.select().count() == 4  # add, change, add, delete: nothing after the end date
