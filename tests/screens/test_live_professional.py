"""The professional's workspace follows what others do, without a key press: an employer ending the inzage,
an employer opening the dossier, an activity added in another session — and unsaved changes stay.

Every change here is made outside the app (a direct models call is another session; one test runs it
in a child process), and reaches the app through the change feed.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import os
import sys
from pathlib import Path

import pytest
from textual.widgets import DataTable, Input, Select

from models import AccessGrant, Activity
from models.activities import ActivityForm, add_activity, delete_activity, edit_activity
from models.dossier import open_dossier
from models.removal import remove_professional
from screens.access_log import NOBODY, AccessLogPane
from screens.inzage import PENDING, InzagePane
from screens.my_dossier import ActivityScreen, MyDossierPane
from screens.professional import ProfessionalScreen
from tests import story
from tests.screens.helpers import eventually, notifications, settle, watching
from tests.screens.panes import visible_text
from tests.screens.signing_in import app_for

ROOT = Path(__file__).resolve().parents[2]
STILL_THERE = ("De inzage is intussen gewijzigd door Kroon. Uw niet-opgeslagen wijzigingen staan er nog; kies "
               "Ctrl+S om ze op te slaan of Escape om ze los te laten.")
# Kroon removes Test from his overview, in a process of its own (another session, as on another machine).
REMOVE_IN_A_CHILD = """
import datetime as dt, sys
from models.accounts import Account
from models.clock import FixedClock
from models.db import open_database
from models.removal import remove_professional
open_database(sys.argv[1])
remove_professional(Account.get(Account.username == "kroon"), int(sys.argv[2]), FixedClock(dt.datetime(2026, 11, 28, 9)))
"""


def followed_by_kroon_and_jansen() -> story.Employers:
    world = story.employers()
    period = story.latest_period(story.registration(world.test, story.register()))
    for day in range(1, 21):  # enough activities for the table to scroll
        story.activity(period, "intervision", 2, title=f"Intervisie {day:02d}", day=dt.date(2026, 10, day))
    story.grant(world.test, world.overvecht)
    story.grant(world.test, world.centrum)
    return world


def database_url(request, tmp_path) -> str:
    """The URL of the test's database (the `database` fixture), for a child process."""
    if request.node.callspec.params["database"] == "postgresql":
        return request.getfixturevalue("pg_url")
    return f"sqlite:///{tmp_path / 'inzage.sqlite3'}"  # as the sqlite_db fixture opens it


async def signed_in_as(pilot, tab: str) -> ProfessionalScreen:
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ProfessionalScreen)
    await watching(pilot)
    await pilot.press(tab)
    await settle(pilot)
    return screen


def grant_rows(app) -> dict[str, list[str]]:
    """Branch -> the row's cells, each cell on one line."""
    return {" ".join(row[3].split()): [" ".join(cell.split()) for cell in row] for row in inzage_rows(app)}


def inzage_rows(app) -> list[list[str]]:
    table = app.screen.query_one(InzagePane).query_one(DataTable)
    return [[str(cell) for cell in table.get_row_at(index)] for index in range(table.row_count)]


def look_rows(app) -> list[list[str]]:
    table = app.screen.query_one(AccessLogPane).query_one(DataTable)
    return [[str(cell) for cell in table.get_row_at(index)] for index in range(table.row_count)]


def highlighted(table: DataTable) -> str | None:
    return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value


async def to_grant(pilot, branch: str) -> DataTable:
    table = pilot.app.screen.query_one(InzagePane).query_one(DataTable)
    table.focus()
    table.move_cursor(row=[" ".join(row[3].split()) for row in inzage_rows(pilot.app)].index(branch))
    await pilot.pause()
    return table


# -- Inzage ---------------------------------------------------------------------------------------------------------
async def test_an_employer_ending_the_inzage_in_another_process_shows_as_ended(database, request, clock, tmp_path):
    world = followed_by_kroon_and_jansen()
    url = database_url(request, tmp_path)
    app = app_for(clock, tmp_path, signed_in=story.account_of(world.test))
    app.watch_interval = 0.05
    async with app.run_test(size=(120, 40)) as pilot:
        await signed_in_as(pilot, "f3")
        assert grant_rows(app)["Overvecht"][-1] == "heeft inzage"
        table = await to_grant(pilot, "Centrum")
        child = await asyncio.create_subprocess_exec(
            sys.executable, "-c", REMOVE_IN_A_CHILD, url, str(world.test.id), cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)})
        assert await child.wait() == 0
        await eventually(pilot, lambda: grant_rows(app)["Overvecht"][-1].startswith("beëindigd door Kroon"))
        assert grant_rows(app)["Overvecht"][-1] == "beëindigd door Kroon (Stichting Welzijn Utrecht) op 28-11-2026"
        assert app.focused is table and highlighted(table) == f"grant-{AccessGrant.get(branch=world.centrum).id}"
        assert PENDING not in visible_text(app) and "intussen" not in visible_text(app)  # nothing was pending


