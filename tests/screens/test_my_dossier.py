"""Mijn dossier through the pane: add, change and delete one's own activities, and see the points follow."""
from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import DataTable, Input, Select, TextArea

from models import Activity, AuditEvent
from models.audit import Action
from models.rules import Norm
from screens.dialogs import ConfirmDialog
from screens.my_dossier import ADDED, CHANGED, DELETED, ActivityScreen, MyDossierPane
from screens.professionals import ProfessionalsPane
from tests import story
from tests.screens.helpers import error_of, fill, notifications, settle
from tests.screens.panes import PaneHost, show_pane, shown_keys, visible_text
from tests.screens.signing_in import app_for
from tui.table import VirtualTable

SW_NORM = Norm(150, 60, 40, 30)


@pytest.fixture
def world(sqlite_db):
    """Test has 140 of 150 points in the Register Sociaal Werkers, 10 training points short; Kroon follows her."""
    sw = story.register("Register Sociaal Werkers", "SW", norm=SW_NORM)
    org = story.organisation("Stichting Welzijn Utrecht")
    overvecht = story.branch(org, "Overvecht", "kroon")
    test = story.professional("T.", "Test")
    registration = story.registration(test, sw, number="461000001")
    period = story.latest_period(registration)
    story.activity(period, "training", 50, title="Motiverende gespreksvoering", day=dt.date(2025, 3, 4))
    story.activity(period, "supervision", 60, title="Supervisie", day=dt.date(2025, 6, 1))
    story.activity(period, "other", 30, title="Congres", day=dt.date(2026, 2, 2))
    story.grant(test, overvecht)
    return {"sw": sw, "test": test, "me": story.account_of(test), "period": period, "kroon": overvecht.manager}


def activity_titles(app, period_id: int) -> list[str]:
    table = app.screen.query_one(f"#activities-{period_id}", DataTable)
    return [str(table.get_row_at(index)[1]) for index in range(table.row_count)]


async def to_activity(pilot, period_id: int, title: str) -> None:
    table = pilot.app.screen.query_one(f"#activities-{period_id}", DataTable)
    table.focus()
    table.move_cursor(row=activity_titles(pilot.app, period_id).index(title))
    await pilot.pause()


async def test_the_pane_shows_the_period_its_rules_and_the_activities(world, clock, tmp_path):
    app = app_for(clock, tmp_path)
    async with app.run_test(size=(120, 50)) as pilot:
        await show_pane(pilot, MyDossierPane, world["me"])
        text = visible_text(app)
        assert "Register Sociaal Werkers · 461000001 · geregistreerd" in text
        assert "Periode 01-01-2024 t/m 31-12-2028   Einddatum: 31-12-2028   Norm: 150   Behaald: 140" in text
        assert "● ✖ rood" in text
        assert "Scholing (minimum)" in text and "50/60" in text and "Overige (maximum)" in text
        assert activity_titles(app, world["period"].id) == ["Congres", "Supervisie", "Motiverende gespreksvoering"]
        assert {"n", "e", "delete"} <= shown_keys(app)
        assert isinstance(app.focused, DataTable)  # the keys work at once
    assert AuditEvent.select().count() == 0  # one's own views are not recorded


async def test_adding_an_activity_turns_the_period_green_and_the_employer_sees_it(world, clock, tmp_path):
    app = app_for(clock, tmp_path)
    async with app.run_test(size=(120, 50)) as pilot:
        await show_pane(pilot, MyDossierPane, world["me"])
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, ActivityScreen)
        await fill(pilot, title="Meldcode [huiselijk geweld]", points="8,5", provider="Movisie")
        app.screen.query_one("#date", Input).focus()
        await pilot.press(*"12-11-2026")
        app.screen.query_one("#category", Select).value = "training"
        app.screen.query_one("#reflection", TextArea).load_text("Wat ik leerde:\n- signalen eerder herkennen")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ActivityScreen)
        assert error_of(app, "points") == "Vul een heel aantal punten in, zonder komma: één punt per netto uur."
        assert app.focused is app.screen.query_one("#points", Input)
        assert app.screen.query_one("#title", Input).value == "Meldcode [huiselijk geweld]"  # nothing lost
        assert app.screen.query_one("#date", Input).value == "12-11-2026"
        assert app.screen.query_one("#category", Select).value == "training"
        assert app.screen.query_one("#reflection", TextArea).text == "Wat ik leerde:\n- signalen eerder herkennen"
        assert not Activity.select().where(Activity.title.startswith("Meldcode")).exists()

        await fill(pilot, points="10")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, PaneHost)
        assert ADDED in notifications(app)
        text = visible_text(app)
        assert "Behaald: 150" in text and "● ✔ groen" in text
        assert activity_titles(app, world["period"].id)[0] == "Meldcode [huiselijk geweld]"
        assert "Wat ik leerde:\n- signalen eerder herkennen" in text  # the new activity is highlighted

        await show_pane(pilot, ProfessionalsPane, world["kroon"])
        [row] = [row for row in app.screen.query_one(VirtualTable).rows if row.is_latest]
        assert (row.name, row.achieved, row.status) == ("T. Test", 150, "green")