async def test_unsaved_changes_survive_a_change_made_elsewhere_and_the_pane_says_so(sqlite_db, clock, tmp_path):
    world = followed_by_kroon_and_jansen()
    app = app_for(clock, tmp_path, signed_in=story.account_of(world.test))
    app.watch_interval = 0.05
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await signed_in_as(pilot, "f3")
        pane = app.screen.query_one(InzagePane)
        table = await to_grant(pilot, "Centrum")
        await pilot.press("delete")  # Jansen's inzage to end, not saved yet
        await pilot.pause()
        remove_professional(world.kroon, world.test.id, clock)  # meanwhile Kroon ends his
        await eventually(pilot, lambda: grant_rows(app)["Overvecht"][-1].startswith("beëindigd door Kroon"))
        assert grant_rows(app)["Centrum"][-1] == "wordt ingetrokken bij opslaan"  # still pending
        assert pane.has_unsaved_changes and PENDING in visible_text(app)
        assert STILL_THERE in visible_text(app)  # a line on the pane ...
        assert STILL_THERE in notifications(app)  # ... and a toast
        assert app.focused is table and highlighted(table) == f"grant-{AccessGrant.get(branch=world.centrum).id}"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert grant_rows(app)["Centrum"][-1] == "ingetrokken door u op 28-11-2026"
        assert "intussen" not in visible_text(app) and not pane.has_unsaved_changes
    assert AccessGrant.select().where(AccessGrant.revoked_at.is_null()).count() == 0


async def test_a_pending_change_to_an_inzage_ended_meanwhile_lapses_and_the_pane_says_so(sqlite_db, clock,
                                                                                          tmp_path):
    world = followed_by_kroon_and_jansen()
    app = app_for(clock, tmp_path, signed_in=story.account_of(world.test))
    app.watch_interval = 0.05
    async with app.run_test(size=(120, 40)) as pilot:
        await signed_in_as(pilot, "f3")
        pane = app.screen.query_one(InzagePane)
        await to_grant(pilot, "Overvecht")
        await pilot.press("delete")
        await pilot.pause()
        assert pane.has_unsaved_changes
        remove_professional(world.kroon, world.test.id, clock)
        await eventually(pilot, lambda: grant_rows(app)["Overvecht"][-1].startswith("beëindigd door Kroon"))
        text = visible_text(app)
        assert ("De inzage is intussen gewijzigd door Kroon. Uw wijziging voor Overvecht (Stichting Welzijn "
                "Utrecht) is vervallen: die inzage is intussen beëindigd.") in text
        assert "staan er nog" not in text and PENDING not in text and not pane.has_unsaved_changes


async def test_a_branch_renamed_elsewhere_shows_in_the_grants_table(sqlite_db, clock, tmp_path):
    from models.branches import rename_branch

    world = followed_by_kroon_and_jansen()
    app = app_for(clock, tmp_path, signed_in=story.account_of(world.test))
    app.watch_interval = 0.05
    async with app.run_test(size=(120, 40)) as pilot:
        await signed_in_as(pilot, "f3")
        rename_branch(world.verburg, world.overvecht.id, "Vleuten", clock)
        await eventually(pilot, lambda: "Vleuten" in grant_rows(app))
        assert "Overvecht" not in grant_rows(app)


# -- Wie keek er ------------------------------------------------------------------------------------------------------
async def test_an_employer_opening_the_dossier_shows_in_wie_keek_er(sqlite_db, clock, tmp_path):
    world = followed_by_kroon_and_jansen()
    app = app_for(clock, tmp_path, signed_in=story.account_of(world.test))
    app.watch_interval = 0.05
    async with app.run_test(size=(120, 40)) as pilot:
        await signed_in_as(pilot, "f4")
        pane = app.screen.query_one(AccessLogPane)
        assert NOBODY in visible_text(app)
        open_dossier(world.kroon, world.test.id, clock)  # 09:00 UTC is 10:00 in Amsterdam
        await eventually(pilot, lambda: len(pane.looks) == 1)
        assert [row[:3] for row in look_rows(app)] == [["28-11-2026 10:00", "dossier bekeken door", "Kroon"]]
        assert NOBODY not in visible_text(app)
        await pilot.press("f2")  # a look while the tab is hidden: read when it is shown again
        await settle(pilot)
        clock.advance(dt.timedelta(minutes=5))
        open_dossier(world.jansen, world.test.id, clock)
        await eventually(pilot, lambda: pane.stale)
        assert len(pane.looks) == 1
        await pilot.press("f4")
        await eventually(pilot, lambda: len(pane.looks) == 2)
        assert [row[2] for row in look_rows(app)] == ["Jansen", "Kroon"]
        assert not pane.stale


# -- Mijn dossier -----------------------------------------------------------------------------------------------------
def titles(table: DataTable) -> list[str]:
    return [str(table.get_row_at(index)[1]) for index in range(table.row_count)]


async def test_an_activity_added_in_another_session_shows_in_place(sqlite_db, clock, tmp_path):
    world = followed_by_kroon_and_jansen()
    me = story.account_of(world.test)
    period = story.latest_period(world.test.registrations.get())
    app = app_for(clock, tmp_path, signed_in=me)
    app.watch_interval = 0.05
    async with app.run_test(size=(120, 40)) as pilot:
        await signed_in_as(pilot, "f2")
        pane = app.screen.query_one(MyDossierPane)
        table = app.screen.query_one(f"#activities-{period.id}", DataTable)
        assert app.focused is table
        table.move_cursor(row=titles(table).index("Intervisie 01"))
        await settle(pilot)
        scrolled = table.scroll_y
        assert scrolled > 0  # the highlighted row is further down than the table is high
        add_activity(me, period.id, ActivityForm("Meldcode", "training", "12-11-2026", "8", "Movisie", ""), clock)
        await eventually(pilot, lambda: "Meldcode" in titles(table))
        await settle(pilot)
        assert app.screen.query_one(f"#activities-{period.id}", DataTable) is table  # updated in place
        assert app.focused is table and str(table.get_row_at(table.cursor_row)[1]) == "Intervisie 01"
        assert table.scroll_y >= scrolled  # not back to the top, and the cursor row still in view
        assert table.scroll_y <= table.cursor_row < table.scroll_y + table.scrollable_content_region.height
        assert "Behaald: 48" in visible_text(app)
        assert pane.lines and not pane.busy


async def test_the_activity_form_keeps_what_is_typed_while_the_activity_changes_elsewhere(sqlite_db, clock,
                                                                                         tmp_path):
    world = followed_by_kroon_and_jansen()
    me = story.account_of(world.test)
    period = story.latest_period(world.test.registrations.get())
    first = Activity.get(Activity.title == "Intervisie 01")
    app = app_for(clock, tmp_path, signed_in=me)
    app.watch_interval = 0.05
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await signed_in_as(pilot, "f2")
        table = app.screen.query_one(f"#activities-{period.id}", DataTable)
        table.move_cursor(row=titles(table).index("Intervisie 01"))
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, ActivityScreen)
        app.screen.query_one("#title", Input).value = "Intervisie 01, hier getypt"
        edit_activity(me, first.id, ActivityForm("Intervisie 01, elders", "intervision", "01-10-2026", "3"), clock)
        await eventually(pilot, lambda: "Intervisie 01, elders" in titles(table))  # underneath, the pane follows
        assert isinstance(app.screen, ActivityScreen)
        assert app.screen.query_one("#title", Input).value == "Intervisie 01, hier getypt"  # what is typed stays
        assert app.screen.query_one("#category", Select).value == "intervision"
        await pilot.press("ctrl+s")  # the last save holds what was typed last
        await settle(pilot)
        assert not isinstance(app.screen, ActivityScreen)
        assert Activity.get_by_id(first.id).title == "Intervisie 01, hier getypt"
        assert "Intervisie 01, hier getypt" in titles(table)

        table.move_cursor(row=titles(table).index("Intervisie 02"))
        await pilot.press("e")
        await settle(pilot)
        app.screen.query_one("#title", Input).value = "Intervisie 02, hier getypt"
        second = Activity.get(Activity.title == "Intervisie 02")
        delete_activity(me, second.id, clock)  # deleted in another session
        await eventually(pilot, lambda: "Intervisie 02" not in titles(table))
        assert app.screen.query_one("#title", Input).value == "Intervisie 02, hier getypt"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Deze activiteit staat niet (meer) in uw dossier." in notifications(app)
        assert isinstance(app.screen, ActivityScreen)  # the form stays open with what was typed
        assert app.screen.query_one("#title", Input).value == "Intervisie 02, hier getypt"
        assert not Activity.select().where(Activity.title.startswith("Intervisie 02")).exists()
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, ActivityScreen)


@pytest.mark.parametrize("database", ["postgresql"], indirect=True)
async def test_on_postgresql_an_ended_inzage_and_a_look_show_at_once(database, clock, tmp_path):
    world = followed_by_kroon_and_jansen()
    app = app_for(clock, tmp_path, signed_in=story.account_of(world.test))
    async with app.run_test(size=(120, 40)) as pilot:  # PostgreSQL tells the watcher itself: no interval to set
        await signed_in_as(pilot, "f3")
        remove_professional(world.kroon, world.test.id, clock)
        await eventually(pilot, lambda: grant_rows(app)["Overvecht"][-1].startswith("beëindigd door Kroon"))
        await pilot.press("f4")
        await settle(pilot)
        open_dossier(world.jansen, world.test.id, clock)
        await eventually(pilot, lambda: len(app.screen.query_one(AccessLogPane).looks) == 1)