async def test_changing_an_activity_with_enter_moves_the_points(world, clock, tmp_path):
    app = app_for(clock, tmp_path)
    async with app.run_test(size=(120, 50)) as pilot:
        await show_pane(pilot, MyDossierPane, world["me"])
        await to_activity(pilot, world["period"].id, "Motiverende gespreksvoering")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ActivityScreen)
        assert app.screen.query_one("#date", Input).value == "04-03-2025"
        assert app.screen.query_one("#points", Input).value == "50"
        assert app.screen.query_one("#category", Select).value == "training"
        await fill(pilot, points="60")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, PaneHost)
        assert CHANGED in notifications(app)
        assert "Behaald: 150" in visible_text(app) and "● ✔ groen" in visible_text(app)
        table = app.screen.query_one(f"#activities-{world['period'].id}", DataTable)
        assert app.focused is table and str(table.get_row_at(table.cursor_row)[3]) == "60"
        await pilot.press("e")  # e does the same as Enter
        await pilot.pause()
        assert app.screen.query_one("#points", Input).value == "60"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, PaneHost)
    assert AuditEvent.select().where(AuditEvent.action == Action.ACTIVITY_CHANGED).count() == 1


async def test_deleting_asks_first_and_then_the_points_are_gone(world, clock, tmp_path):
    app = app_for(clock, tmp_path)
    async with app.run_test(size=(120, 50)) as pilot:
        await show_pane(pilot, MyDossierPane, world["me"])
        await to_activity(pilot, world["period"].id, "Supervisie")
        await pilot.press("delete")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("escape")  # not after all
        await settle(pilot)
        assert activity_titles(app, world["period"].id) == ["Congres", "Supervisie", "Motiverende gespreksvoering"]
        await pilot.press("delete")
        await pilot.pause()
        await pilot.click("#confirm")
        await settle(pilot)
        assert isinstance(app.screen, PaneHost)
        assert DELETED in notifications(app)
        assert activity_titles(app, world["period"].id) == ["Congres", "Motiverende gespreksvoering"]
        assert "Behaald: 80" in visible_text(app) and "● ✖ rood" in visible_text(app)

        await show_pane(pilot, ProfessionalsPane, world["kroon"])
        [row] = [row for row in app.screen.query_one(VirtualTable).rows if row.is_latest]
        assert (row.achieved, row.status) == (80, "red")


async def test_n_adds_to_the_registration_whose_table_has_the_focus(world, clock, tmp_path):
    co = story.register("Register Cliëntondersteuners", "CO", norm=Norm(100, 40, 20, None))
    other = story.latest_period(story.registration(world["test"], co, number="461000009"))
    app = app_for(clock, tmp_path)
    async with app.run_test(size=(120, 60)) as pilot:
        await show_pane(pilot, MyDossierPane, world["me"])
        app.screen.query_one(f"#activities-{other.id}", DataTable).focus()
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        assert app.screen.period.period_id == other.id
        await fill(pilot, title="Cliëntondersteuning in de Wmo", date="1-9-2026", points="12")
        app.screen.query_one("#category", Select).value = "intervision"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert activity_titles(app, other.id) == ["Cliëntondersteuning in de Wmo"]
        assert app.focused is app.screen.query_one(f"#activities-{other.id}", DataTable)
        assert "Behaald: 140" in visible_text(app) and "Behaald: 12" in visible_text(app)


async def test_a_period_that_has_ended_is_read_only(sqlite_db, clock, tmp_path):
    sw = story.register(norm=SW_NORM)
    person = story.professional("V.", "Verlopen")
    period = story.latest_period(story.registration(person, sw, periods=[(dt.date(2021, 11, 1),
                                                                          dt.date(2026, 10, 31))]))
    story.activity(period, "training", 8, title="Oude scholing")
    app = app_for(clock, tmp_path)
    async with app.run_test(size=(120, 50)) as pilot:
        await show_pane(pilot, MyDossierPane, story.account_of(person))
        assert "Deze periode is afgelopen op 31-10-2026." in visible_text(app)
        assert activity_titles(app, period.id) == ["Oude scholing"]
        assert not {"n", "e", "delete"} & shown_keys(app)
        await pilot.press("n", "e", "enter", "delete")
        await pilot.pause()
        assert isinstance(app.screen, PaneHost)


async def test_a_period_that_ends_while_the_form_is_open_is_refused_calmly(world, clock, tmp_path):
    app = app_for(clock, tmp_path)
    async with app.run_test(size=(120, 50)) as pilot:
        await show_pane(pilot, MyDossierPane, world["me"])
        await pilot.press("n")
        await pilot.pause()
        await fill(pilot, title="Laat op de avond", date="1-10-2026", points="3")
        app.screen.query_one("#category", Select).value = "training"
        clock.advance(dt.timedelta(days=800))  # the period has ended meanwhile
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert any("afgelopen op 31-12-2028" in message for message in notifications(app))
        assert isinstance(app.screen, ActivityScreen)  # what was typed stays; Escape closes the form
        assert app.screen.query_one("#title", Input).value == "Laat op de avond"
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, PaneHost)
    assert not Activity.select().where(Activity.title == "Laat op de avond").exists()
